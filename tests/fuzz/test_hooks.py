"""The shipped hooks' own decisions: what they sign, what they fill, what they leave."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from contracts import schemathesis_hooks as hooks
from contracts.checker.openapi import (
    GENERATED_MAX_LENGTH,
    GENERATED_MAX_PATTERN_LENGTH,
    MODEL_MAX_LENGTH,
    operation_path,
)
from tests.fuzz.support import SCHEMA, SPEC

POOL = "us-east-1_realpool"


@pytest.fixture
def signer(monkeypatch, tmp_path) -> hooks.Hooks:
    """Hooks of their own with IAM credentials from the environment (no sign-in user: the
    token members are left alone)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-example")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    target = hooks.Target(endpoint="http://127.0.0.1:9", region="us-east-1", pool_id=POOL)
    return hooks.Hooks(SPEC, target)


def prepared(case: Any, hooks_: hooks.Hooks) -> tuple[requests.PreparedRequest, dict[str, Any]]:
    kwargs: dict[str, Any] = {}
    hooks_.before_call(case, kwargs)
    data = case.as_transport_kwargs(base_url="http://127.0.0.1:9")
    request = requests.Request(
        "POST", data["url"], data=data.get("data"), headers=data["headers"]
    ).prepare()
    if "auth" in kwargs:
        request = kwargs["auth"](request)
    return request, kwargs


def case_for(operation: str, body: dict[str, Any]) -> Any:
    api = SCHEMA[operation_path(SPEC, operation)]["POST"]
    return api.Case(body=body, headers={"X-Amz-Target": "wrong"}, media_type=SPEC.media_type)


def test_iam_operations_are_signed_with_sigv4(signer):
    case = case_for("AdminGetUser", {"UserPoolId": "us-east-1_x", "Username": "someone"})
    request, _ = prepared(case, signer)
    authorization = request.headers["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/us-east-1/cognito-idp/aws4_request" in authorization
    assert "x-amz-target" in authorization.split("SignedHeaders=")[1]
    assert request.headers["X-Amz-Target"] == "AWSCognitoIdentityProviderService.AdminGetUser"
    assert b'"UserPoolId":"us-east-1_realpool"' in request.body


def test_unsigned_operations_carry_no_signature(signer):
    request, kwargs = prepared(case_for("GetUser", {"AccessToken": "abc"}), signer)
    assert "auth" not in kwargs and "Authorization" not in request.headers


def test_invalid_values_stay_for_the_server_to_refuse(signer):
    case = case_for("AdminGetUser", {"UserPoolId": "not a pool id!", "Username": "someone"})
    request, _ = prepared(case, signer)
    assert b'"UserPoolId":"not a pool id!"' in request.body


def test_destructive_operations_keep_their_generated_ids(signer):
    case = case_for("AdminDeleteUser", {"UserPoolId": "us-east-1_x", "Username": "someone"})
    request, _ = prepared(case, signer)
    assert b'"UserPoolId":"us-east-1_x"' in request.body


def test_admin_create_user_never_names_the_run_s_own_user(signer):
    """RESEND would give the signed-in user a new temporary password: the generated name
    stays (the real pool is still filled in)."""
    signer.target.username = "fuzz-user"
    body = {"UserPoolId": "us-east-1_x", "Username": "someone", "MessageAction": "RESEND"}
    request, _ = prepared(case_for("AdminCreateUser", body), signer)
    assert b'"Username":"someone"' in request.body
    assert b'"UserPoolId":"us-east-1_realpool"' in request.body


def test_compact_rendering_lowers_only_the_longest_limits():
    from tests.fuzz.support import RAW

    schemas = RAW["components"]["schemas"]
    assert schemas["PaginationKey"]["maxLength"] == GENERATED_MAX_PATTERN_LENGTH
    assert schemas["PaginationKey"][MODEL_MAX_LENGTH] == 131072
    assert schemas["StringType"]["maxLength"] == GENERATED_MAX_LENGTH
    # the editor's own limits are generated as they are
    assert schemas["AttributeValueType"]["maxLength"] == 2048
    assert MODEL_MAX_LENGTH not in schemas["AttributeValueType"]
    assert MODEL_MAX_LENGTH not in schemas["AttributeNameType"]


def test_a_string_generated_too_long_is_sent_just_past_the_model_s_limit(signer):
    """Generation stops at the lowered limit; what is longer than it was generated as too
    long, and reaches the server longer than the model allows (by at most the margin)."""
    long_token, short_token = "ab" * 200, "cd" * 50
    request, _ = prepared(
        case_for("ListGroups", {"UserPoolId": POOL, "NextToken": long_token}), signer
    )
    sent = json.loads(request.body)["NextToken"]
    assert 131072 < len(sent) <= 131072 + hooks.STRETCH_MARGIN
    assert set(sent) == {"a", "b"}
    request, _ = prepared(
        case_for("ListGroups", {"UserPoolId": POOL, "NextToken": short_token}), signer
    )
    assert json.loads(request.body)["NextToken"] == short_token
    metadata = {"k" * 3000: "v" * 2049, "key": "value"}
    body = {"AccessToken": "abc", "AttributeName": "email", "ClientMetadata": metadata}
    request, _ = prepared(case_for("GetUserAttributeVerificationCode", body), signer)
    sent_metadata = json.loads(request.body)["ClientMetadata"]
    assert sorted(len(k) for k in sent_metadata) == [3, 131072 + hooks.STRETCH_MARGIN]
    assert sorted(len(v) for v in sent_metadata.values()) == [5, 131073]
