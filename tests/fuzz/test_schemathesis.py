"""schemathesis drives the embedded backend through the shipped hooks, within a budget.

Every operation the editor, the recorder and bulk call, with requests generated from the
compiled spec (valid and invalid ones), one at a time and in the stateful sequences of the
OpenAPI links: no 5xx, every answer inside the spec (status, output shape, modeled error
types), every invalid request refused in AWS's validation-error format. The backend is
strict, so an answer outside the spec is also caught by the backend itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, find, settings

from contracts import schemathesis_hooks as hooks
from contracts.checker.openapi import LINKS, operation_path
from tests.embedded.support import start_backend, stop_backend
from tests.fuzz.support import RAW, SCHEMA, SPEC

BOUNDED = settings(
    max_examples=4,
    derandomize=True,
    database=None,
    deadline=None,
    # Phase.explicit would add schemathesis's coverage phase, which spends minutes building
    # strategies for the Unicode classes of the model's patterns.
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
SEEN: Counter[str] = Counter()


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[Any]:
    """A backend of its own (the fuzzing edits its first demo user), signed in through the
    hooks as that user; the hooks' configuration is put back afterwards."""
    backend = start_backend(seed="demo")
    user = backend.users[0]
    hooks.HOOKS.configure(
        hooks.Target(
            endpoint=backend.endpoint_url,
            region=backend.region,
            pool_id=backend.user_pool_id,
            client_id=backend.client_id,
            username=user.username,
            password=user.password,
            embedded=True,
            sign=False,
        )
    )
    with requests.Session() as http:
        backend.http = http
        yield backend
    hooks.HOOKS.configure(None)
    stop_backend(backend)


def judged(case: Any, response: Any) -> None:
    operation = hooks.HOOKS.operation_of(case)
    assert operation is not None
    SEEN[f"{operation} {response.status_code}"] += 1
    problems = hooks.judge(SPEC, operation, response.request, response)
    sent = hooks.HOOKS.redact(repr(response.request.body))
    assert problems == [], f"{operation}: {problems}\nsent {sent}"


@SCHEMA.parametrize()
@BOUNDED
def test_single_requests(case: Any, fuzzed: Any) -> None:
    response = case.call(base_url=fuzzed.endpoint_url, session=fuzzed.http)
    judged(case, response)


def test_schemathesis_reads_every_link() -> None:
    assert SCHEMA.statistic.transitions.total == sum(len(t) for t in LINKS.values())


def test_stateful_sequences(fuzzed: Any) -> None:
    class Sequences(SCHEMA.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": fuzzed.endpoint_url, "session": fuzzed.http}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            judged(case, response)

    before = sum(SEEN.values())
    Sequences.run(
        settings=settings(
            max_examples=6,
            stateful_step_count=6,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert sum(SEEN.values()) > before


def test_the_hooks_reached_the_logic_behind_sign_in(fuzzed: Any) -> None:
    """Generated requests get past the token check and the lookups: they succeed."""
    for operation in ("GetUser", "AdminGetUser", "DescribeUserPool", "ListUsers"):
        strategy = SCHEMA[operation_path(SPEC, operation)]["POST"].as_strategy()
        case = find(
            strategy, lambda case: case.body.get("PaginationToken") is None, settings=BOUNDED
        )
        response = case.call(base_url=fuzzed.endpoint_url, session=fuzzed.http)
        judged(case, response)
        assert response.status_code == 200, (operation, response.content)


def test_the_user_chain_reaches_verify_user_attribute(fuzzed: Any) -> None:
    """The deepest link answers 200: GetUser -> GetUserAttributeVerificationCode for the
    email -> VerifyUserAttribute with the code the backend delivered (read by the hooks
    from its outbox)."""
    chain = schemathesis.openapi.from_dict(RAW).include(
        operation_id=["GetUser", "GetUserAttributeVerificationCode", "VerifyUserAttribute"]
    )
    reached: Counter[str] = Counter()

    class Chain(chain.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": fuzzed.endpoint_url, "session": fuzzed.http}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            judged(case, response)
            reached[f"{hooks.HOOKS.operation_of(case)} {response.status_code}"] += 1

    Chain.run(
        settings=settings(
            max_examples=8,
            stateful_step_count=6,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert reached["GetUserAttributeVerificationCode 200"] > 0, reached
    assert reached["VerifyUserAttribute 200"] > 0, reached
