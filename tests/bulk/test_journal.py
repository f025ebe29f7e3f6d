"""The bulk journal on its own: what a resumed run learns from it, and what it refuses."""

from __future__ import annotations

import json
import os
import stat

import pytest

from tui.core.bulk import BulkInputError, BulkJournal, Row, default_journal_path

ROWS = [Row(2, "u1", "given_name", "A"), Row(3, "u1", "nickname", "B"), Row(4, "u2", "locale", "")]


def journal(tmp_path, digest="d1", pool="us-east-1_p"):
    return BulkJournal(tmp_path / "j.jsonl", digest, pool, fsync=False)


def test_the_last_record_of_each_line_decides(tmp_path):
    first = journal(tmp_path)
    first.open(rows=3)
    first.intent("u1", "AdminUpdateUserAttributes", ROWS[:2])
    first.done("u1", "AdminUpdateUserAttributes", ROWS[:2], "failed", "X", "it failed")
    first.intent("u2", "AdminDeleteUserAttributes", ROWS[2:])
    first.close()
    second = journal(tmp_path)
    state = second.load()
    assert state.runs == 1
    assert state.finished == {}
    assert state.failed == {2: "it failed", 3: "it failed"}
    assert state.uncertain == {4}
    second.open(rows=3)
    second.intent("u1", "AdminUpdateUserAttributes", ROWS[:2])
    second.done("u1", "AdminUpdateUserAttributes", ROWS[:2], "applied")
    second.done("u2", None, ROWS[2:], "unchanged")
    second.close()
    state = journal(tmp_path).load()
    assert state.runs == 2
    assert state.finished == {2: "applied", 3: "applied", 4: "unchanged"}
    assert state.uncertain == set() and state.failed == {}


def test_records_hold_no_values_and_the_file_is_private(tmp_path):
    j = journal(tmp_path)
    j.open(rows=3)
    j.intent("u1", "AdminUpdateUserAttributes", [Row(2, "u1", "given_name", "Sekr3t-Value")])
    j.done(
        "u1", "AdminUpdateUserAttributes", [Row(2, "u1", "given_name", "Sekr3t-Value")], "applied"
    )
    j.close()
    text = j.path.read_text()
    assert "Sekr3t-Value" not in text
    assert all(json.loads(line)["at"] for line in text.splitlines())
    assert stat.S_IMODE(os.stat(j.path).st_mode) == 0o600


def test_a_torn_last_record_is_ignored(tmp_path):
    j = journal(tmp_path)
    j.open(rows=3)
    j.intent("u1", "AdminUpdateUserAttributes", ROWS[:1])
    j.close()
    with open(j.path, "a") as fh:
        fh.write('{"type": "done", "user": "u1", "lin')  # killed mid-write
    assert journal(tmp_path).load().uncertain == {2}


def test_garbage_in_the_middle_is_refused(tmp_path):
    j = journal(tmp_path)
    j.open(rows=3)
    j.close()
    with open(j.path, "a") as fh:
        fh.write("not json\n")
        fh.write('{"type": "done", "lines": [2], "outcome": "applied"}\n')
    with pytest.raises(BulkInputError, match="line 2 is not a bulk journal record"):
        journal(tmp_path).load()


@pytest.mark.parametrize(("digest", "pool"), [("other", "us-east-1_p"), ("d1", "us-east-1_q")])
def test_a_journal_of_another_file_or_pool_is_refused(tmp_path, digest, pool):
    j = journal(tmp_path)
    j.open(rows=3)
    j.close()
    with pytest.raises(BulkInputError, match="belongs to another CSV file or pool"):
        journal(tmp_path, digest, pool).load()


def test_default_path_is_in_the_state_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    path = default_journal_path("ab" * 32)
    assert path == tmp_path / "cognito-tui" / "bulk" / ("ab" * 16 + ".jsonl")
