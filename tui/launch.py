"""Command-line options of the editor, following the AWS CLI's habits, and `--demo`.

Precedence, one rule for everything: command-line option, then environment variable, then
the chosen connection of the config file. Secrets never come from the file: the client
secret from COGNITO_CLIENT_SECRET or a prompt, an access token from COGNITO_ACCESS_TOKEN or
`--access-token -` (standard input, or a hidden prompt on a terminal). A token written on
the command line still works, but every user of the host can read it in the process list,
so the editor says so.
"""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import sys
from pathlib import Path
from typing import Any

EPILOG = """\
Connection settings come from, in order: these options, the environment
(AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, COGNITO_POOL_ID,
COGNITO_CLIENT_ID), then a named connection in the config file
(~/.config/cognito-tui/config.toml; see README). Secrets are never read from the file:
the app client secret comes from COGNITO_CLIENT_SECRET or a prompt (--ask-client-secret),
an access token from COGNITO_ACCESS_TOKEN or --access-token - (read from
standard input, or asked for without echo): never write a token on the command line,
where other users of the host can read it in the process list.

Pending edits are journaled (no secrets) under ~/.local/state/cognito-tui and offered
again after a crash or a dropped connection. Keys can be remapped in the config file's
[keymap] by binding id (press ? in the editor to see the ids). URLs are shown, never
opened on the remote host.

Examples:
  cognito-tui --demo
  cognito-tui --region eu-west-1 --pool-id eu-west-1_AbC123 --client-id 1example --username ada
  get-token | cognito-tui --pool-id eu-west-1_AbC123 --access-token - --read-only
"""


def add_editor_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (AWS CLI style)")
    group.add_argument("--profile", help="AWS profile for admin calls (IAM credentials)")
    group.add_argument("--region", help="AWS region (default: from the pool id or the profile)")
    group.add_argument("--endpoint-url", help="a Cognito-compatible endpoint, e.g. a local one")
    group.add_argument("--pool-id", help="user pool id, e.g. eu-west-1_AbC123")
    group.add_argument("--client-id", help="app client id used to sign in")
    group.add_argument("--connection", metavar="NAME", help="a named connection of the config")
    group.add_argument("--config", type=Path, metavar="PATH", help="another config file")
    user = parser.add_argument_group("user")
    user.add_argument("--username", help="prefill the sign-in screen")
    user.add_argument(
        "--access-token",
        metavar="-",
        help="use a token obtained elsewhere instead of signing in: - reads it from standard "
        "input (or asks without echo on a terminal); or set COGNITO_ACCESS_TOKEN",
    )
    user.add_argument(
        "--ask-client-secret", action="store_true", help="prompt for the app client's secret"
    )
    mode = parser.add_argument_group("mode")
    mode.add_argument("--read-only", action="store_true", help="refuse every write")
    mode.add_argument(
        "--admin",
        action="store_true",
        help="use IAM credentials (standard chain, --profile): browse pools and users, edit "
        "any user with the admin calls",
    )
    mode.add_argument(
        "--demo",
        action="store_true",
        help="start the embedded Cognito backend with demo data and open its first user; "
        "the demo pool is kept between runs (saved changes stay, pending edits are offered "
        "again)",
    )
    mode.add_argument(
        "--reset",
        action="store_true",
        help="with --demo: forget the kept demo pool and its pending edits, start afresh",
    )


def _first(*values: str | None) -> str | None:
    for value in values:
        if value:
            return value
    return None


def build_options(args: argparse.Namespace, *, prefetch: bool = False, waiting: Any = None) -> Any:
    """The editor's Options from the command line, the environment and the config file.

    `prefetch`: start fetching the first answer (tui.prefetch) as soon as the settings are
    known, before Textual is imported (tui.app), so that the two overlap. `waiting`: the
    child `tui.prefetch.fork_waiting` forked before this was called, given its work here
    (or cancelled, when there is nothing to fetch or the options are refused)."""
    try:
        options = _build_options(args, prefetch=prefetch, waiting=waiting)
    except BaseException:
        if waiting is not None:
            waiting.cancel()
        raise
    if waiting is not None and options.early is not waiting:
        waiting.cancel()
    return options


def wants_early_answers(args: argparse.Namespace) -> bool:
    """Whether the start may fetch its first answer early: a demo, or a token given (on
    the command line, on standard input or in the environment), not admin mode."""
    given = args.access_token or os.environ.get("COGNITO_ACCESS_TOKEN")
    return not args.admin and bool(args.demo or given)


