"""vcrpy configured for Cognito: model-driven scrubbing and matching that survives replay.

What reaches a cassette:

- Every secret the spec knows (the model's `sensitive` members plus the reviewed extras,
  including AuthParameters / ChallengeResponses values) is replaced by a placeholder that
  still satisfies the member's constraints; the same secret always gets the same
  placeholder within a cassette.
- Personal data (attribute values, usernames, and emails or phone numbers anywhere in a
  string) is replaced by deterministic fakes of the same form (`user-q1@example.com`,
  `+15550000001`) unless the cassette is recorded with `keep_pii`.
- Request headers are reduced to Content-Type and X-Amz-Target (no signature, date, token or
  SDK header); response headers to Content-Type and the error type; the URI to the regional
  AWS endpoint, so a cassette does not depend on a local port.

Placeholders are numbered separately for values first seen in a request (`q`) and in a
response (`r`). A replay re-runs the same code, so it meets the same request-side secrets in
the same order and gets the same numbers; values copied from a recorded response are already
placeholders and pass through. Matching is on X-Amz-Target plus the scrubbed JSON body, key
order ignored, independent of host and port.
"""

from __future__ import annotations

import base64
import copy
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from contracts.checker.spec import Spec, default_spec

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
KEEP_REQUEST_HEADERS = ("content-type", "x-amz-target")
KEEP_RESPONSE_HEADERS = ("content-type", "x-amzn-errortype")

_PLACEHOLDER = re.compile(r"(?:redacted-|REDACTED)[qr]\d+x*\Z")
_FAKE = re.compile(
    r"(?:user-[qr]\d+@example\.com|\+1555[01]\d{6}|value-[qr]\d+|user-[qr]\d+"
    r"|00000000-0000-4000-8000-[01]\d{11})\Z"
)
_EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PHONE_IN_TEXT = re.compile(r"\+[1-9]\d{7,14}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_RESERVED_EMAIL = re.compile(r".*@(?:[A-Za-z0-9-]+\.)*example\.(?:com|org|net)\Z", re.IGNORECASE)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.")


_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\Z")


def is_placeholder(value: str) -> bool:
    if _PLACEHOLDER.match(value) or _FAKE.match(value):
        return True
    decoded = _b64(value)
    return decoded is not None and bool(_PLACEHOLDER.match(decoded))


def _b64(value: str) -> str | None:
    """The text a base64 value encodes, or None."""
    if len(value) < 8 or not _BASE64.match(value):
        return None
    try:
        return base64.b64decode(value, validate=True).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None


def looks_like_jwt(text: str) -> bool:
    return bool(_JWT.search(text))


