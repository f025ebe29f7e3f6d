"""The Java patterns of the model, translated, judge strings exactly as Java does."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pytest

from contracts.checker import javaregex
from contracts.checker.model import load_service_model

CORPUS = json.loads((Path(__file__).parent.parent / "data" / "java_regex_corpus.json").read_text())
OPTIONS = jsonschema_rs.FancyRegexOptions()


def matcher(pattern: str):
    schema = {"type": "string", "pattern": javaregex.anchored(pattern)}
    return jsonschema_rs.validator_for(schema, pattern_options=OPTIONS)


def model_patterns() -> list[str]:
    return sorted({s["pattern"] for s in load_service_model()["shapes"].values() if "pattern" in s})


def test_every_model_pattern_is_in_the_java_corpus():
    # A new botocore with new patterns needs a fresh run of tests/tools/make_java_regex_corpus.py
    missing = set(model_patterns()) - set(CORPUS["verdicts"])
    assert not missing, f"patterns without Java verdicts: {sorted(missing)}"


@pytest.mark.parametrize("pattern", sorted(CORPUS["verdicts"]))
def test_translation_agrees_with_java(pattern: str):
    check = matcher(pattern)
    expected = CORPUS["verdicts"][pattern]
    wrong = [
        (probe, want == "1")
        for probe, want in zip(CORPUS["probes"], expected, strict=True)
        if check.is_valid(probe) != (want == "1")
    ]
    assert not wrong, f"{pattern!r}: disagrees with Java on {wrong[:5]}"


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        # Java's \w \d \s are ASCII-only (ECMA's \s and Python's \w are not)
        (r"[\w]+", "é", False),
        (r"[\w]+", "abc_9", True),
        (r"[0-9]+", "١٢", False),
        (r"[\w\s+=.@-]+", "a\u00a0b", False),
        (r"[\w\s+=.@-]+", "a\x0bb", True),
        # \p{..} classes cover every script, not only Latin
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "Имя", True),
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "名前", True),
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "e\u0301", True),
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "\U0001f600", True),
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+", "a b", False),
        (r"[\p{L}\p{M}\p{S}\p{N}\p{P}\p{Z}]+", "a\u3000b", True),
        # anchoring: a pattern must match the whole string
        (r"[0-9]+", "12a", False),
        (r"[0-9]+", "a12", False),
        (r"[0-9]+", "12\n", False),
        (r"Level[1-4]", "xLevel1", False),
        (r"^[a-z0-9]+$", "abc\n", False),
        # Java's dot stops at line terminators unless (?s)
        (r".*\{####\}.*", "a\u2028{####}", False),
        (r".*\{####\}.*", "a{####}b", True),
        (r"(?s).*", "a\u2028b\n", True),
        # look-behind
        (r"^[0-9A-Za-z\.\-_]*(?<!\.)$", "ab.", False),
        (r"^[0-9A-Za-z\.\-_]*(?<!\.)$", "a.b", True),
    ],
)
def test_java_semantics(pattern: str, text: str, matches: bool):
    assert matcher(pattern).is_valid(text) is matches


@pytest.mark.parametrize(
    "pattern",
    [r"[a-z&&[^b]]", r"(?<name>x)", r"a++", r"(?i)abc", r"\p{Foo}", r"[\W]x[\Sa]", r"\Qa\E"],
)
def test_unknown_constructs_fail_loudly(pattern: str):
    with pytest.raises(javaregex.UnsupportedPattern):
        javaregex.translate(pattern)


def test_category_ranges_are_exact():
    import unicodedata

    ranges = javaregex.category_ranges("Zs")
    check = jsonschema_rs.validator_for(
        {"type": "string", "pattern": f"^[{ranges}]$"}, pattern_options=OPTIONS
    )
    for cp in range(0x3100):
        assert check.is_valid(chr(cp)) == (unicodedata.category(chr(cp)) == "Zs"), hex(cp)
