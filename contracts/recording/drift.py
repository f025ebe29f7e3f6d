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
from pathlib import Path
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
        extra = (node or {}).get("additionalProperties")
        for key, sub in value.items():
            if props is not None and key in props:
                _walk(spec, props[key], sub, f"{path}.{key}", out)
            elif isinstance(extra, dict):
                _walk(spec, extra, sub, f"{path}{{}}", out)
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


# -- per interaction: what a person reviewing an AWS recording wants to read -----------------


@dataclass
class Difference:
    """One way an interaction of a scenario differs between two recordings, in words."""

    scenario: str
    operation: str
    ordinal: int  # the n-th call of this operation in the scenario, from 1
    kind: str  # error, message, outcome, member, type, attribute, request, call
    text: str

    def __str__(self) -> str:
        return f"{self.scenario}: {self.operation} #{self.ordinal}: {self.text}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "operation": self.operation,
            "ordinal": self.ordinal,
            "kind": self.kind,
            "text": self.text,
        }


@dataclass
class RecordingDrift:
    differences: list[Difference]
    compared: list[str]  # scenarios in both
    only_old: list[str]
    only_new: list[str]
    old_label: str
    new_label: str
    pairs: list[tuple[Path, Path]] = field(default_factory=list)  # the cassettes compared

    @property
    def drifted(self) -> bool:
        return bool(self.differences)


@dataclass
class _Call:
    operation: str
    ordinal: int
    status: int | None
    request: Any
    response: Any


def _calls(spec: Spec, exchanges: list[Exchange]) -> list[_Call]:
    seen: dict[str, int] = defaultdict(int)
    out = []
    for ex in exchanges:
        target = ex.target or ""
        op = target[len(PREFIX) :] if target.startswith(PREFIX) else target or "(no target)"
        seen[op] += 1
        out.append(_Call(op, seen[op], ex.status, _json(ex.request_body), _json(ex.response_body)))
    return out


def _members(spec: Spec, op: str, kind: str, body: Any) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    operation = spec.operations.get(op)
    shape = getattr(operation, kind, None) if operation is not None else None
    if isinstance(body, dict):
        _walk(spec, {"$ref": "#/$defs/" + shape} if shape else None, body, "$", out)
    return dict(out)


def _said(label: str, call: _Call) -> str:
    """`AWS answered InvalidParameterException 'user.custom:x: ...'`, or a success."""
    body = call.response if isinstance(call.response, dict) else {}
    error = body.get("__type")
    if isinstance(error, str):
        message = body.get("message", body.get("Message"))
        shown = f" {message!r}" if isinstance(message, str) else " with no message"
        return f"{label} answered {normalise_error_type(error)}{shown}"
    return f"{label} answered {call.status} (success)"


def _readable(path: str) -> str:
    """`$.UserAttributes[].Name` -> `UserAttributes[].Name`."""
    return path[2:] if path.startswith("$.") else path


def _has(path: str, present: bool) -> str:
    """`has a new member X` / `lacks the member X`; a list's items are named as such."""
    name = _readable(path)
    if name.endswith("[]"):
        return f"has items in {name[:-2]}" if present else f"has no items in {name[:-2]}"
    return f"has a new member {name}" if present else f"lacks the member {name}"


def _topmost(paths: list[str]) -> list[str]:
    """New members are named once: `NewMember`, not also `NewMember.Nested`."""
    out: list[str] = []
    for path in sorted(paths):
        if not any(
            path.startswith(p) and path[len(p) : len(p) + 1] in (".", "[", "{") for p in out
        ):
            out.append(path)
    return out


def _attribute_names(body: Any) -> dict[str, set[str]]:
    """Names in Name/Value lists (UserAttributes, Attributes): which attributes came back
    is a fact about Cognito even though names are values to the structure."""
    out: dict[str, set[str]] = {}
    if not isinstance(body, dict):
        return out
    for key, value in body.items():
        if (
            isinstance(value, list)
            and value
            and all(isinstance(v, dict) and "Name" in v for v in value)
        ):
            out[key] = {str(v["Name"]) for v in value}
        elif isinstance(value, dict):
            for sub, names in _attribute_names(value).items():
                out[f"{key}.{sub}"] = names
    return out


