"""The editor turns the terminal's echo off first thing (tui.cli.no_echo_while_starting):
keys typed ahead while it starts, a password among them, were echoed by the terminal's
line mode onto the shell's screen and stayed there after the editor quit. Echo comes back
at exit. Checked on a real pseudo-terminal, in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ON_A_TERMINAL = """
import json, os, pty, termios
from tui.cli import echo_again, no_echo_while_starting
master, slave = pty.openpty()
os.dup2(slave, 0)
echo = lambda: bool(termios.tcgetattr(0)[3] & termios.ECHO)
seen = {"at_first": echo()}
before = no_echo_while_starting(["--pool-id", "eu-west-1_AbC123"])
seen["starting"] = echo()
echo_again(before)
seen["after"] = echo()
for argv in (["--help"], ["--version"], ["users", "--pool-id", "x"], ["bulk", "apply"]):
    seen[argv[0]] = no_echo_while_starting(argv) is None and echo()
os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
seen["not_a_terminal"] = no_echo_while_starting([]) is None
print(json.dumps(seen))
"""


def test_echo_is_off_while_the_editor_starts_and_back_after():
    done = subprocess.run(
        [sys.executable, "-c", ON_A_TERMINAL],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen == {
        "at_first": True,
        "starting": False,
        "after": True,
        # commands that print or read their own input keep the echo
        "--help": True,
        "--version": True,
        "users": True,
        "bulk": True,
        "not_a_terminal": True,
    }
