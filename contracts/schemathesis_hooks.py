"""schemathesis hooks that let `st run` talk to Cognito (or anything that speaks its protocol).

    cognito-contracts spec --openapi cognito.json --links
    SCHEMATHESIS_HOOKS=contracts.schemathesis_hooks st run cognito.json --url http://127.0.0.1:PORT

On import this module registers, globally for the process:

- a serializer and a deserializer for `application/x-amz-json-1.1` (schemathesis cannot
  send or read the awsJson media type otherwise: "Serialization not possible");
- a `before_call` hook that, for every generated request of the compiled spec:
  sets `X-Amz-Target` to the operation's target; replaces the `UserPoolId`, `ClientId`,
  `Username`, `AccessToken` and `Session` members with real ones (a real sign-in with
  the configured user) whenever the generated value is a valid one, so requests reach
  the logic behind authentication and lookup, while invalid values are left for the
  server to refuse; on the embedded backend, fills `VerifyUserAttribute`'s code with the
  code it last delivered; with the compact rendering (`--compact`), stretches a string
  generated longer than its lowered limit to just past the model's own limit (`stretch`),
  so negative cases stay negative without generating 131,072 characters; and signs the
  operations the model marks as needing SigV4
  (every one not `authtype: none`) with botocore's signer when credentials are found;
- an `after_call` hook that remembers tokens the server hands out, so a stateful link that
  carries one is not overridden.

Configuration, from the environment (read when the first request is sent):

    COGNITO_ST_ENDPOINT     where to sign in (default: the run's base URL)
    COGNITO_ST_REGION       signing region (default: the pool id's region, then AWS_REGION)
    COGNITO_ST_POOL_ID      the user pool
    COGNITO_ST_CLIENT_ID    an app client that allows USER_PASSWORD_AUTH and USER_SRP_AUTH
    COGNITO_ST_USERNAME     a throw-away user of that pool ...
    COGNITO_ST_PASSWORD     ... and its password (kept in memory only)
    COGNITO_ST_CLIENT_SECRET  the app client's secret, when it has one
    AWS_PROFILE / AWS_ACCESS_KEY_ID / ...   IAM credentials, botocore's standard chain

Against `cognito-tui embedded` nothing is needed: the pool, client and first demo user
are read from the backend's `/_embedded/info` when COGNITO_ST_POOL_ID is unset, and
unsigned admin calls are accepted.

Operations that would delete, disable, sign out or lock the signed-in user or its pool
(`DESTRUCTIVE`) keep their generated identifiers, and AdminCreateUser its generated user
name (`KEPT_GENERATED`), so a run cannot destroy or lock out its own fixture.
Generated requests, and so schemathesis's failure reports, carry the real access token
and session; the password is only ever sent in the hooks' own sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import orjson

from contracts.checker.model import DEFS
from contracts.checker.openapi import COMPONENTS, MODEL_MAX_LENGTH, PATH_PREFIX
from contracts.checker.spec import Spec, default_spec

SPEC: Spec = default_spec()
MEDIA = SPEC.media_type
SERVICE = "cognito-idp"

# Members filled with real values, in this order of preference.
FILLED = ("UserPoolId", "ClientId", "Username", "AccessToken", "Session")
# Operations whose success would delete, disable, sign out or lock out the run's own user,
# app client or pool, or change how it signs in: their identifiers stay as generated.
DESTRUCTIVE = frozenset(
    {
        "AdminDeleteUser",
        "AdminDisableUser",
        "AdminResetUserPassword",
        "AdminSetUserMFAPreference",
        "AdminSetUserPassword",
        "AdminSetUserSettings",
        "AdminUserGlobalSignOut",
        "AdminLinkProviderForUser",
        "AdminDisableProviderForUser",
        "ChangePassword",
        "DeleteUser",
        "DeleteUserPool",
        "DeleteUserPoolClient",
        "DeleteUserPoolDomain",
        "DeleteManagedLoginBranding",
        "GlobalSignOut",
        "RevokeToken",
        "SetUserMFAPreference",
        "SetUserPoolMfaConfig",
        "SetUserSettings",
        "UpdateUserPool",
        "UpdateUserPoolClient",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
    }
)
# Members kept as generated for one operation: AdminCreateUser with MessageAction RESEND
# gives the named user a new temporary password (the model's documentation; stock moto
# even replaces the user), so it never names the run's own user.
KEPT_GENERATED: dict[str, frozenset[str]] = {"AdminCreateUser": frozenset({"Username"})}
# How long a sign-in's tokens and an SRP session are reused before the hooks sign in again.
TOKEN_REUSE_SECONDS = 600.0
SESSION_REUSE_SECONDS = 60.0
# Loopback never goes through a proxy, whatever the environment says.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class SetupError(RuntimeError):
    """The hooks cannot sign in or read their configuration; the message says what to set."""


@dataclass
class Target:
    """Where and as whom the hooks act. `from_env` reads the COGNITO_ST_* variables."""

    endpoint: str
    region: str
    pool_id: str | None = None
    client_id: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    client_secret: str | None = field(default=None, repr=False)
    embedded: bool = False
    sign: bool = True

    @classmethod
    def from_env(cls, base_url: str) -> Target:
        env = os.environ
        endpoint = (env.get("COGNITO_ST_ENDPOINT") or base_url).rstrip("/")
        if not endpoint:
            raise SetupError(
                "the schemathesis hooks do not know the endpoint: set COGNITO_ST_ENDPOINT, "
                "give the run a base URL (st run --url, schema.config.update(base_url=...)) "
                "or call contracts.schemathesis_hooks.HOOKS.configure(Target(...))"
            )
        pool_id = env.get("COGNITO_ST_POOL_ID")
        target = cls(
            endpoint=endpoint,
            region="",
            pool_id=pool_id,
            client_id=env.get("COGNITO_ST_CLIENT_ID"),
            username=env.get("COGNITO_ST_USERNAME"),
            password=env.get("COGNITO_ST_PASSWORD"),
            client_secret=env.get("COGNITO_ST_CLIENT_SECRET"),
        )
        if not pool_id:
            target.adopt_embedded()
        target.region = (
            env.get("COGNITO_ST_REGION")
            or (target.pool_id.split("_", 1)[0] if target.pool_id and "_" in target.pool_id else "")
            or env.get("AWS_REGION")
            or env.get("AWS_DEFAULT_REGION")
            or "us-east-1"
        )
        return target

    def adopt_embedded(self) -> None:
        """Fill what is missing from an embedded backend's `/_embedded/info`, if it is one."""
        try:
            with _DIRECT.open(self.endpoint + "/_embedded/info", timeout=5) as answer:
                info = json.loads(answer.read())
        except (OSError, ValueError):
            return
        if not isinstance(info, dict) or "user_pool_id" not in info:
            return
        self.embedded = True
        self.pool_id = self.pool_id or info.get("user_pool_id")
        self.client_id = self.client_id or info.get("client_id")
        users = info.get("users") or []
        if not self.username and users:
            self.username = users[0].get("username")
            self.password = users[0].get("password")


