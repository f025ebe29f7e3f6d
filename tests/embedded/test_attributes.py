"""Attribute writes and deletes the way Cognito checks them (moto accepts anything)."""

from __future__ import annotations

import json
import re

import pytest
from botocore.exceptions import ClientError

from tests.embedded.support import (
    access_token,
    attributes_of,
    error_of,
    new_user,
    raw_call,
    unique,
)

PASSWORD = "Correct-Horse-9"


def line(name: str, problem: str) -> str:
    """One attribute's line of AWS's refusal: `user.<name>: <problem>` and a newline."""
    return f"user.{name}: {problem}\n"


@pytest.fixture(scope="module")
def plain(cognito):
    """A pool created through the API: custom attributes only in its Schema, email
    auto-verified, email and phone as aliases, no verify-before-update setting."""
    pool = cognito.create_user_pool(
        PoolName=unique("plain"),
        Schema=[
            {"Name": "team", "AttributeDataType": "String", "Mutable": True},
            {"Name": "badge", "AttributeDataType": "String", "Mutable": False},
        ],
        AutoVerifiedAttributes=["email"],
        AliasAttributes=["email", "phone_number"],
    )["UserPool"]
    app = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="plain",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    yield pool["Id"], app["ClientId"]
    cognito.delete_user_pool(UserPoolId=pool["Id"])


@pytest.fixture
def demo_user(backend, cognito):
    """A fresh user of the demo pool: (username, email, access token)."""
    username, email = new_user(
        cognito, backend.user_pool_id, extra={"phone_number": "+15557770001"}
    )
    return username, email, access_token(cognito, backend.client_id, username)


def deliveries_to(backend, username):
    return [d for d in backend.outbox() if d.username == username]


# -- what may be written ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        # measured wording (evidence corpus): one line per attribute, ending in a newline
        (
            "custom:nickname2",
            "x",
            "user.custom:nickname2: Attribute does not exist in the schema.\n",
        ),
        (
            "favourite_colour",
            "blue",
            "user.favourite_colour: Attribute does not exist in the schema.\n",
        ),
        ("custom:employee_id", "E-1", line("custom:employee_id", "Attribute cannot be updated.")),
        ("custom:employee_id", "", line("custom:employee_id", "Attribute cannot be updated.")),
        ("email", "", line("email", "Required attribute cannot be deleted.")),
        (
            "sub",
            "f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
            "Cannot modify the non-mutable attribute sub",
        ),
        ("email", "not-an-address", "Invalid email address format."),
        ("phone_number", "5550123456", "Invalid phone number format."),
        # unmeasured wording (deviations.toml), same line format
        (
            "custom:department",
            "d" * 65,
            "user.custom:department: String must be no longer than 64 characters\n",
        ),
        (
            "custom:level",
            "11",
            "user.custom:level: Attribute value must be less than or equal to 10.\n",
        ),
        (
            "custom:level",
            "0",
            "user.custom:level: Attribute value must be greater than or equal to 1.\n",
        ),
        ("custom:level", "2.5", line("custom:level", "Number attribute value must be an integer.")),
        (
            "custom:level",
            "five",
            line("custom:level", "Number attribute value must be an integer."),
        ),
    ],
)
def test_user_update_refuses_what_the_schema_forbids(cognito, demo_user, name, value, message):
    _, _, token = demo_user
    before = attributes_of(cognito, token)
    with pytest.raises(ClientError) as caught:
        cognito.update_user_attributes(
            AccessToken=token, UserAttributes=[{"Name": name, "Value": value}]
        )
    assert error_of(caught) == ("InvalidParameterException", message)
    assert attributes_of(cognito, token) == before


def test_several_refusals_are_listed_in_javas_hash_order(cognito, demo_user):
    """AWS lists every offending attribute, in the order a Java HashMap of the names
    iterates (measured with five and three names; neither request nor alphabetical)."""
    _, _, token = demo_user
    names = ["custom:display_name", "custom:address", "custom:latitude", "custom:longitude"]
    with pytest.raises(ClientError) as caught:
        cognito.update_user_attributes(
            AccessToken=token, UserAttributes=[{"Name": n, "Value": "x"} for n in names]
        )
    order = ["custom:address", "custom:latitude", "custom:display_name", "custom:longitude"]
    assert error_of(caught)[1] == "".join(
        f"user.{n}: Attribute does not exist in the schema.\n" for n in order
    )


def test_a_missing_value_is_refused_by_name(backend, cognito, demo_user):
    _, _, token = demo_user
    # JSON null is what AWS treats as absent: both reach the same refusal
    for attribute in ({"Name": "given_name"}, {"Name": "given_name", "Value": None}):
        status, body = raw_call(
            backend,
            "UpdateUserAttributes",
            json.dumps({"AccessToken": token, "UserAttributes": [attribute]}).encode(),
        )
        assert (status, body) == (
            400,
            {
                "__type": "InvalidParameterException",
                "message": "Attribute value for given_name must not be null",
            },
        )


