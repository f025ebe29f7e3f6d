"""Step 2 of every request: validation against the spec, answered in AWS's words."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.embedded.support import access_token, client, error_of, new_user, raw_call

HEAD = "1 validation error detected: "


@pytest.fixture(scope="module")
def loose(backend):
    """A client that skips botocore's own (partial) checks, to send what AWS would refuse."""
    return client(backend, validate=False)


@pytest.fixture(scope="module")
def token(backend, cognito):
    username, _ = new_user(cognito, backend.user_pool_id)
    return access_token(cognito, backend.client_id, username)


def test_too_long_sensitive_value_is_refused_without_echoing_it(backend, cognito, token):
    with pytest.raises(ClientError) as caught:
        cognito.update_user_attributes(
            AccessToken=token, UserAttributes=[{"Name": "given_name", "Value": "x" * 2049}]
        )
    assert error_of(caught) == (
        "InvalidParameterException",
        HEAD + "Value at 'userAttributes.1.member.value' failed to satisfy constraint: "
        "Member must have length less than or equal to 2048",
    )


def test_value_at_the_limit_is_accepted(backend, cognito, token):
    cognito.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "profile", "Value": "p" * 2048}]
    )
    found = cognito.get_user(AccessToken=token)["UserAttributes"]
    assert {"Name": "profile", "Value": "p" * 2048} in found


def test_several_violations_are_counted_and_joined(cognito, token):
    with pytest.raises(ClientError) as caught:
        cognito.update_user_attributes(
            AccessToken=token,
            UserAttributes=[
                {"Name": "given_name", "Value": "a"},
                {"Name": "family_name", "Value": "y" * 3000},
                {"Name": "n" * 33, "Value": "z" * 2049},
            ],
        )
    code, message = error_of(caught)
    assert code == "InvalidParameterException"
    assert message == (
        "3 validation errors detected: "
        "Value at 'userAttributes.2.member.value' failed to satisfy constraint: "
        "Member must have length less than or equal to 2048; "
        f"Value '{'n' * 33}' at 'userAttributes.3.member.name' failed to satisfy constraint: "
        "Member must have length less than or equal to 32; "
        "Value at 'userAttributes.3.member.value' failed to satisfy constraint: "
        "Member must have length less than or equal to 2048"
    )


def test_pattern_violation_shows_the_value_and_the_java_pattern(spec, cognito):
    with pytest.raises(ClientError) as caught:
        cognito.describe_user_pool(UserPoolId="not a pool!")
    java = spec.defs["UserPoolIdType"]["x-java-pattern"]
    assert error_of(caught) == (
        "InvalidParameterException",
        HEAD + "Value 'not a pool!' at 'userPoolId' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {java}",
    )


def test_enum_violation_lists_the_modeled_values(spec, backend, cognito):
    with pytest.raises(ClientError) as caught:
        cognito.initiate_auth(
            ClientId=backend.client_id, AuthFlow="MAGIC_LINK", AuthParameters={"USERNAME": "x"}
        )
    allowed = ", ".join(spec.defs["AuthFlowType"]["enum"])
    assert error_of(caught) == (
        "InvalidParameterException",
        HEAD + "Value 'MAGIC_LINK' at 'authFlow' failed to satisfy constraint: "
        f"Member must satisfy enum value set: [{allowed}]",
    )


def test_missing_required_member_must_not_be_null(loose, token):
    with pytest.raises(ClientError) as caught:
        loose.update_user_attributes(AccessToken=token)
    assert error_of(caught) == (
        "InvalidParameterException",
        HEAD
        + "Value null at 'userAttributes' failed to satisfy constraint: Member must not be null",
    )


def test_empty_name_breaks_the_minimum_length_and_the_pattern(spec, loose, token):
    """Both sentences, length first, as the evidence corpus shows AWS answering."""
    pattern = spec.defs["AttributeNameType"]["x-java-pattern"]
    with pytest.raises(ClientError) as caught:
        loose.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "", "Value": "v"}])
    assert error_of(caught) == (
        "InvalidParameterException",
        "2 validation errors detected: "
        "Value '' at 'userAttributes.1.member.name' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; "
        "Value '' at 'userAttributes.1.member.name' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}",
    )