class Hooks:
    """The state behind the registered hooks: one sign-in, reused; thread-safe."""

    def __init__(self, spec: Spec = SPEC, target: Target | None = None) -> None:
        self.spec = spec
        self.target = target
        self._lock = threading.Lock()
        self._client: Any = None
        self._credentials: Any = None
        self._token: tuple[str, float] | None = None
        self._session: tuple[str, float] | None = None
        self.issued: set[str] = set()
        self.requests = 0

    # -- configuration ---------------------------------------------------------------------

    def configure(self, target: Target | None) -> None:
        with self._lock:
            self.target = target
            self._client = None
            self._credentials = None
            self._token = None
            self._session = None

    def _target(self, base_url: str) -> Target:
        if self.target is None:
            self.target = Target.from_env(base_url)
        return self.target

    def _cognito(self) -> Any:
        if self._client is None:
            import botocore.session
            from botocore import UNSIGNED
            from botocore.config import Config

            target = self.target
            assert target is not None
            session = botocore.session.get_session()
            self._client = session.create_client(
                SERVICE,
                region_name=target.region,
                endpoint_url=target.endpoint,
                config=Config(signature_version=UNSIGNED, retries={"mode": "standard"}),
            )
            self._credentials = session.get_credentials() if target.sign else None
        return self._client

    # -- real values -----------------------------------------------------------------------

    def _secret_hash(self, username: str) -> dict[str, str]:
        target = self.target
        assert target is not None
        if not target.client_secret or not target.client_id:
            return {}
        digest = hmac.new(
            target.client_secret.encode(),
            (username + target.client_id).encode(),
            hashlib.sha256,
        ).digest()
        return {"SECRET_HASH": base64.b64encode(digest).decode()}

    def _signed_in(self) -> bool:
        target = self.target
        return bool(target and target.client_id and target.username and target.password)

    def access_token(self) -> str | None:
        if not self._signed_in():
            return None
        now = time.monotonic()
        if self._token is None or now - self._token[1] > TOKEN_REUSE_SECONDS:
            try:
                self._token = (self._sign_in(), now)
            except Exception:
                if self._token is None:
                    raise
                # Signing in again failed (generated requests may have changed the user):
                # the token in hand stays in use until it is refused; try again a minute on.
                self._token = (self._token[0], now - TOKEN_REUSE_SECONDS + 60.0)
        return self._token[0]

    def _sign_in(self) -> str:
        """A fresh access token for the configured user (USER_PASSWORD_AUTH)."""
        target = self.target
        assert target is not None and target.username and target.password
        result = self._cognito().initiate_auth(
            ClientId=target.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": target.username,
                "PASSWORD": target.password,
                **self._secret_hash(target.username),
            },
        )
        tokens = result.get("AuthenticationResult")
        if not tokens:
            raise SetupError(
                f"signing in as {target.username} answered the challenge "
                f"{result.get('ChallengeName')}: use a user without MFA or pending challenges"
            )
        return str(tokens["AccessToken"])

    def session(self) -> str | None:
        """A real sign-in session: USER_SRP_AUTH's PASSWORD_VERIFIER challenge, unanswered."""
        if not self._signed_in():
            return None
        now = time.monotonic()
        if self._session is None or now - self._session[1] > SESSION_REUSE_SECONDS:
            from pycognito.aws_srp import AWSSRP

            target = self.target
            assert target is not None and target.username and target.password
            srp = AWSSRP(
                username=target.username,
                password=target.password,
                pool_id=target.pool_id or "",
                client_id=target.client_id or "",
                client=self._cognito(),
                client_secret=target.client_secret,
            )
            result = self._cognito().initiate_auth(
                ClientId=target.client_id,
                AuthFlow="USER_SRP_AUTH",
                AuthParameters=srp.get_auth_params(),
            )
            self._session = (result.get("Session") or "", now)
        return self._session[0] or None

    def secrets(self) -> set[str]:
        """The password, token and session in use, for callers that must redact reports."""
        found = {self.target.password} if self.target and self.target.password else set()
        for held in (self._token, self._session):
            if held and held[0]:
                found.add(held[0])
        return found | self.issued

    def redact(self, text: str) -> str:
        for secret in self.secrets():
            text = text.replace(secret, "<secret>")
        return text

    def latest_code(self, attribute: str) -> str | None:
        """The code the embedded backend last delivered for the user's `attribute`."""
        target = self.target
        if target is None or not target.embedded:
            return None
        query = urlencode({"username": target.username or "", "attribute": attribute, "last": 1})
        try:
            with _DIRECT.open(f"{target.endpoint}/_embedded/outbox?{query}", timeout=5) as answer:
                deliveries = json.loads(answer.read())
        except (OSError, ValueError):
            return None
        for item in reversed(deliveries):
            if item.get("username") == target.username and item.get("attribute") == attribute:
                return str(item.get("code") or "") or None
        return None

    def real(self, member: str) -> str | None:
        target = self.target
        assert target is not None
        if member == "UserPoolId":
            return target.pool_id
        if member == "ClientId":
            return target.client_id
        if member == "Username":
            return target.username
        if member == "AccessToken":
            return self.access_token()
        if member == "Session":
            return self.session()
        return None

    # -- the hooks -------------------------------------------------------------------------

    def operation_of(self, case: Any) -> str | None:
        path = getattr(case.operation, "path", "")
        if not path.startswith(PATH_PREFIX):
            return None
        name = path[len(PATH_PREFIX) :].rpartition(".")[2]
        return name if name in self.spec.operations else None

    def before_call(self, case: Any, kwargs: dict[str, Any]) -> None:
        operation = self.operation_of(case)
        if operation is None:
            return
        base_url = case.operation.schema.get_base_url()
        with self._lock:
            target = self._target(base_url)
            self.requests += 1
            headers = dict(case.headers or {})
            headers["X-Amz-Target"] = f"{self.spec.target_prefix}.{operation}"
            case.headers = headers
            if isinstance(case.body, dict):
                case.body = stretch(_components(case), self._input_ref(operation), case.body)
                self._fill(operation, case.body)
            if not self.spec.operations[operation].unsigned:
                self._cognito()
                if self._credentials is not None:
                    kwargs["auth"] = SigV4(self._credentials, target.region)

    def _input_ref(self, operation: str) -> dict[str, Any]:
        shape = self.spec.operations[operation].input
        return {"$ref": COMPONENTS + shape} if shape else {}

    def _fill(self, operation: str, body: dict[str, Any]) -> None:
        shape = self.spec.operations[operation].input
        if shape is None:
            return
        members = self.spec.defs[shape].get("properties", {})
        for member in FILLED:
            if member not in body or member not in members:
                continue
            if operation in DESTRUCTIVE and member != "ClientId":
                continue
            if member in KEPT_GENERATED.get(operation, ()):
                continue
            value = body[member]
            if (isinstance(value, str) and value in self.issued) or not self._valid(
                members[member], value
            ):
                continue
            real = self.real(member)
            if real is not None:
                body[member] = real
        if operation == "VerifyUserAttribute":
            name = body.get("AttributeName")
            if isinstance(name, str) and self._valid(members["Code"], body.get("Code")):
                code = self.latest_code(name)
                if code is not None:
                    body["Code"] = code

    def _valid(self, ref: dict[str, Any], value: Any) -> bool:
        if "$ref" not in ref or not ref["$ref"].startswith(DEFS):
            return False
        return self.spec.accepts(ref["$ref"][len(DEFS) :], value)

    def after_call(self, case: Any, response: Any) -> None:
        if self.operation_of(case) is None or response.status_code != 200:
            return
        try:
            body = orjson.loads(response.content or b"{}")
        except orjson.JSONDecodeError:
            return
        result = body.get("AuthenticationResult") if isinstance(body, dict) else None
        if isinstance(result, dict):
            with self._lock:
                self.issued.update(
                    v for k, v in result.items() if k.endswith("Token") and isinstance(v, str)
                )


