"""Sign-in: real SRP, password flows, every challenge, refresh, secrets and expiry."""

from __future__ import annotations

import base64
import json

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import SMSMFAChallengeException

from tests.embedded.support import (
    access_token,
    attributes_of,
    client,
    error_of,
    new_user,
    password_sign_in,
    start_backend,
    stop_backend,
    totp_now,
    unique,
)
from tests.fakes import fake_jwt

PASSWORD = "Correct-Horse-9"
WRONG = "Incorrect username or password."


@pytest.fixture
def user(backend, cognito):
    username, _ = new_user(cognito, backend.user_pool_id, extra={"phone_number": "+15554440001"})
    return username


def srp_sign_in(backend, cognito, username, password, **kwargs):
    return AWSSRP(
        username, password, backend.user_pool_id, backend.client_id, client=cognito, **kwargs
    ).authenticate_user()


def tokens_of(answer):
    result = answer["AuthenticationResult"]
    assert set(result) >= {"AccessToken", "IdToken", "ExpiresIn", "TokenType"}
    return result


# -- SRP -------------------------------------------------------------------------------


def test_srp_with_the_right_password_signs_in(backend, cognito, user):
    answer = srp_sign_in(backend, cognito, user, PASSWORD)
    token = tokens_of(answer)["AccessToken"]
    assert cognito.get_user(AccessToken=token)["Username"] == user
    assert tokens_of(answer)["RefreshToken"]


def test_srp_with_a_wrong_password_is_refused(backend, cognito, user):
    with pytest.raises(ClientError) as caught:
        srp_sign_in(backend, cognito, user, PASSWORD + "x")
    assert error_of(caught) == ("NotAuthorizedException", WRONG)


def test_srp_signs_in_by_verified_email_alias(backend, cognito, user):
    email = f"{user}@example.com"
    answer = srp_sign_in(backend, cognito, email, PASSWORD)
    assert cognito.get_user(AccessToken=tokens_of(answer)["AccessToken"])["Username"] == user


def test_password_verifier_challenge_carries_what_clients_need(backend, cognito, user):
    helper = AWSSRP(user, PASSWORD, backend.user_pool_id, backend.client_id, client=cognito)
    answer = cognito.initiate_auth(
        ClientId=backend.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters=helper.get_auth_params(),
    )
    assert answer["ChallengeName"] == "PASSWORD_VERIFIER"
    params = answer["ChallengeParameters"]
    assert set(params) >= {"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"}
    assert len(base64.b64decode(params["SECRET_BLOCK"], validate=True)) >= 64
    assert int(params["SRP_B"], 16) > 0
    assert params["USERNAME"] == user
    assert "Session" not in answer  # AWS sends none: the SECRET_BLOCK names the exchange


def test_an_srp_proof_is_single_use(backend, cognito, user):
    helper = AWSSRP(user, PASSWORD, backend.user_pool_id, backend.client_id, client=cognito)
    params = helper.get_auth_params()
    challenge = cognito.initiate_auth(
        ClientId=backend.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params
    )
    proof = helper.process_challenge(challenge["ChallengeParameters"], params)
    first = cognito.respond_to_auth_challenge(
        ClientId=backend.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=proof
    )
    tokens_of(first)
    with pytest.raises(ClientError) as caught:
        cognito.respond_to_auth_challenge(
            ClientId=backend.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=proof
        )
    assert error_of(caught)[0] == "NotAuthorizedException"


def test_a_forged_signature_is_refused(backend, cognito, user):
    helper = AWSSRP(user, PASSWORD, backend.user_pool_id, backend.client_id, client=cognito)
    params = helper.get_auth_params()
    challenge = cognito.initiate_auth(
        ClientId=backend.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params
    )
    proof = helper.process_challenge(challenge["ChallengeParameters"], params)
    proof["PASSWORD_CLAIM_SIGNATURE"] = base64.b64encode(b"\0" * 32).decode()
    with pytest.raises(ClientError) as caught:
        cognito.respond_to_auth_challenge(
            ClientId=backend.client_id,
            ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=proof,
        )
    assert error_of(caught) == ("NotAuthorizedException", WRONG)


