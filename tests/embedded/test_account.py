"""Sign-up, password reset, password change and self-deletion with real codes."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.embedded.support import (
    access_token,
    attributes_of,
    error_of,
    new_user,
    password_sign_in,
    unique,
)

PASSWORD = "Correct-Horse-9"


def test_sign_up_sends_a_code_and_confirming_verifies_the_email(backend, cognito):
    username = unique("signup")
    email = f"{username}@example.com"
    answer = cognito.sign_up(
        ClientId=backend.client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "given_name", "Value": "Lea"}],
    )
    assert answer["UserConfirmed"] is False
    assert answer["CodeDeliveryDetails"] == {
        "Destination": f"{email[0]}***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    with pytest.raises(ClientError) as caught:
        password_sign_in(cognito, backend.client_id, username, PASSWORD)
    assert error_of(caught)[0] == "UserNotConfirmedException"
    code = backend.latest_code(username)
    with pytest.raises(ClientError) as caught:
        cognito.confirm_sign_up(
            ClientId=backend.client_id, Username=username, ConfirmationCode="not-it"
        )
    assert error_of(caught)[0] == "CodeMismatchException"
    cognito.resend_confirmation_code(ClientId=backend.client_id, Username=username)
    newer = backend.latest_code(username)
    if newer != code:  # the resent code replaces the first one
        with pytest.raises(ClientError) as caught:
            cognito.confirm_sign_up(
                ClientId=backend.client_id, Username=username, ConfirmationCode=code
            )
        assert error_of(caught)[0] == "CodeMismatchException"
    cognito.confirm_sign_up(ClientId=backend.client_id, Username=username, ConfirmationCode=newer)
    token = access_token(cognito, backend.client_id, username)
    assert attributes_of(cognito, token)["email_verified"] == "true"


@pytest.mark.parametrize(
    ("attributes", "error"),
    [
        ([{"Name": "given_name", "Value": "No Email"}], "InvalidParameterException"),
        (
            [{"Name": "email", "Value": "x@example.com"}, {"Name": "custom:level", "Value": "99"}],
            "InvalidParameterException",
        ),
    ],
)
def test_sign_up_checks_attributes(backend, cognito, attributes, error):
    with pytest.raises(ClientError) as caught:
        cognito.sign_up(
            ClientId=backend.client_id,
            Username=unique(),
            Password=PASSWORD,
            UserAttributes=attributes,
        )
    assert error_of(caught)[0] == error


def test_sign_up_checks_the_password_policy(backend, cognito):
    with pytest.raises(ClientError) as caught:
        cognito.sign_up(
            ClientId=backend.client_id,
            Username=unique(),
            Password="alllowercase1!",
            UserAttributes=[{"Name": "email", "Value": "y@example.com"}],
        )
    assert error_of(caught) == (
        "InvalidPasswordException",
        "Password does not conform to policy: Password must have uppercase characters",
    )


def test_forgot_password_with_a_real_code(backend, cognito):
    username, email = new_user(cognito, backend.user_pool_id)
    answer = cognito.forgot_password(ClientId=backend.client_id, Username=username)
    assert answer["CodeDeliveryDetails"]["Destination"] == f"{email[0]}***@e***"
    code = backend.latest_code(username)
    with pytest.raises(ClientError) as caught:
        cognito.confirm_forgot_password(
            ClientId=backend.client_id,
            Username=username,
            ConfirmationCode="moto-confirmation-code:123456",
            Password="Another-Horse-9",
        )
    assert error_of(caught)[0] == "CodeMismatchException"
    cognito.confirm_forgot_password(
        ClientId=backend.client_id,
        Username=username,
        ConfirmationCode=code,
        Password="Another-Horse-9",
    )
    assert password_sign_in(cognito, backend.client_id, username, "Another-Horse-9")[
        "AuthenticationResult"
    ]
    with pytest.raises(ClientError) as caught:
        cognito.confirm_forgot_password(
            ClientId=backend.client_id,
            Username=username,
            ConfirmationCode=code,
            Password="Third-Horse-9",
        )
    assert error_of(caught)[0] == "CodeMismatchException"


def test_forgot_password_needs_a_verified_destination(backend, cognito):
    username, _ = new_user(cognito, backend.user_pool_id, verified=False)
    with pytest.raises(ClientError) as caught:
        cognito.forgot_password(ClientId=backend.client_id, Username=username)
    assert error_of(caught)[0] == "InvalidParameterException"


def test_admin_reset_requires_a_new_password(backend, cognito):
    username, _ = new_user(cognito, backend.user_pool_id)
    cognito.admin_reset_user_password(UserPoolId=backend.user_pool_id, Username=username)
    with pytest.raises(ClientError) as caught:
        password_sign_in(cognito, backend.client_id, username, PASSWORD)
    assert error_of(caught)[0] == "PasswordResetRequiredException"
    cognito.confirm_forgot_password(
        ClientId=backend.client_id,
        Username=username,
        ConfirmationCode=backend.latest_code(username),
        Password="Reset-Horse-9",
    )
    assert password_sign_in(cognito, backend.client_id, username, "Reset-Horse-9")[
        "AuthenticationResult"
    ]


def test_change_password(backend, cognito):
    username, _ = new_user(cognito, backend.user_pool_id)
    token = access_token(cognito, backend.client_id, username)
    with pytest.raises(ClientError) as caught:
        cognito.change_password(
            AccessToken=token, PreviousPassword="Not-The-One-1", ProposedPassword="Next-Horse-9"
        )
    assert error_of(caught) == ("NotAuthorizedException", "Incorrect username or password.")
    with pytest.raises(ClientError) as caught:
        cognito.change_password(
            AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword="nosymbols1A"
        )
    assert error_of(caught)[0] == "InvalidPasswordException"
    cognito.change_password(
        AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword="Next-Horse-9"
    )
    assert password_sign_in(cognito, backend.client_id, username, "Next-Horse-9")[
        "AuthenticationResult"
    ]


def test_delete_user(backend, cognito):
    username, _ = new_user(cognito, backend.user_pool_id)
    token = access_token(cognito, backend.client_id, username)
    cognito.delete_user(AccessToken=token)
    with pytest.raises(ClientError) as caught:
        cognito.admin_get_user(UserPoolId=backend.user_pool_id, Username=username)
    assert error_of(caught)[0] == "UserNotFoundException"
    with pytest.raises(ClientError) as caught:
        cognito.get_user(AccessToken=token)
    assert error_of(caught) == ("UserNotFoundException", "User does not exist.")


def test_resending_an_invitation_keeps_the_user(backend, cognito):
    """MessageAction RESEND gives an invited user a new temporary password and keeps the
    user (attributes, sub) as it was; attributes in the request change nothing, even one
    without a value (moto replaced the user from them and crashed on that: bench/fuzz.py)."""
    username = unique("invited")
    email = f"{username}@example.com"
    created = cognito.admin_create_user(
        UserPoolId=backend.user_pool_id,
        Username=username,
        TemporaryPassword="Temporary-Horse-9",
        DesiredDeliveryMediums=["EMAIL"],
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "given_name", "Value": "Ana"}],
    )["User"]
    first = backend.latest_code(username)
    raw = {
        "UserPoolId": backend.user_pool_id,
        "Username": username,
        "MessageAction": "RESEND",
        "DesiredDeliveryMediums": ["EMAIL"],
        "UserAttributes": [{"Name": "given_name"}, {"Name": "family_name", "Value": "X"}],
    }
    resent = cognito.admin_create_user(**raw)["User"]
    assert resent["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert resent["UserCreateDate"] == created["UserCreateDate"]
    kept = {a["Name"]: a["Value"] for a in resent["Attributes"]}
    assert kept == {a["Name"]: a["Value"] for a in created["Attributes"]}
    assert kept["given_name"] == "Ana" and "family_name" not in kept
    second = backend.latest_code(username)
    assert second and second != first
    with pytest.raises(ClientError) as caught:
        password_sign_in(cognito, backend.client_id, username, first)
    assert error_of(caught)[0] == "NotAuthorizedException"
    challenge = password_sign_in(cognito, backend.client_id, username, second)
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_resending_needs_an_invited_user(backend, cognito):
    with pytest.raises(ClientError) as caught:
        cognito.admin_create_user(
            UserPoolId=backend.user_pool_id, Username=unique("nobody"), MessageAction="RESEND"
        )
    assert error_of(caught)[0] == "UserNotFoundException"
    username, _ = new_user(cognito, backend.user_pool_id, password=PASSWORD)
    with pytest.raises(ClientError) as caught:
        cognito.admin_create_user(
            UserPoolId=backend.user_pool_id, Username=username, MessageAction="RESEND"
        )
    assert error_of(caught)[0] == "UnsupportedUserStateException"
    assert password_sign_in(cognito, backend.client_id, username, PASSWORD)["AuthenticationResult"]
