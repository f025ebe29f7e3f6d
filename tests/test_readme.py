"""Every number in README.md that counts or restates something in the repository is
recomputed here: scenarios, operations, probe strings, demo users, defaults, limits.

Each claim is found by a pattern around its sentence. A claim whose sentence was rewritten
fails too (the pattern finds nothing), so a reworded README is re-checked, not skipped.
Measured figures (bench results, recording runs against AWS) are not counted here: they
come from a run, not from the tree.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
WORDS |= {"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}


def readme() -> str:
    """The README with its line breaks folded: a claim may wrap anywhere."""
    return re.sub(r"\s+", " ", (ROOT / "README.md").read_text(encoding="utf-8"))


def as_number(text: str) -> float:
    return WORDS.get(text.lower()) or float(text.replace(",", ""))


# -- what the repository says ------------------------------------------------------------


def scenarios() -> int:
    from contracts.recording.scenarios import SCENARIOS

    return len(SCENARIOS)


def recordable_against_aws() -> int:
    from contracts.recording.record import unrecordable

    return scenarios() - len(unrecordable())


def service_model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("cognito-idp")


def botocore_minor() -> float:
    import botocore

    major, minor = botocore.__version__.split(".")[:2]
    return float(f"{major}.{minor}")


def probe_strings() -> int:
    corpus = json.loads((ROOT / "tests/data/java_regex_corpus.json").read_text())
    return len(corpus["probes"])


def fuzzed_operations() -> int:
    """bench/fuzz.py's OPERATIONS (read, not imported: the script imports schemathesis)."""
    tree = ast.parse((ROOT / "bench/fuzz.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "OPERATIONS":
            return len(ast.literal_eval(node.value))
    raise AssertionError("bench/fuzz.py has no OPERATIONS list")


def demo_custom_schema() -> dict[str, dict[str, str]]:
    from tui.core.schema import STANDARD_ATTRIBUTES
    from tui.embedded.seed import pool_config

    schema = pool_config("123456789012", "us-east-1")["Schema"]
    return {
        f"custom:{a['Name']}": a.get("StringAttributeConstraints")
        or a.get("NumberAttributeConstraints")
        or {}
        for a in schema
        if a["Name"] not in STANDARD_ATTRIBUTES
    }


def demo_people() -> int:
    from tui.embedded.seed import NAMED

    return len(NAMED)


def demo_limit(name: str, key: str) -> int:
    return int(demo_custom_schema()[name][key])


def model_max(shape: str) -> int:
    return int(service_model().shape_for(shape).metadata["max"])


def bulk_default(name: str) -> float:
    from tui import bulk_cli
    from tui.core.bulk import runner

    assert getattr(bulk_cli, name) == getattr(runner, name), f"{name} differs in two places"
    return float(getattr(runner, name))


def users_rate() -> float:
    from tui import users_cli

    return users_cli.DEFAULT_RATE


def max_attempts() -> int:
    from tui.core.connection import MAX_ATTEMPTS

    return MAX_ATTEMPTS


def code_command_minutes() -> float:
    from contracts.recording.record import CODE_COMMAND_TIMEOUT

    return CODE_COMMAND_TIMEOUT / 60


def short_token_minutes() -> float:
    from contracts.recording.record import SHORT_TOKEN_SECONDS

    return SHORT_TOKEN_SECONDS / 60


# -- the README's claims: (id, pattern whose groups are numbers, what each group must be) --

NUMBER = r"([0-9][0-9,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
N = NUMBER

CLAIMS: list[tuple[str, str, list[Callable[[], float]]]] = [
    ("scenarios", rf"`contracts/recording/scenarios\.py` \({N}:", [scenarios]),
    (
        "scenarios-aws",
        rf"Of the {N} scenarios, {N} are recordable against AWS",
        [scenarios, recordable_against_aws],
    ),
    (
        "operations",
        rf"\({N} operations in botocore {N}, every shape\)",
        [lambda: len(service_model().operation_names), botocore_minor],
    ),
    ("probe-strings", rf"on {N} probe strings", [probe_strings]),
    ("fuzz-operations", rf"over {N} operations", [fuzzed_operations]),
    (
        "demo-people",
        rf"one pool of {N} people",
        [demo_people],
    ),
    ("demo-custom", rf"The pool has {N} custom attributes", [lambda: len(demo_custom_schema())]),
    (
        "demo-department",
        rf"`custom:department` \(text, {N}-{N} characters\)",
        [
            lambda: demo_limit("custom:department", "MinLength"),
            lambda: demo_limit("custom:department", "MaxLength"),
        ],
    ),
    (
        "demo-employee-id",
        rf"`custom:employee_id` \(text, {N}-{N},",
        [
            lambda: demo_limit("custom:employee_id", "MinLength"),
            lambda: demo_limit("custom:employee_id", "MaxLength"),
        ],
    ),
    (
        "demo-level",
        rf"`custom:level` \(a number from {N} to {N}\)",
        [
            lambda: demo_limit("custom:level", "MinValue"),
            lambda: demo_limit("custom:level", "MaxValue"),
        ],
    ),
    (
        "name-limit",
        rf"longer than {N} characters \(maximum {N}, got {N}\)",
        [
            lambda: model_max("AttributeNameType"),
            lambda: model_max("AttributeNameType"),
            lambda: model_max("AttributeNameType") + 1,
        ],
    ),
    ("value-limit-fuzz", rf"{N}-character values", [lambda: model_max("AttributeValueType") + 1]),
    (
        "bulk-workers",
        rf"`--workers` threads \(default {N}\)",
        [lambda: bulk_default("DEFAULT_WORKERS")],
    ),
    ("bulk-rate", rf"`--rate` \(default {N} requests/s\)", [lambda: bulk_default("DEFAULT_RATE")]),
    (
        "bulk-read-rate",
        rf"`--read-rate` \(default {N},",
        [lambda: bulk_default("DEFAULT_READ_RATE")],
    ),
    (
        "users-rate",
        rf"paced at `--rate` ListUsers requests per second \(default {N};",
        [users_rate],
    ),
    ("max-attempts", rf"`max_attempts` {N}", [max_attempts]),
    (
        "code-command-wait",
        rf"it may wait for the message \(up to {N} minutes\)",
        [code_command_minutes],
    ),
    ("short-token", rf"access tokens live {N} minutes", [short_token_minutes]),
]


@pytest.mark.parametrize(("claim", "pattern", "truths"), CLAIMS, ids=[c[0] for c in CLAIMS])
def test_readme_number_matches_the_repository(claim, pattern, truths):
    found = list(re.finditer(pattern, readme()))
    assert found, f"README.md no longer says this ({claim}): update the pattern in {__name__}"
    for match in found:
        for group, truth in enumerate(truths, start=1):
            said, actual = as_number(match.group(group)), truth()
            assert said == actual, (
                f"README.md is stale ({claim}): '{match.group(0)}' says {match.group(group)}, "
                f"the repository has {actual:g}"
            )


def test_searchable_attributes_are_the_ones_the_code_searches():
    from tui.core.search import SEARCHABLE

    match = re.search(r"on the attributes it can filter \(([^)]*)\)", readme())
    assert match, "README.md no longer lists the attributes ListUsers can filter"
    assert [n.strip() for n in match.group(1).split(",")] == list(SEARCHABLE)


def test_unrecordable_scenarios_are_the_ones_the_recorder_skips():
    from contracts.recording.record import unrecordable

    match = re.search(r"What cannot be recorded against AWS, (.*?)\. Without `--email`", readme())
    assert match, "README.md no longer names the scenarios AWS cannot record"
    named = set(re.findall(r"`([a-z-]+)`", match.group(1)))
    assert named == set(unrecordable())