# -- password flows --------------------------------------------------------------------


def test_user_password_auth(backend, cognito, user):
    tokens_of(password_sign_in(cognito, backend.client_id, user, PASSWORD))
    with pytest.raises(ClientError) as caught:
        password_sign_in(cognito, backend.client_id, user, "Wrong-Horse-9")
    assert error_of(caught) == ("NotAuthorizedException", WRONG)


def test_admin_user_password_auth(backend, cognito, user):
    answer = cognito.admin_initiate_auth(
        UserPoolId=backend.user_pool_id,
        ClientId=backend.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": PASSWORD},
    )
    tokens_of(answer)


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(backend, cognito):
    with pytest.raises(ClientError) as caught:
        password_sign_in(cognito, backend.client_id, unique("ghost"), PASSWORD)
    assert error_of(caught) == ("NotAuthorizedException", WRONG)


def test_flow_must_be_enabled_for_the_client(backend, cognito, user):
    only_srp = cognito.create_user_pool_client(
        UserPoolId=backend.user_pool_id,
        ClientName="srp-only",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    with pytest.raises(ClientError) as caught:
        password_sign_in(cognito, only_srp, user, PASSWORD)
    assert error_of(caught) == (
        "InvalidParameterException",
        "USER_PASSWORD_AUTH flow not enabled for this client",
    )


def test_disabled_user_cannot_sign_in(backend, cognito, user):
    cognito.admin_disable_user(UserPoolId=backend.user_pool_id, Username=user)
    with pytest.raises(ClientError) as caught:
        password_sign_in(cognito, backend.client_id, user, PASSWORD)
    assert error_of(caught) == ("NotAuthorizedException", "User is disabled.")


# -- NEW_PASSWORD_REQUIRED -------------------------------------------------------------


@pytest.fixture
def invited(backend, cognito):
    username = unique("invited")
    cognito.admin_create_user(
        UserPoolId=backend.user_pool_id,
        Username=username,
        TemporaryPassword="Temporary-Pass-1",
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    return username


def test_new_password_required(backend, cognito, invited):
    answer = password_sign_in(cognito, backend.client_id, invited, "Temporary-Pass-1")
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    params = answer["ChallengeParameters"]
    assert json.loads(params["userAttributes"])["email"] == f"{invited}@example.com"
    assert json.loads(params["requiredAttributes"]) == []
    with pytest.raises(ClientError) as caught:
        cognito.respond_to_auth_challenge(
            ClientId=backend.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=answer["Session"],
            ChallengeResponses={"USERNAME": invited, "NEW_PASSWORD": "short"},
        )
    assert error_of(caught) == (
        "InvalidPasswordException",
        "Password does not conform to policy: Password not long enough",
    )
    done = cognito.respond_to_auth_challenge(
        ClientId=backend.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=answer["Session"],
        ChallengeResponses={
            "USERNAME": invited,
            "NEW_PASSWORD": "Brand-New-Pass-2",
            "userAttributes.given_name": "Ines",
        },
    )
    token = tokens_of(done)["AccessToken"]
    assert attributes_of(cognito, token)["given_name"] == "Ines"
    tokens_of(password_sign_in(cognito, backend.client_id, invited, "Brand-New-Pass-2"))


def test_new_password_required_after_srp(backend, cognito, invited):
    helper = AWSSRP(
        invited, "Temporary-Pass-1", backend.user_pool_id, backend.client_id, client=cognito
    )
    tokens_of(helper.set_new_password_challenge("Brand-New-Pass-3"))


def test_invitation_without_a_password_delivers_a_temporary_one(backend, cognito):
    username = unique("invited")
    cognito.admin_create_user(
        UserPoolId=backend.user_pool_id,
        Username=username,
        DesiredDeliveryMediums=["EMAIL"],
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    temporary = backend.latest_code(username)
    answer = password_sign_in(cognito, backend.client_id, username, temporary)
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


# -- MFA -------------------------------------------------------------------------------


def test_software_token_mfa(backend, cognito, user):
    token = access_token(cognito, backend.client_id, user)
    secret = cognito.associate_software_token(AccessToken=token)["SecretCode"]
    with pytest.raises(ClientError) as caught:
        cognito.verify_software_token(
            AccessToken=token, UserCode="000000" if totp_now(secret) != "000000" else "111111"
        )
    assert error_of(caught)[0] == "EnableSoftwareTokenMFAException"
    used = totp_now(secret)
    assert cognito.verify_software_token(AccessToken=token, UserCode=used)["Status"] == "SUCCESS"
    cognito.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    shown = cognito.get_user(AccessToken=token)
    assert shown["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert shown["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    challenge = password_sign_in(cognito, backend.client_id, user, PASSWORD)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    wrong = f"{(int(totp_now(secret)) + 500_000) % 1_000_000:06d}"
    with pytest.raises(ClientError) as caught:
        cognito.respond_to_auth_challenge(
            ClientId=backend.client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": user, "SOFTWARE_TOKEN_MFA_CODE": wrong},
        )
    assert error_of(caught)[0] == "CodeMismatchException"
    with pytest.raises(ClientError) as caught:
        cognito.respond_to_auth_challenge(
            ClientId=backend.client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": user, "SOFTWARE_TOKEN_MFA_CODE": used},
        )
    if error_of(caught)[0] != "CodeMismatchException":  # unless a minute passed meanwhile
        assert error_of(caught) == (
            "ExpiredCodeException",
            "Your software token has already been used once.",
        )
    done = cognito.respond_to_auth_challenge(
        ClientId=backend.client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": user, "SOFTWARE_TOKEN_MFA_CODE": totp_now(secret, 1)},
    )
    tokens_of(done)


def test_totp_cannot_be_enabled_before_it_is_verified(backend, cognito, user):
    token = access_token(cognito, backend.client_id, user)
    with pytest.raises(ClientError) as caught:
        cognito.set_user_mfa_preference(
            AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True}
        )
    assert error_of(caught)[0] == "InvalidParameterException"


def test_sms_mfa_through_the_admin_flow(backend, cognito, user):
    cognito.admin_set_user_mfa_preference(
        UserPoolId=backend.user_pool_id,
        Username=user,
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    challenge = cognito.admin_initiate_auth(
        UserPoolId=backend.user_pool_id,
        ClientId=backend.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": PASSWORD},
    )
    assert challenge["ChallengeName"] == "SMS_MFA"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******0001"
    code = backend.latest_code(user, "phone_number")
    done = cognito.admin_respond_to_auth_challenge(
        UserPoolId=backend.user_pool_id,
        ClientId=backend.client_id,
        ChallengeName="SMS_MFA",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": user, "SMS_MFA_CODE": code},
    )
    tokens_of(done)


def test_sms_mfa_after_srp(backend, cognito, user):
    cognito.admin_set_user_mfa_preference(
        UserPoolId=backend.user_pool_id, Username=user, SMSMfaSettings={"Enabled": True}
    )
    with pytest.raises(SMSMFAChallengeException) as caught:
        srp_sign_in(backend, cognito, user, PASSWORD)
    challenge = caught.value.get_tokens()
    done = cognito.respond_to_auth_challenge(
        ClientId=backend.client_id,
        ChallengeName="SMS_MFA",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": user,
            "SMS_MFA_CODE": backend.latest_code(user, "phone_number"),
        },
    )
    tokens_of(done)


def test_email_otp(backend, cognito, user):
    cognito.admin_set_user_mfa_preference(
        UserPoolId=backend.user_pool_id, Username=user, EmailMfaSettings={"Enabled": True}
    )
    challenge = password_sign_in(cognito, backend.client_id, user, PASSWORD)
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    params = challenge["ChallengeParameters"]
    assert params["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    assert params["CODE_DELIVERY_DESTINATION"] == f"{user[0]}***@e***"
    code = backend.latest_code(user, "email")
    with pytest.raises(ClientError) as caught:
        cognito.respond_to_auth_challenge(
            ClientId=backend.client_id,
            ChallengeName="EMAIL_OTP",
            Session=challenge["Session"],
            ChallengeResponses={
                "USERNAME": user,
                "EMAIL_OTP_CODE": f"{(int(code) + 1) % 10**6:06d}",
            },
        )
    assert error_of(caught)[0] == "CodeMismatchException"
    done = cognito.respond_to_auth_challenge(
        ClientId=backend.client_id,
        ChallengeName="EMAIL_OTP",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": user, "EMAIL_OTP_CODE": code},
    )
    tokens_of(done)
    assert cognito.admin_get_user(UserPoolId=backend.user_pool_id, Username=user)[
        "UserMFASettingList"
    ] == ["EMAIL_OTP"]


def test_select_mfa_type_when_two_factors_and_no_preference(backend, cognito, user):
    cognito.admin_set_user_mfa_preference(
        UserPoolId=backend.user_pool_id,
        Username=user,
        SMSMfaSettings={"Enabled": True},
        EmailMfaSettings={"Enabled": True},
    )
    challenge = password_sign_in(cognito, backend.client_id, user, PASSWORD)
    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    choices = json.loads(challenge["ChallengeParameters"]["MFAS_CAN_CHOOSE"])
    assert sorted(choices) == ["EMAIL_OTP", "SMS_MFA"]
    with pytest.raises(ClientError) as caught:
        cognito.respond_to_auth_challenge(
            ClientId=backend.client_id,
            ChallengeName="SELECT_MFA_TYPE",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": user, "ANSWER": "SOFTWARE_TOKEN_MFA"},
        )
    assert error_of(caught)[0] == "InvalidParameterException"
    chosen = cognito.respond_to_auth_challenge(
        ClientId=backend.client_id,
        ChallengeName="SELECT_MFA_TYPE",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": user, "ANSWER": "EMAIL_OTP"},
    )
    assert chosen["ChallengeName"] == "EMAIL_OTP"
    done = cognito.respond_to_auth_challenge(
        ClientId=backend.client_id,
        ChallengeName="EMAIL_OTP",
        Session=chosen["Session"],
        ChallengeResponses={"USERNAME": user, "EMAIL_OTP_CODE": backend.latest_code(user)},
    )
    tokens_of(done)


# -- refresh and sign-out --------------------------------------------------------------


def test_refresh_works_until_global_sign_out(backend, cognito, user):
    first = tokens_of(password_sign_in(cognito, backend.client_id, user, PASSWORD))
    refreshed = cognito.initiate_auth(
        ClientId=backend.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
    )
    access = tokens_of(refreshed)["AccessToken"]
    assert "RefreshToken" not in refreshed["AuthenticationResult"]
    assert cognito.get_user(AccessToken=access)["Username"] == user
    cognito.global_sign_out(AccessToken=access)
    with pytest.raises(ClientError) as caught:
        cognito.initiate_auth(
            ClientId=backend.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
        )
    assert error_of(caught) == ("NotAuthorizedException", "Refresh Token has been revoked")
    for token in (access, first["AccessToken"]):
        with pytest.raises(ClientError) as caught:
            cognito.get_user(AccessToken=token)
        assert error_of(caught) == ("NotAuthorizedException", "Access Token has been revoked")


def test_revoke_token(backend, cognito, user):
    first = tokens_of(password_sign_in(cognito, backend.client_id, user, PASSWORD))
    cognito.revoke_token(Token=first["RefreshToken"], ClientId=backend.client_id)
    with pytest.raises(ClientError) as caught:
        cognito.initiate_auth(
            ClientId=backend.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
        )
    assert error_of(caught)[0] == "NotAuthorizedException"
    with pytest.raises(ClientError):
        cognito.get_user(AccessToken=first["AccessToken"])


def test_a_made_up_access_token_is_invalid(cognito):
    with pytest.raises(ClientError) as caught:
        cognito.get_user(AccessToken=fake_jwt({"alg": "none"}, {"token_use": "access"}))
    assert error_of(caught) == ("NotAuthorizedException", "Invalid Access Token")


# -- app clients with a secret ---------------------------------------------------------


@pytest.fixture(scope="module")
def secret_client(backend, cognito):
    made = cognito.create_user_pool_client(
        UserPoolId=backend.user_pool_id,
        ClientName="with-secret",
        GenerateSecret=True,
        ExplicitAuthFlows=[
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        ],
    )["UserPoolClient"]
    return made["ClientId"], made["ClientSecret"]


def test_secret_hash_is_required_and_checked(cognito, secret_client, user):
    client_id, secret = secret_client
    base = {"USERNAME": user, "PASSWORD": PASSWORD}
    for extra, message in [
        ({}, f"Client {client_id} is configured with secret but SECRET_HASH was not received"),
        (
            {"SECRET_HASH": AWSSRP.get_secret_hash(user, client_id, "not-the-secret")},
            f"Unable to verify secret hash for client {client_id}",
        ),
    ]:
        with pytest.raises(ClientError) as caught:
            cognito.initiate_auth(
                ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={**base, **extra}
            )
        assert error_of(caught) == ("NotAuthorizedException", message)
    good = AWSSRP.get_secret_hash(user, client_id, secret)
    answer = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={**base, "SECRET_HASH": good},
    )
    tokens_of(answer)


def test_srp_with_a_client_secret(backend, cognito, secret_client, user):
    client_id, secret = secret_client
    helper = AWSSRP(
        user, PASSWORD, backend.user_pool_id, client_id, client=cognito, client_secret=secret
    )
    tokens_of(helper.authenticate_user())


# -- expiry, on a backend whose clock the tests move -----------------------------------


@pytest.fixture(scope="module")
def timed():
    started = start_backend(seed="empty")
    yield started, client(started)
    stop_backend(started)


@pytest.mark.parametrize(
    ("operation", "arguments"),
    [
        ("get_user", {}),
        ("update_user_attributes", {"UserAttributes": [{"Name": "locale", "Value": "fr-FR"}]}),
        ("delete_user_attributes", {"UserAttributeNames": ["locale"]}),
        ("get_user_attribute_verification_code", {"AttributeName": "email"}),
        ("verify_user_attribute", {"AttributeName": "email", "Code": "123456"}),
        ("change_password", {"PreviousPassword": PASSWORD, "ProposedPassword": "Other-Horse-9"}),
        ("associate_software_token", {}),
        ("set_user_mfa_preference", {"SMSMfaSettings": {"Enabled": False}}),
        ("global_sign_out", {}),
    ],
)
def test_access_token_expires_by_the_backend_clock(timed, operation, arguments):
    backend, cognito = timed
    username, _ = new_user(cognito, backend.user_pool_id)
    token = access_token(cognito, backend.client_id, username)
    backend.advance_clock(3600 + 1)
    with pytest.raises(ClientError) as caught:
        getattr(cognito, operation)(AccessToken=token, **arguments)
    assert error_of(caught) == ("NotAuthorizedException", "Access Token has expired")
    fresh = access_token(cognito, backend.client_id, username)
    assert cognito.get_user(AccessToken=fresh)["Username"] == username


def test_access_token_is_valid_before_it_expires(timed):
    backend, cognito = timed
    username, _ = new_user(cognito, backend.user_pool_id)
    token = access_token(cognito, backend.client_id, username)
    backend.advance_clock(3600 - 60)
    assert cognito.get_user(AccessToken=token)["Username"] == username


def test_challenge_session_expires(timed):
    backend, cognito = timed
    username, _ = new_user(cognito, backend.user_pool_id)
    cognito.admin_set_user_mfa_preference(
        UserPoolId=backend.user_pool_id, Username=username, EmailMfaSettings={"Enabled": True}
    )
    challenge = password_sign_in(cognito, backend.client_id, username, PASSWORD)
    backend.advance_clock(3 * 60 + 1)
    with pytest.raises(ClientError) as caught:
        cognito.respond_to_auth_challenge(
            ClientId=backend.client_id,
            ChallengeName="EMAIL_OTP",
            Session=challenge["Session"],
            ChallengeResponses={
                "USERNAME": username,
                "EMAIL_OTP_CODE": backend.latest_code(username),
            },
        )
    assert error_of(caught) == (
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    )


def test_temporary_password_expires(timed):
    backend, cognito = timed
    username = unique("late")
    cognito.admin_create_user(
        UserPoolId=backend.user_pool_id,
        Username=username,
        TemporaryPassword="Temporary-Pass-1",
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    backend.advance_clock(8 * 24 * 3600)
    with pytest.raises(ClientError) as caught:
        password_sign_in(cognito, backend.client_id, username, "Temporary-Pass-1")
    assert error_of(caught) == (
        "NotAuthorizedException",
        "Temporary password has expired and must be reset by an administrator.",
    )


# -- a pool that requires MFA ----------------------------------------------------------


def test_mfa_setup_when_the_pool_requires_mfa(cognito):
    pool_id = cognito.create_user_pool(PoolName=unique("mfa-on"))["UserPool"]["Id"]
    try:
        with pytest.raises(ClientError) as caught:
            cognito.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON")
        assert error_of(caught)[0] == "InvalidParameterException"
        cognito.set_user_pool_mfa_config(
            UserPoolId=pool_id,
            MfaConfiguration="ON",
            SoftwareTokenMfaConfiguration={"Enabled": True},
        )
        client_id = cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
        )["UserPoolClient"]["ClientId"]
        username, _ = new_user(cognito, pool_id)
        setup = password_sign_in(cognito, client_id, username, PASSWORD)
        assert setup["ChallengeName"] == "MFA_SETUP"
        assert json.loads(setup["ChallengeParameters"]["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"]
        associated = cognito.associate_software_token(Session=setup["Session"])
        secret = associated["SecretCode"]
        verified = cognito.verify_software_token(
            Session=associated["Session"], UserCode=totp_now(secret)
        )
        done = cognito.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="MFA_SETUP",
            Session=verified["Session"],
            ChallengeResponses={"USERNAME": username},
        )
        tokens_of(done)
        again = password_sign_in(cognito, client_id, username, PASSWORD)
        assert again["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    finally:
        cognito.delete_user_pool(UserPoolId=pool_id)


def test_non_ascii_answers_are_refused_not_crashed_on(backend, cognito, user):
    with pytest.raises(ClientError) as caught:
        password_sign_in(cognito, backend.client_id, user, "Pässwörd-Ünïcode-1")
    assert error_of(caught) == ("NotAuthorizedException", WRONG)
    token = access_token(cognito, backend.client_id, user)
    cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    with pytest.raises(ClientError) as caught:
        cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code="１２３４５６")
    assert error_of(caught)[0] == "CodeMismatchException"


def test_revoke_token_checks_the_client(backend, cognito, user, secret_client):
    first = tokens_of(password_sign_in(cognito, backend.client_id, user, PASSWORD))
    client_id, secret = secret_client
    with pytest.raises(ClientError) as caught:
        cognito.revoke_token(Token=first["RefreshToken"], ClientId=client_id, ClientSecret=secret)
    assert error_of(caught)[0] == "UnauthorizedException"
    with pytest.raises(ClientError) as caught:
        cognito.revoke_token(Token=first["RefreshToken"], ClientId=client_id, ClientSecret="x" * 40)
    assert error_of(caught)[0] == "UnauthorizedException"
    cognito.revoke_token(Token="never-issued", ClientId=backend.client_id)  # RFC 7009: no error
    assert cognito.get_user(AccessToken=first["AccessToken"])["Username"] == user


def test_verify_software_token_before_associating(backend, cognito, user):
    token = access_token(cognito, backend.client_id, user)
    with pytest.raises(ClientError) as caught:
        cognito.verify_software_token(AccessToken=token, UserCode="123456")
    assert error_of(caught)[0] == "SoftwareTokenMFANotFoundException"


def test_token_of_a_deleted_user(backend, cognito):
    username, _ = new_user(cognito, backend.user_pool_id)
    token = access_token(cognito, backend.client_id, username)
    cognito.admin_delete_user(UserPoolId=backend.user_pool_id, Username=username)
    with pytest.raises(ClientError) as caught:
        cognito.associate_software_token(AccessToken=token)  # does not model UserNotFound
    assert error_of(caught) == ("NotAuthorizedException", "User does not exist.")
