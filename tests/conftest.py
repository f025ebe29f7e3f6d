from __future__ import annotations

import os

import pytest

# Rendering differs with NO_COLOR; snapshots and colour checks assume it is unset.
os.environ.pop("NO_COLOR", None)


@pytest.fixture(scope="session")
def spec():
    """The project's spec, from the installed botocore, with the reviewed allow-list."""
    from contracts.spec import Spec

    return Spec.load()


@pytest.fixture(scope="session")
def strict_spec():
    """The same spec with no allow-list at all: every rule as the model states it."""
    from contracts.spec import Spec

    return Spec.load(allowlist=None)
