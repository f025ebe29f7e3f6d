"""Errors as values a person can act on.

Every botocore failure of a Cognito call becomes a `CognitoError`: the error code, what
Cognito said, a plain description taken from the model's documentation of that error, and
advice from `data/error_advice.toml` (whose list of errors is checked against the model).
Network failures become the same type with a code of their own, so the UI has one shape to
show and nothing crashes a worker.

Every error also says who said it (`source`): Cognito itself (a ClientError that carries
the HTTP status of the service's answer), botocore (connection, endpoint, credentials, its
own parameter checks), our own validation, or our own bug ("internal": the traceback goes
to the log file, never to the screen as anyone's words). Advice fits the place the error
is shown in: the editor, the `bulk apply` command, or the admin screens.
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
FILE_ERROR = "LocalFileError"
INPUT_ERROR = "LocalInputError"
INTERNAL_ERROR = "UnexpectedError"

# Where an error is shown: the advice differs (a bulk run has no "save", the admin lists
# have no edits to keep).
EDITOR, BULK, ADMIN, SIGNIN = "editor", "bulk", "admin", "signin"
PLACES = (EDITOR, BULK, ADMIN, SIGNIN)

# Who said what an error carries as its message, as the first words before it.
SAID_BY = {
    "cognito": "Cognito said",
    "network": "botocore said",
    "credentials": "botocore said",
    "validation": "Our check found",
    "file": "The system said",
    "local": "",  # our own words: shown as they are
    "internal": "",
}
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
        "Correct the value named above and try again; your edits are kept.",
    ),
    FILE_ERROR: (
        "A local file could not be read or written.",
        "Check the path, its folder and their permissions, then try again.",
    ),
    INPUT_ERROR: (
        "The input cannot be used.",
        "Correct what the message names, then try again.",
    ),
    INTERNAL_ERROR: (
        "Internal error in cognito-tui.",
        "This is a bug, not Cognito's answer: your edits are kept; quit and start again if "
        "the screen misbehaves.",
    ),
}
_SOURCE = {
    NETWORK_ERROR: "network",
    TIMEOUT_ERROR: "network",
    CREDENTIALS_ERROR: "credentials",
    VALIDATION_ERROR: "validation",
    FILE_ERROR: "file",
    INPUT_ERROR: "local",  # its message is whole, in our words (InputProblem)
    INTERNAL_ERROR: "internal",
}
# The local errors' advice where the editor's words would not fit.
_LOCAL_PLACES = {
    (NETWORK_ERROR, BULK): "Check the network, the region and the endpoint URL, then run the "
    "same command again: finished rows are not sent twice.",
    (NETWORK_ERROR, ADMIN): "Check the network, the region and the endpoint URL, then reload (r).",
    (TIMEOUT_ERROR, BULK): "Run the same command again: the journal checks whether the call "
    "in flight was applied before sending it again.",
    (TIMEOUT_ERROR, ADMIN): "Try again (r reloads).",
    (VALIDATION_ERROR, BULK): "Correct the value in the file and run the command again.",
    (VALIDATION_ERROR, ADMIN): "Correct the value and try again.",
    (INTERNAL_ERROR, BULK): "This is a bug, not Cognito's answer: run the same command again; "
    "finished rows are not sent twice.",
    (INTERNAL_ERROR, ADMIN): "This is a bug, not Cognito's answer: try again, or quit and "
    "start again.",
    (NETWORK_ERROR, SIGNIN): "Check the network, the region and the endpoint URL "
    "(--endpoint-url), then sign in again.",
    (TIMEOUT_ERROR, SIGNIN): "Try to sign in again.",
    (VALIDATION_ERROR, SIGNIN): "Correct the value named above, then sign in again.",
    (INTERNAL_ERROR, SIGNIN): "This is a bug, not Cognito's answer: try again, or quit and "
    "start again.",
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
    # place -> code -> advice, where the editor's words do not fit that place
    places: dict[str, dict[str, str]]

    def for_place(self, code: str, place: str = EDITOR) -> str | None:
        return self.places.get(place, {}).get(code) or self.text.get(code)


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
        places={place: dict(data.get(place, {})) for place in (BULK, ADMIN, SIGNIN)},
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
        source: str | None = None,
    ) -> None:
        """`source`: who said `message` (see SAID_BY). By default: Cognito when the error
        carries the HTTP status of the service's answer, the local kind for the local
        codes, and our own words otherwise (an error this program raised itself)."""
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.aws_message = message
        self.operation = operation
        self.status = status
        self.retries = retries
        self.violations = list(violations or [])
        if source is None:
            source = _SOURCE.get(code) or ("cognito" if status is not None else "local")
        self.source = source
        self.log_file: str | None = None  # where the traceback of an internal error went

    @property
    def description(self) -> str:
        if self.source == "internal" and self.log_file:
            return f"Internal error in cognito-tui (details in {self.log_file})."
        return describe(self.code)

    @property
    def action(self) -> str:
        return self.action_for(EDITOR)

    def action_for(self, place: str = EDITOR) -> str:
        """What to do, in the words of the place the error is shown in."""
        if self.code in _LOCAL:
            return _LOCAL_PLACES.get((self.code, place)) or _LOCAL[self.code][1]
        found = advice().for_place(self.code, place)
        if found:
            return found
        return {
            BULK: "Read the reason; correct the file or the pool, then run the same command again.",
            ADMIN: "Read the detail; try again once it is fixed.",
            SIGNIN: "Read the detail, then try to sign in again.",
        }.get(place, "Read the detail; your edits are kept.")

    @property
    def said(self) -> str:
        """Who said the message, and the message: "Cognito said: ..." only for an answer
        that came from the service; an internal error's message stays in the log."""
        if self.source == "internal" or not self.aws_message:
            return ""
        who = SAID_BY.get(self.source, "")
        return f"{who}: {self.aws_message}" if who else self.aws_message

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
        """A short line: the words of whoever answered for this call (more specific than
        the model's description of the error), then the code."""
        if self.source == "internal":
            return self.description
        return f"{self.said or self.description} ({self.code})"

    def human(self, place: str = EDITOR) -> str:
        """One paragraph: what happened, who said what, what to do (for `place`)."""
        parts = [self.description]
        if self.aws_message and self.aws_message.rstrip(".") not in self.description:
            said = self.said
            if said:
                parts.append(said if said.endswith((".", "!", "?")) else said + ".")
        parts.append(self.action_for(place))
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"CognitoError({self.code!r}, {self.aws_message!r}, operation={self.operation!r})"


