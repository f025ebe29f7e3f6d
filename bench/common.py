"""What the benchmarks share (each runs as `python bench/NAME.py`, so this folder is on
sys.path)."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def source_state() -> dict[str, Any]:
    """Which code was measured: HEAD and the product files that differ from it (read-only
    git calls; `--no-optional-locks` so that a concurrent commit is never disturbed)."""
    git = ["git", "--no-optional-locks", "-C", str(ROOT)]
    try:
        head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True)
        status = subprocess.run(
            [*git, "status", "--porcelain", "--", "tui", "contracts", "pyproject.toml"],
            capture_output=True,
            text=True,
        )
    except OSError:
        return {}
    changed = [line[3:] for line in status.stdout.splitlines()]
    digest = hashlib.sha256()
    for name in changed:
        path = ROOT / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return {
        "git_head": head.stdout.strip(),
        "uncommitted": changed,
        "uncommitted_sha256": digest.hexdigest()[:16] if changed else None,
    }
