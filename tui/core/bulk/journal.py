"""The bulk journal: one JSON line per event, so that a killed run resumes exactly.

Before each write call the runner appends an `intent` record naming the user, the
operation and the CSV lines the call carries; after the answer, a `done` record with the
outcome. Both are written with one `write` on a file opened for appending and then
fsync'd, so a record is either whole or (only the very last one, after a power cut)
missing or torn, which the reader tolerates.

On resume, per CSV line, the last record decides:

- `done` applied or unchanged: finished, never touched again;
- `done` failed: tried again (a failed call changed nothing);
- `intent` with no `done`: the process died while the call was in flight and it may or
  may not have landed. The runner reads the user (AdminGetUser) and re-sends only what is
  not already in place, so the row is applied exactly once either way.

The first record of every run names the CSV digest (its bytes and the pool id) and the
pool: a journal is refused for any other file or pool, so `--journal` cannot mix runs up.
Records hold usernames, attribute names, line numbers, outcomes and error codes and
messages, never a value: the CSV holds the values, and the journal is only read next to
it.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.core.bulk.rows import BulkInputError, Row
from tui.core.journal import state_dir

VERSION = 1
FINISHED = ("applied", "unchanged")


def default_journal_path(digest: str) -> Path:
    """Where a run's journal lives unless `--journal` says otherwise."""
    return state_dir() / "bulk" / f"{digest[:32]}.jsonl"


@dataclass
class JournalState:
    """What earlier runs left, per CSV line."""

    finished: dict[int, str] = field(default_factory=dict)  # line -> applied | unchanged
    uncertain: set[int] = field(default_factory=set)  # intent without done
    failed: dict[int, str] = field(default_factory=dict)  # line -> the reason given
    runs: int = 0


class BulkJournal:
    def __init__(self, path: Path | str, digest: str, pool_id: str, *, fsync: bool = True) -> None:
        self.path = Path(path)
        self.digest = digest
        self.pool_id = pool_id
        self.fsync = fsync
        self._fd: int | None = None
        self._lock = threading.Lock()

    # -- reading ---------------------------------------------------------------------------

    def load(self) -> JournalState:
        """The state earlier runs left; empty when there is no journal yet. Raises
        BulkInputError when the file is not a journal of this CSV and pool."""
        state = JournalState()
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return state
        except (OSError, UnicodeDecodeError) as error:
            raise BulkInputError(f"journal {self.path}: cannot be read ({error})") from None
        lines = text.splitlines()
        last: dict[int, tuple[str, str]] = {}
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                kind = record["type"]
            except (ValueError, KeyError, TypeError):
                if number == len(lines) and not text.endswith("\n"):
                    break  # the last record, torn by a crash mid-write
                raise BulkInputError(
                    f"journal {self.path}: line {number} is not a bulk journal record"
                ) from None
            if kind == "run":
                self._check_run(record)
                state.runs += 1
            elif state.runs == 0:
                raise BulkInputError(f"journal {self.path}: does not start with a run record")
            elif kind == "intent":
                for row_line in record.get("lines", []):
                    last[int(row_line)] = ("intent", "")
            elif kind == "done":
                outcome = str(record.get("outcome", ""))
                for row_line in record.get("lines", []):
                    last[int(row_line)] = (outcome, str(record.get("reason", "")))
        for row_line, (outcome, reason) in last.items():
            if outcome in FINISHED:
                state.finished[row_line] = outcome
            elif outcome == "intent":
                state.uncertain.add(row_line)
            else:
                state.failed[row_line] = reason
        return state

    def _check_run(self, record: dict[str, Any]) -> None:
        if record.get("v") != VERSION:
            raise BulkInputError(
                f"journal {self.path}: written by another version (format {record.get('v')})"
            )
        if record.get("pool_id") != self.pool_id or record.get("digest") != self.digest:
            raise BulkInputError(
                f"journal {self.path} belongs to another CSV file or pool "
                f"(pool {record.get('pool_id')}); give another --journal path"
            )

    # -- writing ---------------------------------------------------------------------------

    def open(self, rows: int) -> None:
        """Start a run: create the file if needed and append the run record."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        self._fd = os.open(self.path, flags, 0o600)
        self._append(
            {
                "v": VERSION,
                "type": "run",
                "digest": self.digest,
                "pool_id": self.pool_id,
                "rows": rows,
                "pid": os.getpid(),
            }
        )

    def intent(self, username: str, operation: str, rows: list[Row]) -> None:
        self._append(
            {
                "type": "intent",
                "user": username,
                "call": operation,
                "lines": [row.line for row in rows],
                "attributes": [row.attribute for row in rows],
            }
        )

    def done(
        self,
        username: str,
        operation: str | None,
        rows: list[Row],
        outcome: str,
        code: str = "",
        reason: str = "",
    ) -> None:
        record: dict[str, Any] = {
            "type": "done",
            "user": username,
            "call": operation,
            "lines": [row.line for row in rows],
            "outcome": outcome,
        }
        if code:
            record["code"] = code
        if reason:
            record["reason"] = reason
        self._append(record)

    def _append(self, record: dict[str, Any]) -> None:
        if self._fd is None:
            raise RuntimeError("open() the journal before writing to it")
        record["at"] = round(time.time(), 3)
        data = (json.dumps(record, ensure_ascii=False) + "\n").encode()
        with self._lock:
            written = os.write(self._fd, data)
            if written != len(data):
                raise OSError(f"journal {self.path}: short write")
        if self.fsync:
            os.fsync(self._fd)

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
