"""The operator's install: the wheel, installed without extras into a fresh virtual
environment, works on its own. No moto, werkzeug, flask, vcrpy or PyYAML comes with it;
commands that need an extra say which one in one line (exit 2); the editor talks to an
embedded backend that runs from another environment (the development one), with the
access token passed on standard input, never on the command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.support import TMUX, Terminal, terminal_env

ROOT = Path(__file__).resolve().parents[2]
UV = Path(sys.executable).parent / "uv"
LEFT_OUT = ("moto", "werkzeug", "flask", "vcrpy", "pyyaml", "responses")

pytestmark = pytest.mark.skipif(not UV.exists(), reason="uv (dev extra) is not installed")


@pytest.fixture(scope="module")
def base_install(tmp_path_factory) -> Iterator[Path]:
    """The wheel, built from this checkout, in a fresh venv without extras; the exact
    versions come from the CI lock, so this test sees what `make test` tested."""
    work = tmp_path_factory.mktemp("wheel")
    env = {**os.environ, "UV_NO_PROGRESS": "1"}
    subprocess.run(
        [str(UV), "build", "--wheel", "--out-dir", str(work / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
        env=env,
    )
    (built,) = (work / "dist").glob("cognito_tui-*.whl")
    wheel = str(built)
    venv = work / "venv"
    lock = str(ROOT / "requirements" / "ci.lock")
    subprocess.run(
        [str(UV), "venv", "--python", sys.executable, str(venv)],
        check=True,
        capture_output=True,
        env=env,
    )
    subprocess.run(
        [str(UV), "pip", "install", "--python", str(venv / "bin" / "python"), "-c", lock, wheel],
        check=True,
        capture_output=True,
        env=env,
    )
    yield venv / "bin"
    shutil.rmtree(work, ignore_errors=True)


def run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, **kwargs)


def test_the_base_install_brings_no_backend_or_recorder(base_install: Path) -> None:
    listed = run([str(UV), "pip", "list", "--python", str(base_install / "python")])
    names = {line.split()[0].lower() for line in listed.stdout.splitlines()[2:] if line}
    assert "cognito-tui" in names and "textual" in names and "botocore" in names
    assert not names & set(LEFT_OUT), names & set(LEFT_OUT)


def test_version_help_and_validate_work_from_the_base_install(
    base_install: Path, tmp_path: Path
) -> None:
    version = run([str(base_install / "cognito-tui"), "--version"])
    assert version.returncode == 0 and version.stdout.startswith("cognito-tui ")
    helped = run([str(base_install / "cognito-tui"), "--help"])
    assert helped.returncode == 0 and "--access-token" in helped.stdout
    body = tmp_path / "body.json"
    body.write_text('{"Username": "ada", "UserAttributes": [{"Name": "email", "Value": "a@b"}]}')
    contracts = str(base_install / "cognito-contracts")
    valid = run([contracts, "validate", "GetUser", "--output", str(body)])
    assert valid.returncode == 0, valid.stderr
    body.write_text('{"UserAttributes": []}')
    invalid = run([contracts, "validate", "GetUser", "--output", str(body)])
    assert invalid.returncode == 1 and "Username" in invalid.stdout


def test_the_screens_styles_ship_in_the_wheel(base_install: Path) -> None:
    """The .tcss files beside the screens (CSS_PATH) are package data: a screen whose file
    is missing fails when it is first shown, not at start-up."""
    where = run([str(base_install / "python"), "-I", "-c", "import tui; print(tui.__file__)"])
    installed = Path(where.stdout.strip()).parent
    assert installed.parent.name == "site-packages", installed  # not this checkout
    ours = sorted(p.relative_to(ROOT / "tui") for p in (ROOT / "tui").rglob("*.tcss"))
    assert ours and sorted(p.relative_to(installed) for p in installed.rglob("*.tcss")) == ours
    for name in ours:
        assert (installed / name).read_bytes() == (ROOT / "tui" / name).read_bytes()


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        (["cognito-tui", "embedded"], "embedded"),
        (["cognito-tui", "--demo"], "embedded"),
        (["cognito-contracts", "record"], "contracts"),
        (["cognito-contracts", "replay", "cassettes"], "contracts"),
    ],
)
def test_a_command_that_needs_an_extra_says_which_in_one_line(
    base_install: Path, command: list[str], extra: str
) -> None:
    done = run([str(base_install / command[0]), *command[1:]], cwd=ROOT)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert f"pip install 'cognito-tui[{extra}]'" in lines[0]


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_the_base_install_edits_against_a_backend_from_another_environment(
    base_install: Path, embedded: dict[str, Any], tmp_path: Path
) -> None:
    """The token travels through a file on standard input (`--access-token -`): it is in
    no process's argument list, and the editor still gets its keys from the terminal."""
    from tui.core.auth import Authenticator
    from tui.core.connection import Connection, ConnectionSettings

    user = embedded["users"][0]
    connection = Connection(
        ConnectionSettings(region=embedded["region"], endpoint_url=embedded["endpoint_url"]),
        credentials=("AKIDCOGNITOTUITEST00", "test-secret-not-a-credential"),
    )
    auth = Authenticator(connection, embedded["user_pool_id"], embedded["client_id"])
    tokens = auth.sign_in_srp(user["username"], user["password"])
    token_file = tmp_path / "token"
    token_file.write_text(tokens.access_token + "\n")  # type: ignore[union-attr]
    token_file.chmod(0o600)
    script = tmp_path / "run.sh"
    script.write_text(
        f"exec '{base_install / 'cognito-tui'}' --endpoint-url {embedded['endpoint_url']} "
        f"--pool-id {embedded['user_pool_id']} --access-token - < '{token_file}'\n"
    )
    term = Terminal(["sh", str(script)], terminal_env(tmp_path))
    try:
        screen = term.wait_for("No pending changes", timeout=30)
        assert user["username"] in screen and "given_name" in screen
        ps = run(["ps", "-eo", "args"])
        assert tokens.access_token not in ps.stdout  # type: ignore[union-attr]
        term.keys("q")
    finally:
        term.close()
