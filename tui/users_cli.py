"""`cognito-tui users --pool-id P --where 'custom:department=Research'`: list or search a
pool's users on the command line, with IAM credentials.

The search is `tui.core.search`'s (the editor's own): a condition ListUsers can answer is
sent as its Filter; any other (custom attributes, contains, regular expressions, not set)
scans every page of the pool at `--rate` requests per second. Matches are written to stdout
as they are found (CSV or JSON Lines), progress goes to stderr. Exit codes: 0 the whole
pool was searched, 1 Cognito or the network stopped the search (what was found so far is
written), 2 unusable input (nothing was asked), 130 interrupted.

Only the standard library is imported at import time, so `cognito-tui --help` stays fast.
"""

from __future__ import annotations

import argparse
import csv
import json
import signal
import sys
import threading
import time
from typing import Any, TextIO

PROG = "cognito-tui users"
EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130
# Mirrors tui.core.search.DEFAULT_RATE (asserted by the tests): importing the core here
# would load botocore for `--help`.
DEFAULT_RATE = 25.0
FIELDS = ("username", "status", "enabled", "created", "modified")

EPILOG = """\
--where takes one condition:
  name=value       exact            name^=prefix   starts with
  name~=text       contains         name=~/regex/  Python regular expression
  !name            not set          text           username starts with text
ListUsers answers = and ^= on username, email, phone_number, name, given_name,
family_name, preferred_username, cognito:user_status, status and sub; anything else
(custom attributes too) is matched here over every user of the pool, page by page, at
--rate ListUsers requests per second (the UserList quota is shared by every application
of the account and region). Matching here is case-sensitive; (?i) in a regular
expression ignores case.

Examples:
  cognito-tui users --pool-id eu-west-1_AbC123 --where 'custom:department=Research'
  cognito-tui users --pool-id eu-west-1_AbC123 --where '!phone_number' --format jsonl
  cognito-tui users --pool-id eu-west-1_AbC123 --where 'email~=@example.org' \\
      --attributes email,custom:department > users.csv

Exit codes: 0 searched the whole pool, 1 the search was stopped by an error (the matches
found so far are written), 2 unusable input, 130 interrupted.
"""


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0 requests per second")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--where", default="", metavar="CONDITION", help="which users (default: every user)"
    )
    parser.add_argument(
        "--format", choices=("csv", "jsonl"), default="csv", help="output format (default csv)"
    )
    parser.add_argument(
        "--attributes",
        default=None,
        metavar="A,B",
        help="attributes to write, comma-separated (default: every attribute; CSV columns "
        "come from the pool's schema)",
    )
    parser.add_argument(
        "--rate",
        type=_positive,
        default=DEFAULT_RATE,
        metavar="N",
        help=f"ListUsers requests per second (default {DEFAULT_RATE:g})",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress line on stderr")
    from tui.bulk_cli import add_admin_connection_arguments

    add_admin_connection_arguments(parser)
    parser.set_defaults(handler=run)


def _fail(message: str, code: int = EXIT_UNUSABLE) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return code


class Writer:
    """Matches to `out` as CSV (a fixed header) or JSON Lines, flushed page by page."""

    def __init__(self, out: TextIO, fmt: str, attributes: list[str] | None) -> None:
        self.out = out
        self.fmt = fmt
        self.attributes = attributes
        self._csv: Any = None

    def header(self, columns: list[str]) -> None:
        if self.fmt == "csv":
            self._csv = csv.DictWriter(self.out, fieldnames=columns, extrasaction="ignore")
            self._csv.writeheader()

    def write(self, users: list[Any]) -> None:
        for user in users:
            attrs = user.attributes
            if self.attributes is not None:
                attrs = {k: v for k, v in attrs.items() if k in self.attributes}
            record = {
                "username": user.username,
                "status": user.status or "",
                "enabled": user.enabled,
                "created": user.created,
                "modified": user.modified,
                **attrs,
            }
            if self.fmt == "jsonl":
                self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                self._csv.writerow(record)
        self.out.flush()


def _progress_line(progress: Any, started: float) -> str:
    rate = progress.calls / max(time.monotonic() - started, 1e-6)
    total = f"/~{progress.total:,}" if progress.total else ""
    return (
        f"{progress.scanned:,}{total} users looked at, {progress.matched:,} matched, "
        f"{progress.calls} calls ({rate:.1f}/s)"
    )


def run(args: argparse.Namespace) -> int:
    from tui.core.search import QueryError, parse_query

    pool_id = getattr(args, "pool_id", None)
    if not pool_id:
        return _fail("--pool-id is required")
    try:
        query = parse_query(args.where)
    except QueryError as error:
        return _fail(f"--where: {error}")
    wanted = None
    if args.attributes is not None:
        wanted = [a.strip() for a in args.attributes.split(",") if a.strip()]
        if not wanted:
            return _fail("--attributes: name at least one attribute, e.g. email,custom:level")
    from tui.bulk_cli import admin_connection_settings
    from tui.core.connection import Connection
    from tui.core.errors import from_botocore

    settings = admin_connection_settings(args)
    if isinstance(settings, str):
        return _fail(settings)
    try:
        connection = Connection(settings)
    except Exception as exc:  # botocore's own: a profile that does not exist
        return _fail(f"cannot connect: {from_botocore(exc).human()}")
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        return _search(args, connection, pool_id, query, wanted, stop)
    except KeyboardInterrupt:
        return _fail("interrupted; the users written so far are complete lines", EXIT_INTERRUPTED)
    finally:
        signal.signal(signal.SIGTERM, previous)
        connection.close()


def _search(
    args: argparse.Namespace,
    connection: Any,
    pool_id: str,
    query: Any,
    wanted: list[str] | None,
    stop: threading.Event,
) -> int:
    from tui.core.bulk.ratelimit import TokenBucket
    from tui.core.errors import CognitoError
    from tui.core.search import scan
    from tui.core.service import PoolAdmin

    admin = PoolAdmin(connection, pool_id)
    try:
        described = connection.call("DescribeUserPool", UserPoolId=pool_id)["UserPool"]
    except CognitoError as error:
        if error.code in ("ResourceNotFoundException", "NotAuthorizedException"):
            return _fail(f"{error.human()}", EXIT_FAILED)
        described = {}  # the identity may list users without describing the pool
    total = described.get("EstimatedNumberOfUsers")
    columns = list(FIELDS)
    if wanted is not None:
        columns += wanted
    else:
        columns += [
            a["Name"] for a in described.get("SchemaAttributes") or [] if a.get("Name")
        ] or ["email", "phone_number"]
    out = Writer(sys.stdout, args.format, wanted)
    out.header(columns)
    started = time.monotonic()
    tty = sys.stderr.isatty()
    last = [0.0]

    def show(progress: Any, final: bool = False) -> None:
        if args.no_progress:
            return
        now = time.monotonic()
        if not final and now - last[0] < (0.2 if tty else 5.0):
            return
        last[0] = now
        line = _progress_line(progress, started)
        sys.stderr.write(("\r" + line + "\x1b[K" + ("\n" if final else "")) if tty else line + "\n")
        sys.stderr.flush()

    def matched(users: list[Any], progress: Any) -> None:
        if users:
            out.write(users)
        show(progress)

    outcome = scan(
        admin,
        query if query is not None else _Everyone(),
        bucket=TokenBucket(args.rate, adaptive=True),
        total=total if isinstance(total, int) else None,
        on_matches=matched,
        stop=stop,
    )
    show(outcome.progress, final=True)
    if outcome.error is not None:
        return _fail(
            f"the search stopped after {outcome.progress.scanned:,} users "
            f"({outcome.progress.matched:,} matches written): {outcome.error.human()}",
            EXIT_FAILED,
        )
    if outcome.cancelled:
        return _fail("interrupted; the users written so far are complete lines", EXIT_INTERRUPTED)
    return EXIT_OK


class _Everyone:
    """No --where: every user, page by page (ListUsers without a Filter)."""

    server_filter = None
    server_side = False

    def matcher(self) -> Any:
        return lambda user: True

    def __str__(self) -> str:
        return "every user"
