"""Every row is validated before anything is written: the model, the formats and the
pool's schema; the report names each bad row (line, username, attribute) and why."""

from __future__ import annotations

import re

from tests.bulk.support import admin, cli_args, values_of, write_csv
from tui.cli import main


def bad_rows(users: list[str]) -> tuple[list[str], dict[int, tuple[str, str, str]]]:
    """One row for each kind of problem, and the (username, attribute, words of the reason)
    the report must give for its line (the header is line 1)."""
    u = users
    cases = [
        (
            f"{u[0]},custom:departmentx,Research,set",
            u[0],
            "custom:departmentx",
            "not an attribute of this pool",
        ),
        (f"{u[0]},custom:employee_id,E-1", u[0], "custom:employee_id", "immutable"),
        (f"{u[0]},custom:level,abc", u[0], "custom:level", "expected a whole number"),
        (f"{u[0]},custom:level,11", u[0], "custom:level", "at most 10"),
        (
            f"{u[0]},custom:department,{'x' * 65}",
            u[0],
            "custom:department",
            "at most 64 characters",
        ),
        (f"{u[0]},email,,delete", u[0], "email", "required in this pool and cannot be deleted"),
        (f"{u[0]},sub,5f0c1e2a,set", u[0], "sub", "set by Cognito"),
        (f"{u[0]},sub,,delete", u[0], "sub", "set by Cognito"),
        (f"{u[0]},email,not-an-email", u[0], "email", "expected an address"),
        (f"{u[0]},birthdate,1990-02-31", u[0], "birthdate", "not a real date"),
        (f"{u[0]},custom:{'a' * 30},x", u[0], "custom:" + "a" * 30, "longer than 32 characters"),
        (f"{u[0]},nickname,,set", u[0], "nickname", "no value"),
        (",given_name,Ada", "(no username)", "given_name", "no username"),
        (f"{u[0]},,Ada", u[0], "(no attribute)", "no attribute"),
        (f"{u[0]},given_name,Ada,upsert", u[0], "given_name", "unknown action 'upsert'"),
        (f"user {u[0]},given_name,Ada", f"user {u[0]}", "given_name", "username: does not match"),
        (f"{u[1]},given_name,One", u[1], "given_name", "conflicts with line 19"),
        (f"{u[1]},given_name,Two", u[1], "given_name", "conflicts with line 18"),
        (f"{u[1]},nickname,Same", u[1], "nickname", ""),  # the first of a repeat is fine
        (f"{u[1]},nickname,Same", u[1], "nickname", "repeats line 20"),
    ]
    rows = [c[0] for c in cases]
    expected = {
        line: (who, what, why) for line, (_, who, what, why) in enumerate(cases, start=2) if why
    }
    return rows, expected


def test_each_bad_row_is_named_and_nothing_is_written(backend, take, calls, tmp_path, capsys):
    users = take(3)
    rows, expected = bad_rows(users)
    rows.append(f"{users[2]},given_name,Valid")
    path = write_csv(tmp_path / "bad.csv", rows)
    before = values_of(admin(backend), backend, users[2])
    reads = calls.reads

    code = main(cli_args(backend, path, journal=tmp_path / "j.jsonl"))

    err = capsys.readouterr().err
    assert code == 2
    for line, (who, what, why) in expected.items():
        [reported] = [r for r in err.splitlines() if r.startswith(f"{path}:{line}: ")]
        assert f": {who} {what}: " in reported, reported
        assert why in reported, reported
    assert f"{len(expected)} of {len(rows)} rows are invalid, nothing was written" in err
    assert "--skip-invalid" in err
    assert calls.writes == [] and calls.reads == reads
    assert values_of(admin(backend), backend, users[2]) == before
    assert not (tmp_path / "j.jsonl").exists()


def test_skip_invalid_applies_the_valid_rows_and_reports_the_others(
    backend, take, calls, tmp_path, capsys
):
    users = take(3)
    rows, expected = bad_rows(users)
    rows += [f"{users[2]},given_name,Valid", f"{users[1]},family_name,Kept"]
    path = write_csv(tmp_path / "bad.csv", rows)

    code = main(cli_args(backend, path, "--skip-invalid", journal=tmp_path / "j.jsonl"))

    out = capsys.readouterr().out
    assert code == 0
    assert values_of(admin(backend), backend, users[2])["given_name"] == "Valid"
    after = values_of(admin(backend), backend, users[1])
    assert after["family_name"] == "Kept" and after["nickname"] == "Same"
    assert sorted(calls.writes) == sorted(
        [
            ("AdminUpdateUserAttributes", users[1], ("nickname", "family_name")),
            ("AdminUpdateUserAttributes", users[2], ("given_name",)),
        ]
    )
    assert re.search(rf"skipped\s+{len(expected)}\s", out)
    skipped = out.split("skipped (invalid):", 1)[1]
    for line, (who, what, why) in expected.items():
        assert f"line {line}: {who} {what}: " in skipped and why in skipped


def test_a_file_with_only_invalid_rows_says_so(backend, take, tmp_path, capsys):
    [user] = take(1)
    path = write_csv(tmp_path / "bad.csv", [f"{user},custom:nope,x"])
    assert main(cli_args(backend, path, "--dry-run")) == 2
    assert "no row is valid" in capsys.readouterr().err
