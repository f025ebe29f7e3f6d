"""Verification codes: random, delivered to the outbox, single-use, expiring."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.embedded.support import (
    access_token,
    attributes_of,
    client,
    error_of,
    new_user,
    start_backend,
    stop_backend,
)

DAY = 24 * 3600


@pytest.fixture
def user(backend, cognito):
    username, email = new_user(
        cognito, backend.user_pool_id, extra={"phone_number": "+15556660001"}
    )
    return username, email, access_token(cognito, backend.client_id, username)


def test_code_for_email_is_delivered_and_masked(backend, cognito, user):
    username, email, token = user
    answer = cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert answer["CodeDeliveryDetails"] == {
        "Destination": f"{email[0]}***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    delivery = backend.outbox()[-1]
    assert (delivery.username, delivery.destination) == (username, email)
    assert delivery.purpose == "verify attribute"
    assert re.fullmatch(r"[0-9]{6}", delivery.code)
    assert backend.latest_code(username) == delivery.code


def test_code_for_phone_goes_by_sms(backend, cognito, user):
    username, _, token = user
    answer = cognito.get_user_attribute_verification_code(
        AccessToken=token, AttributeName="phone_number"
    )
    assert answer["CodeDeliveryDetails"] == {
        "Destination": "+*******0001",
        "DeliveryMedium": "SMS",
        "AttributeName": "phone_number",
    }
    code = backend.latest_code(username, "phone_number")
    cognito.verify_user_attribute(AccessToken=token, AttributeName="phone_number", Code=code)
    assert attributes_of(cognito, token)["phone_number_verified"] == "true"


@pytest.mark.parametrize("attribute", ["given_name", "custom:department"])
def test_only_email_and_phone_can_be_verified(cognito, user, attribute):
    _, _, token = user
    with pytest.raises(ClientError) as caught:
        cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName=attribute)
    assert error_of(caught)[0] == "InvalidParameterException"


def test_no_code_without_a_value(backend, cognito):
    username, _ = new_user(cognito, backend.user_pool_id)
    token = access_token(cognito, backend.client_id, username)
    with pytest.raises(ClientError) as caught:
        cognito.get_user_attribute_verification_code(
            AccessToken=token, AttributeName="phone_number"
        )
    assert error_of(caught)[0] == "InvalidParameterException"


def test_wrong_code_mismatches_and_a_right_code_is_single_use(backend, cognito, user):
    username, _, token = user
    cognito.admin_update_user_attributes(
        UserPoolId=backend.user_pool_id,
        Username=username,
        UserAttributes=[{"Name": "email_verified", "Value": "false"}],
    )
    cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    code = backend.latest_code(username)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(ClientError) as caught:
        cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=wrong)
    assert error_of(caught)[0] == "CodeMismatchException"
    assert attributes_of(cognito, token)["email_verified"] == "false"
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    assert attributes_of(cognito, token)["email_verified"] == "true"
    with pytest.raises(ClientError) as caught:
        cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    assert error_of(caught) == (
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
    )


def test_a_new_code_replaces_the_previous_one(backend, cognito, user):
    username, _, token = user
    cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    first = backend.latest_code(username)
    cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    second = backend.latest_code(username)
    if first != second:  # one chance in a million that both draws are equal
        with pytest.raises(ClientError) as caught:
            cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=first)
        assert error_of(caught)[0] == "CodeMismatchException"
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=second)


def test_codes_are_not_predictable(backend, cognito, user):
    username, _, token = user
    codes = set()
    for _ in range(12):
        cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
        codes.add(backend.latest_code(username))
    assert len(codes) >= 10  # twelve random 6-digit draws practically never repeat


def test_latest_code_without_delivery_is_a_lookup_error(backend):
    with pytest.raises(LookupError):
        backend.latest_code("nobody-at-all")


@pytest.fixture(scope="module")
def timed():
    """A backend of its own: the expiry tests move its clock."""
    started = start_backend(seed="empty")
    yield started, client(started)
    stop_backend(started)


class TestExpiry:
    def test_code_expires_after_24_hours(self, timed):
        backend, cognito = timed
        username, _ = new_user(cognito, backend.user_pool_id)
        token = access_token(cognito, backend.client_id, username)
        cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
        code = backend.latest_code(username)
        backend.advance_clock(DAY + 1)
        token = access_token(cognito, backend.client_id, username)  # the old one expired too
        with pytest.raises(ClientError) as caught:
            cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
        assert error_of(caught)[0] == "ExpiredCodeException"

    def test_code_is_valid_just_before_24_hours(self, timed):
        backend, cognito = timed
        username, _ = new_user(cognito, backend.user_pool_id)
        token = access_token(cognito, backend.client_id, username)
        cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
        code = backend.latest_code(username)
        backend.advance_clock(DAY - 120)
        token = access_token(cognito, backend.client_id, username)
        cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
