"""The real home's cognito-tui folders, and an audit hook that notes every write under
them. tests/conftest.py installs the hook and fails the run on any note;
tests/core/test_home_isolation.py checks that it sees what it should."""

from __future__ import annotations

import os
from pathlib import Path

# The folders the product writes to, as they are for the person running the tests.
_HOME = os.path.expanduser("~")
REAL_FOLDERS = tuple(
    Path(base) / "cognito-tui"
    for base in (
        os.environ.get("XDG_CONFIG_HOME") or os.path.join(_HOME, ".config"),
        os.environ.get("XDG_STATE_HOME") or os.path.join(_HOME, ".local", "state"),
        os.environ.get("XDG_CACHE_HOME") or os.path.join(_HOME, ".cache"),
    )
)
_REAL_PREFIXES = tuple(str(folder) for folder in REAL_FOLDERS)
REAL_HOME_WRITES: list[str] = []


def watch_real_home(event: str, args: tuple[object, ...]) -> None:
    """An audit hook: every write, folder creation, rename or removal under the real
    folders made by this process is noted, and fails the run (pytest_sessionfinish).
    Processes the tests start inherit the isolated folders below instead."""
    if event == "open":
        path, mode = args[0], args[1]
        writing = isinstance(mode, str) and any(c in mode for c in "wax+")
        if not writing and isinstance(args[2], int):
            writing = bool(args[2] & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
    elif event in ("os.mkdir", "os.rename", "os.remove", "os.rmdir", "shutil.rmtree"):
        path, writing = args[0], True
    else:
        return
    if writing and isinstance(path, str | Path) and str(path).startswith(_REAL_PREFIXES):
        REAL_HOME_WRITES.append(f"{event} {path}")
