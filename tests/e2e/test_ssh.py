"""Through a real SSH session, as the editor is used: an SSH server on loopback (asyncssh)
gives the editor a pseudo-terminal of the size the client asks for and passes every
window-size change on; the client is the system's `ssh`, inside tmux. Each of the four
messages that matter most is read whole on screen at 120x40, then 80x24, then 60x20 (the
window shrinks under it), and the State column stays visible. A connection dropped during
the demo (the client killed) leaves the pending edit for the next demo to offer.

After a window-size change the pane is read only once the editor has drawn it again for
the new size and stopped drawing (`SSHTerminal.settled`): a frame reaches tmux in pieces
through SSH, and a pane read too early showed half of the old frame and half of the new
one on a busy machine."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pty
import re
import shutil
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.support import BIN, TMUX, Terminal, editor_command, terminal_env
from tui.core.errors import SIGNIN, CognitoError

SSH = shutil.which("ssh")
asyncssh = pytest.importorskip("asyncssh")
# Part of `make test` (about a minute of one worker on a busy machine: 55-72 s for the
# four tests under -n 2 with two busy loops on two cores); `make test-ssh` runs it alone.
pytestmark = [
    pytest.mark.ssh,
    pytest.mark.skipif(TMUX is None or SSH is None, reason="needs tmux and ssh"),
]
SIZES = [(120, 40), (80, 24), (60, 20)]


def _set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def _controlling_terminal() -> None:  # in the child, before exec
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class LoopbackSSH:
    """An SSH server on 127.0.0.1 (a free port) that runs `command` in a pseudo-terminal
    for each session, whatever the client asked to run. No authentication: it listens on
    loopback for the length of one test."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.command: list[str] = []
        self.children: list[subprocess.Popen[bytes]] = []  # every editor it started
        self.loop = asyncio.new_event_loop()
        self.port = 0
        ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self.thread.start()
        assert ready.wait(20), "the SSH server did not start"

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)

        class NoAuth(asyncssh.SSHServer):  # type: ignore[misc]
            def begin_auth(self, username: str) -> bool:
                return False

        async def start() -> None:
            key = asyncssh.generate_private_key("ssh-ed25519")
            self.server = await asyncssh.create_server(
                NoAuth,
                "127.0.0.1",
                0,
                server_host_keys=[key],
                process_factory=self._session,
                encoding=None,
            )
            self.port = self.server.sockets[0].getsockname()[1]
            ready.set()

        self.loop.run_until_complete(start())
        self.loop.run_forever()

    async def _session(self, process: Any) -> None:
        cols, rows, *_ = process.get_terminal_size()
        master, slave = pty.openpty()
        _set_size(master, cols or 80, rows or 24)
        env = {**self.env, "TERM": process.get_terminal_type() or "xterm-256color"}
        child = subprocess.Popen(
            self.command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            preexec_fn=_controlling_terminal,
            close_fds=True,
        )
        os.close(slave)
        self.children.append(child)
        loop = asyncio.get_running_loop()
        done = asyncio.Event()

        def readable() -> None:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if data:
                with contextlib.suppress(OSError):  # the client is gone: output goes nowhere
                    process.stdout.write(data)
            else:
                loop.remove_reader(master)
                done.set()

        loop.add_reader(master, readable)

        async def pump_input() -> None:
            while True:
                try:
                    data = await process.stdin.read(4096)
                except asyncssh.TerminalSizeChanged as change:
                    _set_size(master, change.width, change.height)  # SIGWINCH to the editor
                    continue
                except (asyncssh.BreakReceived, asyncssh.SignalReceived):
                    continue
                if not data:
                    return
                os.write(master, data)

        reader = asyncio.ensure_future(pump_input())
        output = asyncio.ensure_future(done.wait())
        # the editor ends, or the client goes away (a dropped connection): then it is
        # hung up on, as sshd does
        await asyncio.wait([reader, output], return_when=asyncio.FIRST_COMPLETED)
        reader.cancel()
        output.cancel()
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signal.SIGHUP)
        await loop.run_in_executor(None, child.wait)
        with contextlib.suppress(ValueError):
            loop.remove_reader(master)
        os.close(master)
        with contextlib.suppress(Exception):
            process.exit(child.returncode or 0)

    def wait_for_editors_to_end(self, timeout: float = 30) -> list[int | None]:
        """The exit status of every editor started so far, once they have all ended."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(c.poll() is None for c in self.children):
            time.sleep(0.1)
        return [c.poll() for c in self.children]

    def close(self) -> None:
        async def stop() -> None:
            self.server.close()
            await self.server.wait_closed()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self.loop.stop()

        asyncio.run_coroutine_threadsafe(stop(), self.loop)
        self.thread.join(20)


class SSHTerminal(Terminal):
    """tmux running the system's ssh client into the loopback server."""

    NAME = "cognito-tui-ssh"
    TIMEOUT = 60.0
    POLL = 0.2
    KEY_PAUSE = 0.2
    CLOSE_PAUSE = 0.0

    def __init__(self, port: int, size: tuple[int, int], env: dict[str, str]) -> None:
        ssh = [str(SSH), "-tt", "-F", "/dev/null", "-p", str(port)]
        for option in (
            "StrictHostKeyChecking=no",
            "UserKnownHostsFile=/dev/null",
            "LogLevel=ERROR",
            "IdentitiesOnly=yes",
            "PubkeyAuthentication=no",
            "PasswordAuthentication=no",
        ):
            ssh += ["-o", option]
        super().__init__([*ssh, "editor@127.0.0.1"], env, size)

    def shows(self, text: str, screen: str) -> bool:
        return text in flat(screen)

    def settled(self, text: str, size: tuple[int, int], timeout: float = 60) -> str:
        """The screen once the editor has drawn it at `size` and stopped drawing: `text` on
        it, its first and last rows drawn (header and footer: a window that just grew has
        blank rows until the editor draws again), no line wider than the window, and the
        same capture twice, 0.4 s apart (a frame arrives in several pieces through SSH)."""
        cols, rows = size
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            screen = self.screen()
            lines = screen.splitlines()
            drawn = (
                len(lines) == rows
                and lines[0].strip() != ""
                and lines[-1].strip() != ""
                and max(len(line) for line in lines) <= cols
                and text in flat(screen)
            )
            if drawn and screen == last:
                return screen
            last = screen if drawn else None
            time.sleep(0.4)
        raise AssertionError(
            f"{text!r} never settled on a {cols}x{rows} screen; the screen was:\n{self.screen()}"
        )

    def resize(self, cols: int, rows: int) -> None:
        subprocess.run(
            [*self.tmux, "resize-window", "-t", self.name, "-x", str(cols), "-y", str(rows)],
            check=True,
        )

    def drop(self) -> None:
        """The connection dropped: the ssh client killed (SIGKILL), its TCP connection
        closed by the system without a word of SSH's own."""
        pid = subprocess.run(
            [*self.tmux, "display-message", "-p", "-t", self.name, "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        os.kill(int(pid), signal.SIGKILL)


def flat(screen: str) -> str:
    """The screen's text as one line: a message wrapped over several lines reads as one."""
    return re.sub(r"\s+", " ", " ".join(line.strip() for line in screen.splitlines()))


def whole_at_every_size(term: SSHTerminal, message: str) -> None:
    for size in SIZES:
        term.resize(*size)
        screen = term.settled(message, size)
        assert "…" not in screen, screen  # nothing cut


@pytest.fixture
def ssh_server(tmp_path: Path) -> Iterator[LoopbackSSH]:
    # COLUMNS and LINES exported with a size the window does not keep (as pytest-xdist's
    # workers do, and some login profiles): the editor must follow its terminal's real
    # size. Textual read these first, at the start and at every window-size change, and
    # drew at 80x24 in a window of any size.
    env = {**terminal_env(tmp_path), "COLUMNS": "80", "LINES": "24"}
    server = LoopbackSSH(env)
    try:
        yield server
    finally:
        server.close()


def run(server: LoopbackSSH, command: list[str], tmp_path: Path) -> SSHTerminal:
    server.command = command
    return SSHTerminal(server.port, SIZES[0], terminal_env(tmp_path))


def said(code: str, message: str) -> str:
    return CognitoError(code, message, status=400).human(SIGNIN)


def test_wrong_password_and_wrong_code_are_whole_at_every_size(embedded, ssh_server, tmp_path):
    user = embedded["users"][0]  # signs in with no challenge
    term = run(ssh_server, editor_command(embedded, user["username"]), tmp_path)
    try:
        term.wait_for("USER_SRP_AUTH")
        term.keys("Not-the-passw0rd!", literal=True)
        term.keys("Enter")
        whole_at_every_size(term, said("NotAuthorizedException", "Incorrect username or password."))
        term.resize(80, 24)
        term.keys(user["password"], literal=True)
        term.keys("Enter")
        term.wait_for("No pending changes")
        for size in SIZES:  # the State column on screen at every size
            term.resize(*size)
            screen = term.settled("State", size)
            assert re.search(r"email +\S+@\S+ +verified", screen), screen
        term.resize(80, 24)
        term.keys("Down", "Down", "Down")  # email
        term.keys("Enter")
        term.wait_for("Edit email")
        term.keys("C-u")
        term.keys("someone.new@example.com", literal=True)
        term.keys("Enter")
        term.keys("C-s")
        term.wait_for("Save 1 change(s)")
        term.keys("y")
        term.wait_for("verification code")
        term.keys("000000", literal=True)
        term.keys("Enter")
        message = CognitoError(
            "CodeMismatchException",
            "Invalid verification code provided, please try again.",
            status=400,
        )
        whole_at_every_size(term, message.human())
    finally:
        term.close()


def test_weak_password_is_whole_at_every_size(embedded, ssh_server, tmp_path):
    user = embedded["users"][1]  # NEW_PASSWORD_REQUIRED
    term = run(ssh_server, editor_command(embedded, user["username"]), tmp_path)
    try:
        term.wait_for("USER_SRP_AUTH")
        term.keys(user["password"], literal=True)
        term.keys("Enter")
        term.wait_for("A new password is required")
        term.keys("weak", literal=True)
        term.keys("Enter")
        whole_at_every_size(
            term,
            said(
                "InvalidPasswordException",
                "Password does not conform to policy: Password not long enough",
            ),
        )
    finally:
        term.close()


def test_unreachable_endpoint_names_its_url_at_every_size(embedded, ssh_server, tmp_path):
    command = editor_command(embedded, embedded["users"][0]["username"])
    command[command.index("--endpoint-url") + 1] = "http://127.0.0.1:9"
    term = run(ssh_server, command, tmp_path)
    try:
        term.wait_for("USER_SRP_AUTH")
        term.keys("Any-passw0rd!", literal=True)
        term.keys("Enter")
        from botocore.exceptions import EndpointConnectionError

        from tui.core.errors import from_botocore

        error = from_botocore(EndpointConnectionError(endpoint_url="http://127.0.0.1:9/"))
        whole_at_every_size(term, error.human(SIGNIN))
    finally:
        term.close()


def test_a_dropped_connection_during_the_demo_offers_its_edits_again(ssh_server, tmp_path):
    """`make demo` over SSH, an edit left pending, the connection dropped (the client
    killed); the next demo, over a new connection, offers the edit again at every size."""
    ssh_server.command = [str(BIN / "cognito-tui"), "--demo"]
    env = terminal_env(tmp_path)  # the demo's pool and journal go under its state folder
    term = SSHTerminal(ssh_server.port, (80, 24), env)
    try:
        term.settled("No pending changes", (80, 24))
        term.keys("Enter")  # the first row: given_name
        term.wait_for("Edit given_name")
        term.keys("C-u")
        term.keys("Left behind over SSH", literal=True)
        term.wait_for("Left behind over SSH")
        term.keys("Enter")
        term.wait_for("1 pending change")
        term.drop()
        # hung up on, as sshd does when its client is gone: the editor ends by itself
        assert None not in ssh_server.wait_for_editors_to_end()
    finally:
        term.close()
    journals = list((tmp_path / "state" / "cognito-tui" / "journal").glob("*.json"))
    assert len(journals) == 1 and "Left behind over SSH" in journals[0].read_text()

    term = SSHTerminal(ssh_server.port, SIZES[0], env)
    try:
        for size in SIZES:
            term.resize(*size)
            screen = term.settled("Left behind over SSH", size)
            assert "Unsaved edits from" in flat(screen) and "r/Enter restore" in screen, screen
        term.keys("r")
        for size in SIZES:  # restored: pending in the table, its state on screen
            term.resize(*size)
            screen = term.settled("1 pending change", size)
            assert re.search(r"given_name +Left behind.* changed", screen), screen
        assert "kept from your last demo" in flat(screen)
        term.keys("q")
        term.wait_for("unsaved change")
        term.keys("d")  # quit and discard
        assert ssh_server.wait_for_editors_to_end()[-1] == 0
    finally:
        term.close()
