"""The demo seed: each named user shows one sign-in path; generated users are fast."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from tests.embedded.support import (
    client,
    error_of,
    password_sign_in,
    start_backend,
    stop_backend,
    totp_now,
)

INFO_KEYS = {
    "endpoint_url",
    "region",
    "user_pool_id",
    "client_id",
    "users",
    "generated_users",
    "generated_password",
}


@pytest.fixture(scope="module")
def demo():
    """A demo backend of this module's own: signing in changes the seeded users."""
    started = start_backend(seed="demo")
    yield started, client(started)
    stop_backend(started)


def seeded(backend, note_word):
    return next(u for u in backend.users if note_word in u.note)


def respond(cognito, backend, challenge, name, answers):
    return cognito.respond_to_auth_challenge(
        ClientId=backend.client_id,
        ChallengeName=name,
        Session=challenge["Session"],
        ChallengeResponses=answers,
    )


def test_info_names_the_pool_client_and_users(demo):
    backend, _ = demo
    info = backend.info()
    assert set(info) == INFO_KEYS
    assert info["endpoint_url"] == backend.endpoint_url
    assert info["users"] == [u.as_dict() for u in backend.users]
    assert [u.username for u in backend.users] == [
        "maria",
        "james",
        "wei",
        "sofia",
        "noah",
        "amara",
    ]
    assert info["generated_users"] == 0 and info["generated_password"] is None
    json.dumps(info)


def test_seeded_people_look_real(demo):
    backend, cognito = demo
    for person in backend.users:
        found = cognito.admin_get_user(UserPoolId=backend.user_pool_id, Username=person.username)
        values = {a["Name"]: a["Value"] for a in found["UserAttributes"]}
        assert values["email"].endswith("@example.com")
        assert values["phone_number"].startswith("+1555")
        assert set(json.loads(values["address"])) >= {"street_address", "locality", "country"}
        assert {
            "given_name",
            "family_name",
            "birthdate",
            "locale",
            "custom:department",
            "custom:employee_id",
            "custom:level",
        } <= set(values)


def test_first_user_signs_in_with_srp_and_no_challenge(demo):
    backend, cognito = demo
    first = backend.users[0]
    answer = AWSSRP(
        first.username, first.password, backend.user_pool_id, backend.client_id, client=cognito
    ).authenticate_user()
    assert "ChallengeName" not in answer
    assert answer["AuthenticationResult"]["AccessToken"]


def test_new_password_user(demo):
    backend, cognito = demo
    person = seeded(backend, "NEW_PASSWORD_REQUIRED")
    challenge = password_sign_in(cognito, backend.client_id, person.username, person.password)
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    done = respond(
        cognito,
        backend,
        challenge,
        "NEW_PASSWORD_REQUIRED",
        {"USERNAME": person.username, "NEW_PASSWORD": "Fresh-Start-2024"},
    )
    assert done["AuthenticationResult"]["AccessToken"]


def test_totp_user_over_srp(demo):
    backend, cognito = demo
    person = seeded(backend, "SOFTWARE_TOKEN_MFA")
    helper = AWSSRP(
        person.username, person.password, backend.user_pool_id, backend.client_id, client=cognito
    )
    params = helper.get_auth_params()
    verifier = cognito.initiate_auth(
        ClientId=backend.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params
    )
    challenge = cognito.respond_to_auth_challenge(
        ClientId=backend.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=helper.process_challenge(verifier["ChallengeParameters"], params),
    )
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    done = respond(
        cognito,
        backend,
        challenge,
        "SOFTWARE_TOKEN_MFA",
        {"USERNAME": person.username, "SOFTWARE_TOKEN_MFA_CODE": totp_now(person.totp_secret)},
    )
    assert done["AuthenticationResult"]["AccessToken"]


