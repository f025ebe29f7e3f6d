"""`cognito-tui embedded` as a user runs it: a subprocess, one JSON line, signals."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from types import SimpleNamespace

import pytest

from tests.embedded.support import Server, client, password_sign_in

DELIVERY_LINE = re.compile(
    r"cognito-tui embedded: code (\d{6}) for (\S+) \((email|phone_number), to (\S+)\): (.+)"
)


@pytest.fixture
def server():
    started = Server("--users", "3", "--rate-limit", "UserUpdate=50", "--rate-limit", "200")
    yield started
    if started.process.poll() is None:
        started.process.kill()
        started.process.wait()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_prints_one_json_line_serves_and_stops_cleanly(server, sig):
    info = server.info
    assert set(info) == {
        "endpoint_url",
        "region",
        "user_pool_id",
        "client_id",
        "users",
        "generated_users",
        "generated_password",
    }
    assert info["generated_users"] == 3 and info["generated_password"]
    first = info["users"][0]
    cognito = client(SimpleNamespace(endpoint_url=info["endpoint_url"], region=info["region"]))
    answer = password_sign_in(cognito, info["client_id"], first["username"], first["password"])
    token = answer["AuthenticationResult"]["AccessToken"]
    cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    code, username, attribute, destination, purpose = server.wait_for(DELIVERY_LINE).groups()
    assert (username, attribute, purpose) == (first["username"], "email", "verify attribute")
    assert destination == f"{first['username'][0]}***@e***"
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    generated = password_sign_in(
        cognito, info["client_id"], "user00002", info["generated_password"]
    )
    assert generated["AuthenticationResult"]["AccessToken"]
    assert server.stop(sig) == 0
    assert server.rest_of_stdout == ""  # exactly one line on stdout
    assert not any("Traceback" in line for line in server.stderr_lines)


def test_bad_arguments_exit_2(capsys):
    from tui.cli import main

    with pytest.raises(SystemExit) as caught:
        main(["embedded", "--rate-limit", "UserTeleport=3"])
    assert caught.value.code == 2
    assert "UserTeleport" in capsys.readouterr().err


def test_version_and_help(capsys):
    from tui.cli import build_parser, main

    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert re.search(r"\d+\.\d+", capsys.readouterr().out)
    # Without a command it is the editor, which needs a pool and a client, and says so.
    assert main([]) == 2
    assert "--demo" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "embedded" in capsys.readouterr().out
    parsed = build_parser().parse_args(["embedded", "--seed", "empty", "--users", "5"])
    assert (parsed.seed, parsed.users, parsed.port, parsed.region) == ("empty", 5, 0, "us-east-1")


def test_a_busy_port_is_an_error_not_an_exit():
    import socket

    from tui.embedded import EmbeddedCognito

    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        with pytest.raises(OSError):
            EmbeddedCognito(port=port).start()
        result = subprocess.run(
            [sys.executable, "-m", "tui.cli", "embedded", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"cannot listen on port {port}" in result.stderr