def from_botocore(exc: BaseException, operation: str = "") -> CognitoError:
    """Turn anything botocore raises into a CognitoError (never re-raise a raw exception)."""
    from botocore import exceptions as bex

    if isinstance(exc, CognitoError):
        return exc
    if isinstance(exc, bex.ClientError):
        err = exc.response.get("Error", {})
        meta = exc.response.get("ResponseMetadata", {})
        status = meta.get("HTTPStatusCode")
        return CognitoError(
            code=str(err.get("Code") or "UnknownError"),
            message=str(err.get("Message") or ""),
            operation=operation or getattr(exc, "operation_name", ""),
            status=status,
            retries=int(meta.get("RetryAttempts") or 0),
            # a ClientError without the status of an HTTP answer did not come from Cognito
            source="cognito" if status is not None else "network",
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
    if isinstance(exc, LocalProblem):
        return CognitoError(VALIDATION_ERROR, str(exc), operation)
    if isinstance(exc, InputProblem):
        return CognitoError(INPUT_ERROR, str(exc), operation)
    if isinstance(exc, OSError):  # a file of ours (export, journal): the system's words
        return CognitoError(FILE_ERROR, str(exc), operation)
    # Our own bug (or a library's): never shown as anyone's answer. One line on screen, the
    # traceback in the log file.
    from tui.core.logfile import log_exception

    error = CognitoError(INTERNAL_ERROR, f"{type(exc).__name__}: {exc}", operation)
    error.log_file = log_exception(exc, operation)
    return error


class LocalProblem(ValueError):
    """A value our own checks refuse before anything is sent (shown as our validation's
    words, never as Cognito's)."""


class InputProblem(Exception):
    """A file or setting given to us cannot be used at all (a CSV, a bulk journal): the
    message says what is wrong and is shown as it is."""
