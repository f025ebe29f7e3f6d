"""`record --target aws` without the embedded backend's hooks, proven against the embedded
backend's remote-like mode: no outbox, clock or rate-limit hook is reachable, codes arrive
only through the code command (reading the mailbox the backend writes, as a mailbox API
would), users with sign-in challenges are made through the admin API, and tokens expire
for real behind --slow."""

from __future__ import annotations

import json
import os
import shlex
import stat
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from contracts.cli import main
from contracts.recording.record import (
    SCENARIOS,
    SKIP_REASONS,
    AwsEnv,
    CodeSource,
    RecordError,
    record,
    replay,
    unrecordable,
)
from tui.embedded import EmbeddedCognito
from tui.embedded.server import HookUnavailable

READER = Path(__file__).with_name("mailbox_reader.py")
PERSON = "person@inbox.test"
SES_ARN = "arn:aws:ses:us-east-1:123456789012:identity/inbox.test"


@pytest.fixture
def remote_like(tmp_path, monkeypatch):
    """A remote-like backend that the aws target reaches through botocore's own
    AWS_ENDPOINT_URL_* variable, with its mailbox file."""
    mailbox = tmp_path / "mailbox.jsonl"
    with EmbeddedCognito(seed="empty", strict=True, remote_like=True, mailbox=mailbox) as backend:
        monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", backend.endpoint_url)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDCOGNITOTUITEST00")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret-not-a-credential")
        monkeypatch.setenv("AWS_DEFAULT_REGION", backend.region)
        yield backend, mailbox


def _code_command(mailbox: Path) -> str:
    return shlex.join([sys.executable, str(READER), str(mailbox)])


def test_a_remote_like_backend_has_no_hooks(remote_like):
    backend, _mailbox = remote_like
    for hook in (
        backend.outbox,
        lambda: backend.latest_code("anyone"),
        lambda: backend.advance_clock(60),
        lambda: backend.set_rate_limit("UserRead", 1.0),
    ):
        with pytest.raises(HookUnavailable, match="remote-like"):
            hook()
    for name, method in (("outbox", "GET"), ("clock", "POST"), ("rate-limit", "POST")):
        request = urllib.request.Request(
            f"{backend.endpoint_url}/_embedded/{name}", data=b"{}" if method == "POST" else None
        )
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=5)
        assert caught.value.code == 404
    with urllib.request.urlopen(f"{backend.endpoint_url}/_embedded/info", timeout=5) as answer:
        assert json.loads(answer.read())["remote_like"] is True
    assert [hook for hook, _ in backend.hook_attempts] == [
        "outbox",
        "latest_code",
        "advance_clock",
        "set_rate_limit",
        "http",
        "http",
        "http",
    ]


@pytest.mark.slow
def test_the_aws_target_records_everything_but_the_unrecordable(remote_like, tmp_path):
    """Every scenario, with --email, --code-command, --slow and an SES identity: all are
    recorded except the ones AWS cannot be made to do, no hook was touched, no code and no
    address of the person reached a cassette, and every cassette replays."""
    backend, mailbox = remote_like
    envs: list[AwsEnv] = []

    def factory() -> AwsEnv:
        env = AwsEnv(
            region=backend.region,
            email=PERSON,
            codes=CodeSource(command=_code_command(mailbox)),
            slow=True,
            ses_source_arn=SES_ARN,
            # AWS's minimum is 5 minutes; the backend accepts 3 s (a recorded deviation)
            short_token_seconds=3,
            expiry_margin=1,
        )
        envs.append(env)
        return env

    out = tmp_path / "out"
    result = record(None, "aws", out, env_factory=factory)
    skipped = dict(result.skipped)
    assert skipped == unrecordable()
    assert sorted(skipped) == ["throttled-retry", "verify-expired-code"]
    assert len(result.written) == len(SCENARIOS) - 2
    assert backend.hook_attempts == []  # the recorder never reached for a hook
    assert backend.spec_violations == []
    messages = [json.loads(line) for line in mailbox.read_text().splitlines()]
    assert stat.S_IMODE(os.stat(mailbox).st_mode) == 0o600
    assert {m["to"].partition("+")[0] for m in messages} == {"person"}
    codes = {m["code"] for m in messages}
    for path in result.written:
        blob = path.read_text()
        assert "inbox.test" not in blob, path.name
        assert not [c for c in codes if c in blob], path.name
        assert "target: aws" in blob
        assert replay(path) > 0, path.name
    pools = envs[0].connection().call("ListUserPools", MaxResults=60)["UserPools"]
    assert envs[0].pool_id not in [p["Id"] for p in pools]


