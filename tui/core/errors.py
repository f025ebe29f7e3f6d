"""Errors as values a person can act on.

Every botocore failure of a Cognito call becomes a `CognitoError`: the error code, what
Cognito said, a plain description taken from the model's documentation of that error, and
advice from `data/error_advice.toml` (whose list of errors is checked against the model).
Network failures become the same type with a code of their own, so the UI has one shape to
show and nothing crashes a worker.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ADVICE_FILE = Path(__file__).parent / "data" / "error_advice.toml"

# Failures that never reached Cognito (or never came back). Not in the model: they are
# botocore's, so their wording lives here.
NETWORK_ERROR = "NetworkError"
TIMEOUT_ERROR = "TimeoutError"
CREDENTIALS_ERROR = "CredentialsError"
VALIDATION_ERROR = "LocalValidationError"
_LOCAL = {
    NETWORK_ERROR: (
        "Could not reach Cognito.",
        "Check the network, the region and the endpoint URL; your edits are kept.",
    ),
    TIMEOUT_ERROR: (
        "Cognito did not answer in time.",
        "Try again; your edits are kept. The change may or may not have been applied: reload "
        "to see.",
    ),
    CREDENTIALS_ERROR: (
        "No usable AWS credentials for an admin call.",
        "Choose a profile with --profile, or set the AWS_* variables, then try again.",
    ),
    VALIDATION_ERROR: (
        "The request was not sent: a value breaks the service model.",
        "Correct the value shown and save again.",
    ),
}
_PREFIXES = re.compile(
    r"^(this exception is (thrown?|returned) (when|if)|exception that is thrown when|"
    r"the message returned when)\s+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Advice:
    text: dict[str, str]
    retry: frozenset[str]
    sign_in: frozenset[str]


@functools.cache
def is_throttling(code: str) -> bool:
    """Whether an error code means "slow down", as botocore's standard retry mode judges
    it (TooManyRequestsException, the front end's ThrottlingException, ...)."""
    from botocore.retries.standard import RetryContext, ThrottledRetryableChecker

    context = RetryContext(attempt_number=1, parsed_response={"Error": {"Code": code}})
    return bool(ThrottledRetryableChecker().is_retryable(context))


@functools.cache
def advice() -> Advice:
    with open(ADVICE_FILE, "rb") as fh:
        data = tomllib.load(fh)
    return Advice(
        text=dict(data["advice"]),
        retry=frozenset(data["retry"]["errors"]),
        sign_in=frozenset(data["sign_in"]["errors"]),
    )


@functools.cache
def describe(code: str) -> str:
    """The model's own description of an error, as a sentence about what happened."""
    if code in _LOCAL:
        return _LOCAL[code][0]
    from contracts.checker.spec import default_spec

    node = default_spec().defs.get(code, {})
    doc = str(node.get("x-doc", "")).split(". ")[0].rstrip(".")
    if not doc:
        return f"Cognito answered {code}."
    doc = _PREFIXES.sub("", doc)
    return doc[:1].upper() + doc[1:] + "."


class CognitoError(Exception):
    """A failed call, as a value: code, Cognito's message, description and advice."""

    def __init__(
        self,
        code: str,
        message: str = "",
        operation: str = "",
        status: int | None = None,
        retries: int = 0,
        violations: list[Any] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.aws_message = message
        self.operation = operation
        self.status = status
        self.retries = retries
        self.violations = list(violations or [])

    @property
    def description(self) -> str:
        return describe(self.code)

    @property
    def action(self) -> str:
        if self.code in _LOCAL:
            return _LOCAL[self.code][1]
        return advice().text.get(self.code, "Read the detail below; your edits are kept.")

    @property
    def retryable(self) -> bool:
        return self.code in advice().retry or self.code in (NETWORK_ERROR, TIMEOUT_ERROR)

    @property
    def needs_sign_in(self) -> bool:
        """The token is expired or revoked: signing in again and repeating the call cures it."""
        if self.code not in advice().sign_in:
            return False
        if self.code != "NotAuthorizedException":
            return True
        text = self.aws_message.lower()
        return "token" in text and ("expired" in text or "revoked" in text)

    def brief(self) -> str:
        """One line for a status line: Cognito's words for this call (more specific than
        the model's description of the error), then the code."""
        return f"{self.aws_message or self.description} ({self.code})"

    def human(self) -> str:
        """One paragraph: what happened, what Cognito said, what to do."""
        parts = [self.description]
        if self.aws_message and self.aws_message.rstrip(".") not in self.description:
            parts.append(f"Cognito said: {self.aws_message}")
        parts.append(self.action)
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"CognitoError({self.code!r}, {self.aws_message!r}, operation={self.operation!r})"


def from_botocore(exc: BaseException, operation: str = "") -> CognitoError:
    """Turn anything botocore raises into a CognitoError (never re-raise a raw exception)."""
    from botocore import exceptions as bex

    if isinstance(exc, CognitoError):
        return exc
    if isinstance(exc, bex.ClientError):
        err: dict[str, Any] = exc.response.get("Error", {})
        meta = exc.response.get("ResponseMetadata", {})
        return CognitoError(
            code=str(err.get("Code") or "UnknownError"),
            message=str(err.get("Message") or ""),
            operation=operation or getattr(exc, "operation_name", ""),
            status=meta.get("HTTPStatusCode"),
            retries=int(meta.get("RetryAttempts") or 0),
        )
    if isinstance(exc, bex.ParamValidationError):
        return CognitoError(VALIDATION_ERROR, str(exc.kwargs.get("report", exc)), operation)
    if isinstance(exc, bex.NoCredentialsError | bex.PartialCredentialsError | bex.ProfileNotFound):
        return CognitoError(CREDENTIALS_ERROR, str(exc), operation)
    if isinstance(exc, bex.ReadTimeoutError | bex.ConnectTimeoutError):
        return CognitoError(TIMEOUT_ERROR, str(exc), operation)
    if isinstance(
        exc, bex.EndpointConnectionError | bex.ConnectionClosedError | bex.HTTPClientError
    ):
        return CognitoError(NETWORK_ERROR, str(exc), operation)
    if isinstance(exc, bex.BotoCoreError):
        return CognitoError(NETWORK_ERROR, str(exc), operation)
    return CognitoError("UnexpectedError", f"{type(exc).__name__}: {exc}", operation)
