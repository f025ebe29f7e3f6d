"""Validating bulk rows and grouping them per user.

Every row is checked before anything is written, with the editor's own rules (so the bulk
path and the editor can never disagree): the service model through the compiled spec (the
username, the attribute name pattern and length, the value length), the formats of the
standard attributes, and the pool's schema from DescribeUserPool (unknown attribute,
immutable, data type, string length and number range, required attributes that cannot be
deleted, `sub` and `identities` that Cognito alone writes).

A file may name each (user, attribute) once. The rows of one user are sent together (one
AdminUpdateUserAttributes for the sets, one AdminDeleteUserAttributes for the deletes), so
two different changes of the same attribute would have no defined order: both rows are
refused. An exact repeat is refused too, pointing at the row it repeats, so that the count
of rows always equals the count of changes reported.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from tui.core.attributes import delete_problems, name_problems, value_problems
from tui.core.bulk.rows import ParsedCsv, Row, RowProblem
from tui.core.schema import VERIFIED_FLAG, PoolSchema


@dataclass
class UserPlan:
    """The valid rows of one user, in file order."""

    username: str
    sets: list[Row] = field(default_factory=list)
    deletes: list[Row] = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        return sorted(self.sets + self.deletes, key=lambda row: row.line)


@dataclass
class Plan:
    users: list[UserPlan] = field(default_factory=list)
    invalid: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        return [row for user in self.users for row in user.rows]

    @property
    def valid(self) -> int:
        return sum(len(user.sets) + len(user.deletes) for user in self.users)

    @property
    def total(self) -> int:
        return self.valid + len(self.invalid)


@functools.lru_cache(maxsize=4096)
def username_problems(username: str) -> tuple[str, ...]:
    """What the model says about a username (AdminUpdateUserAttributes' Username member)."""
    from contracts.checker.spec import default_spec

    body = {"UserPoolId": "us-east-1_x", "Username": username, "UserAttributes": []}
    found = default_spec().validate("AdminUpdateUserAttributes", "input", body)
    return tuple(f"username: {v.message}" for v in found if v.path == "$.Username")


def row_problems(row: Row, schema: PoolSchema | None) -> list[str]:
    """Everything wrong with one row on its own (conflicts between rows are found later).
    The report already names the attribute, so the editor's "name: ..." prefix goes."""
    problems = list(username_problems(row.username))
    named = name_problems(row.attribute, schema)
    if named:
        found = named
    elif row.action == "delete":
        found = delete_problems(row.attribute, schema)
    else:
        found = value_problems(row.attribute, row.value, schema)
    prefix = f"{row.attribute}: "
    return problems + [p.removeprefix(prefix) for p in found]


def build_plan(parsed: ParsedCsv, schema: PoolSchema | None) -> Plan:
    """Check every row; group the valid ones per user, in the order users first appear."""
    plan = Plan(invalid=list(parsed.problems))
    checked: list[Row] = []
    for row in parsed.rows:
        problems = row_problems(row, schema)
        if problems:
            plan.invalid.append(RowProblem(row.line, row.username, row.attribute, tuple(problems)))
        else:
            checked.append(row)
    first: dict[tuple[str, str], Row] = {}
    refused: dict[int, str] = {}
    for row in checked:
        key = (row.username, row.attribute)
        earlier = first.setdefault(key, row)
        if earlier is row:
            continue
        if earlier.action == row.action and earlier.value == row.value:
            refused[row.line] = f"repeats line {earlier.line}"
        else:
            why = "conflicts with line {}: a file may change each attribute of a user once"
            refused[row.line] = why.format(earlier.line)
            refused.setdefault(earlier.line, why.format(row.line))
    users: dict[str, UserPlan] = {}
    for row in checked:
        if row.line in refused:
            reason = (refused[row.line],)
            plan.invalid.append(RowProblem(row.line, row.username, row.attribute, reason))
            continue
        user = users.setdefault(row.username, UserPlan(row.username))
        (user.deletes if row.action == "delete" else user.sets).append(row)
    plan.users = list(users.values())
    plan.invalid.sort(key=lambda problem: problem.line)
    plan.notes = verification_notes(plan, schema)
    return plan


def verification_notes(plan: Plan, schema: PoolSchema | None) -> list[str]:
    """Warn about changes the pool keeps pending until verified: they are sent, succeed,
    and yet the old value stays in effect for users whose current value is verified."""
    if schema is None:
        return []
    notes = []
    for attribute in sorted(schema.verify_before_update):
        flag = VERIFIED_FLAG.get(attribute)
        pending = 0
        for user in plan.users:
            names = {row.attribute: row.value for row in user.sets}
            if attribute in names and (flag is None or names.get(flag) != "true"):
                pending += 1
        if pending:
            notes.append(
                f"{pending} user(s) get a new {attribute}: this pool keeps the current "
                f"{attribute} until the new one is verified (where the current one is "
                f"verified); to switch at once, also set {flag} to true in the file"
            )
    return notes
