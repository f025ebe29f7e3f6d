"""The WSGI middleware in front of moto: one Cognito request, start to finish.

    POST / with X-Amz-Target: AWSCognitoIdentityProviderService.<Op>
      1. throttling (ratelimit.py)
      2. validation against the spec, answered in AWS's words (validation.py)
      3. the access token, when the operation takes one (expiry by the backend clock)
      4. the embedded implementation where moto diverges (registry.HANDLERS), else moto
      5. the answer cleaned of what moto adds outside the model (nulls, unknown members)
         and, in strict mode, checked against the spec; violations are collected

Requests without a Cognito target (moto's JWKS and OpenID endpoints) go to moto as they
are. `/_embedded/...` control endpoints serve the outbox, the clock, the rate limits and
the connection info to other processes; a request carrying an X-Amz-Target never reaches
them, so no Cognito call can move the clock or read codes. A remote-like backend serves only
`info` among them (server.py).
"""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.utils import camelcase_to_underscores, method_names_from_class
from werkzeug.http import HTTP_STATUS_CODES

from contracts.checker.spec import normalise_error_type
from tui.embedded import attributes, auth, listing, mfa, pools, users, verification  # noqa: F401
from tui.embedded.context import REQUEST_ID, Context
from tui.embedded.errors import CognitoError, internal_error, serialization
from tui.embedded.outbox import Delivery
from tui.embedded.ratelimit import ALL, RateLimiter
from tui.embedded.registry import HANDLERS, Call
from tui.embedded.validation import RequestValidator, prune

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
CONTROL_PREFIX = "/_embedded/"


def moto_operations(operations: Iterable[str]) -> set[str]:
    """The spec operations moto's Cognito responses class implements."""
    methods = set(method_names_from_class(CognitoIdpResponse))
    return {op for op in operations if camelcase_to_underscores(op) in methods}


