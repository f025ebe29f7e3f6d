"""Every modeled error has a description (from the model) and advice (reviewed, checked
against the model's list of errors)."""

from __future__ import annotations

from contracts.checker.model import load_service_model
from tui.core.errors import NETWORK_ERROR, CognitoError, advice, describe


def model_errors() -> set[str]:
    model = load_service_model()
    return {e["shape"] for op in model["operations"].values() for e in op.get("errors", [])}


def test_advice_covers_exactly_the_modeled_errors():
    known = model_errors()
    written = set(advice().text)
    assert known - written == set(), "errors the model gained: add advice for them"
    assert written - known == set(), "advice for errors the model no longer has"
    assert advice().retry <= known and advice().sign_in <= known


def test_descriptions_come_from_the_model():
    for code in model_errors():
        text = describe(code)
        assert text.endswith(".") and not text.lower().startswith("this exception"), code
    assert describe("NotAuthorizedException") == "A user isn't authorized."


def test_human_message_has_what_happened_what_cognito_said_and_what_to_do():
    err = CognitoError("AliasExistsException", "An account with the given email already exists.")
    text = err.human()
    assert "already exists" in text and "choose another value" in text
    assert not err.retryable and not err.needs_sign_in


def test_expired_and_revoked_tokens_need_a_sign_in_other_refusals_do_not():
    assert CognitoError("NotAuthorizedException", "Access Token has expired").needs_sign_in
    assert CognitoError("NotAuthorizedException", "Access Token has been revoked").needs_sign_in
    assert not CognitoError(
        "NotAuthorizedException", "Incorrect username or password."
    ).needs_sign_in


def test_throttling_and_network_errors_are_retryable():
    assert CognitoError("TooManyRequestsException").retryable
    assert CognitoError(NETWORK_ERROR).retryable
    assert "Could not reach Cognito" in CognitoError(NETWORK_ERROR, "refused").human()
