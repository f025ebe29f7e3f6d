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

from tests.tui.support import LOCAL, editor, new_user, rows, settings_for, settle, status
from tui import prefetch
from tui.core.errors import CognitoError
from tui.core.session import EditorSession
from tui.screens.attributes import AttributesScreen
from tui.screens.signin import SignInScreen

ROOT = Path(__file__).resolve().parents[2]


def token_of(backend: Any, username: str, password: str) -> str:
    session = EditorSession(settings_for(backend), credentials=LOCAL)
    session.sign_in(username, password, method="password")
    assert session.tokens is not None
    return str(session.tokens.access_token)


def in_a_fresh_process(
    script: str, *args: str, token: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`script` in a new interpreter (no threads yet, so the fork path), the token in its
    environment only; it must exit 0."""
    env = {k: v for k, v in os.environ.items() if k != prefetch.ENV}
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env={**env, "EARLY_TOKEN": token, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return done


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
    done = in_a_fresh_process(CHILD, json.dumps(settings), token=token)
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
    done = in_a_fresh_process(DEMO_CHILD, timeout=120)
    out = json.loads(done.stdout.splitlines()[-1])
    assert out["how"] == "fork" and out["tokens"] and out["schema"]
    assert out["user"] == out["first"]


WAITING_CHILD = """
import json, os, sys, threading
from tui import prefetch
from tui.core.connection import ConnectionSettings
before = threading.active_count()
allowed = os.sched_getaffinity(0)
answers = prefetch.fork_waiting()  # before the options (and the token) are known
placed = os.sched_getaffinity(0)
settings = ConnectionSettings(**json.loads(sys.argv[1]))
if sys.argv[2] == "die":  # the child is gone before its work comes
    os.kill(answers.pid, 9)
    answers.take("nothing")  # returns once the reader has seen the pipe close
if sys.argv[2] in ("go", "die"):
    answers.go(settings, token=os.environ.pop("EARLY_TOKEN"),
               credentials=("AKIDCOGNITOTUITEST00", "x"))
    user = answers.take("GetUser")
    user = user and user.username
else:
    answers.cancel()
    user = answers.take("GetUser")
answers.take("nothing")  # until the child is done
print(json.dumps({"how": answers.how, "threads_before": before, "user": user,
                  "pending": answers.pending_any(), "cpus": len(allowed),
                  "placed": len(placed), "after": sorted(os.sched_getaffinity(0)),
                  "allowed": sorted(allowed)}))
"""


def test_a_child_forked_before_the_options_waits_for_its_work_or_its_cancel(backend):
    """`cognito-tui --access-token -` forks before it reads the token: the child loads
    botocore meanwhile, then gets the settings and the token through the pipe; a child
    with nothing to do (options refused, no token after all) exits without a call."""
    username, password = new_user(backend)
    token = token_of(backend, username, password)
    settings = {"region": backend.region, "endpoint_url": backend.endpoint_url}
    outs = {}
    for mode in ("go", "cancel", "die"):
        done = in_a_fresh_process(WAITING_CHILD, json.dumps(settings), mode, token=token)
        assert token not in done.stdout + done.stderr
        outs[mode] = json.loads(done.stdout)
    assert outs["go"]["how"] == "fork" and outs["go"]["threads_before"] == 1
    assert outs["go"]["user"] == username and not outs["go"]["pending"]
    # cancelled: no answer and nothing left to wait for (a child still waiting would hold
    # take() past the subprocess's timeout)
    assert outs["cancel"]["user"] is None and not outs["cancel"]["pending"]
    # killed before its work: the work is not sent anywhere, nothing is answered (the
    # session then calls Cognito itself), and the start goes on
    assert outs["die"]["user"] is None and not outs["die"]["pending"]
    for out in outs.values():
        # the parent kept on one CPU while the child works on the others (two or more),
        # every CPU given back once the child is done
        assert out["placed"] == (1 if out["cpus"] > 1 else out["cpus"])
        assert out["after"] == out["allowed"]


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


@pytest.mark.parametrize("good", [True, False], ids=["answer", "error"])
async def test_an_early_answer_already_there_is_on_the_first_screen_when_it_mounts(
    backend, tmp_path, monkeypatch, good
):
    """Shown while the screen mounts, before its first frame is painted (one layout and
    paint of the table instead of two); an early error takes the usual way, through a
    worker, to the usual message."""
    username, password = new_user(backend, given_name="Early")
    token = token_of(backend, username, password) if good else "not-a-token-at-all"
    answers = prefetch.start(settings_for(backend), token, credentials=LOCAL)
    assert answers is not None and answers.how == "thread"  # pytest runs threads: no fork
    answers.take("nothing", timeout=30)  # returns when the thread is done: all arrived
    assert answers.ready("GetUser") is good
    at_mount: dict[str, Any] = {}
    mount = AttributesScreen.on_mount

    def on_mount(screen: AttributesScreen) -> None:
        mount(screen)
        at_mount.update(loaded=screen.loaded, rows=rows(screen.app), status=status(screen.app))

    monkeypatch.setattr(AttributesScreen, "on_mount", on_mount)
    app = editor(backend, tmp_path, access_token=token, early=answers)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if good:
            assert at_mount["loaded"] and "given_name" in at_mount["rows"]
            assert at_mount["status"] == "No pending changes."
            assert app.session.draft.server["given_name"] == "Early"
            assert app.session.early is None  # taken: a reload asks Cognito
        else:
            assert not at_mount["loaded"] and at_mount["status"] == "Loading attributes…"
            assert isinstance(app.screen, SignInScreen)  # the refused token's usual way
