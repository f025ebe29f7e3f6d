"""Control endpoints for out-of-process users, unreachable with a Cognito target."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.embedded.support import (
    DIRECT,
    access_token,
    client,
    control,
    new_user,
    raw_call,
    start_backend,
    stop_backend,
)


@pytest.fixture(scope="module")
def own():
    started = start_backend(seed="demo")
    yield started
    stop_backend(started)


def test_info_is_the_cli_line(own):
    assert control(own, "info") == (200, own.info())


def test_outbox_lists_deliveries(own):
    cognito = client(own)
    username, email = new_user(cognito, own.user_pool_id)
    token = access_token(cognito, own.client_id, username)
    cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    status, listed = control(own, "outbox")
    assert status == 200
    last = listed[-1]
    assert last["username"] == username and last["destination"] == email
    assert last["code"] == own.latest_code(username)
    assert set(last) == {
        "username",
        "attribute",
        "medium",
        "destination",
        "code",
        "purpose",
        "sent_at",
    }


def test_clock_advances(own):
    before = own.clock.offset
    status, answer = control(own, "clock", {"advance": 90})
    assert status == 200
    assert answer["offset"] == pytest.approx(before + 90)
    assert control(own, "clock", {"advance": -5})[0] == 400
    assert control(own, "clock", {"forward": 5})[0] == 400


def test_rate_limit_is_set_and_removed(own):
    status, answer = control(own, "rate-limit", {"category": "UserList", "per_second": 3})
    assert (status, answer["limits"]) == (200, {"UserList": 3.0})
    status, answer = control(own, "rate-limit", {"category": "UserList", "per_second": None})
    assert (status, answer["limits"]) == (200, {})


def test_unknown_control_endpoint(own):
    assert control(own, "shutdown")[0] == 404


def test_a_cognito_target_never_reaches_a_control_endpoint(own):
    status, answer = raw_call(
        own, "ListUsers", json.dumps({"advance": 99999}).encode(), path="/_embedded/clock"
    )
    assert status == 400
    assert answer["__type"] == "UnknownOperationException"
    assert own.clock.offset < 99999
    request = urllib.request.Request(
        own.endpoint_url + "/_embedded/outbox",
        headers={"X-Amz-Target": "AWSCognitoIdentityProviderService.GetUser"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        DIRECT.open(request, timeout=10)
    assert json.loads(caught.value.read())["__type"] == "UnknownOperationException"


def test_moto_jwks_endpoint_still_answers(own):
    with DIRECT.open(
        f"{own.endpoint_url}/{own.user_pool_id}/.well-known/jwks.json", timeout=10
    ) as response:
        keys = json.loads(response.read())["keys"]
    assert keys and keys[0]["kid"] == "dummy"


def test_outbox_filters_by_user_and_attribute_and_keeps_the_last(own):
    cognito = client(own)
    username, _ = new_user(cognito, own.user_pool_id)
    token = access_token(cognito, own.client_id, username)
    for _ in range(2):
        cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    url = f"{own.endpoint_url}/_embedded/outbox?username={username}&attribute=email"
    with DIRECT.open(url, timeout=5) as answer:
        both = json.loads(answer.read())
    assert [d["username"] for d in both] == [username, username]
    with DIRECT.open(url + "&last=1", timeout=5) as answer:
        assert json.loads(answer.read()) == both[-1:]
    with pytest.raises(urllib.error.HTTPError) as refused:
        DIRECT.open(url + "&last=-1", timeout=5)
    assert refused.value.code == 400
