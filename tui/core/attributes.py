"""The attribute draft: what the server returned, what the user changed, and whether it may
be sent.

Edits stay in the draft until the service confirms them. `Draft.save` sends one
UpdateUserAttributes for the sets (with the ClientMetadata) and one DeleteUserAttributes for
the deletions; whatever fails stays pending, so a failed or interrupted save never loses an
edit. Validation comes from the service model (through the compiled spec: name pattern and
length, value length) and, when known, the pool's schema (mutability, data type, length and
range, required attributes), plus the format of the standard attributes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from tui.core.errors import CognitoError
from tui.core.schema import (
    CUSTOM_PREFIX,
    READ_ONLY_ATTRIBUTES,
    STANDARD_ATTRIBUTES,
    VERIFIED_FLAG,
    PoolSchema,
)

ChangeKind = Literal["add", "change", "delete"]
# Formats of standard attributes (OpenID Connect claims, as Cognito documents them).
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")
# ASCII digits only, as Cognito parses them: `\d`, `int()` and `str.isdigit()` also take
# Arabic-Indic, fullwidth or superscript digits, whitespace and underscores.
_E164 = re.compile(r"\+[1-9][0-9]{3,14}\Z")  # 4 to 15 digits: Cognito refuses fewer
_BIRTHDATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_INTEGER = re.compile(r"-?[0-9]+\Z")
_DIGITS = re.compile(r"[0-9]+\Z")
_ADDRESS_KEYS = {"formatted", "street_address", "locality", "region", "postal_code", "country"}
_URL = re.compile(r"https?://\S+\Z")
_LOCALE = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*\Z")
_FLAG_OF = {flag: name for name, flag in VERIFIED_FLAG.items()}


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    name: str
    old: str | None
    new: str | None

    def describe(self) -> str:
        if self.kind == "delete":
            return f"delete {self.name} (was {self.old!r})"
        if self.kind == "add":
            return f"add {self.name} = {self.new!r}"
        return f"{self.name}: {self.old!r} -> {self.new!r}"


@dataclass
class SaveResult:
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    deliveries: list[Any] = field(default_factory=list)  # CodeDelivery
    error: CognitoError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


# -- validation --------------------------------------------------------------------------------


def model_problems(name: str, value: str | None) -> list[str]:
    """What the service model says about a name and value, in the checker's own words."""
    from contracts.checker.spec import default_spec

    attribute: dict[str, str] = {"Name": name}
    if value is not None:
        attribute["Value"] = value
    body = {"AccessToken": "x", "UserAttributes": [attribute]}
    out = []
    for v in default_spec().validate("UpdateUserAttributes", "input", body):
        field_name = "name" if v.path.endswith(".Name") else "value"
        out.append(f"{field_name}: {v.message}")
    return out


def name_problems(name: str, schema: PoolSchema | None = None, *, admin: bool = True) -> list[str]:
    """Why `name` cannot be written. `admin=False` for the signed-in user's own calls
    (UpdateUserAttributes), which may not set the verified flags: Cognito sets those when a
    code is verified, and only the admin calls may set them directly."""
    problems = [p for p in model_problems(name, None) if p.startswith("name")]
    if problems:
        return problems
    if name in READ_ONLY_ATTRIBUTES:
        return [f"{name} is set by Cognito and cannot be changed"]
    if not admin and name in _FLAG_OF:
        return [
            f"{name} is set by Cognito when the {_FLAG_OF[name]} is verified with a code; "
            "only an administrator can set it"
        ]
    if schema is not None and schema.attributes and not schema.known(name):
        hint = ""
        if not name.startswith(CUSTOM_PREFIX) and schema.known(CUSTOM_PREFIX + name):
            hint = f" (did you mean {CUSTOM_PREFIX}{name}?)"
        return [f"{name} is not an attribute of this pool{hint}"]
    if schema is None and name not in STANDARD_ATTRIBUTES and not name.startswith(CUSTOM_PREFIX):
        return [f"{name} is not a standard attribute: custom attributes start with {CUSTOM_PREFIX}"]
    return []


