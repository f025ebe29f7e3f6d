from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bulk.support import CallLog, aws_env

GENERATED = 400


@pytest.fixture(scope="module")
def backend() -> Iterator[Any]:
    """One strict backend per module with generated users; each test takes its own users
    (`take`), so tests never see each other's changes."""
    from tui.embedded import EmbeddedCognito

    with EmbeddedCognito(seed="empty", users=GENERATED, strict=True) as running:
        yield running
        assert running.spec_violations == []


@pytest.fixture(scope="module")
def _numbers() -> Iterator[int]:
    return itertools.count(1)


@pytest.fixture
def take(_numbers: Iterator[int]) -> Callable[[int], list[str]]:
    def users(count: int) -> list[str]:
        taken = [f"user{next(_numbers):05d}" for _ in range(count)]
        assert int(taken[-1][4:]) <= GENERATED, "raise GENERATED"
        return taken

    return users


@pytest.fixture
def calls(backend: Any) -> Iterator[CallLog]:
    log = CallLog(backend)
    yield log
    log.close()


@pytest.fixture(autouse=True)
def _environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_PROFILE", raising=False)
    for name, value in aws_env(tmp_path / "state").items():
        monkeypatch.setenv(name, value)