def test_sensitive_username_is_not_echoed(backend, cognito):
    with pytest.raises(ClientError) as caught:
        cognito.admin_get_user(UserPoolId=backend.user_pool_id, Username="u" * 129)
    assert error_of(caught) == (
        "InvalidParameterException",
        HEAD + "Value at 'username' failed to satisfy constraint: "
        "Member must have length less than or equal to 128",
    )


def test_list_users_limit_over_60_is_refused(spec, backend, cognito):
    maximum = spec.defs["QueryLimitType"]["maximum"]
    with pytest.raises(ClientError) as caught:
        cognito.list_users(UserPoolId=backend.user_pool_id, Limit=maximum + 1)
    assert error_of(caught) == (
        "InvalidParameterException",
        HEAD + f"Value '{maximum + 1}' at 'limit' failed to satisfy constraint: "
        f"Member must have value less than or equal to {maximum}",
    )
    listed = cognito.list_users(UserPoolId=backend.user_pool_id, Limit=maximum)
    assert len(listed["Users"]) <= maximum


def test_list_users_filter_and_pagination_still_work(backend, cognito):
    marker = "pager"
    made = {
        new_user(cognito, backend.user_pool_id, extra={"family_name": marker})[0] for _ in range(3)
    }
    seen: set[str] = set()
    token = None
    pages = 0
    while True:
        kwargs = {"PaginationToken": token} if token else {}
        page = cognito.list_users(
            UserPoolId=backend.user_pool_id, Limit=2, Filter=f'family_name = "{marker}"', **kwargs
        )
        pages += 1
        seen |= {u["Username"] for u in page["Users"]}
        token = page.get("PaginationToken")
        if not token:
            break
    assert seen == made
    assert pages >= 2


def test_wrong_json_type_is_a_serialization_error(loose, backend):
    with pytest.raises(ClientError) as caught:
        loose.list_users(UserPoolId=backend.user_pool_id, Limit="ten")
    assert error_of(caught)[0] == "SerializationException"


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"{not json", b"42"])
def test_a_body_that_is_not_a_json_object_is_a_serialization_error(backend, body):
    status, answer = raw_call(backend, "ListUserPools", body)
    assert (status, answer) == (400, {"__type": "SerializationException"})


def test_unknown_members_are_ignored_as_aws_does(backend):
    body = json.dumps({"UserPoolId": backend.user_pool_id, "NotAMember": {"x": 1}}).encode()
    status, answer = raw_call(backend, "DescribeUserPool", body)
    assert status == 200
    assert answer["UserPool"]["Id"] == backend.user_pool_id


def test_unknown_operation_is_refused(backend):
    status, answer = raw_call(backend, "MakeCoffee", b"{}")
    assert status == 400
    assert answer["__type"] == "UnknownOperationException"


def test_errors_follow_list_order_and_length_brackets_the_pattern(loose, token):
    """Evidence: an empty name is length then pattern; an over-long one pattern then length;
    members are listed in list order (10 after 2)."""
    attributes = [{"Name": f"custom:a{i}", "Value": "v"} for i in range(10)]
    attributes[1] = {"Name": "", "Value": "v"}
    attributes.append({"Name": "n" * 33, "Value": "v"})
    with pytest.raises(ClientError) as caught:
        loose.update_user_attributes(AccessToken=token, UserAttributes=attributes)
    message = error_of(caught)[1]
    assert message.startswith("3 validation errors detected: Value '' at 'userAttributes.2.")
    first, second, third = message.split("; ")
    assert first.endswith("Member must have length greater than or equal to 1")
    assert "regular expression pattern" in second
    assert third.startswith(f"Value '{'n' * 33}' at 'userAttributes.11.member.name'")


@pytest.mark.parametrize("key", ["²", "7" * 5000], ids=["superscript-digit", "5000-digits"])
def test_a_map_key_of_digits_is_reported_not_crashed_on(backend, token, key):
    """A violation inside a map whose key looks like a number: refused with AWS's
    validation message like any other (the key is text; it crashed the ordering of the
    violations with a 500, found by bench/fuzz.py)."""
    body = {
        "AccessToken": token,
        "UserAttributes": [{"Name": "n" * 33, "Value": "v"}],
        "ClientMetadata": {key: "v" * 131073, "10": "v" * 131073},
    }
    status, answer = raw_call(backend, "UpdateUserAttributes", json.dumps(body).encode())
    assert status == 400, answer
    assert answer["__type"] == "InvalidParameterException"
    assert answer["message"].startswith("3 validation errors detected: ")
