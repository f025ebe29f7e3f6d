"""`st run` from the command line with the shipped hooks, against the embedded backend:
the way the README tells a user to run it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.embedded.support import start_backend, stop_backend

BIN = Path(sys.executable).parent


def test_st_run_with_the_shipped_hooks(tmp_path):
    spec_file = tmp_path / "cognito.json"
    subprocess.run(
        [BIN / "cognito-contracts", "spec", "--openapi", spec_file, "--links", "--compact"],
        check=True,
        timeout=60,
    )
    backend = start_backend(seed="demo")
    try:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("COGNITO_ST_", "AWS_", "SCHEMATHESIS_"))
        }
        env.update(
            HOME=str(tmp_path),
            SCHEMATHESIS_HOOKS="contracts.schemathesis_hooks",
            # IAM operations are signed with whatever the standard chain finds
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            NO_COLOR="1",
        )
        # fmt: off
        command = [
            BIN / "st", "run", spec_file, "--url", backend.endpoint_url,
            "--phases", "fuzzing", "--max-examples", "3", "--seed", "1",
            "--generation-deterministic", "--workers", "1",
            "--include-operation-id", "GetUser", "--include-operation-id", "AdminGetUser",
            "--checks", "not_a_server_error,status_code_conformance,cognito_conformance",
        ]
        # fmt: on
        done = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
    finally:
        stop_backend(backend)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    generated = re.search(r"(\d+) generated", output)
    assert generated and int(generated.group(1)) > 0, output
    assert "2 selected" in output, output