def _compare_call(
    spec: Spec, scenario: str, old: _Call, new: _Call, labels: tuple[str, str]
) -> list[Difference]:
    out: list[Difference] = []
    old_label, new_label = labels

    def add(kind: str, text: str) -> None:
        out.append(Difference(scenario, new.operation, new.ordinal, kind, text))

    old_ok, new_ok = old.status == 200, new.status == 200
    if not (old_ok and new_ok):
        if _said("", old) != _said("", new):
            kind = "message" if (not old_ok and not new_ok) else "outcome"
            if not old_ok and not new_ok:
                o = old.response if isinstance(old.response, dict) else {}
                n = new.response if isinstance(new.response, dict) else {}
                if normalise_error_type(str(o.get("__type"))) != normalise_error_type(
                    str(n.get("__type"))
                ):
                    kind = "error"
            add(kind, f"{_said(new_label, new)}, {_said(old_label, old)}")
        if old.status != new.status and old_ok == new_ok:
            add("outcome", f"{new_label} answered HTTP {new.status}, {old_label} {old.status}")
    else:
        o, n = (_members(spec, old.operation, "output", c.response) for c in (old, new))
        for path in _topmost([p for p in n if p not in o]):
            add(
                "member",
                f"the answer {_has(path, True)} ({new_label} sent it, {old_label} did not)",
            )
        for path in _topmost([p for p in o if p not in n]):
            add(
                "member",
                f"the answer {_has(path, False)} ({old_label} sent it, {new_label} did not)",
            )
        for path in sorted(set(o) & set(n)):
            if o[path] != n[path]:
                add(
                    "type",
                    f"the member {_readable(path)} is {'/'.join(sorted(n[path]))} in "
                    f"{new_label}, {'/'.join(sorted(o[path]))} in {old_label}",
                )
        old_names, new_names = _attribute_names(old.response), _attribute_names(new.response)
        for key in sorted(set(old_names) & set(new_names)):
            extra = sorted(new_names[key] - old_names[key])
            gone = sorted(old_names[key] - new_names[key])
            if extra:
                add("attribute", f"{key} has {', '.join(extra)} in {new_label}, not in {old_label}")
            if gone:
                add(
                    "attribute",
                    f"{key} lacks {', '.join(gone)} in {new_label} ({old_label} has "
                    f"{'it' if len(gone) == 1 else 'them'})",
                )
    o, n = (_members(spec, old.operation, "input", c.request) for c in (old, new))
    for path in _topmost([p for p in n if p not in o]):
        add(
            "request",
            f"the request {_has(path, True)} (the scenario or the editor changed)",
        )
    for path in _topmost([p for p in o if p not in n]):
        add(
            "request",
            f"the request {_has(path, False)} (the scenario or the editor changed)",
        )
    return out


def _compare_scenario(
    spec: Spec, scenario: str, old: list[_Call], new: list[_Call], labels: tuple[str, str]
) -> list[Difference]:
    import difflib

    out: list[Difference] = []
    matcher = difflib.SequenceMatcher(
        a=[c.operation for c in old], b=[c.operation for c in new], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for a, b in zip(old[i1:i2], new[j1:j2], strict=True):
                out += _compare_call(spec, scenario, a, b, labels)
            continue
        for call in new[j1:j2]:
            out.append(
                Difference(
                    scenario,
                    call.operation,
                    call.ordinal,
                    "call",
                    f"only the {labels[1]} recording makes this call",
                )
            )
        for call in old[i1:i2]:
            out.append(
                Difference(
                    scenario,
                    call.operation,
                    call.ordinal,
                    "call",
                    f"only the {labels[0]} recording makes this call",
                )
            )
    return out


def _recordings(paths: list[str]) -> dict[str, Path]:
    from contracts.checker.sources import SourceError

    files = [p for p in expand(paths) if p.suffix in (".yaml", ".yml", ".json")]
    if not files:
        raise SourceError(f"{', '.join(paths)}: no cassette found")
    return {p.stem: p for p in files}


def _label(files: list[Path], fallback: str) -> str:
    """`AWS` or `embedded` when every cassette says the same target, else the folder."""
    from contracts.recording.record import read_metadata

    targets = set()
    for path in files:
        try:
            targets.add(str(read_metadata(path).get("target") or ""))
        except Exception:  # a cassette without metadata: fall back to the name
            targets.add("")
    if len(targets) == 1 and (target := targets.pop()):
        return {"aws": "AWS", "embedded": "embedded"}.get(target, target)
    return fallback


def compare_recordings(spec: Spec, old_path: str, new_path: str) -> RecordingDrift:
    """Scenario by scenario (cassettes paired by file name; two single files are one pair),
    call by call: what the NEW recording answered differently from the OLD one."""
    from contracts.checker.sources import SourceError

    old, new = _recordings([old_path]), _recordings([new_path])
    if Path(old_path).is_file() and Path(new_path).is_file():
        name = Path(new_path).stem
        old, new = {name: next(iter(old.values()))}, {name: next(iter(new.values()))}
    common = sorted(set(old) & set(new))
    if not common:
        raise SourceError(f"{old_path} and {new_path} have no scenario in common")
    old_label = _label(list(old.values()), old_path)
    new_label = _label(list(new.values()), new_path)
    if old_label == new_label:
        old_label, new_label = f"{old_label} ({old_path})", f"{new_label} ({new_path})"
    differences: list[Difference] = []
    for name in common:
        differences += _compare_scenario(
            spec,
            name,
            _calls(spec, read_exchanges(old[name])),
            _calls(spec, read_exchanges(new[name])),
            (old_label, new_label),
        )
    return RecordingDrift(
        differences,
        common,
        sorted(set(old) - set(new)),
        sorted(set(new) - set(old)),
        old_label,
        new_label,
        [(old[name], new[name]) for name in common],
    )
