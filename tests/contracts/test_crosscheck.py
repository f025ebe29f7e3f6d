"""The checker and schemathesis (reading the OpenAPI rendering) give the same verdict on the
same response bodies, valid and invalid, so the two views of the spec cannot drift apart."""

from __future__ import annotations

import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.transport import Response

from contracts.checker.openapi import load_schemathesis, operation_path
from contracts.checker.spec import Spec
from tests.contracts.strategies import Strategies, mutations

SPEC = Spec.load(allowlist=None)
GEN = Strategies(SPEC)
SCHEMA = load_schemathesis(SPEC)
REQUEST = requests.Request("POST", "https://cognito-idp.us-east-1.amazonaws.com/").prepare()
MEDIA = {"content-type": ["application/x-amz-json-1.1"]}
OPERATIONS = [
    "GetUser",
    "UpdateUserAttributes",
    "GetUserAttributeVerificationCode",
    "InitiateAuth",
    "RespondToAuthChallenge",
    "DescribeUserPool",
    "ListUsers",
    "AdminGetUser",
    "DescribeUserPoolClient",
    "GetUICustomization",
    "DescribeManagedLoginBranding",
]


def schemathesis_accepts(operation: str, status: int, body: object) -> bool:
    api_op = SCHEMA[operation_path(SPEC, operation)]["POST"]
    response = Response(status, MEDIA, json.dumps(body).encode(), REQUEST, 0.0, True)
    try:
        api_op.validate_response(response)
    except BaseException as exc:  # schemathesis raises a Failure or a FailureGroup
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return False
    return True


def checker_accepts(operation: str, status: int, body: object) -> bool:
    kind = "output" if status == 200 else "error"
    return SPEC.validate(operation, kind, body) == []


def agree(operation: str, status: int, body: object) -> None:
    ours = checker_accepts(operation, status, body)
    theirs = schemathesis_accepts(operation, status, body)
    assert ours == theirs, f"checker {ours}, schemathesis {theirs}: {operation} {status} {body}"


CORPUS = [
    ("GetUser", 200, {"Username": "a", "UserAttributes": [{"Name": "Имя", "Value": "x"}]}),
    ("GetUser", 200, {"Username": "a", "UserAttributes": [{"Name": "名前"}]}),
    ("GetUser", 200, {"Username": "a", "UserAttributes": [{"Name": "x\u00a0y"}]}),
    ("GetUser", 200, {"Username": "a", "UserAttributes": [{"Name": "x\u0085"}]}),
    ("GetUser", 200, {"Username": "a", "UserAttributes": [{"Name": "e\u0301\U0001f600"}]}),
    ("GetUser", 200, {"Username": "a", "UserAttributes": [{"Name": "n" * 33}]}),
    ("GetUser", 200, {"Username": "a", "UserAttributes": [{"Name": "n", "Value": "v" * 2049}]}),
    ("GetUser", 200, {"Username": "a", "UserAttributes": [{"Name": "n", "Value": None}]}),
    ("GetUser", 200, {"Username": "a", "UserAttributes": [], "Surprise": 1}),
    ("GetUser", 200, {"Username": "a"}),
    ("ListUsers", 200, {"Users": [{"Username": "a", "UserCreateDate": 1.7e9}]}),
    ("ListUsers", 200, {"Users": [{"Username": "a", "UserCreateDate": "2024-01-01"}]}),
    ("ListUsers", 200, {"Users": [{"Username": "a", "UserStatus": "ASLEEP"}]}),
    ("GetUser", 400, {"__type": "NotAuthorizedException", "message": "expired"}),
    ("GetUser", 400, {"__type": "AliasExistsException", "message": "m"}),
    ("GetUser", 400, {"__type": "aws#UserNotFoundException:detail", "Message": "m"}),
    ("GetUser", 400, {"__type": "ThrottlingException"}),
    ("GetUser", 500, {"__type": "InternalErrorException", "message": "m"}),
    ("GetUser", 400, {"message": "no type"}),
    ("GetUser", 400, {"__type": "NotAuthorizedException", "message": 1}),
]


@pytest.mark.parametrize(("operation", "status", "body"), CORPUS)
def test_fixed_corpus(operation, status, body):
    agree(operation, status, body)


def test_corpus_has_both_verdicts():
    verdicts = {checker_accepts(op, status, body) for op, status, body in CORPUS}
    assert verdicts == {True, False}


SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@SETTINGS
@given(
    st.sampled_from(OPERATIONS).flatmap(lambda op: GEN.body(op, "output").map(lambda b: (op, b)))
)
def test_generated_outputs(case):
    op, body = case
    agree(op, 200, body)


@SETTINGS
@given(
    st.sampled_from(OPERATIONS).flatmap(lambda op: GEN.body(op, "output").map(lambda b: (op, b))),
    st.data(),
)
def test_mutated_outputs(case, data):
    op, body = case
    options = mutations(SPEC, SPEC.root_shape(op, "output"), body)
    _rule, _path, mutated = data.draw(st.sampled_from(options))
    agree(op, 200, mutated)


@SETTINGS
@given(st.sampled_from(OPERATIONS).flatmap(lambda op: GEN.error(op).map(lambda b: (op, b))))
def test_generated_errors(case):
    op, body = case
    agree(op, 400, body)
