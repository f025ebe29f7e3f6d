from __future__ import annotations

import os

import pytest
from hypothesis import settings

# Rendering differs with NO_COLOR; snapshots and colour checks assume it is unset.
os.environ.pop("NO_COLOR", None)

# `make test` is the gate CI passes or fails on, so its property tests draw the same
# examples every run: a red run is a change's doing, never the dice's.
# `HYPOTHESIS_PROFILE=explore make test` draws new ones each run to look for bugs (one
# found that way: digit map keys reported as list indexes).
settings.register_profile("deterministic", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


@pytest.fixture(scope="session")
def spec():
    """The project's spec, from the installed botocore, with the reviewed allow-list."""
    from contracts.checker.spec import Spec

    return Spec.load()


@pytest.fixture(scope="session")
def strict_spec():
    """The same spec with no allow-list at all: every rule as the model states it."""
    from contracts.checker.spec import Spec

    return Spec.load(allowlist=None)
