"""The first answer fetched while the UI loads (tui/prefetch.py): in a forked child when the
process has no threads yet, else in a thread; either way the same session code's result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.tui.support import LOCAL, new_user, settings_for
from tui import prefetch
from tui.core.errors import CognitoError
from tui.core.session import EditorSession

ROOT = Path(__file__).resolve().parents[2]


def token_of(backend: Any, username: str, password: str) -> str:
    session = EditorSession(settings_for(backend), credentials=LOCAL)
    session.sign_in(username, password, method="password")
    assert session.tokens is not None
    return str(session.tokens.access_token)


def test_early_answer_is_the_session_result_taken_once(backend, tmp_path):
    username, password = new_user(backend, given_name="Early")
    token = token_of(backend, username, password)
    answers = prefetch.start(settings_for(backend), token, credentials=LOCAL, describe_pool=True)
    assert answers is not None and answers.how == "thread"  # pytest runs threads: no fork
    session = EditorSession(settings_for(backend), credentials=LOCAL, journal_folder=tmp_path)
    session.use_access_token(token)
    session.early = answers
    schema = session.load_pool_schema()
    user = session.load()
    assert user.username == username and user.attributes["given_name"] == "Early"
    assert schema is not None and schema.known("custom:department")
    assert session.early is None  # both answers taken: later calls go to Cognito
    assert session._connection is None  # this session has not needed its own client yet
    assert session.journal is not None
    assert session.journal.key.endpoint == backend.endpoint_url
    assert session.load().username == username  # a reload asks Cognito itself


def test_an_early_failure_is_the_same_error_value(backend):
    answers = prefetch.start(settings_for(backend), "not-a-token-at-all", credentials=LOCAL)
    assert answers is not None
    session = EditorSession(settings_for(backend), credentials=LOCAL)
    session.early = answers
    with pytest.raises(CognitoError) as early:
        session._early("GetUser")
    plain = EditorSession(settings_for(backend), credentials=LOCAL)
    with pytest.raises(CognitoError) as direct:
        plain.connection.call("GetUser", AccessToken="not-a-token-at-all")
    assert (early.value.code, early.value.aws_message) == (
        direct.value.code,
        direct.value.aws_message,
    )
    assert early.value.human() == direct.value.human()


def test_retries_made_for_the_early_answer_are_reported(backend):
    username, password = new_user(backend)
    token = token_of(backend, username, password)
    backend.set_rate_limit("UserRead", 0.03)  # far slower than building a client takes
    try:
        impatient = settings_for(backend).with_(max_attempts=1)
        drain = EditorSession(impatient, credentials=LOCAL).connection
        with pytest.raises(CognitoError):  # until the limit is used up: throttled
            for _ in range(10):
                drain.call("GetUser", AccessToken=token)
        answers = prefetch.start(settings_for(backend), token, credentials=LOCAL)
        assert answers is not None
        seen: list[Any] = []
        answers.report_retries(seen.append)
        try:
            assert answers.take("GetUser").username == username
        except CognitoError as error:  # botocore's attempts all throttled: said as usual
            assert error.code == "TooManyRequestsException"
    finally:
        backend.set_rate_limit("UserRead", None)
    assert seen and seen[0].operation == "GetUser" and seen[0].attempt == 1


CHILD = """
import json, os, sys, threading
from tui import prefetch
from tui.core.connection import ConnectionSettings
settings = ConnectionSettings(**json.loads(sys.argv[1]))
token = os.environ.pop("EARLY_TOKEN")
before = threading.active_count()
answers = prefetch.start(settings, token, credentials=("AKIDCOGNITOTUITEST00", "x"))
user = answers.take("GetUser")
print(json.dumps({"how": answers.how, "threads_before": before, "user": user.username,
                  "email": user.attributes.get("email"), "pid": os.getpid()}))