def test_a_blank_value_deletes_an_optional_attribute(backend, cognito, demo_user):
    username, _, token = demo_user
    cognito.update_user_attributes(
        AccessToken=token,
        UserAttributes=[
            {"Name": "locale", "Value": "en-NZ"},
            {"Name": "phone_number", "Value": ""},
        ],
    )
    now = attributes_of(cognito, token)
    assert now["locale"] == "en-NZ"
    assert "phone_number" not in now and "phone_number_verified" not in now
    cognito.admin_update_user_attributes(
        UserPoolId=backend.user_pool_id,
        Username=username,
        UserAttributes=[{"Name": "locale", "Value": ""}],
    )
    assert "locale" not in attributes_of(cognito, token)


def test_a_user_setting_a_verified_flag_is_ignored(backend, cognito, demo_user):
    """AWS answers success and leaves the flag as it was (evidence corpus)."""
    username, _, token = demo_user
    cognito.admin_update_user_attributes(
        UserPoolId=backend.user_pool_id,
        Username=username,
        UserAttributes=[{"Name": "email_verified", "Value": "false"}],
    )
    cognito.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email_verified", "Value": "true"}]
    )
    assert attributes_of(cognito, token)["email_verified"] == "false"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("custom:department", "d" * 64),
        ("custom:level", "10"),
        ("custom:level", "1"),
        ("given_name", "Ada"),
        ("locale", "en-NZ"),
    ],
)
def test_user_update_accepts_what_the_schema_allows(cognito, demo_user, name, value):
    _, _, token = demo_user
    cognito.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": name, "Value": value}]
    )
    assert attributes_of(cognito, token)[name] == value


def test_admin_update_is_checked_too(backend, cognito, demo_user):
    username, _, _ = demo_user
    for name, value, message in [
        ("custom:employee_id", "E-2", line("custom:employee_id", "Attribute cannot be updated.")),
        ("custom:unknown", "x", line("custom:unknown", "Attribute does not exist in the schema.")),
        ("sub", "x", "Cannot modify the non-mutable attribute sub"),
    ]:
        with pytest.raises(ClientError) as caught:
            cognito.admin_update_user_attributes(
                UserPoolId=backend.user_pool_id,
                Username=username,
                UserAttributes=[{"Name": name, "Value": value}],
            )
        assert error_of(caught) == ("InvalidParameterException", message)


def test_immutable_attribute_is_set_at_creation(backend, cognito):
    username, _ = new_user(cognito, backend.user_pool_id, extra={"custom:employee_id": "E-42"})
    found = cognito.admin_get_user(UserPoolId=backend.user_pool_id, Username=username)
    assert {"Name": "custom:employee_id", "Value": "E-42"} in found["UserAttributes"]


# -- email and phone changes -----------------------------------------------------------


def test_new_email_waits_for_verification_when_the_pool_says_so(backend, cognito, demo_user):
    username, old, token = demo_user
    new = f"{unique()}@example.net"
    answer = cognito.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": new}]
    )
    assert answer["CodeDeliveryDetailsList"] == [
        {"Destination": f"{new[0]}***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    ]
    still = attributes_of(cognito, token)
    assert (still["email"], still["email_verified"]) == (old, "true")
    delivery = deliveries_to(backend, username)[-1]
    assert (delivery.attribute, delivery.destination, delivery.medium) == ("email", new, "EMAIL")
    assert re.fullmatch(r"[0-9]{6}", delivery.code)
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=delivery.code)
    now = attributes_of(cognito, token)
    assert (now["email"], now["email_verified"]) == (new, "true")


def test_new_email_is_active_but_unverified_without_that_setting(backend, cognito, plain):
    pool_id, client_id = plain
    username, _ = new_user(cognito, pool_id)
    token = access_token(cognito, client_id, username)
    new = f"{unique()}@example.org"
    answer = cognito.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": new}]
    )
    assert answer["CodeDeliveryDetailsList"][0]["AttributeName"] == "email"
    now = attributes_of(cognito, token)
    assert (now["email"], now["email_verified"]) == (new, "false")
    code = backend.latest_code(username)
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    assert attributes_of(cognito, token)["email_verified"] == "true"


def test_phone_change_resets_verification_and_sends_no_code_when_not_auto_verified(
    backend, cognito, demo_user
):
    username, _, token = demo_user
    cognito.admin_update_user_attributes(
        UserPoolId=backend.user_pool_id,
        Username=username,
        UserAttributes=[{"Name": "phone_number_verified", "Value": "true"}],
    )
    sent_before = len(deliveries_to(backend, username))
    answer = cognito.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "phone_number", "Value": "+15557770002"}]
    )
    assert "CodeDeliveryDetailsList" not in answer
    now = attributes_of(cognito, token)
    assert (now["phone_number"], now["phone_number_verified"]) == ("+15557770002", "false")
    assert len(deliveries_to(backend, username)) == sent_before