class EmbeddedApp:
    def __init__(
        self,
        ctx: Context,
        limiter: RateLimiter,
        *,
        strict: bool,
        info: Callable[[], dict[str, Any]],
        control: frozenset[str] | None = None,
        on_refused: Callable[[str], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self.spec = ctx.spec
        self.limiter = limiter
        self.strict = strict
        self.info = info
        # the control endpoints served (None: all); a remote-like backend keeps only `info`
        self.control_allowed = control
        self.on_refused = on_refused
        self.validator = RequestValidator(ctx.spec)
        self.moto_ops = moto_operations(ctx.spec.operations)
        self.served = (self.moto_ops | set(HANDLERS)) & set(ctx.spec.operations)
        self.token_ops = {
            name
            for name, op in ctx.spec.operations.items()
            if op.input and "AccessToken" in ctx.spec.defs[op.input].get("properties", {})
        }
        self.spec_violations: list[str] = []

    # -- WSGI ------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target is not None:
            status, headers, body = self.cognito(environ, path, target)
        elif path.startswith(CONTROL_PREFIX):
            status, headers, body = self.control(environ, path[len(CONTROL_PREFIX) :])
        elif _is_sts_identity(environ):
            status, headers, body = self.caller_identity(environ)
        else:
            answer: Iterable[bytes] = self.ctx.moto_app(environ, start_response)
            return answer
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]

    # -- Cognito ---------------------------------------------------------------------------

    def cognito(
        self, environ: dict[str, Any], path: str, target: str
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        prefix, _, operation = target.partition(".")
        kind, payload, code = "output", {}, 200
        request_id = environ[REQUEST_ID] = str(uuid.uuid4())
        try:
            if (
                environ.get("REQUEST_METHOD") != "POST"
                or path != "/"
                or (prefix != self.spec.target_prefix or operation not in self.spec.operations)
            ):
                operation = ""
                raise CognitoError("UnknownOperationException", f"Unknown operation {target}")
            if not self.limiter.allow(operation):
                raise self.throttled(operation)
            payload = self.handle(environ, operation)
        except CognitoError as error:
            kind, payload, code = "error", error.body(), error.status
        except Exception as error:  # a crash must still answer like AWS, never hang
            log.error("embedded Cognito: %s failed: %s", operation, type(error).__name__)
            self.note(operation, f"internal error ({type(error).__name__})")
            failure = internal_error()
            kind, payload, code = "error", failure.body(), failure.status
        if operation:
            payload = self.clean(operation, kind, payload)
            if self.strict:
                # the spec applies the project's reviewed allow-list itself
                for v in self.spec.validate(operation, kind, payload):
                    self.note(operation, f"{kind} {v.path}: {v.message} [{v.rule}]")
        body = json.dumps(payload).encode()
        headers = [
            ("Content-Type", self.spec.media_type),
            ("x-amzn-RequestId", request_id),
        ]
        if kind == "error":
            headers.append(("x-amzn-ErrorType", str(payload.get("__type", ""))))
        return f"{code} {HTTP_STATUS_CODES.get(code, 'Error')}", headers, body

    def throttled(self, operation: str) -> CognitoError:
        """Cognito's throttling error where the operation models it; elsewhere the AWS
        front end's ThrottlingException (both are retried by botocore)."""
        name = "TooManyRequestsException"
        if name not in self.spec.operation(operation).errors:
            name = "ThrottlingException"
        return CognitoError(name, "Rate exceeded")

    def handle(self, environ: dict[str, Any], operation: str) -> dict[str, Any]:
        try:
            raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            body = json.loads(raw or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise serialization() from None
        body = self.validator.check(operation, body)
        with self.ctx.lock:
            call = Call(operation, body, environ, self.ctx)
            if operation in self.token_ops and body.get("AccessToken"):
                call.token = self.ctx.authenticate(body["AccessToken"], operation)
            handler = HANDLERS.get(operation)
            if handler is not None:
                return handler(call)
            if operation in self.moto_ops:
                return call.moto()
        raise CognitoError(
            "UnknownOperationException",
            f"{operation} is not implemented by the embedded Cognito backend.",
        )

    def clean(self, operation: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Drop what moto adds outside the model (nulls, members AWS does not send)."""
        if kind == "output":
            return dict(prune(self.spec, self.spec.root_shape(operation, "output"), payload))
        name = normalise_error_type(str(payload.get("__type", "")))
        shape = self.spec.root_shape(operation, "error", name)
        return dict(prune(self.spec, shape, payload)) if shape else payload

    def note(self, operation: str, text: str) -> None:
        self.spec_violations.append(f"{operation or '(no operation)'}: {text}")

    # -- control endpoints -----------------------------------------------------------------

    def caller_identity(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        """Any credentials are accepted, as for the admin calls; the answer names the
        backend's account and the access key's id."""
        header = environ.get("HTTP_AUTHORIZATION") or ""
        key = header.split("Credential=", 1)[1].split("/", 1)[0] if "Credential=" in header else "?"
        account = self.ctx.account_id
        body = (
            '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            "<GetCallerIdentityResult>"
            f"<Arn>arn:aws:iam::{account}:user/embedded-admin</Arn>"
            f"<UserId>{escape(key)}</UserId><Account>{account}</Account>"
            "</GetCallerIdentityResult>"
            f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
            "</GetCallerIdentityResponse>"
        ).encode()
        return "200 OK", [("Content-Type", "text/xml")], body

    def control(
        self, environ: dict[str, Any], name: str
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        method = environ.get("REQUEST_METHOD")
        if self.control_allowed is not None and name not in self.control_allowed:
            if self.on_refused is not None:
                self.on_refused(name)
            return _json_response(
                "404 Not Found",
                {"error": f"no control endpoint {name}: this backend is remote-like"},
            )
        try:
            if name == "outbox" and method == "GET":
                result: Any = _outbox_listing(self.ctx.outbox.items(), environ)
            elif name == "info" and method == "GET":
                result = self.info()
            elif name == "clock" and method == "POST":
                request = _json_body(environ)
                offset = self.ctx.clock.advance(float(request["advance"]))
                result = {"offset": offset, "now": self.ctx.clock.now()}
            elif name == "rate-limit" and method == "POST":
                request = _json_body(environ)
                per_second = request.get("per_second")
                category = request.get("category") or ALL
                self.limiter.set(category, None if per_second is None else float(per_second))
                result = {"limits": self.limiter.limits()}
            else:
                return _json_response("404 Not Found", {"error": f"no control endpoint {name}"})
        except (KeyError, TypeError, ValueError) as error:
            return _json_response("400 Bad Request", {"error": str(error)})
        return _json_response("200 OK", result)


def _outbox_listing(deliveries: list[Delivery], environ: dict[str, Any]) -> list[dict[str, Any]]:
    """The outbox, oldest first; `?username=&attribute=` keep only those deliveries and
    `?last=N` the newest N of them (a fuzzer reading one code per request would otherwise
    fetch the whole, ever longer, list each time)."""
    query = parse_qs(environ.get("QUERY_STRING") or "")
    for key in ("username", "attribute"):
        if key in query:
            wanted = query[key][-1]
            deliveries = [d for d in deliveries if getattr(d, key) == wanted]
    if "last" in query:
        last = int(query["last"][-1])
        if last < 0:
            raise ValueError("last must be 0 or more")
        deliveries = deliveries[len(deliveries) - last :] if last else []
    return [d.as_dict() for d in deliveries]


def _is_sts_identity(environ: dict[str, Any]) -> bool:
    """STS GetCallerIdentity (query protocol), which the editor's admin mode calls to check
    an identity before using it. Peeks at the form body and leaves it readable."""
    if environ.get("REQUEST_METHOD") != "POST":
        return False
    if "x-www-form-urlencoded" not in (environ.get("CONTENT_TYPE") or ""):
        return False
    raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    environ["wsgi.input"] = io.BytesIO(raw)
    return b"Action=GetCallerIdentity" in raw


def _json_body(environ: dict[str, Any]) -> dict[str, Any]:
    raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    data = json.loads(raw or b"{}")
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data


def _json_response(status: str, data: Any) -> tuple[str, list[tuple[str, str]], bytes]:
    return status, [("Content-Type", "application/json")], json.dumps(data).encode()
