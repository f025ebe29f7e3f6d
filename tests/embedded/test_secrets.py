"""Secrets the backend hands out are recorded for leak tests and never logged by it."""

from __future__ import annotations

import logging

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from tests.embedded.support import access_token, new_user, password_sign_in

PASSWORD = "Correct-Horse-9"


def test_issued_secrets_cover_tokens_sessions_and_codes(backend, cognito):
    username, _ = new_user(cognito, backend.user_pool_id)
    result = password_sign_in(cognito, backend.client_id, username, PASSWORD)[
        "AuthenticationResult"
    ]
    cognito.admin_set_user_mfa_preference(
        UserPoolId=backend.user_pool_id, Username=username, EmailMfaSettings={"Enabled": True}
    )
    challenge = password_sign_in(cognito, backend.client_id, username, PASSWORD)
    token = result["AccessToken"]
    cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    issued = backend.issued_secrets()
    assert {result["AccessToken"], result["IdToken"], result["RefreshToken"]} <= issued
    assert challenge["Session"] in issued
    assert backend.latest_code(username) in issued


def test_the_backend_logs_no_secret(backend, cognito, caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("tui").debug("logging from the backend side is captured")
    username, _ = new_user(cognito, backend.user_pool_id)
    token = access_token(cognito, backend.client_id, username)
    cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    cognito.verify_user_attribute(
        AccessToken=token, AttributeName="email", Code=backend.latest_code(username)
    )
    AWSSRP(
        username, PASSWORD, backend.user_pool_id, backend.client_id, client=cognito
    ).authenticate_user()
    with pytest.raises(ClientError):
        AWSSRP(
            username, "Wrong-Horse-9", backend.user_pool_id, backend.client_id, client=cognito
        ).authenticate_user()
    with pytest.raises(ClientError):
        cognito.get_user(AccessToken=token + "x")
    # botocore itself logs request bodies at DEBUG (the client's concern); the backend's
    # side is the embedded package, moto, werkzeug and flask.
    server_side = ("tui", "moto", "werkzeug", "flask")
    logged = "\n".join(
        r.getMessage() for r in caplog.records if r.name.split(".")[0] in server_side
    )
    leaked = [s for s in backend.issued_secrets() | {PASSWORD} if s in logged]
    assert leaked == []
    assert "captured" in logged  # the filter above does see the backend's loggers