def test_admin_update_sends_no_code(backend, cognito, plain):
    pool_id, _ = plain
    username, _ = new_user(cognito, pool_id)
    new = f"{unique()}@example.org"
    cognito.admin_update_user_attributes(
        UserPoolId=pool_id, Username=username, UserAttributes=[{"Name": "email", "Value": new}]
    )
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    values = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert (values["email"], values["email_verified"]) == (new, "false")
    assert deliveries_to(backend, username) == []


def test_admin_may_mark_the_new_email_verified_in_the_same_request(backend, cognito, demo_user):
    username, _, token = demo_user
    new = f"{unique()}@example.com"
    cognito.admin_update_user_attributes(
        UserPoolId=backend.user_pool_id,
        Username=username,
        UserAttributes=[
            {"Name": "email", "Value": new},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    now = attributes_of(cognito, token)
    assert (now["email"], now["email_verified"]) == (new, "true")
    assert deliveries_to(backend, username) == []


def test_admin_email_change_without_verified_stays_pending(backend, cognito, demo_user):
    username, old, token = demo_user
    new = f"{unique()}@example.com"
    cognito.admin_update_user_attributes(
        UserPoolId=backend.user_pool_id,
        Username=username,
        UserAttributes=[{"Name": "email", "Value": new}],
    )
    assert attributes_of(cognito, token)["email"] == old
    details = cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert details["CodeDeliveryDetails"]["Destination"] == f"{new[0]}***@e***"
    assert backend.outbox()[-1].destination == new


# -- deleting --------------------------------------------------------------------------


def test_delete_removes_optional_attributes(cognito, demo_user):
    _, _, token = demo_user
    cognito.delete_user_attributes(AccessToken=token, UserAttributeNames=["phone_number", "locale"])
    now = attributes_of(cognito, token)
    assert "phone_number" not in now
    assert "phone_number_verified" not in now


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("email", "Required attribute cannot be deleted."),
        ("sub", "cannot be deleted"),
        ("custom:employee_id", "Immutable attribute cannot be deleted."),
        ("custom:nope", "Attribute does not exist in the schema."),
    ],
)
def test_delete_refuses_required_immutable_sub_and_unknown(
    backend, cognito, demo_user, name, words
):
    username, _, token = demo_user
    for call in (
        lambda: cognito.delete_user_attributes(AccessToken=token, UserAttributeNames=[name]),
        lambda: cognito.admin_delete_user_attributes(
            UserPoolId=backend.user_pool_id, Username=username, UserAttributeNames=[name]
        ),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        code, message = error_of(caught)
        assert code == "InvalidParameterException"
        assert f"user.{name}:" in message
        assert words in message


def test_admin_delete_attributes(backend, cognito, demo_user):
    username, _, token = demo_user
    cognito.admin_delete_user_attributes(
        UserPoolId=backend.user_pool_id, Username=username, UserAttributeNames=["custom:level"]
    )
    assert "custom:level" not in attributes_of(cognito, token)


# -- aliases ---------------------------------------------------------------------------


def test_a_verified_alias_moves_to_the_user_who_verifies_it(backend, cognito, demo_user):
    """In alias pools AWS moves a verified email: the previous holder keeps the value, its
    flag turns false, and the address signs in as the new holder (evidence corpus)."""
    previous, taken = new_user(cognito, backend.user_pool_id)
    username, _, _ = demo_user
    cognito.admin_update_user_attributes(
        UserPoolId=backend.user_pool_id,
        Username=username,
        UserAttributes=[
            {"Name": "email", "Value": taken},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    before = cognito.admin_get_user(UserPoolId=backend.user_pool_id, Username=previous)
    values = {a["Name"]: a["Value"] for a in before["UserAttributes"]}
    assert (values["email"], values["email_verified"]) == (taken, "false")
    found = cognito.admin_get_user(UserPoolId=backend.user_pool_id, Username=taken)
    assert found["Username"] == username


def test_unverified_email_of_another_user_does_not_block(backend, cognito, plain):
    pool_id, _ = plain
    _, shared = new_user(cognito, pool_id, verified=False)
    username, _ = new_user(cognito, pool_id)
    cognito.admin_update_user_attributes(
        UserPoolId=pool_id, Username=username, UserAttributes=[{"Name": "email", "Value": shared}]
    )
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=username)
    assert {"Name": "email", "Value": shared} in user["UserAttributes"]


def test_verified_phone_number_alias_moves(cognito, plain):
    pool_id, _ = plain
    phone = "+15558880001"
    first, _ = new_user(
        cognito, pool_id, extra={"phone_number": phone, "phone_number_verified": "true"}
    )
    second, _ = new_user(cognito, pool_id)
    # unverified, the same number is simply shared (it is not a sign-in alias yet)
    cognito.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username=second,
        UserAttributes=[{"Name": "phone_number", "Value": phone}],
    )
    owner = cognito.admin_get_user(UserPoolId=pool_id, Username=first)
    assert {"Name": "phone_number_verified", "Value": "true"} in owner["UserAttributes"]
    cognito.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username=second,
        UserAttributes=[{"Name": "phone_number_verified", "Value": "true"}],
    )
    owner = cognito.admin_get_user(UserPoolId=pool_id, Username=first)
    assert {"Name": "phone_number", "Value": phone} in owner["UserAttributes"]
    assert {"Name": "phone_number_verified", "Value": "false"} in owner["UserAttributes"]
    assert cognito.admin_get_user(UserPoolId=pool_id, Username=phone)["Username"] == second


