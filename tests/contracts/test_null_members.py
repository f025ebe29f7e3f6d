"""A request member sent as JSON null is what AWS treats as absent: a warning, not a
failure; a null REQUIRED member still fails as missing. Responses keep their rules."""

from __future__ import annotations

import json

from contracts.checker.exchange import Exchange, check_exchange

TARGET = "AWSCognitoIdentityProviderService."
MEDIA = "application/x-amz-json-1.1"


def exchange(operation: str, request: dict, response: dict, status: int = 200) -> Exchange:
    return Exchange(
        method="POST",
        uri="https://cognito-idp.us-east-1.amazonaws.com/",
        request_headers={"x-amz-target": [TARGET + operation], "content-type": [MEDIA]},
        request_body=json.dumps(request).encode(),
        status=status,
        response_headers={"content-type": [MEDIA]},
        response_body=json.dumps(response).encode(),
    )


SIGNED_UP = {"UserConfirmed": False, "UserSub": "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"}
SIGN_UP = {"ClientId": "abc123", "Username": "ada", "Password": "Correct-Horse-9"}


def test_an_optional_member_sent_as_null_is_a_warning(spec):
    result = check_exchange(
        spec, exchange("SignUp", {**SIGN_UP, "ValidationData": None}, SIGNED_UP)
    )
    assert result.ok, result.violations
    assert [(w.path, w.rule, w.where) for w in result.warnings] == [
        ("$.ValidationData", "null-member", "request")
    ]


def test_a_nested_optional_null_is_a_warning_too(spec):
    body = {**SIGN_UP, "UserAttributes": [{"Name": "email", "Value": None}]}
    result = check_exchange(spec, exchange("SignUp", body, SIGNED_UP))
    assert result.ok, result.violations
    assert [w.path for w in result.warnings] == ["$.UserAttributes[0].Value"]


def test_a_required_member_sent_as_null_fails_as_missing(spec):
    result = check_exchange(spec, exchange("SignUp", {**SIGN_UP, "ClientId": None}, SIGNED_UP))
    assert [(v.path, v.rule) for v in result.violations] == [("$.ClientId", "required")]
    assert [w.path for w in result.warnings] == ["$.ClientId"]


def test_a_required_document_sent_as_null_fails_as_missing(spec):
    documents = [
        (name, shape)
        for name, op in spec.operations.items()
        if op.input
        for shape in spec.defs[op.input].get("required", [])
        if spec.defs.get(
            spec.defs[op.input]["properties"][shape].get("$ref", "").rsplit("/", 1)[-1], {}
        ).get("x-document")
    ]
    if not documents:
        return  # the model has no required document member today
    operation, member = documents[0]
    result = check_exchange(spec, exchange(operation, {member: None}, {}))
    assert ("$." + member, "required") in {(v.path, v.rule) for v in result.violations}


def test_nulls_inside_a_document_are_its_values(spec):
    body = {"AccessToken": "abc", "Credential": {"id": None, "response": {"x": None}}}
    result = check_exchange(spec, exchange("CompleteWebAuthnRegistration", body, {}))
    assert result.warnings == []
    assert result.ok, result.violations


def test_a_null_unknown_member_is_still_unknown(spec):
    result = check_exchange(spec, exchange("SignUp", {**SIGN_UP, "Nonsense": None}, SIGNED_UP))
    assert ("$.Nonsense", "unknown-member") in {(v.path, v.rule) for v in result.violations}


def test_responses_keep_their_rules(spec):
    result = check_exchange(spec, exchange("SignUp", SIGN_UP, {**SIGNED_UP, "Session": None}))
    assert not result.ok
    assert result.warnings == []


def test_a_body_without_null_is_not_scanned(spec):
    result = check_exchange(spec, exchange("SignUp", SIGN_UP, SIGNED_UP))
    assert result.ok and result.warnings == []


# -- the command line shows the warnings, and they never change the exit code -----------


def test_check_prints_null_warnings_and_exits_0(tmp_path):
    from tests.contracts.recorded import interaction, run, write_cassette

    cassette = write_cassette(
        tmp_path / "nulls.yaml",
        [interaction("SignUp", {**SIGN_UP, "ValidationData": None}, SIGNED_UP)],
    )
    done = run("check", str(cassette))
    assert done.returncode == 0, done.stdout
    assert "#0 SignUp: warning: request $.ValidationData: sent as null" in done.stdout
    summary = json.loads(run("check", "--json", str(cassette)).stdout)
    assert summary["ok"] is True
    assert [w["path"] for w in summary["warnings"]] == ["$.ValidationData"]


def test_validate_warns_for_a_null_member_and_fails_a_null_required_one():
    from tests.contracts.recorded import run

    optional = json.dumps({**SIGN_UP, "ValidationData": None})
    done = run("validate", "SignUp", "--input", "-", stdin=optional)
    assert done.returncode == 0
    assert done.stdout.startswith("warning: request $.ValidationData: sent as null")
    required = json.dumps({**SIGN_UP, "Username": None})
    done = run("validate", "SignUp", "--input", "-", "--json", stdin=required)
    assert done.returncode == 1
    answer = json.loads(done.stdout)
    assert [(v["path"], v["rule"]) for v in answer["violations"]] == [("$.Username", "required")]
    lines = "\n".join(
        json.dumps({"operation": "SignUp", "kind": "input", "body": json.loads(body)})
        for body in (optional, required)
    )
    done = run("validate", "--jsonl", "-", stdin=lines)
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["ok"] is True and first["warnings"][0]["path"] == "$.ValidationData"
    assert second["ok"] is False
