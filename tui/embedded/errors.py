"""Errors the embedded backend answers with, in the awsJson 1.1 shape Cognito uses.

Every failure a handler wants to report is raised as `CognitoError`; the middleware turns
it into `{"__type": ..., "message": ...}` with the HTTP status AWS uses, so handlers never
build responses by hand and cannot forget the error body's wire rules.
"""

from __future__ import annotations

from typing import Any


class CognitoError(Exception):
    """A modeled (or common AWS) error: its `__type`, a human message and the HTTP status."""

    def __init__(self, error_type: str, message: str | None = None, status: int = 400) -> None:
        super().__init__(f"{error_type}: {message or ''}")
        self.error_type = error_type
        self.message = message
        self.status = status

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"__type": self.error_type}
        if self.message is not None:
            out["message"] = self.message
        return out


def invalid_parameter(message: str) -> CognitoError:
    return CognitoError("InvalidParameterException", message)


def not_authorized(message: str) -> CognitoError:
    return CognitoError("NotAuthorizedException", message)


def resource_not_found(message: str) -> CognitoError:
    return CognitoError("ResourceNotFoundException", message)


def user_not_found() -> CognitoError:
    return CognitoError("UserNotFoundException", "User does not exist.")


def code_mismatch(
    message: str = "Invalid verification code provided, please try again.",
) -> CognitoError:
    return CognitoError("CodeMismatchException", message)


def expired_code() -> CognitoError:
    return CognitoError(
        "ExpiredCodeException", "Invalid code provided, please request a code again."
    )


def serialization() -> CognitoError:
    """AWS's JSON front end answers a body it cannot read into the input shape like this,
    without a message."""
    return CognitoError("SerializationException")


def internal_error(message: str = "Internal server error.") -> CognitoError:
    return CognitoError("InternalErrorException", message, status=500)
