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
