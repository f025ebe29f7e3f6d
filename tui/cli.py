"""The `cognito-tui` command.

Subcommands register in `build_parser()`; each sets `handler`, a function taking the
parsed arguments and returning the exit code. Subcommand modules import their heavy
dependencies only when run, so `--version` and `--help` stay fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


class _Version(argparse.Action):
    """--version, looked up only when asked: importlib.metadata costs ~30 ms at start-up."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from importlib.metadata import version

        sys.stdout.write(f"cognito-tui {version('cognito-tui')}\n")
        parser.exit()


def _needs(what: str, extra: str, handler: Any) -> Any:
    """`handler`, preceded by the check that its optional extra is installed."""

    def run(args: argparse.Namespace) -> int:
        from tui.extras import require

        refused = require(what, extra)
        return refused if refused is not None else int(handler(args))

    return run


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line. With `argv`, a subcommand's own options (and the module
    that defines them) are added only when its name is among the arguments: the editor's
    start, the common case, then imports none of the subcommands' modules. A subcommand
    whose name is absent cannot be chosen, so the parse is the same either way."""
    from tui.launch import EPILOG, add_editor_arguments

    def wanted(name: str) -> bool:
        return argv is None or name in argv

    parser = argparse.ArgumentParser(
        prog="cognito-tui",
        description="A terminal editor for Amazon Cognito user attributes: sign in to a user "
        "pool and view, edit, add, delete and verify attributes. Without a COMMAND it opens "
        "the editor.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version)
    add_editor_arguments(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    embedded_parser = commands.add_parser(
        "embedded",
        help="run a local Cognito user pool service (for the demo, recording and tests)",
        description="Run moto's Cognito server on 127.0.0.1, completed with the AWS "
        "behaviour moto lacks. Prints one JSON line (endpoint, pool, client, users), then "
        "serves until SIGINT or SIGTERM; verification codes are printed on stderr.",
    )
    if wanted("embedded"):
        from tui.embedded import cli as embedded

        embedded.add_arguments(embedded_parser)
        embedded_parser.set_defaults(
            handler=_needs("cognito-tui embedded", "embedded", embedded.run)
        )

    bulk_parser = commands.add_parser(
        "bulk",
        help="change attributes of many users from a CSV file (IAM credentials)",
        description="Bulk changes: `bulk apply FILE.csv --pool-id P` validates every row, "
        "previews (--dry-run) or applies them under a rate limit, and resumes an "
        "interrupted run from its journal.",
    )
    if wanted("bulk"):
        from tui import bulk_cli

        bulk_cli.add_arguments(bulk_parser)

    users_parser = commands.add_parser(
        "users",
        help="list or search a pool's users, by any attribute (IAM credentials)",
        description="Write a pool's users, or those matching --where, as CSV or JSON Lines; "
        "a condition ListUsers cannot answer (custom attributes, contains, regex, not set) "
        "scans the pool at --rate requests per second.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    if wanted("users"):
        from tui import users_cli

        users_parser.epilog = users_cli.EPILOG
        users_cli.add_arguments(users_parser)
    return parser


SUBCOMMANDS = ("embedded", "bulk", "users")


def starts_the_editor(argv: list[str]) -> bool:
    """Read from the raw arguments, before they are parsed: no subcommand, no --help or
    --version (a hint: the parse decides)."""
    return not any(a in ("-h", "--help", "--version") or a in SUBCOMMANDS for a in argv)


def may_fetch_early(argv: list[str]) -> bool:
    """A hint read from the raw arguments, before anything is parsed or imported: the
    editor (no subcommand, no --help or --version), not admin mode, with a token (an
    --access-token option or COGNITO_ACCESS_TOKEN) or --demo. The start forks its early
    answer's child on this hint (tui.prefetch.fork_waiting), some 30 ms sooner than after
    the parse; the parsed options then decide whether the child gets work or is let go, so
    a wrong hint costs only an idle child, and a missed one (e.g. an abbreviated option)
    only the fork's later start."""
    if not starts_the_editor(argv) or "--admin" in argv:
        return False
    token = any(a == "--access-token" or a.startswith("--access-token=") for a in argv)
    return token or "--demo" in argv or bool(os.environ.get("COGNITO_ACCESS_TOKEN"))


def no_echo_while_starting(argv: list[str]) -> Any:
    """For the editor on a terminal: the terminal stops echoing what is typed, first
    thing. Until Textual takes the terminal over (some 250 ms), keys typed ahead (a
    password) were echoed by the terminal's line mode onto the shell's screen, and stayed
    there after the editor quit. Returns the settings to put back at exit (Textual puts
    back the ones it found, echo off), or None."""
    if not starts_the_editor(argv):
        return None
    try:
        import termios
    except ImportError:  # Windows
        return None
    try:
        if not os.isatty(0):
            return None
        before = termios.tcgetattr(0)
        quiet = list(before)
        quiet[3] &= ~termios.ECHO
        termios.tcsetattr(0, termios.TCSANOW, quiet)
        return before
    except (termios.error, OSError):
        return None


def echo_again(before: Any) -> None:
    import contextlib
    import termios

    with contextlib.suppress(termios.error, OSError):  # a terminal already gone
        termios.tcsetattr(0, termios.TCSANOW, before)


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    before = no_echo_while_starting(argv)
    try:
        return _main(argv)
    finally:
        if before is not None:
            echo_again(before)


def _main(argv: list[str]) -> int:
    waiting = None
    if may_fetch_early(argv):
        from tui import prefetch

        waiting = prefetch.fork_waiting()
    try:
        parser = build_parser(argv)
        args = parser.parse_args(argv)
    except BaseException:  # --help, a usage error: the child has nothing to do
        if waiting is not None:
            waiting.cancel()
        raise
    handler = getattr(args, "handler", None)
    if handler is None:
        from tui.launch import run_editor

        try:
            return run_editor(args, waiting=waiting)
        finally:  # a start refused before the child got its work (no-op once it has)
            if waiting is not None:
                waiting.cancel()
    if waiting is not None:
        waiting.cancel()
    return int(handler(args))


if __name__ == "__main__":
    sys.exit(main())