def _build_options(args: argparse.Namespace, *, prefetch: bool, waiting: Any) -> Any:
    from tui.core.config import load_config
    from tui.core.connection import ConnectionSettings

    config = load_config(args.config)
    chosen = config.connection(args.connection)
    env = os.environ
    secret = env.get("COGNITO_CLIENT_SECRET")
    settings = ConnectionSettings(
        region=_first(args.region, chosen.get("region")),
        profile=_first(args.profile, chosen.get("profile")),
        endpoint_url=_first(args.endpoint_url, chosen.get("endpoint_url")),
        pool_id=_first(args.pool_id, env.get("COGNITO_POOL_ID"), chosen.get("pool_id")),
        client_id=_first(args.client_id, env.get("COGNITO_CLIENT_ID"), chosen.get("client_id")),
        client_secret=secret or None,
    )
    from tui.core.connection import settings_problems

    problems = settings_problems(settings)
    if problems:
        raise UsageError("; ".join(problems))
    if args.ask_client_secret and not secret:
        secret = getpass.getpass("App client secret (not echoed, never stored): ")
        settings = settings.with_(client_secret=secret or None)
    access_token = _first(read_access_token(args.access_token), env.get("COGNITO_ACCESS_TOKEN"))
    describe_pool = bool(_first(args.profile, chosen.get("profile")))
    early = None
    if prefetch and not args.admin and (access_token or args.demo):
        if args.demo:  # the child waits for the backend's address: see run_editor
            early = waiting
        elif waiting is not None:
            early = waiting
            early.go(
                settings,
                token=access_token,
                read_only=bool(args.read_only),
                describe_pool=describe_pool,
            )
        elif access_token:
            from tui import prefetch as early_answers

            early = early_answers.start(
                settings, access_token, read_only=bool(args.read_only), describe_pool=describe_pool
            )
    from tui.app import Options

    options = Options(
        settings=settings,
        username=_first(args.username, chosen.get("username")) or "",
        access_token=access_token,
        read_only=bool(args.read_only),
        keymap=config.keymap,
        describe_pool=describe_pool,
        admin=bool(args.admin),
    )
    if args.access_token and args.access_token != "-":
        options.hint = TOKEN_ON_COMMAND_LINE
        sys.stderr.write(f"cognito-tui: warning: {TOKEN_ON_COMMAND_LINE}\n")
    options.early = early
    return options


TOKEN_ON_COMMAND_LINE = (
    "the access token was given on the command line, where every user of this host can "
    "read it (ps); next time use --access-token - (standard input) or COGNITO_ACCESS_TOKEN"
)


class UsageError(Exception):
    """A command-line value that cannot be used: one line on stderr, exit status 2."""


def read_access_token(value: str | None) -> str | None:
    """`--access-token -`: the token from standard input, or a hidden prompt on a terminal.

    When the token came through a pipe, the terminal is put back on standard input
    (`/dev/tty`), because the editor reads its keys from there.
    """
    if value != "-":
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        token = getpass.getpass("Access token (not echoed, never stored): ").strip()
    else:
        token = sys.stdin.readline().strip() if sys.stdin is not None else ""
        try:
            tty = os.open("/dev/tty", os.O_RDONLY)
        except OSError:
            raise UsageError(
                "--access-token -: the token was read from standard input, but there is "
                "no terminal (/dev/tty) left for the editor's keys; run it in a terminal"
            ) from None
        os.dup2(tty, 0)
        os.close(tty)
    if not token:
        raise UsageError("--access-token -: standard input held no token (an empty line)")
    return token


DEMO_ENDPOINT = "cognito-tui-demo"


def demo_state_file() -> Path:
    from tui.core.journal import state_dir

    return state_dir() / "demo" / "pool.json"


def forget_demo_journals(keep_pool: str | None) -> int:
    """Remove the editor's journals of demo pools other than `keep_pool` (pools that no
    longer exist: a reset, or a state file that could not be read). Returns how many."""
    import json

    from tui.core.journal import state_dir

    removed = 0
    for path in (state_dir() / "journal").glob("*.json"):
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if (
            isinstance(record, dict)
            and record.get("endpoint") == DEMO_ENDPOINT
            and record.get("pool_id") != keep_pool
        ):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _demo(options: Any, reset: bool = False) -> Any:
    """The embedded backend in this process, and the editor signed in as its first user.
    The pool is kept in the state folder between runs (see tui/embedded/demo_state.py)."""
    from tui.embedded import EmbeddedCognito

    state_file = demo_state_file()
    if reset:
        state_file.unlink(missing_ok=True)
    backend = EmbeddedCognito(seed="demo", state_file=state_file)
    backend.start()
    forget_demo_journals(backend.user_pool_id)
    options.journal_endpoint = DEMO_ENDPOINT
    first = backend.users[0]
    options.settings = options.settings.with_(
        region=backend.region,
        endpoint_url=backend.endpoint_url,
        pool_id=backend.user_pool_id,
        client_id=backend.client_id,
    )
    options.credentials = ("AKIDCOGNITOTUILOCAL0", "local-secret-not-a-credential")
    if not options.admin:
        options.auto_sign_in = (first.username, first.password)
    options.outbox = backend.outbox
    options.describe_pool = True
    kept = "kept from your last demo" if backend.restored else "new"
    options.hint = (
        f"Demo pool ({kept}; --demo --reset starts afresh): verification codes appear in "
        "the outbox: press o (ctrl+o anywhere)."
    )
    return backend


