"""A scripted session with a canary password, then a search of every byte the product wrote
for the canary and for every token, session, SRP value and code the backend issued.

Two sessions, everything pointed at the test's own folder (XDG_CONFIG_HOME, XDG_STATE_HOME,
XDG_CACHE_HOME, HOME, the working directory):

- in process, under Textual's pilot: config file read, SRP sign-in (the password put in
  the masked field), edits,
  an email change verified with the delivered code, a pending edit kept in the journal at
  quit, screenshots (SVG) of the sign-in, verification and attribute screens, an admin
  export of the users as CSV and JSON Lines, cassettes recorded with the same canary, and
  the log records and stdout/stderr of the whole test process;
- the installed `cognito-tui` in tmux under `script`, which records every byte the editor
  wrote to its terminal (its stdout and stderr: Textual draws on stderr), through a
  sign-in, a save, a code delivery and a quit that keeps a pending edit.

The backend runs in the test process and prints nothing; `cognito-tui embedded` prints
the codes it delivers on its stderr on purpose (it is the demo's mail catcher), and that
stream alone is not searched: it is not the editor's.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.robustness.audit import (
    canary_password,
    canary_user,
    point_everything_at,
    scripted_session,
    search_checked,
)

CANARY = canary_password()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every place the product may write, under one folder (and the working directory)."""
    root = tmp_path / "written"
    for var, value in point_everything_at(root).items():
        monkeypatch.setenv(var, value)
    monkeypatch.chdir(root / "cwd")
    return root


async def test_no_secret_in_anything_the_editor_wrote(backend, home):
    issued = await scripted_session(backend, home, CANARY)
    journal = list((home / "state" / "cognito-tui" / "journal").glob("*.json"))
    assert len(journal) == 1 and "pending at quit" in journal[0].read_text()
    assert {p.name for p in (home / "cwd").iterdir()} >= {"users.csv", "users.jsonl"}
    assert len(list((home / "cassettes").glob("*.yaml"))) == 2
    assert len(list((home / "snapshots").glob("*.svg"))) == 3
    # the search has something to find: tokens and codes were issued
    assert any(s.isdigit() for s in issued) and any(s.startswith("eyJ") for s in issued)
    auditor, found = search_checked(home, {CANARY, *issued})
    assert auditor.files >= 10
    assert found == [], "\n".join(map(str, found))


def test_no_secret_in_what_the_installed_editor_wrote_or_drew(backend, home, tmp_path):
    import shlex

    from tests.e2e.support import TMUX, editor_command, terminal_env
    from tests.robustness.terminal import Editor

    if TMUX is None:
        pytest.skip("tmux is not installed")
    username = canary_user(backend, CANARY)
    where = {
        "endpoint_url": backend.endpoint_url,
        "region": backend.region,
        "user_pool_id": backend.user_pool_id,
        "client_id": backend.client_id,
    }
    env = terminal_env(home)
    env.update(
        {k: str(home / d) for k, d in [("XDG_STATE_HOME", "state"), ("XDG_CONFIG_HOME", "config")]}
    )
    env.update({"XDG_CACHE_HOME": str(home / "cache"), "HOME": str(home / "home")})
    run = tmp_path / "run.sh"
    run.write_text(
        f"cd {shlex.quote(str(home / 'cwd'))}\nexec {shlex.join(editor_command(where, username))}\n"
    )
    drawn = home / "cwd" / "terminal.bin"  # every byte the editor wrote to its terminal
    term = Editor(["script", "-q", "-f", "-c", f"sh {run}", str(drawn)], env)
    try:
        term.wait_for("Sign in")
        term.keys(CANARY, literal=True)
        term.keys("Enter")
        term.edit_given_name("Canary Bird")
        term.keys("Up")
        term.keys("Enter")
        term.wait_for("Edit email")
        term.keys("C-u")
        term.keys(f"{username}.new@example.com", literal=True)
        term.keys("Enter")
        term.wait_for("2 pending change")
        term.keys("C-s")
        term.wait_for("Save 2 change(s)")
        term.keys("y")
        term.wait_for("Verify the new value")  # a code was delivered; it is not typed
        term.keys("Escape")
        term.wait_for("Saved 2 change")
        term.wait_for("awaits code")  # the new email's own row, under the active one
        term.keys("Down")  # the new email's row
        term.keys("Down")
        term.keys("Down")
        term.keys("Enter")
        term.wait_for("Edit nickname")
        term.keys("C-u")
        term.keys("pending at quit", literal=True)
        term.keys("Enter")
        term.wait_for("1 pending change")
        term.keys("q")
        term.wait_for("unsaved change")
        term.keys("y")
        deadline = time.monotonic() + 10
        while b"\x1b[?1049l" not in drawn.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        term.close()
    screen = drawn.read_bytes()
    assert b"given_name" in screen and b"\x1b[?1049l" in screen  # drawn, and left
    assert backend.latest_code(username, "email")  # delivered, never shown by the editor
    journal = list((home / "state" / "cognito-tui" / "journal").glob("*.json"))
    assert len(journal) == 1 and "pending at quit" in journal[0].read_text()
    auditor, found = search_checked(home, {CANARY, *backend.issued_secrets()})
    assert auditor.files >= 3
    assert found == [], "\n".join(map(str, found))
