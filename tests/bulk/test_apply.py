"""Dry run, apply, unchanged rows, failures, throttling and resuming, through the command
(in process) against the embedded backend over HTTP."""

from __future__ import annotations

import json
import re

from tests.bulk.support import admin, cli_args, values_of, write_csv
from tui.cli import main
from tui.core.bulk import BulkJournal, csv_digest, default_journal_path

UPDATE, DELETE = "AdminUpdateUserAttributes", "AdminDeleteUserAttributes"


def count(out: str, label: str) -> int:
    found = re.search(rf"^  {label}\s+(\d+)\s", out, re.MULTILINE)
    assert found, f"no {label!r} count in:\n{out}"
    return int(found.group(1))


def test_dry_run_prints_each_users_diff_and_writes_nothing(backend, take, calls, tmp_path, capsys):
    a, b = take(2)
    conn = admin(backend)
    now_a, now_b = values_of(conn, backend, a), values_of(conn, backend, b)
    path = write_csv(
        tmp_path / "changes.csv",
        [
            f"{a},custom:department,Dry Run Dept",
            f"{a},given_name,{now_a['given_name']}",
            f"{a},locale,,delete",
            f"{a},middle_name,,delete",
            f"{b},nickname,Bee",
            "nobody-here,given_name,X",
        ],
    )
    reads = calls.reads

    code = main(cli_args(backend, path, "--dry-run"))

    out = capsys.readouterr().out
    assert code == 1  # one user cannot be read: the run would fail there
    dept = json.dumps(now_a["custom:department"])
    assert re.search(
        rf"custom:department\s+{re.escape(dept)} -> \"Dry Run Dept\"\s+\(line 2\)", out
    )
    given = json.dumps(now_a["given_name"])
    assert re.search(rf"given_name\s+unchanged {re.escape(given)}\s+\(line 3\)", out)
    assert re.search(rf"locale\s+delete {re.escape(json.dumps(now_a['locale']))}\s+\(line 4\)", out)
    assert re.search(r"middle_name\s+delete: not set, unchanged\s+\(line 5\)", out)
    assert re.search(r"nickname\s+\(not set\) -> \"Bee\"\s+\(line 6\)", out)
    assert "nobody-here: cannot be read: " in out and "(lines 7)" in out
    assert "would change 3 rows, 2 unchanged, 1 cannot be applied" in out
    assert calls.writes == [] and calls.reads == reads + 2  # the unknown user is refused
    assert values_of(conn, backend, a) == now_a and values_of(conn, backend, b) == now_b
    assert not list(tmp_path.rglob("*.jsonl"))  # a dry run keeps no journal


def test_dry_run_escapes_control_characters(backend, take, tmp_path, capsys):
    [a] = take(1)
    path = tmp_path / "esc.csv"
    path.write_text(f'username,attribute,value\n{a},nickname,"red\x1b[31m"\n')
    assert main(cli_args(backend, path, "--dry-run")) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and '"red\\u001b[31m"' in out


def test_apply_sets_and_deletes_land_and_unchanged_rows_are_not_sent(
    backend, take, calls, tmp_path, capsys
):
    a, b, c = take(3)
    conn = admin(backend)
    now_a, now_c = values_of(conn, backend, a), values_of(conn, backend, c)
    path = write_csv(
        tmp_path / "changes.csv",
        [
            f"{a},custom:department,Applied Dept,set",
            f"{a},nickname,Ace",
            f"{a},given_name,{now_a['given_name']}",  # unchanged: not sent
            f"{a},locale,,delete",
            f"{a},middle_name,,delete",  # not set: unchanged, not sent
            f"{b},custom:level,3",
            f"{b},zoneinfo,,delete",
            f"{c},family_name,{now_c['family_name']}",  # everything in place: no call
        ],
    )
    journal = tmp_path / "run.jsonl"

    code = main(cli_args(backend, path, "--rate", "200", journal=journal))

    captured = capsys.readouterr()
    assert code == 0, captured
    after_a, after_b = values_of(conn, backend, a), values_of(conn, backend, b)
    assert after_a["custom:department"] == "Applied Dept" and after_a["nickname"] == "Ace"
    assert "locale" not in after_a and after_a["given_name"] == now_a["given_name"]
    assert after_b["custom:level"] == "3" and "zoneinfo" not in after_b
    assert calls.for_user(a) == [
        (UPDATE, ("custom:department", "nickname")),
        (DELETE, ("locale",)),
    ]
    assert calls.for_user(b) == [(UPDATE, ("custom:level",)), (DELETE, ("zoneinfo",))]
    assert calls.for_user(c) == []
    out = captured.out
    assert count(out, "applied") == 5 and count(out, "unchanged") == 3
    assert count(out, "failed") == 0 and count(out, "skipped") == 0
    assert "2 AdminDeleteUserAttributes, 3 AdminGetUser, 2 AdminUpdateUserAttributes" in out
    assert f"journal: {journal}" in out
    assert "Applied Dept" not in out + captured.err  # values only in a dry run
    # the progress bar (not a terminal: whole lines) on stderr, ending at 8/8
    assert re.search(r"\[#{16}\] 8/8 rows\s+[\d.]+/s\s+ETA 0:00", captured.err)

    # the same file again: everything is finished in the journal, nothing is sent
    writes = len(calls.writes)
    assert main(cli_args(backend, path, journal=journal)) == 0
    out = capsys.readouterr().out
    assert count(out, "earlier") == 8 and count(out, "applied") == 0
    assert len(calls.writes) == writes


