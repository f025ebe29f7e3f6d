"""The `cognito-tui` command."""

from __future__ import annotations

import argparse
from importlib.metadata import version


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cognito-tui",
        description="A terminal editor for Amazon Cognito user attributes.",
    )
    parser.add_argument("--version", action="version", version=version("cognito-tui"))
    return parser


def main(argv: list[str] | None = None) -> int:
    build_parser().parse_args(argv)
    return 0