def format_problems(name: str, value: str) -> list[str]:
    """Formats Cognito expects for standard attributes."""
    if value == "" and name in VERIFIED_FLAG:
        # Cognito refuses an empty address or number; removing one is a deletion.
        return [f"{name}: cannot be empty; to remove it, delete the attribute"]
    if value == "":
        return []
    if name == "email" and not _EMAIL.match(value):
        return ["email: expected an address like name@example.com"]
    if name == "phone_number" and not _E164.match(value):
        return ["phone_number: expected E.164, a + and 4 to 15 digits, like +15555550123"]
    if name in ("email_verified", "phone_number_verified") and value not in ("true", "false"):
        return [f"{name}: expected true or false"]
    if name == "birthdate":
        m = _BIRTHDATE.match(value)
        if not m:
            return ["birthdate: expected YYYY-MM-DD (0000-MM-DD when the year is withheld)"]
        year, month, day = (int(g) for g in m.groups())
        try:
            date(year or 2000, month, day)
        except ValueError:
            return ["birthdate: not a real date"]
    if name == "updated_at" and not _DIGITS.match(value):
        return ["updated_at: expected seconds since 1970-01-01 (a whole number)"]
    if name == "address":
        try:
            data = json.loads(value)
        except (json.JSONDecodeError, RecursionError):  # RecursionError: `[[[[…` nested deep
            return [
                "address: expected a JSON object, e.g. "
                '{"street_address": "...", "locality": "...", "country": "..."}'
            ]
        if not isinstance(data, dict):
            return ["address: expected a JSON object"]
        unknown = sorted(set(data) - _ADDRESS_KEYS)
        if unknown:
            allowed = ", ".join(sorted(_ADDRESS_KEYS))
            return [f"address: unknown field {', '.join(unknown)} (allowed: {allowed})"]
        if not all(isinstance(v, str) for v in data.values()):
            return ["address: every field must be a string"]
    if name in ("picture", "profile", "website") and not _URL.match(value):
        return [f"{name}: expected a URL starting with https://"]
    if name == "locale" and not _LOCALE.match(value):
        return ["locale: expected a language tag like en-GB"]
    return []


def schema_problems(name: str, value: str, schema: PoolSchema | None) -> list[str]:
    if schema is None:
        return []
    attr = schema.get(name)
    if attr is None:
        return []
    out = []
    if not attr.mutable:
        out.append(f"{name} is immutable in this pool: it can only be set when the user is created")
    if attr.data_type == "Number":
        try:
            number = int(value) if _INTEGER.match(value) else None
        except ValueError:  # more digits than int() converts
            number = None
        if number is None:
            return [*out, f"{name}: expected a whole number (digits 0-9, a leading - at most)"]
        if attr.min_value is not None and number < attr.min_value:
            out.append(f"{name}: at least {attr.min_value}")
        if attr.max_value is not None and number > attr.max_value:
            out.append(f"{name}: at most {attr.max_value}")
    elif attr.data_type == "Boolean" and value not in ("true", "false"):
        out.append(f"{name}: expected true or false")
    else:
        if attr.min_length is not None and len(value) < attr.min_length:
            out.append(f"{name}: at least {attr.min_length} characters")
        if attr.max_length is not None and len(value) > attr.max_length:
            out.append(f"{name}: at most {attr.max_length} characters (got {len(value)})")
    return out


def value_problems(name: str, value: str, schema: PoolSchema | None = None) -> list[str]:
    """Everything wrong with setting `name` to `value`; empty when it may be sent."""
    model = model_problems(name, value)
    if model:
        return model
    return format_problems(name, value) + schema_problems(name, value, schema)


def delete_problems(name: str, schema: PoolSchema | None = None) -> list[str]:
    if name in READ_ONLY_ATTRIBUTES:
        return [f"{name} is set by Cognito and cannot be deleted"]
    attr = schema.get(name) if schema else None
    if attr is not None and attr.required:
        return [f"{name} is required in this pool and cannot be deleted"]
    if attr is not None and not attr.mutable:
        return [f"{name} is immutable in this pool and cannot be deleted"]
    return []


# -- the draft ---------------------------------------------------------------------------------


