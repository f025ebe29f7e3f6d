"""Whole HTTP exchanges (request + response) checked against the spec.

An exchange is what a cassette or a HAR entry records: method, URI, headers and body of the
request, status, headers and body of the response. The request must be `POST /` with a known
`X-Amz-Target`, the awsJson media type and a body that satisfies the operation's input; the
response must be 200 with the output, or 4xx/5xx with an error the operation models (or a
common AWS error), in the same media type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import orjson

from contracts.checker.spec import Spec
from contracts.checker.violations import Violation, json_path, json_type, show


@dataclass(slots=True)
class Exchange:
    method: str
    uri: str
    request_headers: dict[str, list[str]]
    request_body: bytes | None
    status: int | None
    response_headers: dict[str, list[str]]
    response_body: bytes | None
    source: str = ""
    index: int = 0

    def header(self, name: str, response: bool = False) -> str | None:
        values = (self.response_headers if response else self.request_headers).get(name.lower())
        return values[0] if values else None

    @property
    def target(self) -> str | None:
        return self.header("x-amz-target")


def normalise_headers(raw: Mapping[str, Any] | list[Any] | None) -> dict[str, list[str]]:
    """Headers from vcrpy (`{name: [values]}`), HAR (`[{name, value}]`) or a plain dict,
    with lower-case names and str values (botocore sends some header values as bytes)."""
    out: dict[str, list[str]] = {}
    if raw is None:
        return out
    items: list[tuple[Any, Any]]
    if isinstance(raw, list):
        items = [(h.get("name"), h.get("value")) for h in raw if isinstance(h, dict)]
    else:
        items = list(raw.items())
    for name, value in items:
        if name is None:
            continue
        values = value if isinstance(value, list) else [value]
        key = _text(name).lower()
        out.setdefault(key, []).extend(_text(v) for v in values if v is not None)
    return out


def _text(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _media(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


@dataclass(slots=True)
class ExchangeResult:
    exchange: Exchange
    operation: str | None
    violations: list[Violation] = field(default_factory=list)
    allowed: list[Violation] = field(default_factory=list)
    # Request members sent as JSON null: AWS treats them as absent (a captured SignUp with
    # "ValidationData": null was answered 200), so they warn instead of failing; a null
    # REQUIRED member still fails, as missing.
    warnings: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations


def check_exchange(spec: Spec, ex: Exchange) -> ExchangeResult:
    result = ExchangeResult(ex, None)
    add = result.violations.append
    target = ex.target
    op = None
    prefix = spec.target_prefix + "."
    if target is None:
        add(Violation("header X-Amz-Target", "target", "missing", "request"))
    elif not target.startswith(prefix) or target[len(prefix) :] not in spec.operations:
        add(
            Violation(
                "header X-Amz-Target",
                "target",
                f"{target!r} names no cognito-idp operation",
                "request",
            )
        )
    else:
        op = spec.operations[target[len(prefix) :]]
        result.operation = op.name
    expected_method = op.method if op else "POST"
    if ex.method.upper() != expected_method:
        add(Violation("method", "method", f"{ex.method} (expected {expected_method})", "request"))
    parts = urlsplit(ex.uri)
    expected_path = op.path if op else "/"
    if (parts.path or "/") != expected_path or parts.query:
        shown = parts.path + (f"?{parts.query}" if parts.query else "")
        add(Violation("path", "path", f"{shown!r} (expected {expected_path!r})", "request"))
    media = _media(ex.header("content-type"))
    if media != spec.media_type:
        add(
            Violation(
                "header Content-Type",
                "media-type",
                f"{media or 'missing'} (expected {spec.media_type})",
                "request",
            )
        )
    if op is not None:
        body, problem = _parse(ex.request_body, empty_ok=False)
        if problem:
            add(Violation("$", "json", problem, "request"))
        else:
            if ex.request_body and b"null" in ex.request_body:  # cheap: only then scan
                body = _absent_nulls(spec, op.input, body, [], result.warnings)
            _collect(spec, op.name, "input", body, "request", result)
    _check_response(spec, ex, op.name if op else None, result)
    return result


def _check_response(
    spec: Spec, ex: Exchange, operation: str | None, result: ExchangeResult
) -> None:
    add = result.violations.append
    if ex.status is None:
        add(Violation("status", "status", "no response was recorded", "response"))
        return
    media = _media(ex.header("content-type", response=True))
    body_present = bool(ex.response_body and ex.response_body.strip())
    if media != spec.media_type and (body_present or ex.status != 200):
        add(
            Violation(
                "header Content-Type",
                "media-type",
                f"{media or 'missing'} (expected {spec.media_type})",
                "response",
            )
        )
    if ex.status == 200:
        if operation is None:
            return
        body, problem = _parse(ex.response_body, empty_ok=spec.operations[operation].output is None)
        if problem:
            add(Violation("$", "json", problem, "response"))
        else:
            _collect(spec, operation, "output", body, "response", result)
    elif 400 <= ex.status <= 599:
        body, problem = _parse(ex.response_body, empty_ok=False)
        if problem:
            add(Violation("$", "json", problem, "response"))
        elif operation is not None:
            _collect(spec, operation, "error", body, "response", result)
    else:
        add(Violation("status", "status", f"{ex.status} (expected 200, 4xx or 5xx)", "response"))


def _collect(
    spec: Spec, operation: str, kind: str, body: Any, where: str, result: ExchangeResult
) -> None:
    for v in spec.validate(operation, kind, body, include_allowed=True):
        tagged = Violation(v.path, v.rule, v.message, where)
        if v.rule.startswith("allowed:"):
            result.allowed.append(tagged)
        else:
            result.violations.append(tagged)


def strip_null_members(spec: Spec, operation: str, body: Any) -> tuple[Any, list[Violation]]:
    """A request body as AWS reads it (structure members sent as null removed) and one
    warning per removed member. Call it only when the raw body contains `null`."""
    found: list[Violation] = []
    return _absent_nulls(spec, spec.operation(operation).input, body, [], found), found


def _absent_nulls(
    spec: Spec, shape: str | None, value: Any, parts: list[str | int], found: list[Violation]
) -> Any:
    """`value` with its structure members that are null removed (AWS reads them as
    absent), each noted as a warning. Documents are values: their nulls stay; so do nulls
    in lists and maps (values, which fail as such)."""
    node = spec.defs.get(shape or "", {})
    if node.get("x-document"):
        return value
    if isinstance(value, dict) and "properties" in node:
        out = {}
        for key, sub in value.items():
            ref = node["properties"].get(key)
            if sub is None and ref is not None:
                found.append(
                    Violation(
                        json_path([*parts, key]),
                        "null-member",
                        "sent as null, which AWS treats as absent (leave the member out)",
                        "request",
                    )
                )
                continue
            out[key] = _absent_nulls(spec, _ref(ref), sub, [*parts, key], found)
        return out
    if isinstance(value, dict) and isinstance(node.get("additionalProperties"), dict):
        inner = _ref(node["additionalProperties"])
        return {k: _absent_nulls(spec, inner, v, [*parts, k], found) for k, v in value.items()}
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        inner = _ref(node["items"])
        return [_absent_nulls(spec, inner, v, [*parts, i], found) for i, v in enumerate(value)]
    return value


def _ref(node: dict[str, Any] | None) -> str | None:
    target = (node or {}).get("$ref")
    return target.rsplit("/", 1)[-1] if isinstance(target, str) else None


def _parse(raw: bytes | None, empty_ok: bool) -> tuple[Any, str | None]:
    if raw is None or not raw.strip():
        return ({}, None) if empty_ok else (None, "empty body (expected a JSON object)")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return None, f"not JSON: {exc}"
    if not isinstance(body, dict):
        return None, f"expected a JSON object, got {json_type(body)} {show(body, 20)}"
    return body, None
