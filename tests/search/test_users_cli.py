"""`cognito-tui users --where ...` against the embedded backend: matches streamed as CSV or
JSON Lines, progress on stderr, exit codes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bulk.support import aws_env
from tests.tui.support import admin
from tui.cli import main

USERS = 130


@pytest.fixture(scope="module")
def backend() -> Iterator[Any]:
    from tui.embedded import EmbeddedCognito

    with EmbeddedCognito(seed="empty", users=USERS, strict=True) as running:
        yield running
        assert running.spec_violations == []


@pytest.fixture(autouse=True)
def _environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for name, value in aws_env(tmp_path / "state").items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="module")
def everyone(backend: Any) -> dict[str, dict[str, str]]:
    users: dict[str, dict[str, str]] = {}
    token = None
    while True:
        extra = {"PaginationToken": token} if token else {}
        page = admin(backend).call("ListUsers", UserPoolId=backend.user_pool_id, **extra)
        for u in page["Users"]:
            users[u["Username"]] = {a["Name"]: a["Value"] for a in u["Attributes"]}
        token = page.get("PaginationToken")
        if not token:
            return users


def users(backend: Any, *extra: str) -> list[str]:
    return [
        "users",
        "--pool-id",
        backend.user_pool_id,
        "--endpoint-url",
        backend.endpoint_url,
        "--region",
        backend.region,
        "--rate",
        "500",
        *extra,
    ]


def test_custom_attribute_search_writes_csv(backend, everyone, capsys):
    assert main(users(backend, "--where", "custom:department=Research")) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    expected = [n for n, a in everyone.items() if a.get("custom:department") == "Research"]
    assert expected and [r["username"] for r in rows] == expected
    assert all(r["custom:department"] == "Research" for r in rows)
    assert "custom:level" in rows[0] and rows[0]["email"].endswith("@example.com")
    assert f"{USERS:,}" in captured.err and "matched" in captured.err  # progress on stderr


def test_jsonl_with_chosen_attributes_regex_and_not_set(backend, everyone, capsys):
    where = "email=~/\\.0000[1-9]@/"
    code = main(
        users(backend, "--where", where, "--format", "jsonl", "--attributes", "email,custom:level")
    )
    assert code == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [x["username"] for x in lines] == [f"user{i:05d}" for i in range(1, 10)]
    assert set(lines[0]) == {
        "username",
        "status",
        "enabled",
        "created",
        "modified",
        "email",
        "custom:level",
    }
    assert main(users(backend, "--where", "!nickname", "--format", "jsonl")) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(everyone)


def test_server_side_search_and_everyone(backend, everyone, capsys):
    assert main(users(backend, "--where", "username^=user0001", "--no-progress")) == 0
    captured = capsys.readouterr()
    names = [r["username"] for r in csv.DictReader(io.StringIO(captured.out))]
    assert names == [f"user{i:05d}" for i in range(10, 20)] and captured.err == ""
    assert main(users(backend, "--no-progress", "--format", "jsonl")) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(everyone)


def test_unusable_input_exit_2_and_cognito_errors_exit_1(backend, capsys):
    assert main(users(backend, "--where", "department=R")) == 2
    err = capsys.readouterr().err
    assert err.startswith("cognito-tui users: --where: Cannot search")
    assert "custom:department" in err
    assert main(["users", "--where", "email~=x"]) == 2
    assert "--pool-id is required" in capsys.readouterr().err
    other = users(backend, "--where", "email~=x")
    other[other.index(backend.user_pool_id)] = backend.region + "_NoSuchPool"
    assert main(other) == 1
    err = capsys.readouterr().err
    assert "Cognito said: User pool" in err and "does not exist" in err


def test_the_command_rate_matches_the_core():
    from tui import users_cli
    from tui.core import search

    assert users_cli.DEFAULT_RATE == search.DEFAULT_RATE
