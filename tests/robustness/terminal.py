"""The editor in an 80x24 tmux, as in tests/e2e, plus what the robustness tests need: the
pane kept after the editor exits (to see how it ended), its process id (to signal it), and
a shorter pause after each key (every step also waits for the screen it expects)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from tests.e2e.support import Terminal


class Editor(Terminal):
    KEY_PAUSE = 0.05  # a third of Terminal's pause: the app takes each key in turn

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        super().__init__(command, env)
        subprocess.run([*self.tmux, "set-option", "-t", self.name, "remain-on-exit", "on"])

    def edit_given_name(self, value: str) -> None:
        """From the freshly loaded attribute table (rows email, given_name, nickname, sub):
        given_name set to `value`, one pending change, the cursor left on given_name."""
        self.wait_for("No pending changes")
        time.sleep(0.3)  # the table takes the focus just after its first frame
        self.keys("Down")
        self.keys("Enter")
        self.wait_for("Edit given_name")
        self.keys("C-u")
        self.keys(value, literal=True)
        # on a busy machine keys can arrive before the field has the focus: see the value
        # in the field before confirming it
        self.wait_for(value)
        self.keys("Enter")
        self.wait_for("1 pending change")

    def pane(self, fmt: str) -> str:
        done = subprocess.run(
            [*self.tmux, "display-message", "-p", "-t", self.name, fmt],
            capture_output=True,
            text=True,
        )
        return done.stdout.strip()

    def pid(self) -> int:
        """The editor's own process (the pane's, or its child when a shell runs it)."""
        top = int(self.pane("#{pane_pid}"))
        for candidate in [top, *_children(top)]:
            cmdline = Path(f"/proc/{candidate}/cmdline").read_bytes()
            if b"cognito-tui" in cmdline and b"embedded" not in cmdline:
                return candidate
        raise AssertionError(f"no editor process under {top}")

    def wait_dead(self, timeout: float) -> float:
        """Seconds until the editor has exited (its pane is dead)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.pane("#{pane_dead}") == "1":
                return time.monotonic() - started
            time.sleep(0.02)
        raise AssertionError(f"the editor was still running after {timeout} s:\n{self.screen()}")


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out
