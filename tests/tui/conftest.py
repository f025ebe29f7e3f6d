"""Fixtures for the editor's tests: a real embedded backend over HTTP. The helpers the
tests share (users, the app factory, settling, the common flows) are in tests/tui/support.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def backend() -> Iterator[Any]:
    from tui.embedded import EmbeddedCognito

    with EmbeddedCognito(seed="demo", strict=True) as running:
        yield running
        assert running.spec_violations == []


@pytest.fixture
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """An input's cursor blinks every half second: on a loaded machine a picture could
    catch either phase, so the pictures are taken with the cursor held steady (shown)."""
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)
