"""Each wire rule, accepting and rejecting, on requests (input) and responses (output)."""

from __future__ import annotations

import pytest

from tests.contracts.synthetic import synthetic_spec


def rules(violations) -> set[tuple[str, str]]:
    return {(v.path, v.rule) for v in violations}


ATTRS_OK = {"AccessToken": "t", "UserAttributes": [{"Name": "email", "Value": "a@example.com"}]}


def user(**extra):
    return {"Username": "alice", "UserAttributes": [{"Name": "sub", "Value": "1"}], **extra}


# -- strings: length, Unicode classes, ASCII \w, anchoring ---------------------------------


def test_valid_bodies_in_both_directions(strict_spec):
    assert strict_spec.validate("UpdateUserAttributes", "input", ATTRS_OK) == []
    assert strict_spec.validate("GetUser", "output", user()) == []


def test_name_longer_than_32_in_request(strict_spec):
    body = {"AccessToken": "t", "UserAttributes": [{"Name": "a"} for _ in range(3)]}
    body["UserAttributes"].append({"Name": "n" * 33, "Value": "v"})
    (v,) = strict_spec.validate("UpdateUserAttributes", "input", body)
    assert (v.path, v.rule) == ("$.UserAttributes[3].Name", "max-length")
    assert str(v) == "$.UserAttributes[3].Name: longer than 32 characters (maximum 32, got 33)"


def test_value_longer_than_2048_in_response(strict_spec):
    body = {"Username": "a", "UserAttributes": [{"Name": "x", "Value": "v" * 2049}]}
    assert rules(strict_spec.validate("GetUser", "output", body)) == {
        ("$.UserAttributes[0].Value", "max-length")
    }
    body["UserAttributes"][0]["Value"] = "v" * 2048
    assert strict_spec.validate("GetUser", "output", body) == []


@pytest.mark.parametrize("name", ["Имя", "名前", "custom:rôle", "e\u0301", "a b", "x\ty"])
def test_unicode_attribute_names_accepted(strict_spec, name):
    body = {"AccessToken": "t", "UserAttributes": [{"Name": name, "Value": "v"}]}
    assert strict_spec.validate("UpdateUserAttributes", "input", body) == []
    assert strict_spec.validate("GetUser", "output", user(UserAttributes=[{"Name": name}])) == []


@pytest.mark.parametrize("name", ["a\u0000", "a\u00a0b", "bad\u2028", "x\u200by"])
def test_names_outside_the_classes_rejected_with_the_character(strict_spec, name):
    body = {"AccessToken": "t", "UserAttributes": [{"Name": name, "Value": "v"}]}
    (v,) = strict_spec.validate("UpdateUserAttributes", "input", body)
    assert v.rule == "pattern"
    assert "is not allowed" in v.message
    assert r"[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r ]+" in v.message
    (w,) = strict_spec.validate("GetUser", "output", user(UserAttributes=[{"Name": name}]))
    assert w.rule == "pattern"


def test_ascii_word_class(strict_spec):
    # PaginationKey-like [\S]+ and client id [\w+]+ are ASCII in Java
    ok = {"ClientId": "abc123_+", "UserPoolId": "us-east-1_abc"}
    assert strict_spec.validate("DescribeUserPoolClient", "input", ok) == []
    bad = {"ClientId": "abcé", "UserPoolId": "us-east-1_abc"}
    assert rules(strict_spec.validate("DescribeUserPoolClient", "input", bad)) == {
        ("$.ClientId", "pattern")
    }


def test_anchoring(strict_spec):
    # UserPoolIdType is [\w-]+_[0-9a-zA-Z]+ : a valid id with junk around it must fail
    for pool in ("us-east-1_abc", "x_1"):
        assert strict_spec.validate("DescribeUserPool", "input", {"UserPoolId": pool}) == []
    for pool in ("us-east-1_abc!", " us-east-1_abc", "us-east-1_abc\n"):
        found = strict_spec.validate("DescribeUserPool", "input", {"UserPoolId": pool})
        assert rules(found) == {("$.UserPoolId", "pattern")}, pool