def leave_on_signals(app: Any, grace: float = 3.0) -> None:
    """SIGHUP (a dropped SSH connection) and SIGTERM (`kill`, a shutdown) leave the editor as
    quitting does: the terminal is given back, and the journal already holds every pending
    edit (it is written at each change).

    The exit is handed to the event loop with `call_soon_threadsafe`, which wakes it: a
    plain call from a signal handler only queues the exit, which an idle loop (a save
    stuck on the network, nothing else to do) does not act on; editors were found still
    running long after their terminal had closed. If the process is still there `grace`
    seconds later, it ends itself (exit status 128 + the signal). COGNITO_TUI_NO_WATCHDOG=1
    disarms that, for the tests and the bench of the shutdown itself only (bench/hangup.py).
    """
    from tui.terminal_close import hang_up

    def leave(signum: int, frame: Any) -> None:
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # before the app runs, or after: nothing to hand over
            raise SystemExit(128 + signum) from None
        if signum == signal.SIGHUP:
            hang_up()  # the terminal has 0.5 s left to take writes: tui/terminal_close.py
        loop.call_soon_threadsafe(app.exit)
        # ...and leave in any case if shutting down hangs (it did, when the terminal closed
        # while Textual's output thread was writing: see tui/terminal_close.py). Nothing is
        # lost by leaving: the journal is on disk.
        if os.environ.get("COGNITO_TUI_NO_WATCHDOG") == "1":
            return
        import threading

        watchdog = threading.Timer(grace, os._exit, args=(128 + signum,))
        watchdog.daemon = True
        watchdog.start()

    for sig in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, leave)


def follow_the_terminal_size() -> None:
    """Drop COLUMNS and LINES when the editor draws on a terminal. Textual reads them
    before the terminal's own size, at the start and again at every window-size change,
    so exported values (a login profile's, pytest-xdist's workers') held the editor at
    that size in a window of any other: over SSH at 120x40 it drew 80x24 and never
    followed a resize. The terminal's size is the one that counts."""
    if os.isatty(2):  # Textual draws on stderr
        os.environ.pop("COLUMNS", None)
        os.environ.pop("LINES", None)


def run_app(app: Any) -> None:
    """Run `app` in this process's terminal as the editor runs: the terminal's own size
    followed (follow_the_terminal_size), Textual's output made safe against a terminal
    that closes (tui/terminal_close.py), SIGHUP and SIGTERM handled (leave_on_signals).
    The hang-up test runs a small drawing app through it."""
    from tui.terminal_close import install

    follow_the_terminal_size()
    install()
    leave_on_signals(app)
    app.run()


def run_editor(args: argparse.Namespace, waiting: Any = None) -> int:
    """The editor. `waiting`: the early answer's child, if `tui.cli.main` forked it on
    the raw arguments' hint (it is given work or let go here)."""
    # No cyclic collections while the editor starts: everything it makes until the first
    # answer is on screen is kept, and the collector's passes over it only delayed the
    # first frame. The app freezes that heap and turns the collector back on
    # (CognitoApp._resume_collection).
    import gc

    gc.disable()
    from tui.core.config import ConfigError

    if args.demo:
        from tui.extras import require

        refused = require("--demo (the embedded Cognito backend)", "embedded")
        if refused is not None:
            return refused
    if args.reset and not args.demo:
        sys.stderr.write("cognito-tui: --reset only applies to --demo\n")
        return 2
    if waiting is not None and not wants_early_answers(args):
        waiting.cancel()
        waiting = None
    if waiting is None and wants_early_answers(args):
        # before the options are read: see tui.prefetch.fork_waiting
        from tui import prefetch

        waiting = prefetch.fork_waiting()
    try:
        options = build_options(args, prefetch=True, waiting=waiting)
    except (ConfigError, UsageError) as exc:
        sys.stderr.write(f"cognito-tui: {exc}\n")
        return 2
    backend = _demo(options, reset=args.reset) if args.demo else None
    if backend is not None and options.early is not None and options.auto_sign_in:
        options.early.go(
            options.settings,
            sign_in=options.auto_sign_in,
            credentials=options.credentials,
            read_only=options.read_only,
            describe_pool=True,
        )
    if not args.demo and not options.access_token and not options.admin:
        missing = [n for n in ("pool_id", "client_id") if not getattr(options.settings, n)]
        if missing:
            flags = ", ".join("--" + n.replace("_", "-") for n in missing)
            sys.stderr.write(
                f"cognito-tui: signing in needs {flags} (or a config connection); "
                "try cognito-tui --demo, or cognito-tui --help\n"
            )
            return 2
    options.freeze_heap = True  # one app in this process: see CognitoApp.first_data_shown
    from tui.app import make_app

    app = make_app(options)
    try:
        run_app(app)
    finally:
        if backend is not None:
            backend.stop()
    if app.exit_note:  # e.g. a refused access token and no way to sign in otherwise
        sys.stderr.write(f"cognito-tui: {app.exit_note}\n")
    return app.return_code or 0
