"""Request validation worded the way AWS words it.

Every limit, pattern, enum and required member comes from the compiled spec
(`contracts.checker.spec`), which comes from botocore's model: nothing is re-typed here. The spec
explains a violation with a JSON path and a rule id; this module turns that into AWS's
sentence:

    1 validation error detected: Value at 'userAttributes.1.member.value' failed to
    satisfy constraint: Member must have length less than or equal to 2048

Member names are lowerCamelCase, list items 1-based as `.N.member`, the value is shown
only for non-sensitive strings and numbers, a missing non-sensitive member is `Value null
at` (a sensitive one stays `Value at`). An empty value that breaks both a minimum length
and a pattern gets both sentences, length first; errors are listed by member path (the
order across members is not stable between captures). A wrong JSON type, or a body that
is not an object, is a SerializationException as on AWS's JSON front end. Unknown members
and nulls are dropped before validation (AWS ignores both); the same pruning cleans
moto's answers. Every wording here is replayed from the evidence corpus.
"""

from __future__ import annotations

import json
import re
from typing import Any

from contracts.checker.model import DEFS
from contracts.checker.spec import Spec
from contracts.checker.violations import Violation
from tui.embedded.errors import CognitoError, invalid_parameter, serialization

# Rules that mean "this is not the JSON type the shape needs": AWS cannot even parse it.
_SERIALIZATION_RULES = frozenset({"type", "null", "base64", "key-type", "key-null"})
# Within one member, AWS states the length before the pattern.
# (an empty name: length >= 1 then pattern; an over-long one: pattern then length <= 32).
_RULE_ORDER = {"required": 0, "min-length": 0, "pattern": 1, "max-length": 2}
_PATH_TOKEN = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def _ref_name(ref: dict[str, Any]) -> str:
    return str(ref["$ref"][len(DEFS) :])


def prune(spec: Spec, shape: str | None, value: Any) -> Any:
    """`value` without nulls and without members its shape does not model.

    AWS treats a null member as absent and ignores members it does not know; moto's
    answers sometimes carry both. Values of the wrong type are left alone so validation
    still reports them."""
    if shape is None:
        return {} if isinstance(value, dict) else value
    node = spec.defs[shape]
    if node.get("x-document"):
        return value
    if isinstance(value, dict):
        if "properties" in node:
            out = {}
            for key, sub in value.items():
                ref = node["properties"].get(key)
                if sub is None or ref is None:
                    continue
                out[key] = prune(spec, _ref_name(ref), sub) if "$ref" in ref else sub
            return out
        extra = node.get("additionalProperties")
        if isinstance(extra, dict) and "$ref" in extra:
            inner = _ref_name(extra)
            return {k: prune(spec, inner, v) for k, v in value.items() if v is not None}
        return value
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        inner = _ref_name(node["items"])
        return [prune(spec, inner, item) for item in value]
    return value


def parse_json_path(path: str) -> list[str | int]:
    """`$.UserAttributes[0].Value` -> `["UserAttributes", 0, "Value"]`."""
    if not path.startswith("$"):
        raise ValueError(f"not a JSON path: {path!r}")
    parts: list[str | int] = []
    pos = 1
    while pos < len(path):
        match = _PATH_TOKEN.match(path, pos)
        if match is None:
            raise ValueError(f"cannot read JSON path {path!r} at {pos}")
        member, index, quoted = match.groups()
        if member is not None:
            parts.append(member)
        elif index is not None:
            parts.append(int(index))
        else:
            parts.append(json.loads(quoted))
        pos = match.end()
    return parts


def lower_camel(name: str) -> str:
    return name[:1].lower() + name[1:]


# Shapes the model marks sensitive whose values AWS still quotes in validation errors
# (evidence item initiate-auth-client-id-is-pool-id-pattern: 'Value '...' at 'clientId'').
_QUOTED_THOUGH_SENSITIVE = frozenset({"ClientIdType"})


def _hidden(node: dict[str, Any]) -> bool:
    if node.get("x-shape") in _QUOTED_THOUGH_SENSITIVE:
        return False
    return bool(node.get("x-sensitive") or node.get("x-secret"))


class _Location:
    """Where a violation sits: AWS's dotted path, the schema node, the value found there
    and whether that value may be echoed (sensitive members never are)."""

    def __init__(self, spec: Spec, root: str, body: Any, parts: list[str | int]) -> None:
        node = spec.defs[root]
        sensitive = _hidden(node)
        value: Any = body
        segments: list[str] = []
        for part in parts:
            ref: dict[str, Any] | None = None
            if isinstance(part, int) and isinstance(node.get("items"), dict):
                segments += [str(part + 1), "member"]
                ref = node["items"]
            elif isinstance(part, str) and part in node.get("properties", {}):
                segments.append(lower_camel(part))
                ref = node["properties"][part]
                sensitive = sensitive or bool(ref.get("x-secret"))
            elif isinstance(part, str) and isinstance(node.get("additionalProperties"), dict):
                segments.append(part)
                ref = node["additionalProperties"]
            if ref is None or "$ref" not in ref:
                break
            node = spec.defs[_ref_name(ref)]
            sensitive = sensitive or _hidden(node)
            value = _child(value, part)
        self.path = ".".join(segments)
        self.node = node
        self.value = value
        self.sensitive = sensitive


