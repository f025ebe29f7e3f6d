"""`cognito-tui bulk apply FILE.csv --pool-id P`: change attributes of many users at once.

The work is `tui.core.bulk`'s; this module is the command around it: options, the
progress bar on stderr, the dry-run diff and the final report on stdout, exit codes
(0 done, 1 some rows failed, 2 unusable input: nothing was written, 130 interrupted:
run the same command again to resume).

Only the standard library is imported at import time, so `cognito-tui --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from tui.core.bulk import ParsedCsv, Plan, Progress, Report, UserDiff
    from tui.core.connection import Connection, ConnectionSettings

PROG = "cognito-tui bulk apply"
# Mirrors tui.core.bulk.runner's defaults (asserted by the tests): importing the core here
# would load botocore for `--help`.
DEFAULT_RATE = 20.0
DEFAULT_READ_RATE = 100.0
DEFAULT_WORKERS = 8
MAX_WORKERS = 64
EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130

APPLY_EPILOG = """\
The CSV file needs a header row; columns (value and action may be left out):
  username,attribute,value,action
  user00001,custom:department,Research,set
  user00001,nickname,,delete
action is set (the default) or delete. Surrounding whitespace is ignored.

Every row is checked first, against the service model and the pool's schema
(DescribeUserPool); while any row is invalid nothing is written, unless --skip-invalid.
Rows whose value is already in place are reported as unchanged and not sent.

Rate: Cognito's default quota for AdminUpdateUserAttributes and AdminDeleteUserAttributes
(the UserUpdate category) is 25 requests per second per account and region, shared with
every application using it; the default --rate of 20 stays below it. AdminGetUser
(UserRead, 120/s) has its own --read-rate. Throttled calls are retried with backoff.

A journal (JSON lines, no values) records each call before and after it is made, under
~/.local/state/cognito-tui/bulk/ named from the file's content and the pool id: a run
that is interrupted or killed resumes where it stopped when run again, with no row lost
or applied twice. Delete the journal to check every row again from scratch.

