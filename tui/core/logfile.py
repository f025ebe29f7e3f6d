"""The log file: where an unexpected exception's traceback goes, so the screen can say
"internal error (details in ...)" in one line instead of showing a bug as anyone's answer.

`$XDG_STATE_HOME/cognito-tui/cognito-tui.log` (or `~/.local/state/...`), appended to and
kept small (rotated at 1 MB, one old copy). It never holds a secret: only the exception's
type, message and stack (no local variables), and anything in the message that looks like
a token (a JWT or a long base64 run) is blanked before it is written.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import threading
import traceback
from pathlib import Path

from tui.core.journal import state_dir

LOG_NAME = "cognito-tui.log"
MAX_BYTES = 1_000_000
_LOCK = threading.Lock()
# JWTs (three base64url parts) and long base64 runs: tokens, sessions, SRP values
_SECRETISH = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*|[A-Za-z0-9+/=_-]{40,}")


def log_path() -> Path:
    """Read at each call: the state folder may change (tests give each their own)."""
    return state_dir() / LOG_NAME


def scrub(text: str) -> str:
    return _SECRETISH.sub("[redacted]", text)


def log_exception(exc: BaseException, context: str = "") -> str:
    """Append `exc`'s traceback to the log file; returns the file's path (as shown on
    screen), or a sentence saying why it could not be written."""
    path = log_path()
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    text = scrub("".join(lines)).rstrip()
    with _LOCK:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # only its owner may read it on a shared host (it names pools and users)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
            os.chmod(path, 0o600)
            handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=1, encoding="utf-8"
            )
        except OSError as problem:
            return f"nowhere: the log file {path} could not be opened ({problem.strerror})"
        try:
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            record = logging.LogRecord(
                "cognito-tui",
                logging.ERROR,
                __file__,
                0,
                "internal error%s\n%s",
                (f" during {context}" if context else "", text),
                None,
            )
            handler.handle(record)
        finally:
            handler.close()
    return shown_path(path)


def shown_path(path: Path) -> str:
    """The path as a person types it: the home folder as ~."""
    home = Path.home()
    try:
        return "~/" + str(path.relative_to(home))
    except ValueError:
        return str(path)
