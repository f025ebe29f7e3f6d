"""The reviewed data files of the embedded backend parse and carry their reasons."""

from __future__ import annotations

import tomllib
from pathlib import Path

import tui.embedded
from contracts.checker import evidence

DIRECTORY = Path(tui.embedded.__file__).parent


def test_every_deviation_names_an_area_a_difference_a_reason_and_its_evidence():
    with open(DIRECTORY / "deviations.toml", "rb") as fh:
        entries = tomllib.load(fh)["deviation"]
    assert len(entries) >= 10
    known = {item.id for item in evidence.load()}
    for entry in entries:
        assert set(entry) == {"area", "differs", "reason", "evidence"}, entry
        assert all(str(value).strip() for value in entry.values()), entry
        # either nobody measured it, or it names the evidence items it is about
        if isinstance(entry["evidence"], str):
            assert entry["evidence"] == "none (unmeasured)", entry
        else:
            assert entry["evidence"] and set(entry["evidence"]) <= known, entry
    areas = [e["area"] for e in entries]
    assert len(areas) == len(set(areas))


def test_model_inaccuracies_the_backend_reproduces_are_allow_listed(spec):
    """The backend answers like AWS where AWS breaks its own model; those answers pass
    strict mode only through the project's reviewed allow-list."""
    entries = {(e.operation, e.path, e.rule) for e in spec.allowlist.entries}
    assert ("DescribeUserPool", "$.UserPool.SchemaAttributes[*].Name", "max-length") in entries
    assert all(len(entry.reason) > 40 for entry in spec.allowlist.entries)


def test_categories_name_real_operations_once(spec):
    from tui.embedded.ratelimit import load_categories

    categories = load_categories()
    assert set(categories) == set(spec.operations)