@dataclass
class Scrubber:
    """The placeholder table of one cassette."""

    spec: Spec = field(default_factory=default_spec)
    keep_pii: bool = False
    # While a cassette is being loaded for replay, everything in it is already scrubbed.
    passthrough: bool = False
    _secrets: dict[str, int] = field(default_factory=dict, repr=False)
    _origin: dict[str, str] = field(default_factory=dict, repr=False)
    _counters: dict[str, int] = field(default_factory=lambda: {"q": 0, "r": 0}, repr=False)
    _rendered: dict[str, str] = field(default_factory=dict, repr=False)
    region: str = "us-east-1"
    # real value -> the scenario's own stand-in (a person's address recorded against AWS ->
    # the example.com address replay sends); applied before faking, unless keep_pii
    aliases: dict[str, str] = field(default_factory=dict)
    # text -> stand-in inside any free-text string (an AWS account id, an SES domain)
    substitutions: dict[str, str] = field(default_factory=dict)
    _last_operation: str | None = None

    # -- numbering -------------------------------------------------------------------------

    def _number(self, value: str, origin: str) -> tuple[str, int]:
        if value not in self._secrets:
            self._counters[origin] += 1
            self._secrets[value] = self._counters[origin]
            self._origin[value] = origin
        return self._origin[value], self._secrets[value]

    def secret_placeholder(self, value: str, shape: str, origin: str, form: str = "") -> str:
        """A stand-in that satisfies the shape's constraints (length, pattern)."""
        if self.passthrough or is_placeholder(value) or value in _public_constants(self.spec):
            return value  # a constant the model publishes (ANSWER=SMS_MFA) is not a secret
        known = self._rendered.get(value)
        if known is not None and self.spec.accepts(shape, known):
            return known  # the same secret met again: the same stand-in
        o, n = self._number(value, origin)
        node = self.spec.defs.get(shape, {})
        low = int(node.get("minLength", 0))
        digit = "0" if o == "q" else "1"
        candidates = [f"redacted-{o}{n}", f"REDACTED{o}{n}", f"{digit}{n:0{max(low - 1, 1)}d}"]
        if form == "base64":
            # a base64 secret stays base64, so code that decodes it still runs in replay
            candidates.insert(0, base64.b64encode(f"redacted-{o}{n}".encode()).decode())
        for base in candidates:
            padded = base[0].isdigit() or base.endswith("=") or _BASE64.match(base)
            text = base if padded else base + "x" * max(0, low - len(base))
            if self.spec.accepts(shape, text):
                self._rendered.setdefault(value, text)
                return text
        raise ValueError(f"no placeholder satisfies {shape}; extend Scrubber candidates")

    def pii_fake(self, value: str, origin: str, kind: str) -> str:
        """A deterministic fake of the same form: emails stay emails, phones phones."""
        if self.keep_pii or self.passthrough or is_placeholder(value):
            return value
        value = self.aliases.get(value, value)
        if value in ("true", "false", ""):
            return value  # booleans and empty values are not personal data
        if _RESERVED_EMAIL.match(value):
            return value  # example.com addresses are reserved: never a real person's
        if value in self._rendered:
            return self._rendered[value]
        o, n = self._number(value, origin)
        digit = "0" if o == "q" else "1"
        if _EMAIL_IN_TEXT.fullmatch(value):
            fake = f"user-{o}{n}@example.com"
        elif _PHONE_IN_TEXT.fullmatch(value):
            fake = f"+1555{digit}{n:06d}"
        elif _UUID.match(value):
            fake = f"00000000-0000-4000-8000-{digit}{n:011d}"
        else:
            fake = f"user-{o}{n}" if kind == "username" else f"value-{o}{n}"
        self._rendered[value] = fake
        return fake

    def _text(self, value: str, origin: str) -> str:
        """A string outside the sensitive members: a secret or personal value already met
        elsewhere (a username echoed in ChallengeParameters) gets its placeholder again, and
        emails and phone numbers inside free text (a ListUsers filter) get fakes."""
        if self.passthrough:
            return value
        if value in self._secrets and value not in ("true", "false", ""):
            return self._rendered[value]
        if self.keep_pii:
            return value
        value = _EMAIL_IN_TEXT.sub(lambda m: self.pii_fake(m.group(0), origin, "value"), value)
        for text, stand_in in self.substitutions.items():
            value = value.replace(text, stand_in)
        return _PHONE_IN_TEXT.sub(lambda m: self.pii_fake(m.group(0), origin, "value"), value)

    # -- bodies ----------------------------------------------------------------------------

    def scrub_body(self, operation: str, kind: str, body: Any, origin: str) -> Any:
        if not isinstance(body, dict):
            return body
        out = copy.deepcopy(body)
        shape_kind = kind
        if kind == "error":
            return self._scrub_free_text(out, origin)
        for secret in self.spec.secret_paths(operation, shape_kind):
            self._replace(out, secret.path, secret.shape, origin, secret.form)
        return self._scrub_free_text(out, origin)

    def _replace(
        self, node: Any, path: tuple[str, ...], shape: str, origin: str, form: str = ""
    ) -> None:
        if not path:
            return
        head, rest = path[0], path[1:]
        if head == "[]":
            items: Iterable[tuple[Any, Any]] = enumerate(node) if isinstance(node, list) else ()
        elif head == "{}":
            items = list(node.items()) if isinstance(node, dict) else ()
        else:
            items = [(head, node[head])] if isinstance(node, dict) and head in node else ()
        for key, value in items:
            if rest:
                self._replace(value, rest, shape, origin, form)
            else:
                node[key] = self._leaf(value, shape, origin, form)

    def _leaf(self, value: Any, shape: str, origin: str, form: str = "") -> Any:
        if isinstance(value, str):
            if self.spec.is_pii(shape):
                kind = "username" if shape == "UsernameType" else "value"
                return self.pii_fake(value, origin, kind)
            return self.secret_placeholder(value, shape, origin, form)
        if isinstance(value, dict):  # a secret structure (UserContextData): every leaf
            return {k: self._leaf(v, "StringType", origin) for k, v in value.items()}
        if isinstance(value, list):
            return [self._leaf(v, shape, origin) for v in value]
        return value

    def _scrub_free_text(self, node: Any, origin: str) -> Any:
        if isinstance(node, dict):
            return {k: self._scrub_free_text(v, origin) for k, v in node.items()}
        if isinstance(node, list):
            return [self._scrub_free_text(v, origin) for v in node]
        if isinstance(node, str) and not is_placeholder(node):
            return self._text(node, origin)
        return node

    # -- vcrpy hooks -----------------------------------------------------------------------

    def before_record_request(self, request: Any) -> Any:
        """vcrpy calls this for every request, recorded or replayed, before matching."""
        scrubbed = copy.copy(request)
        scrubbed.headers = {
            k: v.decode() if isinstance(v, bytes) else v
            for k, v in request.headers.items()
            if k.lower() in KEEP_REQUEST_HEADERS
        }
        target = _header(request.headers, "x-amz-target")
        operation = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else None
        self._last_operation = operation
        if operation in self.spec.operations:
            body = _json(request.body)
            if body is not None:
                scrubbed.body = _dumps(self.scrub_body(operation, "input", body, "q"))
        scrubbed.uri = _aws_uri(request.uri, self.region)
        return scrubbed

    def before_record_response(self, response: dict[str, Any]) -> dict[str, Any]:
        """vcrpy calls this right after the request it answers, when recording."""
        out = copy.deepcopy(response)
        out["headers"] = {
            k: v
            for k, v in (response.get("headers") or {}).items()
            if k.lower() in KEEP_RESPONSE_HEADERS
        }
        operation = self._last_operation
        raw = (out.get("body") or {}).get("string")
        body = _json(raw)
        if operation in self.spec.operations and body is not None:
            status = int((out.get("status") or {}).get("code") or 0)
            kind = "output" if status == 200 else "error"
            scrubbed = self.scrub_body(operation, kind, body, "r")
            data = _dumps(scrubbed)
            out["body"]["string"] = data if isinstance(raw, bytes | bytearray) else data.decode()
        return out