class Draft:
    """Pending edits over the values last read from the server.

    `admin`: the edits are sent with the admin calls (AdminUpdateUserAttributes), which
    may set what a user's own UpdateUserAttributes may not (the verified flags).
    """

    def __init__(self, server: dict[str, str] | None = None, *, admin: bool = False) -> None:
        self.admin = admin
        self.server: dict[str, str] = dict(server or {})
        self.sets: dict[str, str] = {}
        self.deletes: set[str] = set()

    # -- editing ---------------------------------------------------------------------------

    def set(self, name: str, value: str) -> None:
        self.deletes.discard(name)
        if self.server.get(name) == value:
            self.sets.pop(name, None)  # back to the server's value: nothing pending
        else:
            self.sets[name] = value

    def delete(self, name: str) -> None:
        self.sets.pop(name, None)
        if name in self.server:
            self.deletes.add(name)

    def undo(self, name: str) -> bool:
        """Drop the pending change of one attribute; False when there was none."""
        had = name in self.sets or name in self.deletes
        self.sets.pop(name, None)
        self.deletes.discard(name)
        return had

    def clear(self) -> None:
        self.sets.clear()
        self.deletes.clear()

    # -- reading ---------------------------------------------------------------------------

    @property
    def pending(self) -> bool:
        return bool(self.sets or self.deletes)

    def value(self, name: str) -> str | None:
        if name in self.deletes:
            return None
        return self.sets.get(name, self.server.get(name))

    def state(self, name: str) -> ChangeKind | None:
        if name in self.deletes:
            return "delete"
        if name in self.sets:
            return "change" if name in self.server else "add"
        return None

    def names(self) -> list[str]:
        """Every attribute, server order first, then additions in the order made."""
        return list(self.server) + [n for n in self.sets if n not in self.server]

    def changes(self) -> list[Change]:
        out = [
            Change("change" if n in self.server else "add", n, self.server.get(n), v)
            for n, v in self.sets.items()
        ]
        out += [Change("delete", n, self.server.get(n), None) for n in sorted(self.deletes)]
        return out

    def problems(self, schema: PoolSchema | None = None) -> dict[str, list[str]]:
        """Per attribute, why the pending change may not be sent."""
        out: dict[str, list[str]] = {}
        for name, value in self.sets.items():
            found = name_problems(name, schema, admin=self.admin)
            found += value_problems(name, value, schema)
            if found:
                out[name] = found
        for name in self.deletes:
            found = delete_problems(name, schema)
            if found:
                out[name] = found
        return out

    # -- server round trips ----------------------------------------------------------------

    def rebase(self, server: dict[str, str]) -> None:
        """New values from the server; pending edits stay, except those it now agrees with."""
        self.server = dict(server)
        for name, value in list(self.sets.items()):
            if server.get(name) == value:
                del self.sets[name]
        self.deletes &= set(server)

    def save(
        self,
        update: Callable[[dict[str, str]], list[Any]],
        delete: Callable[[list[str]], None],
    ) -> SaveResult:
        """Send the sets, then the deletions. What was confirmed leaves the draft; what
        failed (and what was not tried yet) stays pending, and the error is returned."""
        result = SaveResult()
        if self.sets:
            values = dict(self.sets)
            try:
                result.deliveries = list(update(values))
            except CognitoError as exc:
                result.error = exc
                return result
            for name, value in values.items():
                self.server[name] = value
                if self.sets.get(name) == value:
                    del self.sets[name]
            result.updated = list(values)
        if self.deletes:
            names = sorted(self.deletes)
            try:
                delete(names)
            except CognitoError as exc:
                result.error = exc
                return result
            for name in names:
                self.server.pop(name, None)
                self.deletes.discard(name)
            result.deleted = names
        return result

    # -- journal (no secrets: names and values only) ---------------------------------------

    def to_journal(self) -> dict[str, Any]:
        return {"sets": dict(self.sets), "deletes": sorted(self.deletes)}

    def restore(self, journal: dict[str, Any]) -> None:
        """Journaled edits over the values just read from the server: an edit the server
        already holds (its save reached Cognito before the editor died) is not pending
        again, so it is not sent twice; that holds for deletions as for values."""
        for name, value in (journal.get("sets") or {}).items():
            self.set(str(name), str(value))
        for name in journal.get("deletes") or []:
            self.delete(str(name))
