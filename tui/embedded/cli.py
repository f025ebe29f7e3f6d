"""`cognito-tui embedded`: run the embedded Cognito backend as a standalone server.

Prints exactly one JSON line on stdout (where to connect, whom to sign in as), then serves
until SIGINT or SIGTERM and exits 0. Every code the backend "sends" is printed on stderr,
one line each: this server's job is to show them to the person using it.

This module imports only the standard library at import time, so `cognito-tui --help`
stays fast; the backend (moto, werkzeug) loads when the command runs.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def parse_rate_limit(text: str) -> tuple[str, float]:
    """`UserUpdate=5` -> ("UserUpdate", 5.0); `5` -> ("*", 5.0) for every category."""
    from tui.embedded.ratelimit import ALL, load_categories

    category, sep, value = text.rpartition("=")
    if not sep:
        category = ALL
    try:
        rate = float(value)
    except ValueError:
        message = f"not a number of requests per second: {value!r}"
        raise argparse.ArgumentTypeError(message) from None
    if rate <= 0:
        raise argparse.ArgumentTypeError("the rate must be positive")
    known = sorted(set(load_categories().values()))
    if category != ALL and category not in known:
        raise argparse.ArgumentTypeError(
            f"unknown category {category!r} (one of {', '.join(known)})"
        )
    return category, rate


def _users(text: str) -> int:
    from tui.embedded.seed import MAX_GENERATED

    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= count <= MAX_GENERATED:
        raise argparse.ArgumentTypeError(f"between 0 and {MAX_GENERATED}")
    return count


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=0, help="port on 127.0.0.1 (default: any free one)"
    )
    parser.add_argument(
        "--seed",
        choices=("demo", "empty"),
        default="demo",
        help="demo: a pool with named users for each sign-in path; empty: the pool alone",
    )
    parser.add_argument(
        "--users",
        type=_users,
        default=0,
        metavar="N",
        help="also create N generated users (user00001, ...) sharing one printed password",
    )
    parser.add_argument(
        "--rate-limit",
        type=parse_rate_limit,
        action="append",
        default=[],
        metavar="[CATEGORY=]RPS",
        help="throttle a Cognito quota category (e.g. UserUpdate=5), or all with a bare "
        "number; repeatable",
    )
    parser.add_argument("--region", default="us-east-1", help="AWS region to emulate")
    parser.add_argument(
        "--remote-like",
        action="store_true",
        help="behave like a remote AWS account: no outbox, clock or rate-limit control "
        "endpoints; time passes for real (for proving `cognito-contracts record --target aws`)",
    )
    parser.add_argument(
        "--mailbox",
        metavar="FILE",
        help="with --remote-like: append every message sent (recipient and code) to FILE as "
        "JSON lines, created readable by you only, as a mailbox API would list them",
    )


def print_delivery(delivery: Any) -> None:
    print(
        f"cognito-tui embedded: code {delivery.code} for {delivery.username} "
        f"({delivery.attribute}, to {delivery.masked_destination}): {delivery.purpose}",
        file=sys.stderr,
        flush=True,
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from tui.embedded.server import EmbeddedCognito

    if args.mailbox and not args.remote_like:
        print("cognito-tui embedded: --mailbox needs --remote-like", file=sys.stderr)
        return 2
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in STOP_SIGNALS}
    backend = EmbeddedCognito(
        seed=args.seed,
        users=args.users,
        rate_limits=dict(args.rate_limit),
        port=args.port,
        region=args.region,
        on_delivery=print_delivery,
        remote_like=args.remote_like,
        mailbox=Path(args.mailbox) if args.mailbox else None,
    )
    try:
        try:
            backend.start()
        except OSError as error:
            print(
                f"cognito-tui embedded: cannot listen on port {args.port}: {error.strerror}",
                file=sys.stderr,
            )
            return 2
        print(json.dumps(backend.info()), flush=True)
        print(
            f"cognito-tui embedded: serving {backend.endpoint_url} (Ctrl+C or SIGTERM stops)",
            file=sys.stderr,
            flush=True,
        )
        while not stop.wait(0.2):
            pass
        return 0
    finally:
        backend.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cognito-tui embedded", description="Run a local Cognito user pool service."
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
