"""Bulk attribute changes from a CSV file, without Textual: the CLI today, an editor screen
later, both through the same calls.

    parsed = parse_csv(data)                          # rows.py: the file
    plan = build_plan(parsed, admin.describe_pool())  # plan.py: validation, per-user groups
    preview(connection, pool_id, plan)                # runner.py: dry run, diff per user
    BulkRunner(connection, pool_id, plan, journal=..., on_progress=...).run()  # -> Report

The journal (journal.py) makes a killed run resumable with no row lost or applied twice;
the token bucket (ratelimit.py) keeps every worker together under one request rate.
"""

from __future__ import annotations

from tui.core.bulk.journal import BulkJournal, JournalState, default_journal_path
from tui.core.bulk.plan import Plan, UserPlan, build_plan
from tui.core.bulk.ratelimit import TokenBucket
from tui.core.bulk.rows import BulkInputError, ParsedCsv, Row, RowProblem, csv_digest, parse_csv
from tui.core.bulk.runner import (
    DEFAULT_RATE,
    DEFAULT_READ_RATE,
    DEFAULT_WORKERS,
    MAX_WORKERS,
    BulkRunner,
    Progress,
    Report,
    RowDiff,
    RowResult,
    UserDiff,
    preview,
)

__all__ = [
    "DEFAULT_RATE",
    "DEFAULT_READ_RATE",
    "DEFAULT_WORKERS",
    "MAX_WORKERS",
    "BulkInputError",
    "BulkJournal",
    "BulkRunner",
    "JournalState",
    "ParsedCsv",
    "Plan",
    "Progress",
    "Report",
    "Row",
    "RowDiff",
    "RowProblem",
    "RowResult",
    "TokenBucket",
    "UserDiff",
    "UserPlan",
    "build_plan",
    "csv_digest",
    "default_journal_path",
    "parse_csv",
    "preview",
]