_MISSING = object()


def _child(value: Any, part: str | int) -> Any:
    if isinstance(part, int) and isinstance(value, list) and 0 <= part < len(value):
        return value[part]
    if isinstance(part, str) and isinstance(value, dict):
        return value.get(part, _MISSING)
    return _MISSING


def _bound(node: dict[str, Any], key: str) -> Any:
    value = node.get(key)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def constraint(rule: str, node: dict[str, Any], spec: Spec) -> str:
    """AWS's wording of the constraint behind one rule, read from the schema node."""
    if rule.startswith("key-"):
        keys = node.get("propertyNames")
        key_node = spec.defs[_ref_name(keys)] if isinstance(keys, dict) else {}
        return f"Map keys must satisfy constraint: [{constraint(rule[4:], key_node, spec)}]"
    table = {
        "max-length": ("Member must have length less than or equal to", "maxLength"),
        "min-length": ("Member must have length greater than or equal to", "minLength"),
        "max-items": ("Member must have length less than or equal to", "maxItems"),
        "min-items": ("Member must have length greater than or equal to", "minItems"),
        "max-entries": ("Member must have length less than or equal to", "maxProperties"),
        "min-entries": ("Member must have length greater than or equal to", "minProperties"),
        "max-bytes": ("Member must have length less than or equal to", "x-max-bytes"),
        "min-bytes": ("Member must have length greater than or equal to", "x-min-bytes"),
        "maximum": ("Member must have value less than or equal to", "maximum"),
        "minimum": ("Member must have value greater than or equal to", "minimum"),
    }
    if rule in table:
        words, key = table[rule]
        return f"{words} {_bound(node, key)}"
    if rule == "pattern":
        return f"Member must satisfy regular expression pattern: {node.get('x-java-pattern')}"
    if rule == "enum":
        return f"Member must satisfy enum value set: [{', '.join(node.get('enum', []))}]"
    if rule == "required":
        return "Member must not be null"
    if rule == "union":
        return "Member must have exactly one member set"
    return "Member must satisfy its constraint"


def _shown(value: Any) -> str | None:
    if isinstance(value, bool) or value is _MISSING:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "[" + ", ".join(value) + "]"  # as Java prints a list (evidence corpus)
    return None


def _natural(path: str) -> tuple[tuple[int, int, str], ...]:
    """`userAttributes.10.member.name` after `userAttributes.2.member.name` (list order).

    Runs of ASCII digits compare as numbers without becoming ints: a map key is any text,
    and int() refused both a 131,073-digit key and one of superscript digits ("²" is a
    digit to str.isdigit), which crashed the request with a 500 (found by bench/fuzz.py)."""
    return tuple(
        (0, len(p.lstrip("0")), p.lstrip("0")) if p.isascii() and p.isdigit() else (1, 0, p)
        for p in path.split(".")
    )


class RequestValidator:
    """Checks request bodies against the spec and answers like AWS when they break it."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    def check(self, operation: str, body: Any) -> dict[str, Any]:
        """The body to act on (nulls and unknown members removed), or a CognitoError."""
        if not isinstance(body, dict):
            raise serialization()
        shape = self.spec.root_shape(operation, "input")
        cleaned = prune(self.spec, shape, body)
        if shape is None:
            return dict(cleaned)
        violations = self.spec.validate(operation, "input", cleaned, merge_empty=False)
        if not violations:
            return dict(cleaned)
        if any(v.rule in _SERIALIZATION_RULES for v in violations):
            raise serialization()
        located = [
            (_natural(self._path(shape, cleaned, v)), _RULE_ORDER.get(v.rule, 1), i, v)
            for i, v in enumerate(violations)
            if v.rule != "unknown-member"
        ]
        items = [self._item(shape, cleaned, v) for *_, v in sorted(located, key=lambda t: t[:3])]
        if not items:
            return dict(cleaned)
        raise self.error(items)

    @staticmethod
    def error(items: list[str]) -> CognitoError:
        count = len(items)
        head = (
            "1 validation error detected: "
            if count == 1
            else f"{count} validation errors detected: "
        )
        return invalid_parameter(head + "; ".join(items))

    def _path(self, root: str, body: Any, violation: Violation) -> str:
        return _Location(self.spec, root, body, parse_json_path(violation.path)).path

    def _item(self, root: str, body: Any, violation: Violation) -> str:
        where = _Location(self.spec, root, body, parse_json_path(violation.path))
        text = constraint(violation.rule, where.node, self.spec)
        if violation.rule.startswith("key-") or where.sensitive:
            value = "Value at"
        elif violation.rule == "required" and where.node.get("type") == "integer":
            # AWS reads a missing number as 0 and checks its minimum (evidence corpus).
            low = where.node.get("minimum")
            if isinstance(low, int | float) and low > 0:
                text = constraint("minimum", where.node, self.spec)
                value = "Value '0' at"
            else:
                value = "Value null at"
        elif violation.rule == "required":
            value = "Value null at"
        else:
            shown = _shown(where.value)
            value = f"Value '{shown}' at" if shown is not None else "Value at"
        return f"{value} '{where.path}' failed to satisfy constraint: {text}"