def test_an_email_verified_by_someone_else_meanwhile_moves_on_verification(backend, cognito, plain):
    pool_id, client_id = plain
    wanted = f"{unique()}@example.org"
    late, _ = new_user(cognito, pool_id)
    token = access_token(cognito, client_id, late)
    cognito.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": wanted}]
    )
    code = backend.latest_code(late)
    early, _ = new_user(cognito, pool_id, email=wanted)  # verified by an administrator
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    assert attributes_of(cognito, token)["email_verified"] == "true"
    other = cognito.admin_get_user(UserPoolId=pool_id, Username=early)
    assert {"Name": "email_verified", "Value": "false"} in other["UserAttributes"]


# -- the pool schema -------------------------------------------------------------------

STANDARD = {
    "sub",
    "name",
    "given_name",
    "family_name",
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
    "address",
    "birthdate",
    "updated_at",
}


def test_describe_user_pool_lists_standard_and_custom_attributes(backend, cognito, plain):
    demo = cognito.describe_user_pool(UserPoolId=backend.user_pool_id)["UserPool"]
    names = {a["Name"] for a in demo["SchemaAttributes"]}
    assert names >= STANDARD
    assert {"custom:department", "custom:employee_id", "custom:level"} <= names
    email = next(a for a in demo["SchemaAttributes"] if a["Name"] == "email")
    assert email["Required"] is True
    level = next(a for a in demo["SchemaAttributes"] if a["Name"] == "custom:level")
    assert level["NumberAttributeConstraints"] == {"MinValue": "1", "MaxValue": "10"}
    created = cognito.describe_user_pool(UserPoolId=plain[0])["UserPool"]
    names = {a["Name"] for a in created["SchemaAttributes"]}
    assert names >= STANDARD
    assert {"custom:team", "custom:badge"} <= names


def test_email_as_username_must_be_unique_even_unverified(cognito):
    pool_id = cognito.create_user_pool(PoolName=unique("by-email"), UsernameAttributes=["email"])[
        "UserPool"
    ]["Id"]
    try:
        taken = f"{unique()}@example.com"
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=taken,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email_verified", "Value": "false"}],
        )
        other = f"{unique()}@example.com"
        cognito.admin_create_user(UserPoolId=pool_id, Username=other, MessageAction="SUPPRESS")
        with pytest.raises(ClientError) as caught:
            cognito.admin_update_user_attributes(
                UserPoolId=pool_id,
                Username=other,
                UserAttributes=[{"Name": "email", "Value": taken}],
            )
        assert error_of(caught)[0] == "AliasExistsException"
    finally:
        cognito.delete_user_pool(UserPoolId=pool_id)


def test_admin_create_user_checks_the_schema(backend, cognito):
    with pytest.raises(ClientError) as caught:
        cognito.admin_create_user(
            UserPoolId=backend.user_pool_id,
            Username=unique(),
            UserAttributes=[
                {"Name": "custom:nope", "Value": "x"},
                {"Name": "email", "Value": "a@example.com"},
            ],
        )
    assert error_of(caught) == (
        "InvalidParameterException",
        "Attributes did not conform to the schema: custom:nope: Attribute does not exist in "
        "the schema.\n",
    )


def test_admin_create_user_leaves_required_attributes_to_the_first_sign_in(backend, cognito):
    """An administrator may create a user without a required attribute: the user supplies
    it when answering NEW_PASSWORD_REQUIRED (its requiredAttributes)."""
    username = unique()
    cognito.admin_create_user(
        UserPoolId=backend.user_pool_id,
        Username=username,
        TemporaryPassword="Temporary-Horse-9",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "given_name", "Value": "No Email"}],
    )
    challenge = cognito.initiate_auth(
        ClientId=backend.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": "Temporary-Horse-9"},
    )
    assert json.loads(challenge["ChallengeParameters"]["requiredAttributes"]) == [
        "userAttributes.email"
    ]
