"""The evidence corpus (contracts/checker/data/evidence) is complete enough to replay."""

from __future__ import annotations

import re
import tomllib

import pytest

from contracts.checker import evidence

ITEMS = evidence.load()
DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z")


def test_every_item_carries_every_field():
    """Present in the file, not defaulted by the loader: an undated source (a living
    documentation page) says so with an empty source_date."""
    for path in sorted(evidence.EVIDENCE_DIR.glob("*.toml")):
        if path.name == evidence.REPLAY_FILE.name:
            continue
        for raw in tomllib.loads(path.read_text())["item"]:
            missing = {"id", "operation", "source", "source_date", "kind"} - set(raw)
            assert not missing, f"{path.name}: {raw.get('id')}: no {sorted(missing)}"
            if raw["kind"] == "answer" and int(raw.get("status") or 0) >= 400:
                assert {"type", "message"} <= set(raw), raw["id"]


def test_the_corpus_has_items_from_each_file():
    files = {item.file for item in ITEMS}
    assert {"attributes.toml", "auth.toml"} <= files
    assert len(ITEMS) >= 40


@pytest.mark.parametrize("item", ITEMS, ids=[i.id for i in ITEMS])
def test_every_item_says_where_what_and_which_kind(item, spec):
    assert item.source.strip(), "source: a URL or OWNER/REPO:path@commit"
    if item.source_date:
        assert DATE.match(item.source_date), f"source_date {item.source_date!r} is not a date"
    if not item.reason:  # (a hosted UI answer is evidence too, though not an API call)
        assert item.operation in spec.operations, f"{item.operation} is not an operation"
    assert item.kind in evidence.KINDS
    assert item.confidence in evidence.CONFIDENCES
    if item.kind == "answer" and (item.status or 0) >= 400:
        assert item.type and item.message, "an error answer has its __type and message"
        assert item.request.strip(), "an answer says the request that triggered it"
    if item.kind == "behaviour" or item.status == 200:
        assert item.behaviour.strip(), "a behaviour (or a success answer) is described"


def test_replay_decisions_name_real_items():
    ids = {item.id for item in ITEMS}
    decided = evidence.load_replay()
    assert set(decided) <= ids
    for ident, fields in decided.items():
        assert set(fields) <= {"reason", "newline_unseen", "replace", "why"}, ident
        assert ("replace" in fields) == ("why" in fields), ident


def test_a_duplicate_id_is_refused(tmp_path):
    text = (evidence.EVIDENCE_DIR / "auth.toml").read_text()
    (tmp_path / "a.toml").write_text(text)
    (tmp_path / "b.toml").write_text(text)
    with pytest.raises(evidence.EvidenceError, match="appears twice"):
        evidence.load(tmp_path)
