"""The editor driven against a recorded cassette: no service, no network, deterministic
values (placeholders and fakes), which is what snapshot tests need."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from contracts.recording.pytest_plugin import no_network
from contracts.recording.record import playback
from tests.tui.support import LOCAL
from tui.app import CognitoApp, Options, make_app
from tui.core.connection import ConnectionSettings

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
# the password every replayed sign-in sends (the cassettes hold its placeholder)
REPLAY_PASSWORD = "Replay-Passw0rd!"


@contextlib.contextmanager
def replayed_editor(
    scenario: str | None, tmp_path: Path, **options: Any
) -> Iterator[tuple[CognitoApp, Any]]:
    """An editor whose every Cognito call is answered from `cassettes/<scenario>.yaml`
    (or, with no scenario, one that must not call Cognito at all)."""
    with no_network():
        if scenario is None:
            settings = ConnectionSettings(
                region="us-east-1", pool_id="us-east-1_Example01", client_id="replayclient"
            )
            yield _app(settings, tmp_path, options), None
            return
        with playback(CASSETTES / f"{scenario}.yaml") as (meta, cassette):
            settings = ConnectionSettings(
                region=meta["region"], pool_id=meta["pool_id"], client_id="replayclient"
            )
            yield _app(settings, tmp_path, options), cassette


def _app(settings: ConnectionSettings, tmp_path: Path, options: dict[str, Any]) -> CognitoApp:
    return make_app(
        Options(
            settings=settings,
            credentials=LOCAL,
            journal_folder=tmp_path / "journal",
            username=options.pop("username", "replay-main"),
            **options,
        )
    )


def scenario_email(address: str, scenario: str) -> str:
    """The address a recorded scenario used (see contracts.recording.record._BaseEnv.email)."""
    local, _, domain = address.partition("@")
    return f"{local}+{scenario}@{domain}"
