"""Export a pool's users to CSV or JSON Lines, streaming page by page.

Times are ISO 8601 in UTC (`2026-12-01T05:12:00Z`), booleans are `true`/`false` in both
formats, statuses are Cognito's whole words. A CSV's header holds every column that any
user has: pages are spooled as JSON Lines first, so a column first seen on the last page
is not lost. The file appears under its name only when complete.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BASE_COLUMNS = ("username", "status", "enabled", "created", "modified")


def iso8601(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def user_record(user: Any) -> dict[str, Any]:
    return {
        "username": user.username,
        "status": user.status or "",
        "enabled": user.enabled,
        "created": iso8601(user.created),
        "modified": iso8601(user.modified),
        **user.attributes,
    }


def _csv_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def export_users(
    admin: Any,
    path: Path,
    filter: str | None,
    progress: Callable[[int], None],
    where: Any = None,
) -> int:
    """Every page of ListUsers (with `filter`) into `path`: `.csv` writes CSV, anything
    else JSON Lines; only the users `where` (a tui.core.search Query) matches, when given:
    a search ListUsers cannot answer. Returns the number of users written."""
    keep = where.matcher() if where is not None else None
    as_csv = path.suffix.lower() == ".csv"
    spool = path.with_name(path.name + ".part")
    count = 0
    columns: dict[str, None] = dict.fromkeys(BASE_COLUMNS)
    try:
        with open(spool, "w", encoding="utf-8") as fh:
            for page in admin.iter_users(filter=filter):
                for user in page.users:
                    if keep is not None and not keep(user):
                        continue
                    record = user_record(user)
                    columns.update(dict.fromkeys(record))
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                    count += 1
                progress(count)
        if as_csv:
            table = path.with_name(path.name + ".csv.part")
            with (
                open(spool, encoding="utf-8") as src,
                open(table, "w", newline="", encoding="utf-8") as out,
            ):
                writer = csv.DictWriter(out, fieldnames=list(columns), restval="")
                writer.writeheader()
                for line in src:
                    writer.writerow({k: _csv_value(v) for k, v in json.loads(line).items()})
            os.replace(table, path)
            spool.unlink()
        else:
            os.replace(spool, path)
    except BaseException:
        for leftover in (spool, path.with_name(path.name + ".csv.part")):
            leftover.unlink(missing_ok=True)
        raise
    return count