def test_empty_string_below_minimum(strict_spec):
    body = {"AccessToken": "t", "UserAttributes": [{"Name": "", "Value": "v"}]}
    (v,) = strict_spec.validate("UpdateUserAttributes", "input", body)
    assert (v.path, v.rule) == ("$.UserAttributes[0].Name", "min-length")
    assert v.message == "empty (at least 1 character)"


# -- enums, numbers, lists -------------------------------------------------------------------


def test_enum_in_both_directions(strict_spec):
    ok = {"ClientId": "c", "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {}}
    assert strict_spec.validate("InitiateAuth", "input", ok) == []
    bad = {**ok, "AuthFlow": "PASSWORD"}
    (v,) = strict_spec.validate("InitiateAuth", "input", bad)
    assert (v.path, v.rule) == ("$.AuthFlow", "enum")
    assert "USER_PASSWORD_AUTH" in v.message
    out = {"CodeDeliveryDetails": {"Destination": "a***@e***", "DeliveryMedium": "PIGEON"}}
    assert rules(strict_spec.validate("GetUserAttributeVerificationCode", "output", out)) == {
        ("$.CodeDeliveryDetails.DeliveryMedium", "enum")
    }


def test_integer_range_and_type(strict_spec):
    base = {"UserPoolId": "us-east-1_abc"}
    assert strict_spec.validate("ListUsers", "input", {**base, "Limit": 60}) == []
    assert rules(strict_spec.validate("ListUsers", "input", {**base, "Limit": 61})) == {
        ("$.Limit", "maximum")
    }
    assert rules(strict_spec.validate("ListUsers", "input", {**base, "Limit": -1})) == {
        ("$.Limit", "minimum")
    }
    assert rules(strict_spec.validate("ListUsers", "input", {**base, "Limit": "5"})) == {
        ("$.Limit", "type")
    }
    assert rules(strict_spec.validate("ListUsers", "input", {**base, "Limit": 5.5})) == {
        ("$.Limit", "type")
    }


def test_list_bounds(strict_spec):
    names = [f"custom:a{i}" for i in range(26)]
    body = {"UserPoolId": "us-east-1_abc", "CustomAttributes": [{"Name": n} for n in names]}
    assert rules(strict_spec.validate("AddCustomAttributes", "input", body)) == {
        ("$.CustomAttributes", "max-items")
    }
    body["CustomAttributes"] = []
    assert rules(strict_spec.validate("AddCustomAttributes", "input", body)) == {
        ("$.CustomAttributes", "min-items")
    }


# -- epoch timestamps ----------------------------------------------------------------------


def test_epoch_timestamps(strict_spec):
    user_type = {"Username": "a", "UserCreateDate": 1700000000.123, "Enabled": True}
    assert strict_spec.validate("ListUsers", "output", {"Users": [user_type]}) == []
    iso = {**user_type, "UserCreateDate": "2024-01-01T00:00:00Z"}
    (v,) = strict_spec.validate("ListUsers", "output", {"Users": [iso]})
    assert (v.path, v.rule) == ("$.Users[0].UserCreateDate", "type")
    assert "epoch seconds" in v.message


def test_epoch_timestamps_in_requests():
    spec = synthetic_spec()
    assert spec.validate("Put", "input", {"Choice": {"Count": 1}, "When": 1700000000}) == []
    (v,) = spec.validate("Put", "input", {"Choice": {"Count": 1}, "When": "2024-01-01"})
    assert v.rule == "type"


# -- base64 blobs ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["input", "output"])
def test_base64_blobs(kind):
    spec = synthetic_spec()
    base = {"Choice": {"Count": 1}} if kind == "input" else {}
    assert spec.validate("Put", kind, {**base, "Data": "AAEC"}) == []  # 3 bytes
    assert spec.validate("Put", kind, {**base, "Data": "AAECAw=="}) == []  # 4 bytes: maximum
    assert rules(spec.validate("Put", kind, {**base, "Data": "AAECAwQ="})) == {
        ("$.Data", "max-bytes")
    }  # 5 bytes: over, although its encoded length equals 4 bytes'
    assert rules(spec.validate("Put", kind, {**base, "Data": "not base64!"})) == {
        ("$.Data", "base64")
    }
    assert rules(spec.validate("Put", kind, {**base, "Data": ""})) == {("$.Data", "min-bytes")}


def test_base64_blob_in_the_real_model(strict_spec):
    body = {"UserPoolId": "us-east-1_abc", "ImageFile": "iVBORw0KGgo="}
    assert strict_spec.validate("SetUICustomization", "input", body) == []
    body["ImageFile"] = "iVBORw0KGgo"  # bad padding
    assert rules(strict_spec.validate("SetUICustomization", "input", body)) == {
        ("$.ImageFile", "base64")
    }


# -- unions and documents ---------------------------------------------------------------------


def test_unions_need_exactly_one_member():
    spec = synthetic_spec()
    assert spec.validate("Put", "input", {"Choice": {"Name": "ab"}}) == []
    two = spec.validate("Put", "input", {"Choice": {"Name": "ab", "Count": 1}})
    assert rules(two) == {("$.Choice", "union")}
    assert "Name" in two[0].message and "Count" in two[0].message
    assert rules(spec.validate("Put", "input", {"Choice": {}})) == {("$.Choice", "union")}
    assert rules(spec.validate("Put", "input", {"Choice": {"Other": 1}})) >= {
        ("$.Choice.Other", "unknown-member")
    }


@pytest.mark.parametrize("doc", [{"a": [1, None, {"b": True}]}, [1, 2], "text", 3.5, None, {}])
def test_documents_accept_any_json(doc):
    spec = synthetic_spec()
    assert spec.validate("Put", "input", {"Choice": {"Count": 2}, "Doc": doc}) == []


# -- maps ------------------------------------------------------------------------------------


def test_map_keys_values_and_size():
    spec = synthetic_spec()
    ok = {"Choice": {"Count": 1}, "Tags": {"ab": "x", "c_d": "yz"}}
    assert spec.validate("Put", "input", ok) == []
    assert rules(spec.validate("Put", "input", {**ok, "Tags": {"ab": "long"}})) == {
        ("$.Tags.ab", "max-length")
    }
    too_long_key = spec.validate("Put", "input", {**ok, "Tags": {"abcdef": "x"}})
    assert rules(too_long_key) == {("$.Tags", "key-max-length")}
    assert '"abcdef"' in too_long_key[0].message
    assert rules(spec.validate("Put", "input", {**ok, "Tags": {"a-b": "x"}})) == {
        ("$.Tags", "key-pattern")
    }
    assert rules(spec.validate("Put", "input", {**ok, "Tags": {"a": "1", "b": "2", "c": "3"}})) == {
        ("$.Tags", "max-entries")
    }


def test_map_values_in_the_real_model(strict_spec):
    ok = {"AccessToken": "t", "UserAttributes": [], "ClientMetadata": {"k": "v"}}
    assert strict_spec.validate("UpdateUserAttributes", "input", ok) == []
    bad = {**ok, "ClientMetadata": {"k": 1}}
    assert rules(strict_spec.validate("UpdateUserAttributes", "input", bad)) == {
        ("$.ClientMetadata.k", "type")
    }


@pytest.mark.parametrize(
    ("key", "path"), [("0", '$.ClientMetadata["0"]'), ("", '$.ClientMetadata[""]')]
)
def test_map_keys_that_look_like_indexes_or_are_empty_keep_their_path(strict_spec, key, path):
    """jsonschema-rs reports a digit key as an integer and drops an empty key: the path
    names the key the body has (found by the property tests)."""
    bad = {"AccessToken": "t", "UserAttributes": [], "ClientMetadata": {"a": "v", key: 1}}
    assert rules(strict_spec.validate("UpdateUserAttributes", "input", bad)) == {(path, "type")}


# -- nulls, unknown and missing members --------------------------------------------------------


def test_nulls_rejected_in_both_directions(strict_spec):
    body = {"AccessToken": "t", "UserAttributes": [{"Name": "email", "Value": None}]}
    (v,) = strict_spec.validate("UpdateUserAttributes", "input", body)
    assert (v.path, v.rule) == ("$.UserAttributes[0].Value", "null")
    assert rules(strict_spec.validate("GetUser", "output", user(PreferredMfaSetting=None))) == {
        ("$.PreferredMfaSetting", "null")
    }
    assert rules(strict_spec.validate("GetUser", "input", {"AccessToken": None})) == {
        ("$.AccessToken", "null")
    }


def test_unknown_members_rejected_in_both_directions(strict_spec):
    (v,) = strict_spec.validate("GetUser", "input", {"AccessToken": "t", "Accesstoken": "t"})
    assert (v.path, v.rule) == ("$.Accesstoken", "unknown-member")
    assert "AccessToken" in v.message
    found = strict_spec.validate("GetUser", "output", user(NewField=1))
    assert rules(found) == {("$.NewField", "unknown-member")}


def test_missing_required_members(strict_spec):
    assert rules(strict_spec.validate("GetUser", "input", {})) == {("$.AccessToken", "required")}
    assert rules(strict_spec.validate("GetUser", "output", {"Username": "a"})) == {
        ("$.UserAttributes", "required")
    }
    body = {"AccessToken": "t", "UserAttributes": [{"Value": "x"}]}
    assert rules(strict_spec.validate("UpdateUserAttributes", "input", body)) == {
        ("$.UserAttributes[0].Name", "required")
    }


def test_wrong_top_level_type(strict_spec):
    assert rules(strict_spec.validate("GetUser", "input", [])) == {("$", "type")}


def test_empty_output_operations(strict_spec):
    # DeleteUser models no output: only an empty object is valid
    assert strict_spec.validate("DeleteUser", "output", {}) == []
    (v,) = strict_spec.validate("DeleteUser", "output", {"x": 1})
    assert (v.path, v.rule) == ("$.x", "unknown-member")


# -- errors ------------------------------------------------------------------------------------


def test_modeled_errors(strict_spec):
    body = {"__type": "NotAuthorizedException", "message": "Access Token has expired"}
    assert strict_spec.validate("GetUser", "error", body) == []
    prefixed = {"__type": "com.amazonaws.cognito#NotAuthorizedException:http://x", "Message": "m"}
    assert strict_spec.validate("GetUser", "error", prefixed) == []


def test_errors_not_modeled_for_the_operation(strict_spec):
    # AliasExistsException belongs to UpdateUserAttributes, not to GetUser
    body = {"__type": "AliasExistsException", "message": "exists"}
    assert strict_spec.validate("UpdateUserAttributes", "error", body) == []
    (v,) = strict_spec.validate("GetUser", "error", body)
    assert (v.path, v.rule) == ("$.__type", "error-not-modeled")
    assert "GetUser" in v.message and "NotAuthorizedException" in v.message


def test_common_aws_errors_accepted_everywhere(strict_spec):
    for op in ("GetUser", "AdminGetUser", "ListUsers"):
        body = {"__type": "UnrecognizedClientException", "message": "bad token"}
        assert strict_spec.validate(op, "error", body) == []


def test_error_bodies_are_checked_too(strict_spec):
    assert rules(strict_spec.validate("GetUser", "error", {"message": "x"})) == {
        ("$.__type", "error-type")
    }
    body = {"__type": "NotAuthorizedException", "message": 3, "extra": True}
    assert rules(strict_spec.validate("GetUser", "error", body)) == {
        ("$.message", "type"),
        ("$.extra", "unknown-member"),
    }
