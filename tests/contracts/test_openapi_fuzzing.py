"""The OpenAPI rendering's fuzzing options: stateful links and compact patterns."""

from __future__ import annotations

import json

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.checker.openapi import LINKS, PATH_PREFIX, compact_pattern, render
from contracts.checker.spec import default_spec

SPEC = default_spec()
LONG = sorted({d["pattern"] for d in SPEC.defs.values() if len(d.get("pattern", "")) > 5000})


def test_links_are_opt_in_and_name_real_operations():
    plain = render(SPEC)
    assert "links" not in json.dumps(plain["paths"])
    linked = render(SPEC, links=True)
    found = {}
    for path, item in linked["paths"].items():
        links = item["post"]["responses"]["200"].get("links", {})
        found[path[len(PATH_PREFIX) :].rpartition(".")[2]] = links
    for source, targets in LINKS.items():
        assert source in SPEC.operations
        for target, body in targets.items():
            assert target in SPEC.operations
            link = found[source][f"{source}To{target}"]
            assert link == {"operationId": target, "requestBody": body}
            members = SPEC.defs[SPEC.operations[target].input]["properties"]
            assert set(body) <= set(members), (target, set(body) - set(members))


def test_compact_patterns_are_short_and_leave_short_patterns_alone():
    assert LONG, "the model has no spelled-out Unicode classes any more"
    for pattern in LONG:
        assert len(compact_pattern(pattern)) < len(pattern) / 10
    for short in {d["pattern"] for d in SPEC.defs.values() if 0 < len(d.get("pattern", "")) < 300}:
        assert compact_pattern(short) == short


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LONG), st.data())
def test_a_compact_pattern_matches_only_what_the_real_one_matches(pattern, data):
    """Sampling keeps a subset of each class's own items: whatever the compact pattern
    accepts, the real one accepts too (checked on strings drawn from the compact one)."""
    small = compact_pattern(pattern)
    value = data.draw(st.from_regex(small, fullmatch=True))
    assert regex.fullmatch(pattern, value)