def test_failed_rows_are_reported_with_reasons_and_exit_1(backend, take, calls, tmp_path, capsys):
    # Rows valid on their own that Cognito refuses: users that do not exist. (An email that
    # another user holds is not one: as on AWS, the backend accepts it and the alias moves
    # only when the new holder verifies it; see the evidence corpus.)
    (a,) = take(1)
    conn = admin(backend)
    path = write_csv(
        tmp_path / "changes.csv",
        [
            f"{a},nickname,Fine",
            "ghost-user,nickname,Boo",
            "ghost-two,given_name,Nobody",
        ],
    )
    code = main(cli_args(backend, path, "--rate", "200", journal=tmp_path / "j.jsonl"))
    out = capsys.readouterr().out
    assert code == 1
    assert count(out, "applied") == 1 and count(out, "failed") == 2
    failed = out.split("failed:\n", 1)[1]
    assert re.search(r"line 3: ghost-user nickname: .*User does not exist", failed)
    assert re.search(r"line 4: ghost-two given_name: .*User does not exist", failed)
    assert values_of(conn, backend, a)["nickname"] == "Fine"


def test_throttling_is_retried_and_no_row_is_lost(backend, take, calls, tmp_path, capsys):
    """The backend allows 5 UserUpdate requests/s while --rate asks for 50: Cognito
    answers TooManyRequestsException, the calls are retried, and every row lands once."""
    users = take(14)
    path = write_csv(tmp_path / "t.csv", [f"{u},custom:department,Throttled {u}" for u in users])
    backend.set_rate_limit("UserUpdate", 5.0)
    try:
        code = main(cli_args(backend, path, "--rate", "50", journal=tmp_path / "j.jsonl"))
    finally:
        backend.set_rate_limit("UserUpdate", None)
    out = capsys.readouterr().out
    assert code == 0, out
    retries = re.search(r"retries: (\d+) \((\d+) throttled answers\)", out)
    assert retries and int(retries.group(1)) > 0 and int(retries.group(2)) > 0
    assert count(out, "applied") == len(users)
    conn = admin(backend)
    for user in users:
        assert values_of(conn, backend, user)["custom:department"] == f"Throttled {user}"
    assert calls.per_user() == dict.fromkeys(users, 1)


def test_resume_checks_uncertain_rows_and_skips_finished_ones(
    backend, take, calls, tmp_path, capsys
):
    """A journal as a killed run leaves it: `a`'s call landed but its done record was never
    written; `b`'s intent was written but the call never reached Cognito; `c` is done.
    The resumed run sends `b` only, and reports `a` as applied (found in place)."""
    a, b, c = take(3)
    conn = admin(backend)
    path = write_csv(
        tmp_path / "r.csv",
        [f"{a},nickname,Landed", f"{b},nickname,Not yet", f"{c},nickname,Done before"],
    )
    conn.call(
        UPDATE,
        UserPoolId=backend.user_pool_id,
        Username=a,
        UserAttributes=[{"Name": "nickname", "Value": "Landed"}],
    )
    calls.writes.clear()
    digest = csv_digest(path.read_bytes(), str(backend.user_pool_id))
    journal = BulkJournal(default_journal_path(digest), digest, str(backend.user_pool_id))
    journal.open(rows=3)
    from tui.core.bulk import Row

    rows = [Row(2, a, "nickname", "Landed"), Row(3, b, "nickname", "Not yet")]
    done = Row(4, c, "nickname", "Done before")
    journal.intent(c, UPDATE, [done])
    journal.done(c, UPDATE, [done], "applied")
    journal.intent(a, UPDATE, rows[:1])
    journal.intent(b, UPDATE, rows[1:])
    journal.close()

    code = main(cli_args(backend, path))  # the default journal, found from the file

    captured = capsys.readouterr()
    assert code == 0, captured
    assert calls.writes == [(UPDATE, b, ("nickname",))]
    assert "nickname" not in values_of(conn, backend, c)  # finished rows are never redone
    assert values_of(conn, backend, b)["nickname"] == "Not yet"
    assert count(captured.out, "applied") == 2 and count(captured.out, "earlier") == 1
    assert "1 of them sent by an interrupted run, found in place" in captured.out
    assert "resuming: 1 rows were finished by an earlier run" in captured.err


def test_a_journal_of_another_file_is_refused(backend, take, tmp_path, capsys):
    [a] = take(1)
    journal = tmp_path / "j.jsonl"
    first = write_csv(tmp_path / "one.csv", [f"{a},nickname,One"])
    assert main(cli_args(backend, first, "--rate", "200", journal=journal)) == 0
    second = write_csv(tmp_path / "two.csv", [f"{a},nickname,Two"])
    capsys.readouterr()
    assert main(cli_args(backend, second, journal=journal)) == 2
    assert "belongs to another CSV file or pool" in capsys.readouterr().err
    assert values_of(admin(backend), backend, a)["nickname"] == "One"
