"""The end-to-end tests' shared fixture: a running `cognito-tui embedded`."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.support import BIN


@pytest.fixture
def embedded() -> Iterator[dict[str, Any]]:
    proc = subprocess.Popen(
        [str(BIN / "cognito-tui"), "embedded", "--seed", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        yield info
    finally:
        proc.terminate()
        proc.wait(timeout=10)
