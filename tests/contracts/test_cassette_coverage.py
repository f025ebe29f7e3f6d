"""Every scenario has its cassette and every cassette its scenario.

Replay (the pytest plugin) only runs the cassettes it finds: a scenario added without
recording it, or a cassette left behind by a renamed scenario, would pass unnoticed.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from contracts.recording.scenarios import SCENARIOS

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10x faster here
CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"


def cassette_names() -> set[str]:
    return {path.stem for path in CASSETTES.rglob("*.yaml")}


def test_every_scenario_has_its_cassette():
    missing = sorted(set(SCENARIOS) - cassette_names())
    assert not missing, (
        f"scenarios without a cassette under cassettes/: {', '.join(missing)} "
        "(record them: cognito-contracts record --scenario NAME --out cassettes)"
    )


def test_every_cassette_has_its_scenario():
    orphans = sorted(cassette_names() - set(SCENARIOS))
    assert not orphans, (
        f"cassettes with no scenario in contracts/recording/scenarios.py: {', '.join(orphans)} "
        "(a renamed or removed scenario: delete or re-record them)"
    )


def test_each_cassette_says_it_is_its_scenario():
    """The file name and the recorded metadata agree (replay reads the metadata)."""
    wrong = {}
    for path in sorted(CASSETTES.rglob("*.yaml")):
        loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
        meta = loaded.get("metadata") or {}
        if meta.get("scenario") != path.stem:
            wrong[path.name] = meta.get("scenario")
    assert not wrong, f"cassettes whose metadata names another scenario: {wrong}"
