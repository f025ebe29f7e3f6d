"""The editor's start imports only what its first screen needs (issue 11: the first frame
against a bare Textual app's). Checked in a fresh interpreter through `sys.modules`, not by
timing: the command line is parsed and the options built as `cognito-tui --pool-id ...
--access-token ...` does, then the app and its first screen are imported.

botocore's client machinery belongs to the forked early answer (tui/prefetch.py) and to
worker threads, the compiled spec (jsonschema-rs) to the first call, the subcommands and
the other screens to when they are used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

START = """
import json, sys
argv = ["--pool-id", "us-east-1_AbC123", "--client-id", "1example23456789",
        "--endpoint-url", "http://127.0.0.1:9"]
from tui.cli import build_parser
from tui.launch import build_options
options = build_options(build_parser(argv).parse_args(argv))
import tui.app, tui.screens.attributes, tui.terminal_close
print(json.dumps(sorted(sys.modules)))
"""

NOT_AT_START = [
    "botocore.session",
    "botocore.client",
    "boto3",
    "moto",
    "jsonschema_rs",
    "orjson",
    "contracts.checker.spec",
    "tui.embedded",
    "tui.bulk_cli",
    "tui.users_cli",
    "tui.prefetch",  # only with an access token or --demo
    "tui.core.search",
    "tui.core.bulk",
    "tui.screens.pools",
    "tui.screens.users",
    "tui.screens.bulk",
    "tui.screens.dialogs",
    "tui.screens.signin",
    "tui.screens.verify",
    "tui.widgets.users_table",
]


def started_modules() -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGNITO_"))}
    # the same isolated cache as the tests' (tests/conftest.py)
    env["COGNITO_CONTRACTS_CACHE"] = os.environ["COGNITO_CONTRACTS_CACHE"]
    # the first run after an upgrade writes the small shapes file from the full spec; the
    # start measured here is every later one
    for _ in range(2):
        out = subprocess.run(
            [sys.executable, "-c", START],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_the_start_imports_neither_botocore_clients_nor_unused_screens() -> None:
    loaded = started_modules()
    assert "textual.app" in loaded and "tui.screens.attributes" in loaded  # the probe works
    found = sorted(
        name
        for name in loaded
        for banned in NOT_AT_START
        if name.split(".")[: len(banned.split("."))] == banned.split(".")
    )
    assert found == []
