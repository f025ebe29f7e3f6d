"""Search everything a session wrote for secrets: the canary password and every token,
session, SRP block and code the backend issued (`EmbeddedCognito.issued_secrets()`).

Findings name the file and the kind of secret, never the secret itself (a report that
printed it would leak it into CI logs). All-digit secrets (verification and MFA codes) must
stand alone to count: a six-digit code is otherwise found by chance inside timestamps and
SVG coordinates.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts.recording.recorder import looks_like_jwt

MIN_SECRET = 6


@dataclass(frozen=True)
class Finding:
    where: str
    kind: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind}"


def kind_of(secret: str) -> str:
    if secret.isdigit():
        return "a verification or MFA code"
    if looks_like_jwt(secret):
        return "a token"
    return "a secret (password, session, refresh token or SRP value)"


def _pattern(secret: str) -> re.Pattern[bytes]:
    escaped = re.escape(secret.encode())
    if secret.isdigit():
        return re.compile(rb"(?<![0-9])" + escaped + rb"(?![0-9])")
    return re.compile(escaped)


class Auditor:
    def __init__(self, secrets: set[str]) -> None:
        self.secrets = {s for s in secrets if len(s) >= MIN_SECRET}
        self._patterns = [(s, _pattern(s)) for s in sorted(self.secrets)]
        self.files = 0
        self.bytes = 0

    def blob(self, where: str, data: bytes) -> list[Finding]:
        self.files += 1
        self.bytes += len(data)
        found = [
            Finding(where, kind_of(s)) for s, pattern in self._patterns if pattern.search(data)
        ]
        text = data.decode("utf-8", "replace")
        if not found and looks_like_jwt(text):
            found.append(Finding(where, "something shaped like a JWT"))
        return found

    def tree(self, root: Path) -> list[Finding]:
        """Every file under `root`, recursively, byte for byte."""
        found: list[Finding] = []
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            found += self.blob(str(path.relative_to(root)), path.read_bytes())
        return found


# -- the scripted session ----------------------------------------------------------------------


def canary_password() -> str:
    import secrets

    return "Canary-Pa55w0rd-" + secrets.token_hex(4) + "!"


def canary_user(backend: Any, password: str) -> str:
    """A user of its own whose password is the canary."""
    from tests.tui.support import new_user

    attributes = {"given_name": "Canary", "nickname": "tweety"}
    return new_user(backend, password, prefix="canary", **attributes)[0]


def point_everything_at(root: Path) -> dict[str, str]:
    """The environment that sends every file the product writes under `root` (config,
    state, cache, home; the caller also makes root/cwd the working directory)."""
    env = {}
    for name, var in [
        ("config", "XDG_CONFIG_HOME"),
        ("state", "XDG_STATE_HOME"),
        ("cache", "XDG_CACHE_HOME"),
        ("home", "HOME"),
    ]:
        (root / name).mkdir(parents=True, exist_ok=True)
        env[var] = str(root / name)
    (root / "cwd").mkdir(exist_ok=True)
    config = root / "config" / "cognito-tui" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[keymap]\nsave = "ctrl+s"\n')
    return env


@contextlib.contextmanager
def captured_output(folder: Path) -> Iterator[None]:
    """Everything written to file descriptors 1 and 2 and every log record of WARNING or
    above (what Python shows when nothing is configured), kept as files in `folder`."""
    import logging
    import os
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    files = {fd: open(folder / f"fd{fd}.txt", "wb") for fd in (1, 2)}  # noqa: SIM115
    records = logging.FileHandler(folder / "log-records.txt")
    records.setLevel(logging.WARNING)
    logging.getLogger().addHandler(records)
    try:
        for fd, fh in files.items():
            os.dup2(fh.fileno(), fd)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
        for fh in files.values():
            fh.close()
        logging.getLogger().removeHandler(records)
        records.close()


async def scripted_session(backend: Any, root: Path, password: str) -> set[str]:
    """The editor in process under Textual's pilot, with everything it writes under `root`
    (the environment from `point_everything_at` already applied, root/cwd the working
    directory): the config file read, an SRP sign-in typed key by key, edits, an email
    change verified with the delivered code, screenshots of three screens, a pending edit
    kept in the journal at quit, an admin export of the users as CSV and JSON Lines, and
    cassettes of the editor's scenarios recorded with the same password. Returns every
    secret the backends issued."""
    from contracts.recording.record import EmbeddedEnv, record
    from tests.robustness.scenarios import settle
    from tests.tui.support import LOCAL, edit, type_text
    from tui.app import make_app
    from tui.cli import build_parser
    from tui.launch import build_options
    from tui.screens.attributes import AttributesScreen
    from tui.screens.dialogs import ConfirmQuit, ConfirmSave
    from tui.screens.verify import VerificationScreen

    username = canary_user(backend, password)
    args = build_parser().parse_args(
        [
            *("--endpoint-url", backend.endpoint_url, "--region", backend.region),
            *("--pool-id", backend.user_pool_id, "--client-id", backend.client_id),
            *("--username", username),
        ]
    )
    options = build_options(args)
    options.credentials, options.describe_pool = LOCAL, True
    shots = root / "snapshots"
    shots.mkdir(exist_ok=True)
    envs: list[EmbeddedEnv] = []

    def canary_env() -> EmbeddedEnv:
        env = EmbeddedEnv()
        env.password_factory = lambda: password
        envs.append(env)
        return env

    with captured_output(root / "cwd"):
        app = make_app(options)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.screen.query_one("#password").value = password  # typing it costs 1.5 s
            app.save_screenshot("signin.svg", str(shots))
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, AttributesScreen), app.screen
            await edit(pilot, "given_name", "Canary Bird")
            await edit(pilot, "email", f"{username}.new@example.com")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmSave)
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, VerificationScreen), app.screen
            app.save_screenshot("verify.svg", str(shots))
            await type_text(pilot, backend.latest_code(username, "email"))
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, AttributesScreen), app.screen
            await edit(pilot, "nickname", "pending at quit")
            app.save_screenshot("attributes.svg", str(shots))
            await pilot.press("q")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmQuit)
            await pilot.press("y")  # quit, keep the edit in the journal
        options.admin = True  # the pool's users, exported into the working directory
        export = make_app(options)
        async with export.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for name in ("users.csv", "users.jsonl"):
                await pilot.press("x")
                await pilot.pause()
                export.screen.query_one("#path").value = name
                await pilot.press("enter")
                await settle(pilot)
        record(
            ["editor-open", "editor-save-verify"],
            "embedded",
            root / "cassettes",
            env_factory=canary_env,
        )
    return backend.issued_secrets() | envs[0].backend.issued_secrets()


def search_checked(root: Path, secrets: set[str]) -> tuple[Auditor, list[Finding]]:
    """Search `root`, after proving on a planted token that the search finds one."""
    auditor = Auditor(secrets)
    planted = root / "planted.txt"
    token = next(s for s in auditor.secrets if s.startswith("eyJ"))
    planted.write_text(f"x{token}x")
    assert [f.kind for f in auditor.tree(root)] == ["a token"], "the search is blind"
    planted.unlink()
    auditor.files = auditor.bytes = 0
    return auditor, auditor.tree(root)
