"""The demo pool, kept across runs in a file, so that `make demo` keeps its promises:
saved changes are still there next time, and the editor's journal (keyed by pool and user)
finds its pending edits again after a crash or a dropped connection.

The file holds what the pool looks like, never a secret: the pool and client ids, and per
user the name, status and attributes. Passwords and TOTP secrets are made anew at every
start (the demo prints them and signs its first user in by itself), so the file gives
nobody a way in.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

VERSION = 1


def snapshot(pool: Any, client_id: str) -> dict[str, Any]:
    """The pool's users as plain data (moto's model, read under the backend's lock)."""
    users = []
    for user in pool.users.values():
        users.append(
            {
                "username": user.username,
                "status": user.status,
                "enabled": bool(user.enabled),
                "attributes": [dict(a) for a in user.attributes],
            }
        )
    return {"version": VERSION, "pool_id": pool.id, "client_id": client_id, "users": users}


def load(path: Path) -> dict[str, Any] | None:
    """The saved state, or None when there is none or it cannot be used (then the demo
    starts afresh, as with --reset)."""
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("version") != VERSION:
        return None
    if not isinstance(state.get("pool_id"), str) or not isinstance(state.get("users"), list):
        return None
    return state


def save(path: Path, state: dict[str, Any]) -> None:
    """Atomically: a crash mid-write leaves the previous state, never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".demo-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(state, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