@functools.cache
def _public_constants(spec: Spec) -> frozenset[str]:
    """Every enum value of the model: published constants, never anybody's secret."""
    return frozenset(v for node in spec.defs.values() for v in node.get("enum", ()))


def _header(headers: Any, name: str) -> str:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            if isinstance(value, list):
                value = value[0] if value else ""
            return value.decode() if isinstance(value, bytes) else str(value)
    return ""


def _json(raw: Any) -> Any:
    if raw is None:
        return None
    if isinstance(raw, bytes | bytearray):
        raw = bytes(raw).decode("utf-8", "replace")
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return None


def _dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _aws_uri(uri: str, region: str) -> str:
    """`http://127.0.0.1:41234/` -> the regional endpoint, keeping path and query."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(uri)
    host = parts.hostname or ""
    if host.endswith(".amazonaws.com"):
        return uri
    host = f"cognito-idp.{region}.amazonaws.com"
    return urlunsplit(("https", host, parts.path or "/", parts.query, ""))


# -- matching ----------------------------------------------------------------------------------


def cognito_matcher(r1: Any, r2: Any) -> None:
    """Same X-Amz-Target and the same scrubbed JSON body (key order ignored)."""
    t1, t2 = _header(r1.headers, "x-amz-target"), _header(r2.headers, "x-amz-target")
    assert t1 == t2, f"target {t1} != {t2}"
    b1, b2 = _json(r1.body), _json(r2.body)
    assert b1 == b2, f"bodies differ: {_diff(b1, b2)}"


def _diff(a: Any, b: Any, path: str = "$") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return _diff(a.get(key), b.get(key), f"{path}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _diff(x, y, f"{path}[{i}]")
    return f"{path}: {json.dumps(a)[:80]} != {json.dumps(b)[:80]}"


def make_vcr(scrubber: Scrubber, record_mode: str) -> Any:
    """A vcrpy instance for one cassette, with this scrubber's hooks and the matcher."""
    from vcr.config import VCR

    instance = VCR(
        record_mode=record_mode,
        before_record_request=scrubber.before_record_request,
        before_record_response=scrubber.before_record_response,
        match_on=["cognito"],
        decode_compressed_response=True,
        serializer="yaml",
    )
    instance.register_matcher("cognito", cognito_matcher)
    return instance
