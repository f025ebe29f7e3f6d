"""The throttling knob: a token bucket per Cognito quota category."""

from __future__ import annotations

import argparse

import pytest
from botocore.exceptions import ClientError

from tests.embedded.support import client, control, error_of, start_backend, stop_backend


@pytest.fixture(scope="module")
def throttled():
    started = start_backend(seed="demo", rate_limits={"UserRead": 2.0})
    yield started
    stop_backend(started)


def burst(cognito, backend, count):
    """Call AdminGetUser (a UserRead operation) `count` times; the error codes seen."""
    codes = []
    for _ in range(count):
        try:
            cognito.admin_get_user(UserPoolId=backend.user_pool_id, Username="maria")
            codes.append("ok")
        except ClientError as error:
            codes.append(error.response["Error"]["Code"])
            assert error.response["Error"]["Message"] == "Rate exceeded"
    return codes


def test_a_burst_over_the_limit_is_throttled(throttled):
    cognito = client(throttled)
    codes = burst(cognito, throttled, 12)
    assert codes[0] == "ok"
    assert "TooManyRequestsException" in codes
    assert set(codes) <= {"ok", "TooManyRequestsException"}


def test_other_categories_are_not_throttled(throttled):
    cognito = client(throttled)
    burst(cognito, throttled, 6)
    for _ in range(6):
        cognito.describe_user_pool(UserPoolId=throttled.user_pool_id)  # UserPoolRead


def test_botocore_standard_retries_get_through(throttled):
    patient = client(throttled, retries={"mode": "standard", "total_max_attempts": 10})
    throttled.set_rate_limit("UserRead", 3.0)
    try:
        retried = 0
        for _ in range(6):
            found = patient.admin_get_user(UserPoolId=throttled.user_pool_id, Username="maria")
            assert found["Username"] == "maria"
            retried += found["ResponseMetadata"]["RetryAttempts"]
        assert retried >= 1, "the burst should have been throttled and retried"
    finally:
        throttled.set_rate_limit("UserRead", 2.0)


def test_limits_change_at_runtime(throttled):
    cognito = client(throttled)
    throttled.set_rate_limit("UserRead", None)
    try:
        assert burst(cognito, throttled, 15) == ["ok"] * 15
        throttled.set_rate_limit("*", 1)
        with pytest.raises(ClientError) as caught:
            for _ in range(5):
                cognito.list_users(UserPoolId=throttled.user_pool_id, Limit=1)
        assert error_of(caught) == ("TooManyRequestsException", "Rate exceeded")
    finally:
        throttled.set_rate_limit("*", None)
        throttled.set_rate_limit("UserRead", 2.0)


def test_unknown_category_is_refused(throttled):
    with pytest.raises(ValueError, match="unknown rate-limit category"):
        throttled.set_rate_limit("UserTeleport", 1)
    status, answer = control(throttled, "rate-limit", {"category": "UserTeleport", "per_second": 1})
    assert status == 400 and "UserTeleport" in answer["error"]


def test_every_served_operation_has_a_category(spec, backend):
    from tui.embedded.ratelimit import load_categories

    categories = load_categories()
    assert set(categories) <= set(spec.operations), "categories.toml names unknown operations"
    missing = sorted(backend.served_operations - set(categories))
    assert missing == []


def test_categories_are_cognito_quota_categories():
    from tui.embedded.ratelimit import load_categories

    names = set(load_categories().values())
    assert {
        "UserAuthentication",
        "UserCreation",
        "UserAccountRecovery",
        "UserRead",
        "UserUpdate",
        "UserToken",
        "UserList",
        "UserResourceRead",
        "UserResourceUpdate",
    } <= names
    assert load_categories()["UpdateUserAttributes"] == "UserUpdate"
    assert load_categories()["InitiateAuth"] == "UserAuthentication"


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("UserUpdate=5", ("UserUpdate", 5.0)), ("5", ("*", 5.0)), ("0.5", ("*", 0.5))],
)
def test_rate_limit_option(text, parsed):
    from tui.embedded.cli import parse_rate_limit

    assert parse_rate_limit(text) == parsed


@pytest.mark.parametrize("text", ["UserTeleport=5", "UserUpdate=fast", "0", "UserUpdate=-1"])
def test_bad_rate_limit_option(text):
    from tui.embedded.cli import parse_rate_limit

    with pytest.raises(argparse.ArgumentTypeError):
        parse_rate_limit(text)


def test_operations_without_a_modeled_throttle_error_get_the_front_end_one(throttled):
    """AdminSetUserMFAPreference does not model TooManyRequestsException: the answer is
    the AWS front end's ThrottlingException, which botocore retries just the same."""
    cognito = client(throttled)
    throttled.set_rate_limit("UserUpdate", 1)
    try:
        with pytest.raises(ClientError) as caught:
            for _ in range(5):
                cognito.admin_set_user_mfa_preference(
                    UserPoolId=throttled.user_pool_id,
                    Username="maria",
                    SMSMfaSettings={"Enabled": False},
                )
        assert error_of(caught) == ("ThrottlingException", "Rate exceeded")
    finally:
        throttled.set_rate_limit("UserUpdate", None)
