"""The service layer over real HTTP against the embedded backend: SECRET_HASH, SMS codes,
token refresh before expiry, retries reported, ListUsers pagination, errors as values."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tui.core.auth import Authenticator, Challenge, Tokens
from tui.core.connection import Connection, ConnectionSettings, RetryNotice
from tui.core.errors import CognitoError
from tui.core.service import PoolAdmin, UserAttributes
from tui.core.session import REFRESH_MARGIN, EditorSession, is_write

LOCAL = ("AKIDCOGNITOTUITEST00", "test-secret-not-a-credential")


@pytest.fixture(scope="module")
def backend() -> Iterator[Any]:
    from tui.embedded import EmbeddedCognito

    with EmbeddedCognito(seed="demo", strict=True) as running:
        yield running
        assert running.spec_violations == []


def settings(backend: Any, **changes: Any) -> ConnectionSettings:
    base = ConnectionSettings(
        region=backend.region,
        endpoint_url=backend.endpoint_url,
        pool_id=backend.user_pool_id,
        client_id=backend.client_id,
    )
    return base.with_(**changes)


def first_user(backend: Any) -> Any:
    return backend.users[0]


def test_secret_hash_for_a_client_with_a_secret(backend):
    admin = Connection(settings(backend), credentials=LOCAL)
    client = admin.call(
        "CreateUserPoolClient",
        UserPoolId=backend.user_pool_id,
        ClientName="with-secret",
        GenerateSecret=True,
        ExplicitAuthFlows=[
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        ],
    )["UserPoolClient"]
    user = first_user(backend)
    with_secret = Connection(settings(backend, client_secret=client["ClientSecret"]))
    auth = Authenticator(with_secret, backend.user_pool_id, client["ClientId"])
    assert isinstance(auth.sign_in_password(user.username, user.password), Tokens)
    assert isinstance(auth.sign_in_srp(user.username, user.password), Tokens)
    without = Authenticator(Connection(settings(backend)), backend.user_pool_id, client["ClientId"])
    with pytest.raises(CognitoError) as refused:
        without.sign_in_password(user.username, user.password)
    assert refused.value.code == "NotAuthorizedException"
    assert client["ClientSecret"] not in repr(with_secret.settings)


def test_sms_mfa_with_the_delivered_code(backend):
    sofia = next(u for u in backend.users if "SMS_MFA" in u.note)
    auth = Authenticator(Connection(settings(backend)), backend.user_pool_id, backend.client_id)
    step = auth.sign_in_srp(sofia.username, sofia.password)
    assert isinstance(step, Challenge) and step.name == "SMS_MFA"
    assert step.medium == "SMS" and "*" in (step.destination or "")
    assert step.session is not None and step.session not in repr(step)
    code = [d for d in backend.outbox() if d.username == sofia.username][-1].code
    assert isinstance(auth.respond(step, {"SMS_MFA_CODE": code}), Tokens)


def test_tokens_are_refreshed_before_they_expire(backend, tmp_path):
    user = first_user(backend)
    session = EditorSession(settings(backend), journal_folder=tmp_path)
    session.sign_in(user.username, user.password)
    first = session.tokens
    assert first is not None and first.expires_at is not None
    # almost at the end of the token's life, by the session's clock and the backend's
    backend.advance_clock(3600 - REFRESH_MARGIN + 30)
    session.clock = lambda: time.time() + 3600 - REFRESH_MARGIN + 30
    session.load()
    assert session.tokens is not None
    assert session.tokens.access_token != first.access_token
    assert session.tokens.refresh_token == first.refresh_token


def test_retries_are_reported_then_the_call_succeeds(backend):
    user = first_user(backend)
    notices: list[RetryNotice] = []
    conn = Connection(settings(backend), on_retry=notices.append)
    tokens = Authenticator(conn, backend.user_pool_id, backend.client_id).sign_in_password(
        user.username, user.password
    )
    assert isinstance(tokens, Tokens)
    attrs = UserAttributes(conn, lambda: tokens.access_token)
    # 5/s (a burst of 5): the calls after the fifth are throttled, and a token comes back
    # every 0.2 s, well within botocore's jittered backoff over 3 retries (at 1/s, about
    # one run in 25 drew three short waits and ran out of attempts)
    backend.set_rate_limit("UserRead", 5.0)
    try:
        for _ in range(8):
            attrs.get_user()
    finally:
        backend.set_rate_limit("UserRead", None)
    assert notices and notices[0].code == "TooManyRequestsException"
    assert notices[0].operation == "GetUser" and notices[0].max_attempts == 4


def test_list_users_pages_lazily(backend):
    admin = PoolAdmin(Connection(settings(backend), credentials=LOCAL), backend.user_pool_id)
    assert admin.page_size == 60  # the model's maximum of ListUsers' Limit
    assert admin.connection.max_of("ListUserPools", "MaxResults") == 60
    pages = admin.iter_users(limit=2)
    first = next(pages)
    assert len(first.users) == 2 and first.next_token
    rest = list(pages)
    assert sum(len(p.users) for p in [first, *rest]) == len(backend.users)
    schema = admin.describe_pool()
    assert schema.known("email") and not schema.attributes["custom:employee_id"].mutable
    assert "email" in schema.verify_before_update


def test_errors_come_back_as_values_with_advice(backend):
    conn = Connection(settings(backend))
    attrs = UserAttributes(conn, lambda: "not-a-token")
    with pytest.raises(CognitoError) as caught:
        attrs.get_user()
    err = caught.value
    assert err.code == "NotAuthorizedException" and err.status == 400
    assert err.description and err.action
    unreachable = Connection(
        ConnectionSettings(region="us-east-1", endpoint_url="http://127.0.0.1:9", max_attempts=1)
    )
    with pytest.raises(CognitoError) as caught:
        UserAttributes(unreachable, lambda: "t").get_user()
    assert caught.value.code == "NetworkError" and caught.value.retryable


def test_requests_breaking_the_model_are_never_sent(backend):
    conn = Connection(settings(backend))
    with pytest.raises(CognitoError) as caught:
        UserAttributes(conn, lambda: "t").update({"n" * 33: "x"})
    assert caught.value.code == "LocalValidationError"
    assert caught.value.violations[0].path == "$.UserAttributes[0].Name"


@pytest.mark.parametrize(
    ("operation", "params", "write"),
    [
        ("GetUser", {}, False),
        ("ListUsers", {}, False),
        ("AdminGetUser", {}, False),
        ("InitiateAuth", {}, False),
        ("RespondToAuthChallenge", {"ChallengeName": "SOFTWARE_TOKEN_MFA"}, False),
        ("RespondToAuthChallenge", {"ChallengeName": "NEW_PASSWORD_REQUIRED"}, True),
        ("GetUserAttributeVerificationCode", {}, True),
        ("UpdateUserAttributes", {}, True),
        ("DeleteUserAttributes", {}, True),
        ("AdminUpdateUserAttributes", {}, True),
        ("GlobalSignOut", {}, True),
    ],
)
def test_read_only_classification(operation, params, write):
    assert is_write(operation, params) is write
