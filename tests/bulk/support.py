"""Helpers for the bulk tests: what the backend carried out, CSV files, the CLI in process.

Every call goes over HTTP through botocore to the embedded backend; nothing is mocked.
`CallLog` watches the backend's side in process, which is what lets a test prove that a
row was applied exactly once rather than merely that the final value is right.
"""

from __future__ import annotations

import io
import json
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from tui.core.connection import Connection, ConnectionSettings

LOCAL = ("AKIDTEST", "secret")
WRITES = ("AdminUpdateUserAttributes", "AdminDeleteUserAttributes")


class CallLog:
    """Every write the backend carried out for one pool: (operation, username, attribute
    names), in order. Wraps the backend's request handler, so throttled answers (refused
    before the handler) and refused writes (the handler raised) are not counted."""

    def __init__(self, backend: Any) -> None:
        self.app = backend._app
        self.pool_id = backend.user_pool_id
        self.original = self.app.handle
        self.writes: list[tuple[str, str, tuple[str, ...]]] = []
        self.reads = 0
        self._lock = threading.Lock()
        self.app.handle = self._handle

    def _handle(self, environ: dict[str, Any], operation: str) -> Any:
        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(raw)
        result = self.original(environ, operation)
        body = json.loads(raw or b"{}")
        if body.get("UserPoolId") != self.pool_id:
            return result
        with self._lock:
            if operation == "AdminUpdateUserAttributes":
                names = tuple(a["Name"] for a in body["UserAttributes"])
                self.writes.append((operation, body["Username"], names))
            elif operation == "AdminDeleteUserAttributes":
                self.writes.append((operation, body["Username"], tuple(body["UserAttributeNames"])))
            elif operation == "AdminGetUser":
                self.reads += 1
        return result

    def per_user(self, operation: str = "AdminUpdateUserAttributes") -> Counter[str]:
        with self._lock:
            return Counter(user for op, user, _ in self.writes if op == operation)

    def for_user(self, username: str) -> list[tuple[str, tuple[str, ...]]]:
        with self._lock:
            return [(op, names) for op, user, names in self.writes if user == username]

    def close(self) -> None:
        self.app.handle = self.original


def admin(backend: Any) -> Connection:
    settings = ConnectionSettings(region=backend.region, endpoint_url=backend.endpoint_url)
    return Connection(settings, credentials=LOCAL)


def values_of(connection: Connection, backend: Any, username: str) -> dict[str, str]:
    found = connection.call("AdminGetUser", UserPoolId=backend.user_pool_id, Username=username)
    return {a["Name"]: a["Value"] for a in found.get("UserAttributes", [])}


def write_csv(path: Path, rows: list[str], header: str = "username,attribute,value,action") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def cli_args(backend: Any, csv_path: Path, *extra: str, journal: Path | None = None) -> list[str]:
    """`cognito-tui bulk apply ...` arguments for the embedded backend."""
    args = [
        "bulk",
        "apply",
        str(csv_path),
        "--pool-id",
        str(backend.user_pool_id),
        "--endpoint-url",
        backend.endpoint_url,
        "--region",
        backend.region,
    ]
    if journal is not None:
        args += ["--journal", str(journal)]
    return args + list(extra)


def aws_env(state: Path) -> dict[str, str]:
    """Credentials from the standard chain (the environment), nothing from ~/.aws, and the
    state directory (default journals) under the test's own folder."""
    return {
        "AWS_ACCESS_KEY_ID": LOCAL[0],
        "AWS_SECRET_ACCESS_KEY": LOCAL[1],
        "AWS_CONFIG_FILE": str(state / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(state / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "XDG_STATE_HOME": str(state),
    }


# -- the bulk journal as a test reads it ------------------------------------------------


def journal_records(path: Path) -> list[dict]:
    records = []
    for line in path.read_text().splitlines() if path.exists() else []:
        try:
            records.append(json.loads(line))
        except ValueError:
            continue  # a record being written right now
    return records


def sent(records: list[dict]) -> list[dict]:
    return [r for r in records if r.get("type") == "done" and r.get("call")]


def in_flight(records: list[dict]) -> set[int]:
    """CSV lines with an intent record and no done record after it."""
    lines: set[int] = set()
    for record in records:
        if record.get("type") == "intent":
            lines.update(record["lines"])
        elif record.get("type") == "done":
            lines.difference_update(record["lines"])
    return lines
