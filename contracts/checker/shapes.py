"""The cache key of the compiled spec, and the schemas of a few simple shapes read from
their small cache file: light enough to check command-line values at the very start.

Only the standard library (and `botocore.__version__`) is imported here: the editor checks
--pool-id and --client-id before it forks its early answer (tui/prefetch.py) and before it
imports Textual, so everything imported here delays both. The full spec module
(`contracts.checker.spec`, with jsonschema-rs and orjson) is imported only when the small
file is missing (the first run after an upgrade), to write it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
COMMON_ERRORS_FILE = DATA / "common_errors.toml"
EXTRA_SECRETS_FILE = DATA / "extra_secrets.toml"


def cache_dir() -> Path:
    env = os.environ.get("COGNITO_CONTRACTS_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cognito-tui"


def source_digest() -> str:
    """Changes whenever the compiler, the regex translator or the common-error list does."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in ("compiler.py", "javaregex.py", "model.py"):
        h.update((here / name).read_bytes())
    h.update(COMMON_ERRORS_FILE.read_bytes())
    h.update(EXTRA_SECRETS_FILE.read_bytes())
    return h.hexdigest()[:16]


def shape_schemas(*names: str, cache: bool = True) -> dict[str, dict[str, Any]]:
    """The compiled schemas of a few simple (string, number) shapes, e.g. to check
    command-line values before anything else starts. Read from a small file beside the
    cached spec (a JSON read of well under a millisecond), written from the full spec the
    first time; the key is the spec's own, so the two can never disagree."""
    from contracts.checker.model import botocore_version

    key = f"shapes-{botocore_version()}-{source_digest()}-{'-'.join(sorted(names))}.json"
    path = cache_dir() / key
    if cache:
        try:
            found: dict[str, dict[str, Any]] = json.loads(path.read_bytes())
            return found
        except (OSError, ValueError):
            pass
    from contracts.checker.spec import _write_atomic, load_compiled

    defs = load_compiled(cache)["defs"]
    out = {name: defs[name] for name in names}
    if cache:
        import contextlib

        with contextlib.suppress(OSError):
            _write_atomic(path, json.dumps(out).encode())
    return out
