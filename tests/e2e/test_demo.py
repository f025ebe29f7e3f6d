"""`make demo` keeps its promises: pending edits left by a dropped connection are offered
again by the next demo (same pool, same user), and --reset starts afresh."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.support import BIN, TMUX, Terminal, terminal_env

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def _demo(tmp_path: Path, *extra: str) -> Terminal:
    return Terminal([str(BIN / "cognito-tui"), "--demo", *extra], terminal_env(tmp_path))


def test_a_dropped_demo_offers_its_pending_edits_next_time(tmp_path: Path) -> None:
    term = _demo(tmp_path)
    try:
        term.wait_for("No pending changes", timeout=40)
        term.keys("Enter")  # the first row: given_name
        term.wait_for("Edit given_name")
        term.keys("C-u")
        term.keys("Left behind", literal=True)
        term.wait_for("Left behind")  # in the field before it is confirmed
        term.keys("Enter")
        term.wait_for("1 pending change")
    finally:
        term.close()  # SIGHUP, as a dropped SSH connection
    state = json.loads((tmp_path / "state" / "cognito-tui" / "demo" / "pool.json").read_text())

    term = _demo(tmp_path)
    try:
        screen = term.wait_for("Unsaved edits", timeout=40)
        assert "given_name" in screen and "Left behind" in screen
        assert "kept from your last demo" in screen
        assert state["pool_id"][-6:] in screen or state["pool_id"][:12] in screen
    finally:
        term.close()

    term = _demo(tmp_path, "--reset")
    try:
        screen = term.wait_for("No pending changes", timeout=40)
        assert "Unsaved edits" not in screen and "Demo pool (new" in screen
    finally:
        term.close()
    journals = list((tmp_path / "state" / "cognito-tui" / "journal").glob("*.json"))
    assert journals == []  # the old pool's journal went with it