"""


def test_the_fork_path_in_a_process_without_threads(backend):
    username, password = new_user(backend)
    token = token_of(backend, username, password)
    settings = {"region": backend.region, "endpoint_url": backend.endpoint_url}
    env = {k: v for k, v in os.environ.items() if k != prefetch.ENV}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(settings)],
        env={**env, "EARLY_TOKEN": token, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["how"] == "fork" and out["threads_before"] == 1
    assert out["user"] == username and out["email"] == f"{username}@example.com"
    assert token not in done.stdout + done.stderr


def test_turned_off_or_thread_by_environment(backend, monkeypatch):
    monkeypatch.setenv(prefetch.ENV, "off")
    assert prefetch.start(settings_for(backend), "x") is None
    monkeypatch.setenv(prefetch.ENV, "thread")
    assert not prefetch.fork_is_safe()
    monkeypatch.delenv(prefetch.ENV)
    monkeypatch.setattr(prefetch, "usable_cpus", lambda: 1)  # nothing to overlap on one CPU
    assert prefetch.start(settings_for(backend), "x") is None
    assert prefetch.fork_waiting() is None


DEMO_CHILD = """
import json
from tui import prefetch
from tui.core.auth import Tokens
from tui.core.connection import ConnectionSettings
answers = prefetch.fork_waiting()  # forks before the backend's threads exist
from tui.embedded import EmbeddedCognito
with EmbeddedCognito(seed="demo") as backend:
    first = backend.users[0]
    settings = ConnectionSettings(region=backend.region, endpoint_url=backend.endpoint_url,
                                  pool_id=backend.user_pool_id, client_id=backend.client_id)
    answers.go(settings, sign_in=(first.username, first.password),
               credentials=("AKIDCOGNITOTUITEST00", "x"), describe_pool=True)
    tokens = answers.take("SignIn")
    schema = answers.take("DescribeUserPool")
    user = answers.take("GetUser")
    print(json.dumps({"how": answers.how, "tokens": isinstance(tokens, Tokens),
                      "schema": schema.known("custom:department"), "user": user.username,
                      "first": first.username}))
"""


def test_the_demo_signs_in_in_the_child_once_the_backend_is_up():
    env = {k: v for k, v in os.environ.items() if k != prefetch.ENV}
    done = subprocess.run(
        [sys.executable, "-c", DEMO_CHILD],
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[-1])
    assert out["how"] == "fork" and out["tokens"] and out["schema"]
    assert out["user"] == out["first"]


WAITING_CHILD = """
import json, os, sys, threading
from tui import prefetch
from tui.core.connection import ConnectionSettings
before = threading.active_count()
answers = prefetch.fork_waiting()  # before the options (and the token) are known
settings = ConnectionSettings(**json.loads(sys.argv[1]))
if sys.argv[2] == "go":
    answers.go(settings, token=os.environ.pop("EARLY_TOKEN"),
               credentials=("AKIDCOGNITOTUITEST00", "x"))
    user = answers.take("GetUser").username
else:
    answers.cancel()
    user = answers.take("GetUser")
print(json.dumps({"how": answers.how, "threads_before": before, "user": user,
                  "pending": answers.pending_any()}))
"""


def test_a_child_forked_before_the_options_waits_for_its_work_or_its_cancel(backend):
    """`cognito-tui --access-token -` forks before it reads the token: the child loads
    botocore meanwhile, then gets the settings and the token through the pipe; a child
    with nothing to do (options refused, no token after all) exits without a call."""
    username, password = new_user(backend)
    token = token_of(backend, username, password)
    settings = {"region": backend.region, "endpoint_url": backend.endpoint_url}
    env = {k: v for k, v in os.environ.items() if k != prefetch.ENV}
    outs = {}
    for mode in ("go", "cancel"):
        done = subprocess.run(
            [sys.executable, "-c", WAITING_CHILD, json.dumps(settings), mode],
            env={**env, "EARLY_TOKEN": token, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr
        assert token not in done.stdout + done.stderr
        outs[mode] = json.loads(done.stdout)
    assert outs["go"]["how"] == "fork" and outs["go"]["threads_before"] == 1
    assert outs["go"]["user"] == username and not outs["go"]["pending"]
    # cancelled: no answer and nothing left to wait for (a child still waiting would hold
    # take() past the subprocess's timeout)
    assert outs["cancel"]["user"] is None and not outs["cancel"]["pending"]


def test_the_raw_arguments_hint_forks_only_for_an_editor_with_a_token_or_the_demo(monkeypatch):
    from tui.cli import may_fetch_early

    monkeypatch.delenv("COGNITO_ACCESS_TOKEN", raising=False)
    assert may_fetch_early(["--pool-id", "eu-west-1_AbC123", "--access-token", "-"])
    assert may_fetch_early(["--access-token=-"])
    assert may_fetch_early(["--demo"])
    for argv in (
        ["--pool-id", "eu-west-1_AbC123", "--username", "ada"],  # signs in: nothing early
        ["--demo", "--admin"],
        ["--access-token", "-", "--help"],
        ["--version"],
        ["users", "--pool-id", "eu-west-1_AbC123"],
        ["bulk", "apply", "changes.csv"],
        ["embedded", "--seed", "demo"],
    ):
        assert not may_fetch_early(argv), argv
    monkeypatch.setenv("COGNITO_ACCESS_TOKEN", "x")
    assert may_fetch_early(["--pool-id", "eu-west-1_AbC123"])
