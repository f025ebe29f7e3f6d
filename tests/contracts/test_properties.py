"""Property tests: bodies generated from the compiled schemas are accepted; every single
mutation of one (wrong type, missing required, unknown member, bad enum, too long) is
rejected with the matching rule at the mutated path."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.checker.spec import Spec
from contracts.checker.violations import json_path
from tests.contracts.strategies import Strategies, mutations

SPEC = Spec.load(allowlist=None)
GEN = Strategies(SPEC)
# The attribute work the product does, plus a spread of the rest of the model.
FOCUS = [
    "GetUser",
    "UpdateUserAttributes",
    "DeleteUserAttributes",
    "GetUserAttributeVerificationCode",
    "VerifyUserAttribute",
    "InitiateAuth",
    "RespondToAuthChallenge",
    "DescribeUserPool",
    "ListUsers",
    "AdminGetUser",
    "AdminUpdateUserAttributes",
    "AdminDeleteUserAttributes",
]
ALL = sorted(SPEC.operations)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def roots(operations):
    return st.sampled_from([(op, kind) for op in operations for kind in ("input", "output")])


def body_for(root):
    op, kind = root
    return GEN.body(op, kind).map(lambda body: (op, kind, body))


@SETTINGS
@given(roots(FOCUS).flatmap(body_for))
def test_generated_attribute_bodies_are_valid(case):
    op, kind, body = case
    assert SPEC.validate(op, kind, body) == [], body


@SETTINGS
@given(roots(ALL).flatmap(body_for))
def test_generated_bodies_of_every_operation_are_valid(case):
    op, kind, body = case
    assert SPEC.validate(op, kind, body) == [], body


@SETTINGS
@given(st.sampled_from(FOCUS).flatmap(lambda op: GEN.error(op).map(lambda b: (op, b))))
def test_generated_error_bodies_are_valid(case):
    op, body = case
    assert SPEC.validate(op, "error", body) == [], body


@SETTINGS
@given(roots(FOCUS + ALL).flatmap(body_for), st.data())
def test_single_mutations_are_rejected(case, data):
    op, kind, body = case
    shape = SPEC.root_shape(op, kind)
    options = mutations(SPEC, shape, body) if shape else []
    if not options:
        return
    rule, path, mutated = data.draw(st.sampled_from(options))
    found = {(v.path, v.rule) for v in SPEC.validate(op, kind, mutated)}
    assert (json_path(path), rule) in found, (rule, path, found)
