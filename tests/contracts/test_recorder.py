"""Scrubbing: model-driven, constraint-satisfying placeholders, stable within a cassette."""

from __future__ import annotations

import json

import pytest

from contracts.recording.recorder import Scrubber, is_placeholder, looks_like_jwt
from tests.fakes import fake_jwt

JWT = fake_jwt({"kid": "dummy", "alg": "RS256"}, {"sub": "1234567890"}, b"signature-value")


def test_every_secret_shape_gets_a_valid_placeholder(spec):
    scrubber = Scrubber(spec)
    secret_shapes = {
        shape
        for op in spec.operations
        for kind in ("input", "output")
        for _path, shape, _form in spec.secret_paths(op, kind)
    }
    assert "PasswordType" in secret_shapes and "SoftwareTokenMFAUserCodeType" in secret_shapes
    for i, shape in enumerate(sorted(secret_shapes)):
        node = spec.defs[shape]
        if node.get("type") != "string":
            continue
        placeholder = scrubber.secret_placeholder(f"real-secret-{i}", shape, "q")
        assert spec.accepts(shape, placeholder), (shape, placeholder)


def test_request_secrets_are_replaced_and_stay_valid(spec):
    body = {
        "AuthFlow": "USER_PASSWORD_AUTH",
        "ClientId": "7abc123client",
        "AuthParameters": {"USERNAME": "ada", "PASSWORD": "Canary-Passw0rd!", "SECRET_HASH": "x="},
    }
    out = Scrubber(spec).scrub_body("InitiateAuth", "input", body, "q")
    assert "Canary-Passw0rd!" not in json.dumps(out)
    assert out["AuthFlow"] == "USER_PASSWORD_AUTH"
    assert all(is_placeholder(v) for v in out["AuthParameters"].values())
    assert spec.validate("InitiateAuth", "input", out) == []


def test_same_secret_same_placeholder_across_request_and_response(spec):
    scrubber = Scrubber(spec)
    response = {
        "AuthenticationResult": {"AccessToken": JWT, "RefreshToken": "rt-1", "IdToken": JWT + "x"}
    }
    scrubbed_response = scrubber.scrub_body("InitiateAuth", "output", response, "r")
    token = scrubbed_response["AuthenticationResult"]["AccessToken"]
    request = scrubber.scrub_body("GetUser", "input", {"AccessToken": JWT}, "q")
    assert request["AccessToken"] == token
    assert not looks_like_jwt(json.dumps(scrubbed_response))
    assert spec.validate("InitiateAuth", "output", scrubbed_response) == []


def test_numbering_of_request_secrets_ignores_responses(spec):
    """Replay sees only requests: their numbers must not depend on response secrets."""
    recording, replaying = Scrubber(spec), Scrubber(spec)
    recording.scrub_body("InitiateAuth", "output", {"Session": "s" * 30}, "r")
    a = recording.scrub_body("GetUser", "input", {"AccessToken": "first-real-token"}, "q")
    b = replaying.scrub_body("GetUser", "input", {"AccessToken": "another-token"}, "q")
    assert a == b


def test_placeholders_pass_through(spec):
    scrubber = Scrubber(spec)
    once = scrubber.scrub_body("GetUser", "input", {"AccessToken": "real"}, "q")
    twice = scrubber.scrub_body("GetUser", "input", once, "q")
    assert once == twice


def test_personal_data_is_faked_by_form(spec):
    scrubber = Scrubber(spec)
    body = {
        "Username": "ada.lovelace",
        "UserAttributes": [
            {"Name": "email", "Value": "ada@realmail.test"},
            {"Name": "phone_number", "Value": "+447700900123"},
            {"Name": "sub", "Value": "5f0c1e2a-0b1c-4d2e-8f3a-000000000001"},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "given_name", "Value": "Ada"},
            {"Name": "nickname", "Value": "countess@example.com"},
        ],
    }
    out = scrubber.scrub_body("GetUser", "output", body, "r")
    values = {a["Name"]: a["Value"] for a in out["UserAttributes"]}
    assert values["email"].endswith("@example.com") and "realmail" not in values["email"]
    assert values["phone_number"].startswith("+1555")
    assert values["sub"].startswith("00000000-0000-4000-8000-")
    assert values["email_verified"] == "true"
    assert values["given_name"].startswith("value-")
    assert values["nickname"] == "countess@example.com"  # reserved domain: never a person
    assert out["Username"].startswith("user-")
    assert spec.validate("GetUser", "output", out) == []


def test_pii_inside_free_text_and_echoes(spec):
    scrubber = Scrubber(spec)
    scrubber.scrub_body(
        "InitiateAuth",
        "input",
        {
            "ClientId": "c",
            "AuthFlow": "USER_SRP_AUTH",
            "AuthParameters": {"USERNAME": "ada", "SRP_A": "abc"},
        },
        "q",
    )
    challenge = {
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {"USER_ID_FOR_SRP": "ada", "SALT": "00ff"},
    }
    out = scrubber.scrub_body("InitiateAuth", "output", challenge, "r")
    assert out["ChallengeParameters"]["USER_ID_FOR_SRP"] != "ada"
    assert out["ChallengeParameters"]["SALT"] == "00ff"
    listing = {"UserPoolId": "us-east-1_a", "Filter": 'email = "ada@realmail.test"'}
    assert "realmail" not in scrubber.scrub_body("ListUsers", "input", listing, "q")["Filter"]


def test_keep_pii_keeps_personal_data_but_not_credentials(spec):
    scrubber = Scrubber(spec, keep_pii=True)
    body = {
        "AccessToken": "secret-token",
        "UserAttributes": [{"Name": "email", "Value": "a@b.test"}],
    }
    out = scrubber.scrub_body("UpdateUserAttributes", "input", body, "q")
    assert out["UserAttributes"][0]["Value"] == "a@b.test"
    assert out["AccessToken"] != "secret-token"


@pytest.mark.parametrize("code", ["123456", "654321"])
def test_verification_codes_are_secrets(spec, code):
    out = Scrubber(spec).scrub_body(
        "VerifyUserAttribute",
        "input",
        {"AccessToken": "t", "AttributeName": "email", "Code": code},
        "q",
    )
    assert out["Code"] != code


def test_headers_are_reduced_and_uri_made_portable(spec):
    from vcr.request import Request

    request = Request(
        "POST",
        "http://127.0.0.1:41234/",
        json.dumps({"AccessToken": "secret"}).encode(),
        {
            "X-Amz-Target": b"AWSCognitoIdentityProviderService.GetUser",
            "Content-Type": b"application/x-amz-json-1.1",
            "Authorization": b"AWS4-HMAC-SHA256 Credential=AKID/...",
            "X-Amz-Security-Token": b"session-token",
            "User-Agent": b"Botocore/1.44",
        },
    )
    scrubbed = Scrubber(spec, region="eu-west-1").before_record_request(request)
    assert set(scrubbed.headers) == {"X-Amz-Target", "Content-Type"}
    assert scrubbed.uri == "https://cognito-idp.eu-west-1.amazonaws.com/"
    assert b"secret" not in scrubbed.body
    assert request.headers["Authorization"]  # the live request itself is untouched
