from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from tests.isolation import REAL_HOME_WRITES, watch_real_home

# -- Tests never touch the real home: tests/isolation.py watches the real folders ------
sys.addaudithook(watch_real_home)

# From here on, this process and every process it starts (the installed editor in tmux,
# the embedded backend, xdist workers) see a home of their own. The spec cache is shared
# by the tests of one process so the spec compiles once; config and state are per test
# (the autouse fixture below).
_ISOLATED = Path(tempfile.mkdtemp(prefix="cognito-tui-tests-"))
for _name, _sub in (
    ("HOME", "home"),
    ("XDG_CONFIG_HOME", "config"),
    ("XDG_STATE_HOME", "state"),
    ("XDG_CACHE_HOME", "cache"),
):
    os.environ[_name] = str(_ISOLATED / _sub)
os.environ["COGNITO_CONTRACTS_CACHE"] = str(_ISOLATED / "spec-cache")


@pytest.fixture(autouse=True)
def own_home(tmp_path_factory, monkeypatch) -> Path:
    """Each test's own home, config and state folders (empty at the start)."""
    root = tmp_path_factory.mktemp("home")
    for name, sub in (
        ("HOME", "home"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
    ):
        (root / sub).mkdir()
        monkeypatch.setenv(name, str(root / sub))
    return root


def pytest_sessionfinish(session, exitstatus):
    if REAL_HOME_WRITES:
        session.exitstatus = 1
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = ["the tests wrote into the real home's cognito-tui folders:"]
        if reporter is not None:
            reporter.write_line("\n".join([*lines, *REAL_HOME_WRITES[:20]]), red=True)


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
