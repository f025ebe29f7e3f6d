"""The installed `cognito-contracts` command: exit codes 0/1/2, messages, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.contracts.recorded import (
    GET_USER_OK,
    NOT_AUTHORIZED,
    UPDATE_OK,
    interaction,
    run,
    write_cassette,
    write_har,
)

BAD_UPDATE = interaction(
    "UpdateUserAttributes",
    {"AccessToken": "t", "UserAttributes": [{"Name": "a"}] * 3 + [{"Name": "n" * 33}]},
    {},
)


# -- validate ---------------------------------------------------------------------------------


def test_validate_one_body(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"AccessToken": "t"}))
    done = run("validate", "GetUser", "--input", str(good))
    assert done.returncode == 0 and "valid GetUser input" in done.stdout


def test_validate_reports_path_rule_and_sentence():
    body = {"AccessToken": "t", "UserAttributes": [{"Name": "a"}] * 3 + [{"Name": "n" * 33}]}
    done = run("validate", "UpdateUserAttributes", "--input", "-", stdin=json.dumps(body))
    assert done.returncode == 1
    assert done.stdout.strip() == (
        "$.UserAttributes[3].Name: longer than 32 characters (maximum 32, got 33)  [max-length]"
    )
    as_json = run(
        "validate", "UpdateUserAttributes", "--input", "-", "--json", stdin=json.dumps(body)
    )
    assert json.loads(as_json.stdout) == {
        "ok": False,
        "violations": [
            {
                "path": "$.UserAttributes[3].Name",
                "rule": "max-length",
                "message": "longer than 32 characters (maximum 32, got 33)",
            }
        ],
    }


def test_validate_error_bodies():
    body = json.dumps({"__type": "AliasExistsException", "message": "m"})
    assert run("validate", "UpdateUserAttributes", "--error", "-", stdin=body).returncode == 0
    done = run("validate", "GetUser", "--error", "-", stdin=body)
    assert done.returncode == 1 and "[error-not-modeled]" in done.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "problem"),
    [
        (["validate", "GetUser", "--input", "-"], '{"AccessToken": ', "<stdin>: not JSON"),
        (["validate", "GetUser", "--input", "-"], "", "<stdin>: empty input"),
        (["validate", "GetUsers", "--input", "-"], "{}", "unknown operation 'GetUsers'"),
        (["validate", "GetUser", "--input", "/no/such/file.json"], None, "/no/such/file.json"),
        (["validate", "GetUser"], None, "exactly one of --input, --output, --error"),
    ],
)
def test_validate_unusable_input(args, stdin, problem):
    done = run(*args, stdin=stdin)
    assert done.returncode == 2
    assert problem in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_validate_jsonl_keeps_order_and_flags_bad_lines():
    lines = [
        {"operation": "GetUser", "kind": "input", "body": {"AccessToken": "t"}},
        {"operation": "GetUser", "kind": "output", "body": {"Username": "a"}},
        {"operation": "GetUser", "kind": "error", "body": {"__type": "NotAuthorizedException"}},
    ]
    feed = "\n".join(json.dumps(x) for x in lines) + "\n"
    done = run("validate", "--jsonl", "-", stdin=feed)
    assert done.returncode == 1
    out = [json.loads(x) for x in done.stdout.splitlines()]
    assert [o["ok"] for o in out] == [True, False, True]
    assert out[1]["violations"] == [
        {"path": "$.UserAttributes", "rule": "required", "message": "required member is missing"}
    ]
    bad = feed + "{not json\n" + json.dumps({"operation": "Nope", "kind": "input", "body": {}})
    done = run("validate", "--jsonl", "-", stdin=bad)
    assert done.returncode == 2
    out = [json.loads(x) for x in done.stdout.splitlines()]
    assert len(out) == 5 and "error" in out[3] and "unknown operation" in out[4]["error"]
    assert "<stdin>:4: not JSON" in done.stderr


# -- check ------------------------------------------------------------------------------------


def test_check_cassettes_and_folders(tmp_path):
    write_cassette(tmp_path / "good.yaml", [GET_USER_OK, UPDATE_OK, NOT_AUTHORIZED])
    done = run("check", str(tmp_path))
    assert done.returncode == 0, done.stdout
    assert "3 interactions in 1 files: 3 valid" in done.stdout
    sub = tmp_path / "more"
    sub.mkdir()
    write_cassette(sub / "bad.yaml", [GET_USER_OK, BAD_UPDATE])
    done = run("check", str(tmp_path))
    assert done.returncode == 1
    assert (
        f"{sub / 'bad.yaml'} #1 UpdateUserAttributes: request $.UserAttributes[3].Name: "
        "longer than 32 characters" in done.stdout
    )


def test_check_json_summary(tmp_path):
    cassette = write_cassette(tmp_path / "mixed.yaml", [GET_USER_OK, BAD_UPDATE, NOT_AUTHORIZED])
    done = run("check", "--json", str(cassette))
    assert done.returncode == 1
    summary = json.loads(done.stdout)
    assert summary["interactions"] == 3 and summary["valid"] == 2 and summary["ok"] is False
    assert summary["operations"]["GetUser"] == {"interactions": 2, "violations": 0}
    assert summary["operations"]["UpdateUserAttributes"] == {"interactions": 1, "violations": 1}
    (row,) = summary["violations"]
    assert row == {
        "file": str(cassette),
        "index": 1,
        "operation": "UpdateUserAttributes",
        "path": "$.UserAttributes[3].Name",
        "rule": "max-length",
        "message": "longer than 32 characters (maximum 32, got 33)",
        "where": "request",
    }


def test_check_har(tmp_path):
    har = write_har(tmp_path / "browser.har", [GET_USER_OK, BAD_UPDATE])
    done = run("check", "--json", str(har))
    summary = json.loads(done.stdout)
    assert done.returncode == 1 and summary["interactions"] == 2


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("cut.yaml", "interactions:\n- request: {body: 'x', headers: {}\n", "not a valid YAML"),
        ("cut.har", '{"log": {"entries": [{"request"', "not valid JSON"),
        ("none.yaml", None, "no such file"),
    ],
)
def test_check_unusable_files(tmp_path, name, content, problem):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    done = run("check", str(path))
    assert done.returncode == 2
    assert str(path) in done.stderr and problem in done.stderr


# -- spec -------------------------------------------------------------------------------------


def test_spec_writes_openapi(tmp_path):
    out = tmp_path / "cognito.openapi.json"
    assert run("spec", "--openapi", str(out)).returncode == 0
    doc = json.loads(out.read_text())
    assert doc["openapi"] == "3.1.0"
    path = "/#X-Amz-Target=AWSCognitoIdentityProviderService.GetUser"
    op = doc["paths"][path]["post"]
    assert op["parameters"][0]["schema"] == {
        "type": "string",
        "enum": ["AWSCognitoIdentityProviderService.GetUser"],
    }
    assert "application/x-amz-json-1.1" in op["requestBody"]["content"]
    assert {"200", "400", "500"} <= set(op["responses"])
    assert len(doc["paths"]) == len(
        json.loads(run("spec", "--json-schema", "-").stdout)["operations"]
    )


def test_spec_summary():
    done = run("spec")
    assert done.returncode == 0
    count = int(done.stdout.split(": ")[1].split(" operations")[0])
    assert count >= 153


def test_check_accepts_only_the_violations_a_cassette_declares(tmp_path):
    import yaml

    source = Path(__file__).resolve().parents[2] / "cassettes" / "update-invalid-name.yaml"
    done = run("check", str(source))
    assert done.returncode == 0 and "1 sent broken on purpose" in done.stdout
    data = yaml.safe_load(source.read_text())
    data["metadata"]["expected_violations"] = []  # the same cassette without the declaration
    undeclared = tmp_path / "undeclared.yaml"
    undeclared.write_text(yaml.safe_dump(data))
    assert run("check", str(undeclared)).returncode == 1
