"""Fixtures of the robustness tests: a strict embedded backend per module (each xdist worker
has its own) and a scratch folder on tmpfs when there is one, so the journal's fsync at
every save costs what it costs on a laptop's SSD, not a shared CI disk."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="module")
def backend() -> Iterator[Any]:
    from tui.embedded import EmbeddedCognito

    with EmbeddedCognito(seed="demo", strict=True) as running:
        yield running
        assert running.spec_violations == []


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    shm = Path("/dev/shm")
    if not (shm.is_dir() and shm.stat().st_mode & 0o002):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="cognito-tui-robustness-", dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
