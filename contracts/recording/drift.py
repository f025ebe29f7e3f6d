"""Structural drift between two sets of cassettes.

Per operation and direction, the shape of what was exchanged: every member path seen
(list items written `[]`, map entries `{}`), the JSON types seen at each, and the error codes
answered. Drift is a member that appeared or vanished, a type that changed, or an error code
that is new. Values (ids, timestamps, tokens) never count.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from contracts.checker.exchange import Exchange
from contracts.checker.sources import expand, read_exchanges
from contracts.checker.spec import Spec, normalise_error_type

PREFIX = "AWSCognitoIdentityProviderService."


@dataclass
class Shape:
    """What one cassette set showed of one operation."""

    request: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    response: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    errors: set[str] = field(default_factory=set)
    interactions: int = 0


def _type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _walk(
    spec: Spec, node: dict[str, Any] | None, value: Any, path: str, out: dict[str, set[str]]
) -> None:
    out[path].add(_type(value))
    if node is not None and "$ref" in node:
        node = spec.defs.get(node["$ref"].rsplit("/", 1)[-1])
    if isinstance(value, dict):
        props = (node or {}).get("properties")
        mapped = isinstance((node or {}).get("additionalProperties"), dict)
        for key, sub in value.items():
            if props is not None and key in props:
                _walk(spec, props[key], sub, f"{path}.{key}", out)
            elif mapped:
                _walk(spec, node["additionalProperties"], sub, f"{path}{{}}", out)  # type: ignore[index]
            else:
                _walk(spec, None, sub, f"{path}.{key}", out)
    elif isinstance(value, list):
        items = (node or {}).get("items")
        for sub in value:
            _walk(spec, items, sub, f"{path}[]", out)


def _json(raw: bytes | None) -> Any:
    if not raw or not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        return None


def survey(spec: Spec, exchanges: list[Exchange]) -> dict[str, Shape]:
    shapes: dict[str, Shape] = defaultdict(Shape)
    for ex in exchanges:
        target = ex.target or ""
        op = target[len(PREFIX) :] if target.startswith(PREFIX) else None
        if op not in spec.operations:
            continue
        shape = shapes[op]
        shape.interactions += 1
        operation = spec.operations[op]
        request = _json(ex.request_body)
        if isinstance(request, dict):
            root = {"$ref": "#/$defs/" + operation.input} if operation.input else None
            _walk(spec, root, request, "$", shape.request)
        response = _json(ex.response_body)
        if ex.status == 200 and isinstance(response, dict):
            root = {"$ref": "#/$defs/" + operation.output} if operation.output else None
            _walk(spec, root, response, "$", shape.response)
        elif isinstance(response, dict) and isinstance(response.get("__type"), str):
            shape.errors.add(normalise_error_type(response["__type"]))
    return dict(shapes)


@dataclass
class Change:
    operation: str
    kind: str  # appeared, vanished, type-changed, new-error
    where: str  # request, response or error
    path: str
    detail: str = ""

    def __str__(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.operation} {self.where} {self.path}: {self.kind}{extra}"


@dataclass
class DriftReport:
    changes: list[Change]
    only_old: list[str]
    only_new: list[str]
    operations: int

    @property
    def drifted(self) -> bool:
        return bool(self.changes)


def _compare_members(
    op: str, where: str, old: dict[str, set[str]], new: dict[str, set[str]]
) -> list[Change]:
    out = []
    for path in sorted(set(new) - set(old)):
        out.append(Change(op, "appeared", where, path, "/".join(sorted(new[path]))))
    for path in sorted(set(old) - set(new)):
        out.append(Change(op, "vanished", where, path, "/".join(sorted(old[path]))))
    for path in sorted(set(old) & set(new)):
        if old[path] != new[path]:
            detail = f"{'/'.join(sorted(old[path]))} -> {'/'.join(sorted(new[path]))}"
            out.append(Change(op, "type-changed", where, path, detail))
    return out


def compare(spec: Spec, old_paths: list[str], new_paths: list[str]) -> DriftReport:
    old = survey(spec, [ex for p in expand(old_paths) for ex in read_exchanges(p)])
    new = survey(spec, [ex for p in expand(new_paths) for ex in read_exchanges(p)])
    changes: list[Change] = []
    common = sorted(set(old) & set(new))
    for op in common:
        changes += _compare_members(op, "request", old[op].request, new[op].request)
        changes += _compare_members(op, "response", old[op].response, new[op].response)
        for code in sorted(new[op].errors - old[op].errors):
            changes.append(Change(op, "new-error", "error", "$.__type", code))
    return DriftReport(
        changes=changes,
        only_old=sorted(set(old) - set(new)),
        only_new=sorted(set(new) - set(old)),
        operations=len(common),
    )
