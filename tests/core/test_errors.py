"""Every modeled error has a description (from the model) and advice (reviewed, checked
against the model's list of errors)."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.checker.model import load_service_model
from tui.core.errors import (
    ADMIN,
    BULK,
    INTERNAL_ERROR,
    NETWORK_ERROR,
    SIGNIN,
    TIMEOUT_ERROR,
    VALIDATION_ERROR,
    CognitoError,
    advice,
    describe,
    from_botocore,
)


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


# -- who said it -------------------------------------------------------------------------


def client_error(code: str, message: str, status: int | None) -> Exception:
    from botocore.exceptions import ClientError

    response: dict[str, Any] = {"Error": {"Code": code, "Message": message}}
    if status is not None:
        response["ResponseMetadata"] = {"HTTPStatusCode": status}
    return ClientError(response, "InitiateAuth")  # type: ignore[arg-type]


def test_cognito_said_only_before_an_answer_from_the_service():
    answered = from_botocore(client_error("NotAuthorizedException", "Incorrect password.", 400))
    assert answered.source == "cognito"
    assert "Cognito said: Incorrect password." in answered.human()
    unanswered = from_botocore(client_error("NotAuthorizedException", "Incorrect password.", None))
    assert "Cognito said" not in unanswered.human()


def test_botocore_errors_in_their_own_words_with_the_whole_url():
    from botocore import exceptions as bex

    for exc in (
        bex.EndpointConnectionError(endpoint_url="http://127.0.0.1:9/"),
        bex.NoCredentialsError(),
        bex.ParamValidationError(report="Invalid length for parameter Username"),
    ):
        text = from_botocore(exc).human()
        assert "Cognito said" not in text, text
        assert str(exc) in text or "Invalid length for parameter Username" in text, text
    text = from_botocore(bex.EndpointConnectionError(endpoint_url="http://127.0.0.1:9/")).human()
    assert 'botocore said: Could not connect to the endpoint URL: "http://127.0.0.1:9/"' in text


def test_an_unexpected_exception_is_an_internal_error_with_its_traceback_in_the_log(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    from tests.fakes import fake_jwt

    token = fake_jwt({"alg": "HS256"}, {"sub": "1"}, b"signaturesignature")
    try:
        raise IndexError(f"list index out of range near {token}")
    except IndexError as exc:
        error = from_botocore(exc, "sign-in")
    text = error.human()
    assert "Cognito" not in text.split(".")[0] and "Cognito said" not in text
    assert "IndexError" not in text and "Internal error" in text
    log = tmp_path / "cognito-tui" / "cognito-tui.log"
    assert str(log) in text or "cognito-tui.log" in text
    written = log.read_text()
    assert log.stat().st_mode & 0o077 == 0  # its owner's alone, on a shared host
    assert "IndexError" in written and "Traceback" in written
    assert token not in written  # never a secret in the log


def test_advice_fits_the_place():
    editor_words = ("save again", "reload", "edits are kept", "keeps your edits", "your edits")
    codes = [*sorted(advice().text), NETWORK_ERROR, TIMEOUT_ERROR, VALIDATION_ERROR]
    codes.append(INTERNAL_ERROR)
    for code in codes:
        bulk = CognitoError(code, "x", status=400).human(BULK).lower()
        assert not any(w in bulk for w in editor_words), (code, bulk)
        for place in (ADMIN, SIGNIN):
            text = CognitoError(code, "x", status=400).human(place).lower()
            assert not any(w in text for w in ("save again", "edits are kept", "your edits")), (
                code,
                place,
            )


def test_a_malformed_pool_id_is_refused_before_srp_in_our_own_words():
    from tui.core.auth import Authenticator
    from tui.core.connection import Connection, ConnectionSettings

    connection = Connection(
        ConnectionSettings(region="eu-west-1", endpoint_url="http://127.0.0.1:9"),
        credentials=("AKIDTEST", "not-a-secret"),
    )
    auth = Authenticator(connection, "eu-west-1-no-underscore", "client1")
    with pytest.raises(CognitoError) as caught:
        auth.sign_in_srp("ada", "Passw0rd!")
    text = caught.value.human()
    assert caught.value.source == "validation"
    assert "eu-west-1-no-underscore" in text and "REGION_ID" in text
    assert "Cognito said" not in text and "IndexError" not in text