def test_without_options_the_aws_target_says_what_each_skip_needs(remote_like, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["record", "--target", "aws", "--yes", "--out", str(out)]
    for name in ("get-user", "verify-good-code", "expired-token", "signin-otp", "throttled-retry"):
        argv += ["--scenario", name]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert f"wrote {out / 'get-user.yaml'}" in printed
    assert f"skipped verify-good-code: {SKIP_REASONS['codes']}" in printed
    assert f"skipped expired-token: {SKIP_REASONS['clock']}" in printed
    assert "skipped signin-otp: it needs verification codes" in printed
    assert "throttle on demand" in printed


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--email", "me@x.org"], "only apply to --target aws"),
        (["--target", "aws", "--yes", "--email", "me+a@x.org"], "a '+' in it is not allowed"),
        (["--target", "aws", "--yes", "--code-command", "true"], "--code-command needs --email"),
    ],
)
def test_aws_options_are_validated(argv, message, tmp_path, capsys):
    assert main(["record", "--out", str(tmp_path), *argv]) == 2
    assert message in capsys.readouterr().err


def test_the_prompt_names_the_address_and_asks_again_for_a_non_code():
    asked: list[str] = []
    answers = iter(["12 34", "123456"])

    def prompt(text: str) -> str:
        asked.append(text)
        return next(answers)

    source = CodeSource(prompt=prompt)
    assert source.read("me+verify-good-code.main@x.org", "verify email") == "123456"
    assert len(asked) == 2 and "me+verify-good-code.main@x.org" in asked[0]


def test_a_failing_code_command_is_named_without_its_output(tmp_path):
    script = tmp_path / "mailbox.sh"
    script.write_text("#!/bin/sh\necho 'secret mail body 654321' >&2\nexit 3\n")
    script.chmod(0o700)
    with pytest.raises(RecordError, match="exited with status 3") as caught:
        CodeSource(command=str(script)).read("me@x.org", "verify email")
    assert "654321" not in str(caught.value)
    noisy = tmp_path / "noisy.sh"
    noisy.write_text("#!/bin/sh\necho 'Your code is 654321.'\n")
    noisy.chmod(0o700)
    with pytest.raises(RecordError, match="did not end its output with a code") as caught:
        CodeSource(command=str(noisy)).read("me@x.org", "verify email")
    assert "654321" not in str(caught.value)


def test_the_cli_serves_a_remote_like_backend_whose_codes_reach_the_mailbox(tmp_path):
    """`cognito-tui embedded --remote-like --mailbox FILE`, as a person runs it."""
    import signal
    from types import SimpleNamespace

    from tests.embedded.support import Server, client, password_sign_in

    mailbox = tmp_path / "mailbox.jsonl"
    server = Server("--remote-like", "--mailbox", str(mailbox))
    try:
        info = server.info
        assert info["remote_like"] is True
        first = info["users"][0]
        cognito = client(SimpleNamespace(endpoint_url=info["endpoint_url"], region=info["region"]))
        answer = password_sign_in(cognito, info["client_id"], first["username"], first["password"])
        token = answer["AuthenticationResult"]["AccessToken"]
        cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
        (message,) = [json.loads(line) for line in mailbox.read_text().splitlines()]
        assert message["purpose"] == "verify attribute" and message["to"].endswith("@example.com")
        cognito.verify_user_attribute(
            AccessToken=token, AttributeName="email", Code=message["code"]
        )
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(f"{info['endpoint_url']}/_embedded/outbox", timeout=5)
        assert caught.value.code == 404
        assert server.stop(signal.SIGTERM) == 0
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait()


def test_a_mailbox_needs_the_remote_like_mode(tmp_path, capsys):
    from tui.cli import main as tui_main

    assert tui_main(["embedded", "--mailbox", str(tmp_path / "m.jsonl")]) == 2
    assert "--mailbox needs --remote-like" in capsys.readouterr().err