@pytest.mark.parametrize(
    ("word", "challenge_name", "attribute", "answer_key"),
    [
        ("SMS_MFA", "SMS_MFA", "phone_number", "SMS_MFA_CODE"),
        ("EMAIL_OTP", "EMAIL_OTP", "email", "EMAIL_OTP_CODE"),
    ],
)
def test_code_users(demo, word, challenge_name, attribute, answer_key):
    backend, cognito = demo
    person = seeded(backend, word)
    challenge = password_sign_in(cognito, backend.client_id, person.username, person.password)
    assert challenge["ChallengeName"] == challenge_name
    code = backend.latest_code(person.username, attribute)
    delivery = backend.outbox()[-1]
    assert delivery.purpose == f"sign-in ({challenge_name})"
    done = respond(
        cognito, backend, challenge, challenge_name, {"USERNAME": person.username, answer_key: code}
    )
    assert done["AuthenticationResult"]["AccessToken"]


def test_two_factor_user_selects_one(demo):
    backend, cognito = demo
    person = seeded(backend, "SELECT_MFA_TYPE")
    challenge = password_sign_in(cognito, backend.client_id, person.username, person.password)
    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    assert sorted(json.loads(challenge["ChallengeParameters"]["MFAS_CAN_CHOOSE"])) == [
        "SMS_MFA",
        "SOFTWARE_TOKEN_MFA",
    ]
    chosen = respond(
        cognito,
        backend,
        challenge,
        "SELECT_MFA_TYPE",
        {"USERNAME": person.username, "ANSWER": "SOFTWARE_TOKEN_MFA"},
    )
    assert chosen["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    done = respond(
        cognito,
        backend,
        chosen,
        "SOFTWARE_TOKEN_MFA",
        {"USERNAME": person.username, "SOFTWARE_TOKEN_MFA_CODE": totp_now(person.totp_secret)},
    )
    assert done["AuthenticationResult"]["AccessToken"]


def test_empty_seed_has_a_pool_and_client_but_nobody():
    backend = start_backend(seed="empty")
    try:
        cognito = client(backend)
        assert backend.users == []
        assert cognito.list_users(UserPoolId=backend.user_pool_id)["Users"] == []
        with pytest.raises(ClientError) as caught:
            password_sign_in(cognito, backend.client_id, "maria", "Whatever-1")
        assert error_of(caught)[0] == "NotAuthorizedException"
    finally:
        stop_backend(backend)


def test_twenty_thousand_generated_users_take_seconds():
    began = time.monotonic()
    backend = start_backend(seed="demo", users=20_000)
    elapsed = time.monotonic() - began
    try:
        assert elapsed < 15, f"seeding 20,000 users took {elapsed:.1f} s"
        cognito = client(backend)
        info = backend.info()
        assert info["generated_users"] == 20_000
        assert info["generated_password"] == backend.generated_password
        page = cognito.list_users(UserPoolId=backend.user_pool_id, Limit=60)
        assert len(page["Users"]) == 60 and page["PaginationToken"]
        found = cognito.list_users(UserPoolId=backend.user_pool_id, Filter='username = "user19999"')
        values = {a["Name"]: a["Value"] for a in found["Users"][0]["Attributes"]}
        assert values["email"].endswith(".19999@example.com")
        assert values["phone_number"] == "+15551019999"
        answer = password_sign_in(
            cognito, backend.client_id, "user00001", str(backend.generated_password)
        )
        assert answer["AuthenticationResult"]["AccessToken"]
    finally:
        stop_backend(backend)


def test_another_region():
    backend = start_backend(seed="demo", region="eu-west-1")
    try:
        assert backend.info()["region"] == "eu-west-1"
        assert backend.user_pool_id.startswith("eu-west-1_")
        cognito = client(backend)
        first = backend.users[0]
        answer = password_sign_in(cognito, backend.client_id, first.username, first.password)
        token = answer["AuthenticationResult"]["AccessToken"]
        assert cognito.get_user(AccessToken=token)["Username"] == first.username
        arn = cognito.describe_user_pool(UserPoolId=backend.user_pool_id)["UserPool"]["Arn"]
        assert arn.startswith("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/")
    finally:
        stop_backend(backend)