class SigV4:
    """A `requests` auth that signs the final request with botocore's SigV4 signer."""

    def __init__(self, credentials: Any, region: str) -> None:
        self.credentials = credentials
        self.region = region

    def __call__(self, request: Any) -> Any:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest

        parts = urlsplit(request.url)
        url = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
        body = request.body or b""
        signable = AWSRequest(
            method=request.method,
            url=url,
            data=body,
            headers={
                k: v
                for k, v in request.headers.items()
                if k.lower() in ("content-type", "x-amz-target")
            },
        )
        SigV4Auth(self.credentials.get_frozen_credentials(), SERVICE, self.region).add_auth(
            signable
        )
        for name in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token"):
            if name in signable.headers:
                request.headers[name] = signable.headers[name]
        return request


# A stretched string ends this many characters past the model's limit at most.
STRETCH_MARGIN = 16


def _components(case: Any) -> dict[str, Any]:
    raw = getattr(case.operation.schema, "raw_schema", None) or {}
    found = raw.get("components", {}).get("schemas", {}) if isinstance(raw, dict) else {}
    return found if isinstance(found, dict) else {}


def stretch(components: dict[str, Any], schema: Any, value: Any, depth: int = 0) -> Any:
    """`value` with every string that is longer than the lowered `maxLength` of a compact
    rendering (`contracts.checker.openapi.GENERATED_MAX_LENGTH`) stretched past the model's
    own limit: to between 1 and STRETCH_MARGIN characters beyond it, by repeating itself.

    Only a negative case holds such a string (a positive one keeps to the lowered limit),
    so a value generated as too long is still too long on the wire, while generation never
    has to draw 131,072 characters. Documents without the marker are left alone."""
    if not isinstance(schema, dict) or depth > 32:
        return value
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if not ref.startswith(COMPONENTS):
            return value
        return stretch(components, components.get(ref[len(COMPONENTS) :]), value, depth + 1)
    if isinstance(value, str):
        model_max = schema.get(MODEL_MAX_LENGTH)
        lowered = schema.get("maxLength")
        if isinstance(model_max, int) and isinstance(lowered, int) and len(value) > lowered:
            length = model_max + min(len(value) - lowered, STRETCH_MARGIN)
            return (value * -(-length // len(value)))[:length]
        return value
    if isinstance(value, list):
        items = schema.get("items")
        return [stretch(components, items, item, depth + 1) for item in value]
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        names = schema.get("propertyNames")
        out = {}
        for key, item in value.items():
            if key not in properties and names is not None:
                key = stretch(components, names, key, depth + 1)
            out[key] = stretch(components, properties.get(key, extra), item, depth + 1)
        return out
    return value


# AWS's wording of a request refused by input validation (N counts the items after it).
VALIDATION_MESSAGE = re.compile(r"([1-9][0-9]*) validation (error|errors) detected: \S")
# Rules of the spec that mean "not the JSON type the member needs": AWS's JSON front end
# cannot read such a body and answers SerializationException instead.
TYPE_RULES = frozenset({"type", "null", "base64", "key-type", "key-null"})


def judge(spec: Spec, operation: str, request: Any, response: Any) -> list[str]:
    """What is wrong with one answer, as `check: detail` lines (empty: conforms).

    - `server-error`: a 5xx status;
    - `spec:<rule>`: the answer breaks the spec (status, media type, output shape, an error
      type the operation does not model), judged by the project's own exchange checker;
    - `refusal-format`: a request that breaks the input's constraints was not refused with
      400 InvalidParameterException "N validation error(s) detected: ..." (or, for a member
      of the wrong JSON type, SerializationException);
    - `refused-valid-input`: a request that satisfies the input was refused as invalid.
    """
    from contracts.checker.exchange import Exchange, check_exchange, normalise_headers

    status = int(response.status_code)
    body_sent = request.body or b""
    if isinstance(body_sent, str):
        body_sent = body_sent.encode()
    exchange = Exchange(
        method=str(request.method),
        uri=str(request.url),
        request_headers=normalise_headers(dict(request.headers)),
        request_body=body_sent,
        status=status,
        response_headers=normalise_headers(dict(response.headers)),
        response_body=response.content,
    )
    problems: list[str] = []
    if status >= 500:
        problems.append(f"server-error: {status} {_text(response.content)}")
    result = check_exchange(spec, exchange)
    for v in result.violations:
        if v.where == "response":
            problems.append(f"spec:{v.rule}: {v}")
    try:
        sent = orjson.loads(body_sent) if body_sent else None
        answer = orjson.loads(response.content) if response.content else {}
    except orjson.JSONDecodeError:
        return problems
    if not isinstance(sent, dict) or not isinstance(answer, dict):
        return problems
    from contracts.checker.spec import normalise_error_type

    kind = normalise_error_type(str(answer.get("__type", ""))) if status != 200 else ""
    message = str(answer.get("message") or answer.get("Message") or "")
    broken = [
        v
        for v in spec.validate(operation, "input", _without_nulls(sent))
        if v.rule != "unknown-member"
    ]
    said_invalid = VALIDATION_MESSAGE.match(message)
    if broken:
        if any(v.rule in TYPE_RULES for v in broken):
            if kind != "SerializationException" or status != 400:
                problems.append(
                    f"refusal-format: a member of the wrong type answered {status} {kind}"
                )
        elif status != 400 or kind != "InvalidParameterException" or not said_invalid:
            problems.append(
                f"refusal-format: {broken[0].rule} at {broken[0].path} answered {status} "
                f"{kind or 'success'} {message[:80]!r}"
            )
        elif (said_invalid.group(1) == "1") != (said_invalid.group(2) == "error"):
            problems.append(f"refusal-format: count and noun disagree in {message[:60]!r}")
    elif said_invalid or kind == "SerializationException":
        problems.append(f"refused-valid-input: {kind} {message[:120]!r}")
    return problems


def _without_nulls(value: Any) -> Any:
    """AWS treats a null member as absent; so does the judge."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def _text(raw: bytes | None) -> str:
    return (raw or b"").decode("utf-8", "replace")[:200]


HOOKS = Hooks()


def register() -> None:
    """Register the serializer, the deserializer and the hooks with schemathesis (once)."""
    import schemathesis

    @schemathesis.serializer(MEDIA)
    def _awsjson_body(ctx: Any, value: Any) -> bytes:
        try:
            return orjson.dumps(value)
        except TypeError:  # integers beyond 64 bits, which generated bodies may hold
            return json.dumps(value).encode()

    @schemathesis.deserializer(MEDIA)
    def _awsjson_answer(ctx: Any, response: Any) -> Any:
        return orjson.loads(response.content) if response.content else {}

    @schemathesis.hook
    def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
        HOOKS.before_call(case, kwargs)

    @schemathesis.hook
    def after_call(context: Any, case: Any, response: Any) -> None:
        HOOKS.after_call(case, response)

    @schemathesis.check
    def cognito_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
        """The answer conforms to the compiled spec and refusals use AWS's format."""
        operation = HOOKS.operation_of(case)
        if operation is None:
            return None
        problems = judge(HOOKS.spec, operation, response.request, response)
        if problems:
            raise AssertionError("; ".join(problems))
        return True


register()