Exit codes: 0 every row applied or unchanged, 1 some rows failed (listed), 2 unusable
input (nothing written), 130 interrupted (run again to resume).
"""


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0 requests per second")
    return value


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"between 1 and {MAX_WORKERS}")
    return value


def add_admin_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """--pool-id, --profile, --region, --endpoint-url of a subcommand with IAM credentials
    (`bulk apply`, `users`). SUPPRESS: the same options given before the subcommand (the
    editor's) are kept, not reset."""
    connection = parser.add_argument_group("connection (AWS CLI style)")
    connection.add_argument("--pool-id", default=argparse.SUPPRESS, help="the user pool")
    connection.add_argument(
        "--profile", default=argparse.SUPPRESS, help="AWS profile (default: standard chain)"
    )
    connection.add_argument(
        "--region", default=argparse.SUPPRESS, help="AWS region (default: the pool id's)"
    )
    connection.add_argument(
        "--endpoint-url", default=argparse.SUPPRESS, help="a Cognito-compatible endpoint"
    )


def admin_connection_settings(args: argparse.Namespace, **extra: Any) -> ConnectionSettings | str:
    """The ConnectionSettings of `bulk apply` or `users` from the options above, checked
    at the door as the editor checks them (pool id against the model's pattern and its
    region, endpoint URL form): a str, one line for the user, when they are unusable."""
    from tui.core.connection import ConnectionSettings, settings_problems

    settings = ConnectionSettings(
        region=getattr(args, "region", None),
        profile=getattr(args, "profile", None),
        endpoint_url=getattr(args, "endpoint_url", None),
        pool_id=getattr(args, "pool_id", None),
        **extra,
    )
    problems = settings_problems(settings)
    return "; ".join(problems) if problems else settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `bulk` command and its `apply` action."""
    actions = parser.add_subparsers(dest="bulk_action", metavar="ACTION")
    apply = actions.add_parser(
        "apply",
        help="validate, preview or apply attribute changes listed in a CSV file",
        description="Apply attribute changes listed in a CSV file to the users of a pool, "
        "with IAM credentials (AdminUpdateUserAttributes, AdminDeleteUserAttributes).",
        epilog=APPLY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    apply.add_argument("file", type=Path, metavar="FILE.csv", help="the changes, one per row")
    add_admin_connection_arguments(apply)
    apply.add_argument(
        "--dry-run",
        action="store_true",
        help="print each user's changes against their current values; write nothing",
    )
    apply.add_argument(
        "--skip-invalid",
        action="store_true",
        help="apply the valid rows and report the invalid ones as skipped",
    )
    apply.add_argument(
        "--rate",
        type=_positive,
        default=DEFAULT_RATE,
        metavar="N",
        help=f"write requests per second, all workers together (default {DEFAULT_RATE:g})",
    )
    apply.add_argument(
        "--read-rate",
        type=_positive,
        default=DEFAULT_READ_RATE,
        metavar="N",
        help=f"AdminGetUser requests per second (default {DEFAULT_READ_RATE:g})",
    )
    apply.add_argument(
        "--workers",
        type=_workers,
        default=DEFAULT_WORKERS,
        metavar="N",
        help=f"concurrent requests (default {DEFAULT_WORKERS})",
    )
    apply.add_argument(
        "--journal",
        type=Path,
        metavar="PATH",
        help="the journal file (default: one per file and pool in the state directory)",
    )
    apply.set_defaults(handler=run_apply)
    parser.set_defaults(handler=lambda _args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_UNUSABLE


# -- progress ----------------------------------------------------------------------------------


def duration(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_progress(progress: Progress, bar_width: int = 16) -> str:
    """`[####------------] 120/480 rows  19.8/s  ETA 0:18  retries 3`: fits 80 columns."""
    total = progress.total
    filled = bar_width if not total else int(bar_width * progress.done / total)
    bar = "#" * filled + "-" * (bar_width - filled)
    eta = "--:--" if progress.eta is None else duration(progress.eta)
    text = f"[{bar}] {progress.done}/{total} rows  {progress.rate:.1f}/s  ETA {eta}"
    if progress.retries:
        text += f"  retries {progress.retries}"
    if progress.failed:
        text += f"  failed {progress.failed}"
    return text


class ProgressBar:
    """Plain text on stderr: redrawn in place on a terminal (at most ten times a second),
    one line every `interval` seconds otherwise (a log or CI output stays readable)."""

    def __init__(
        self,
        stream: TextIO,
        tty: bool | None = None,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.interval = interval if interval is not None else (0.1 if self.tty else 5.0)
        self.clock = clock
        self._last = float("-inf")
        self._drawn = 0

    def __call__(self, progress: Progress) -> None:
        if not progress.total:
            return  # nothing left to do (an earlier run finished it): no bar
        now = self.clock()
        if not progress.final and now - self._last < self.interval:
            return
        self._last = now
        line = format_progress(progress)
        if self.tty:
            width = shutil.get_terminal_size((80, 24)).columns - 1
            line = line[:width]
            self.stream.write("\r" + line + " " * max(0, self._drawn - len(line)))
            self._drawn = len(line)
            if progress.final:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


# -- the command -------------------------------------------------------------------------------


def _fail(message: str, code: int = EXIT_UNUSABLE) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return code


def run_apply(args: argparse.Namespace) -> int:
    from tui.core.bulk import BulkInputError, parse_csv
    from tui.core.connection import Connection
    from tui.core.errors import BULK, from_botocore

    path: Path = args.file
    pool_id = getattr(args, "pool_id", None)
    if not pool_id:
        return _fail("--pool-id is required")
    try:
        data = path.read_bytes()
    except OSError as error:
        return _fail(f"{path}: cannot be read ({error.strerror or error})")
    try:
        parsed = parse_csv(data)
    except BulkInputError as error:
        return _fail(f"{path}: {error}")

    settings = admin_connection_settings(args, max_pool_connections=max(10, args.workers))
    if isinstance(settings, str):
        return _fail(settings)
    try:
        connection = Connection(settings)
    except Exception as exc:  # botocore's own: a profile that does not exist
        return _fail(f"cannot connect: {from_botocore(exc).human(BULK)}")
    try:
        return _run(args, connection, pool_id, parsed, data)
    except KeyboardInterrupt:
        return _fail("interrupted; run the same command again to resume", EXIT_INTERRUPTED)
    finally:
        connection.close()


def _run(
    args: argparse.Namespace, connection: Connection, pool_id: str, parsed: ParsedCsv, data: bytes
) -> int:
    from tui.core.bulk import build_plan
    from tui.core.errors import BULK, CognitoError
    from tui.core.service import PoolAdmin

    path: Path = args.file
    try:
        schema = PoolAdmin(connection, pool_id).describe_pool()
    except CognitoError as error:
        unusable = {"ResourceNotFoundException", "LocalValidationError", "CredentialsError"}
        code = EXIT_UNUSABLE if error.code in unusable else EXIT_FAILED
        return _fail(f"cannot read pool {pool_id}: {error.human(BULK)}", code)

    plan = build_plan(parsed, schema)
    for note in plan.notes:
        print(f"{PROG}: note: {note}", file=sys.stderr)
    if plan.invalid and (not args.skip_invalid or not plan.valid):
        for problem in plan.invalid:
            reasons = "; ".join(problem.reasons)
            print(f"{path}:{problem.line}: {problem.subject}: {reasons}", file=sys.stderr)
        valid = plan.valid
        hint = f"add --skip-invalid to apply the {valid} valid rows" if valid else "no row is valid"
        return _fail(
            f"{path}: {len(plan.invalid)} of {plan.total} rows are invalid, nothing was "
            f"written (fix them, or {hint})"
        )
    if args.dry_run:
        return _dry_run(args, connection, pool_id, plan)
    return _apply(args, connection, pool_id, plan, data)


def _dry_run(args: argparse.Namespace, connection: Connection, pool_id: str, plan: Plan) -> int:
    from tui.core.bulk import preview

    diffs = preview(connection, pool_id, plan, read_rate=args.read_rate, workers=args.workers)
    print_diff(sys.stdout, args.file, pool_id, plan, diffs)
    return EXIT_FAILED if any(d.error is not None for d in diffs) else EXIT_OK


def _apply(
    args: argparse.Namespace, connection: Connection, pool_id: str, plan: Plan, data: bytes
) -> int:
    from tui.core.bulk import (
        BulkInputError,
        BulkJournal,
        BulkRunner,
        csv_digest,
        default_journal_path,
    )

    digest = csv_digest(data, pool_id)
    journal = BulkJournal(args.journal or default_journal_path(digest), digest, pool_id)
    try:
        state = journal.load()
    except BulkInputError as error:
        return _fail(str(error))
    if state.finished:
        print(
            f"{PROG}: resuming: {len(state.finished)} rows were finished by an earlier run "
            f"(journal {journal.path})",
            file=sys.stderr,
        )
    runner = BulkRunner(
        connection,
        pool_id,
        plan,
        journal=journal,
        state=state,
        rate=args.rate,
        read_rate=args.read_rate,
        workers=args.workers,
        on_progress=ProgressBar(sys.stderr),
    )
    with _cancel_on_sigterm(runner.cancel):
        try:
            report = runner.run()
        except OSError as error:  # the journal could not be written: stop before any harm
            return _fail(f"journal {journal.path}: {error}", EXIT_FAILED)
    print_report(sys.stdout, args.file, pool_id, plan, report)
    if report.interrupted and not any(r.code == "JournalError" for r in report.failed):
        return EXIT_INTERRUPTED
    return report.exit_code


class _cancel_on_sigterm:
    """SIGTERM stops a run as Ctrl+C does: calls in flight finish and are journaled."""

    def __init__(self, cancel: Callable[[], None]) -> None:
        self.cancel = cancel
        self.previous: Any = None

    def __enter__(self) -> None:
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, lambda *_: self.cancel())

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)


# -- printing ----------------------------------------------------------------------------------


def shown(value: str | None) -> str:
    """A value for the dry run: quoted, control characters escaped (a value cannot move
    the cursor or recolour the terminal)."""
    return "(not set)" if value is None else json.dumps(value, ensure_ascii=False)


def print_diff(out: TextIO, path: Path, pool_id: str, plan: Plan, diffs: list[UserDiff]) -> None:
    """Per user, each row against the current value; values are shown (that is what a dry
    run is for)."""
    change = same = unreadable = 0
    print(f"dry run: {path} -> {pool_id} ({plan.valid} rows, {len(diffs)} users)", file=out)
    print("nothing is written", file=out)
    rows_of = {user.username: user.rows for user in plan.users}
    for diff in diffs:
        if diff.error is not None:
            rows = rows_of.get(diff.username, [])
            lines = ", ".join(str(r.line) for r in rows)
            from tui.core.errors import BULK

            reason = diff.error.human(BULK)
            print(f"{diff.username}: cannot be read: {reason}  (lines {lines})", file=out)
            unreadable += len(rows)
            continue
        print(diff.username, file=out)
        width = max(len(d.row.attribute) for d in diff.rows)
        for d in diff.rows:
            name, row = d.row.attribute.ljust(width), d.row
            if row.action == "delete":
                what = f"delete {shown(d.current)}" if d.changes else "delete: not set, unchanged"
            elif d.changes:
                what = f"{shown(d.current)} -> {shown(row.value)}"
            else:
                what = f"unchanged {shown(d.current)}"
            print(f"  {name}  {what}  (line {row.line})", file=out)
            change, same = change + d.changes, same + (not d.changes)
    summary = f"would change {change} rows, {same} unchanged"
    if unreadable:
        summary += f", {unreadable} cannot be applied (user not readable)"
    if plan.invalid:
        summary += f", {len(plan.invalid)} skipped (invalid)"
    print(summary, file=out)
    _print_skipped(out, plan)


def _print_skipped(out: TextIO, plan: Plan) -> None:
    if plan.invalid:
        print("skipped (invalid):", file=out)
        for problem in plan.invalid:
            print(f"  {problem.describe()}", file=out)


def print_report(out: TextIO, path: Path, pool_id: str, plan: Plan, report: Report) -> None:
    """Counts, calls and retries, then every failed and skipped row with its reason. No
    value is printed: reasons name lines, users and attributes."""
    confirmed = sum(1 for r in report.applied if r.confirmed)
    users = len(plan.users)
    print(f"bulk apply: {path} -> {pool_id} ({plan.total} rows, {users} users)", file=out)
    lines = [
        ("applied", len(report.applied), "sent and confirmed by Cognito"),
        ("unchanged", len(report.unchanged), "already had the value: not sent"),
        ("skipped", len(report.skipped), "invalid (--skip-invalid)"),
        ("failed", len(report.failed), "listed below"),
    ]
    if confirmed:
        lines[0] = (
            "applied",
            len(report.applied),
            f"{confirmed} of them sent by an interrupted run, found in place",
        )
    if report.earlier:
        lines.append(("earlier", report.earlier, "finished by an earlier run (journal)"))
    if report.not_reached:
        lines.append(("not reached", report.not_reached, "left for the next run"))
    for label, count, note in lines:
        print(f"  {label:<12}{count:>7}   {note}", file=out)
    calls = ", ".join(f"{n} {op}" for op, n in sorted(report.calls.items())) or "none"
    print(f"  calls: {calls}", file=out)
    print(f"  retries: {report.retries} ({report.throttled} throttled answers)", file=out)
    done = len(report.results)
    rate = done / report.elapsed if report.elapsed > 0 else 0.0
    print(f"  time: {report.elapsed:.1f} s, {rate:.1f} rows/s", file=out)
    if report.journal is not None:
        print(f"  journal: {report.journal}", file=out)
    if report.failed:
        print("failed:", file=out)
        for result in report.failed:
            print(f"  {result.row.where()}: {result.reason}", file=out)
    _print_skipped(out, plan)
    if report.interrupted:
        print(
            f"interrupted: {report.not_reached} rows not reached; run the same command again "
            "to resume",
            file=out,
        )
