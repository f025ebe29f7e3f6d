"""Whole exchanges: request line, headers, bodies and status, read from real file formats."""

from __future__ import annotations

import pytest

from contracts.checker.exchange import check_exchange
from contracts.checker.sources import SourceError, read_exchanges
from tests.contracts.recorded import (
    GET_USER_OK,
    NOT_AUTHORIZED,
    UPDATE_OK,
    interaction,
    write_cassette,
    write_har,
)


def check_one(spec, tmp_path, item):
    (ex,) = read_exchanges(write_cassette(tmp_path / "c.yaml", [item]))
    return check_exchange(spec, ex)


def rules(result):
    return {(v.where, v.path, v.rule) for v in result.violations}


@pytest.mark.parametrize("item", [GET_USER_OK, UPDATE_OK, NOT_AUTHORIZED])
def test_valid_exchanges(strict_spec, tmp_path, item):
    result = check_one(strict_spec, tmp_path, item)
    assert result.ok, result.violations
    assert result.operation in ("GetUser", "UpdateUserAttributes")


def test_request_line_and_headers(strict_spec, tmp_path):
    bad = interaction(
        "GetUser",
        {"AccessToken": "t"},
        {"Username": "a", "UserAttributes": []},
        method="GET",
        uri="https://cognito-idp.eu-west-1.amazonaws.com/users?x=1",
        request_media="application/json",
    )
    assert rules(check_one(strict_spec, tmp_path, bad)) == {
        ("request", "method", "method"),
        ("request", "path", "path"),
        ("request", "header Content-Type", "media-type"),
    }


@pytest.mark.parametrize(
    "target", ["AWSCognitoIdentityProviderService.GetUsers", "DynamoDB_20120810.GetItem"]
)
def test_unknown_target(strict_spec, tmp_path, target):
    item = interaction("GetUser", {"AccessToken": "t"}, {}, target=target)
    result = check_one(strict_spec, tmp_path, item)
    assert ("request", "header X-Amz-Target", "target") in rules(result)
    assert result.operation is None


def test_bodies_are_checked_in_both_directions(strict_spec, tmp_path):
    item = interaction(
        "UpdateUserAttributes",
        {"AccessToken": "t", "UserAttributes": [{"Name": "n" * 33, "Value": "v"}]},
        {"CodeDeliveryDetailsList": [{"DeliveryMedium": "FAX"}]},
    )
    assert rules(check_one(strict_spec, tmp_path, item)) == {
        ("request", "$.UserAttributes[0].Name", "max-length"),
        ("response", "$.CodeDeliveryDetailsList[0].DeliveryMedium", "enum"),
    }


def test_errors_must_be_modeled_and_typed(strict_spec, tmp_path):
    alias = interaction(
        "GetUser", {"AccessToken": "t"}, {"__type": "AliasExistsException", "message": "m"}, 400
    )
    assert rules(check_one(strict_spec, tmp_path, alias)) == {
        ("response", "$.__type", "error-not-modeled")
    }
    untyped = interaction("GetUser", {"AccessToken": "t"}, {"message": "m"}, 400)
    assert rules(check_one(strict_spec, tmp_path, untyped)) == {
        ("response", "$.__type", "error-type")
    }
    common = interaction(
        "GetUser", {"AccessToken": "t"}, {"__type": "ThrottlingException", "message": "m"}, 400
    )
    assert check_one(strict_spec, tmp_path, common).ok
    fault = interaction("GetUser", {"AccessToken": "t"}, {"__type": "InternalErrorException"}, 500)
    assert check_one(strict_spec, tmp_path, fault).ok


def test_response_media_type_status_and_json(strict_spec, tmp_path):
    wrong_media = interaction(
        "GetUser",
        {"AccessToken": "t"},
        {"Username": "a", "UserAttributes": []},
        response_media="text/html",
    )
    assert rules(check_one(strict_spec, tmp_path, wrong_media)) == {
        ("response", "header Content-Type", "media-type")
    }
    redirect = interaction("GetUser", {"AccessToken": "t"}, {}, 302)
    assert ("response", "status", "status") in rules(check_one(strict_spec, tmp_path, redirect))
    broken = interaction("GetUser", {"AccessToken": "t"}, b'{"Username": "a",')
    assert ("response", "$", "json") in rules(check_one(strict_spec, tmp_path, broken))
    not_object = interaction("GetUser", b"[1, 2]", {"Username": "a", "UserAttributes": []})
    assert ("request", "$", "json") in rules(check_one(strict_spec, tmp_path, not_object))


def test_operations_without_output_accept_an_empty_body(strict_spec, tmp_path):
    empty = interaction("DeleteUser", {"AccessToken": "t"}, b"")
    assert check_one(strict_spec, tmp_path, empty).ok
    braces = interaction("DeleteUser", {"AccessToken": "t"}, {})
    assert check_one(strict_spec, tmp_path, braces).ok


def test_har_files_keep_only_cognito_entries(strict_spec, tmp_path):
    har = write_har(tmp_path / "session.har", [GET_USER_OK, UPDATE_OK, NOT_AUTHORIZED])
    exchanges = read_exchanges(har)
    assert [ex.target.rsplit(".", 1)[1] for ex in exchanges] == [
        "GetUser",
        "UpdateUserAttributes",
        "GetUser",
    ]
    assert all(check_exchange(strict_spec, ex).ok for ex in exchanges)


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("c.yaml", "interactions:\n- request: {body: 'x', headers: {}, method: POST\n", "YAML"),
        ("c.yaml", "version: 1\n", "no 'interactions'"),
        ("c.yaml", "interactions:\n- response: {}\n", "interaction 0 is malformed"),
        ("s.har", '{"log": {"entries": [', "not valid JSON"),
        ("s.har", '{"entries": []}', "not a HAR file"),
        ("c.yaml", "", "empty file"),
    ],
)
def test_unusable_files_name_the_problem(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(SourceError, match=problem) as info:
        read_exchanges(path)
    assert str(path) in str(info.value)
