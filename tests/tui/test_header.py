"""The header at any width: whole on one line when it fits, then shorter forms, then
wrapped between parts; a word or a value is never cut."""

from __future__ import annotations

import pytest

from tui.core.session import SessionInfo
from tui.widgets.status import SessionHeader

NOW = 1_000_000.0
POOL = "us-east-1_96eca0a5081c48eca58a865a3714fdc5"  # the embedded backend's long ids


def header(width: int, **changes: object) -> list[str]:
    values: dict[str, object] = {
        "region": "us-east-1",
        "pool_id": POOL,
        "username": "maria",
        "expires_at": NOW + 3540,
        "read_only": False,
        "endpoint": "http://127.0.0.1:1",
        "can_write": True,
    }
    values.update(changes)
    widget = SessionHeader()
    widget.show_info(SessionInfo(**values), now=NOW)  # type: ignore[arg-type]
    return widget._render_lines(width).plain.splitlines()


@pytest.mark.parametrize("width", [20, 38, 58, 78, 118, 198])
@pytest.mark.parametrize(
    "changes",
    [{}, {"read_only": True}, {"username": None, "expires_at": None}, {"can_write": False}],
    ids=["signed-in", "read-only", "not-signed-in", "no-scope"],
)
def test_no_word_or_value_is_cut(width, changes):
    lines = header(width, **changes)
    words = " ".join(lines).replace(" | ", " ").split()
    for whole in ("maria", POOL, "READ-ONLY", "not signed in", "NO WRITE SCOPE"):
        for word in whole.split():
            if word in " ".join(lines):
                assert word in words, (width, lines)
    assert "…" not in " ".join(lines)
    assert POOL in " ".join(lines)
    assert all(len(line) <= max(width, len(POOL)) for line in lines), lines
    if changes.get("read_only"):
        assert "READ-ONLY" in " ".join(lines)


def test_whole_when_it_fits_and_compact_forms_in_order():
    assert header(200) == [f"maria | token 59m | read-write | us-east-1 | {POOL}"]
    assert header(78) == [f"maria | token 59m | read-write | {POOL}"]  # region in the pool id
    assert header(58) == ["maria | 59m | rw", POOL]
