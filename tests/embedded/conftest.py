from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.embedded.support import STRICT_BACKENDS, client, start_backend, stop_backend

# How many violations of each strict backend earlier tests have already been blamed for.
_SEEN: dict[int, int] = {}


@pytest.fixture(scope="session")
def backend() -> Iterator[Any]:
    """The demo backend shared by tests that create their own users (strict mode)."""
    started = start_backend(seed="demo")
    yield started
    stop_backend(started)


@pytest.fixture(scope="session")
def cognito(backend: Any) -> Any:
    return client(backend)


@pytest.fixture(autouse=True)
def _answers_stay_inside_the_spec() -> Iterator[None]:
    """No strict backend may answer outside the spec. Checked after every test, counting
    everything since the previous check, so answers given while a module or session
    fixture was set up are caught too (fixture teardowns are checked by stop_backend)."""
    yield
    for started in STRICT_BACKENDS:
        new = started.spec_violations[_SEEN.get(id(started), 0) :]
        _SEEN[id(started)] = len(started.spec_violations)
        assert new == [], f"the backend answered outside the spec: {new}"
