"""Hypothesis strategies built from the compiled spec (not from a hand-written copy of it),
and single mutations that must each break exactly one rule."""

from __future__ import annotations

import base64
import functools
import re
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from contracts.checker.model import DEFS
from contracts.checker.spec import Spec

MAX_ITEMS = 3  # keep generated lists and maps small: the rules, not the sizes, are under test
JSON_LEAVES = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
DOCUMENTS = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=4,
)


def _name(ref: dict[str, str]) -> str:
    return ref["$ref"][len(DEFS) :]


@functools.cache
def _python_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


class Strategies:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._cache: dict[str, st.SearchStrategy[Any]] = {}

    def body(self, operation: str, kind: str) -> st.SearchStrategy[Any]:
        shape = self.spec.root_shape(operation, kind)
        return st.just({}) if shape is None else self.shape(shape)

    def error(self, operation: str) -> st.SearchStrategy[Any]:
        op = self.spec.operation(operation)
        return st.sampled_from(op.errors).flatmap(
            lambda name: self.shape(name).map(lambda body: {**body, "__type": name})
        )

    def shape(self, name: str) -> st.SearchStrategy[Any]:
        if name not in self._cache:
            self._cache[name] = st.deferred(lambda: self._build(self.spec.defs[name]))
        return self._cache[name]

    def _build(self, node: dict[str, Any]) -> st.SearchStrategy[Any]:
        if node.get("x-document"):
            return DOCUMENTS
        if node.get("x-blob"):
            return st.binary(
                min_size=node.get("x-min-bytes", 0), max_size=min(node.get("x-max-bytes", 8), 8)
            ).map(lambda b: base64.b64encode(b).decode())
        if node.get("x-timestamp"):
            return st.integers(0, 4_000_000_000) | st.floats(0, 4e9, allow_nan=False)
        kind = node.get("type")
        if kind == "string":
            return self._string(node)
        if kind == "integer":
            return st.integers(node.get("minimum", -(2**31)), node.get("maximum", 2**31 - 1))
        if kind == "number":
            return st.floats(allow_nan=False, allow_infinity=False)
        if kind == "boolean":
            return st.booleans()
        if kind == "array":
            lo = node.get("minItems", 0)
            hi = max(lo, min(node.get("maxItems", MAX_ITEMS), MAX_ITEMS))
            return st.lists(self.shape(_name(node["items"])), min_size=lo, max_size=hi)
        if kind == "object" and "properties" in node:
            props = {k: v for k, v in node["properties"].items() if k != "__type"}
            if node.get("x-error") and "Message" in props:
                props.pop("Message")  # `message` and `Message` are one member spelled twice
            strategies = {k: self.shape(_name(v)) for k, v in props.items()}
            if node.get("x-union"):
                return st.sampled_from(sorted(strategies)).flatmap(
                    lambda k: strategies[k].map(lambda v: {k: v})
                )
            required = set(node.get("required", [])) - {"__type"}
            return st.fixed_dictionaries(
                {k: s for k, s in strategies.items() if k in required},
                optional={k: s for k, s in strategies.items() if k not in required},
            )
        if kind == "object":  # a map
            lo = node.get("minProperties", 0)
            hi = max(lo, min(node.get("maxProperties", MAX_ITEMS), MAX_ITEMS))
            return st.dictionaries(
                self.shape(_name(node["propertyNames"])),
                self.shape(_name(node["additionalProperties"])),
                min_size=lo,
                max_size=hi,
            )
        raise AssertionError(f"no strategy for {node}")

    def _string(self, node: dict[str, Any]) -> st.SearchStrategy[str]:
        if "enum" in node:
            return st.sampled_from(node["enum"])
        lo = node.get("minLength", 0)
        hi = node.get("maxLength")
        if "pattern" not in node:
            return st.text(min_size=lo, max_size=min(hi if hi is not None else 20, 40))
        compiled = _python_pattern(node["pattern"])
        strategy = st.from_regex(compiled, fullmatch=True)
        return strategy.filter(lambda s: lo <= len(s) and (hi is None or len(s) <= hi))


# -- mutations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    path: tuple[str | int, ...]
    node: dict[str, Any]
    parent: dict[str, Any] | None  # the structure holding this member, when it is one


def sites(spec: Spec, shape: str, value: Any, path: tuple[str | int, ...] = ()) -> list[Site]:
    """Every place in a body with the schema that governs it."""
    node = spec.defs[shape]
    out = [Site(path, node, None)]
    if isinstance(value, dict) and "properties" in node:
        for key, sub in value.items():
            ref = node["properties"].get(key)
            if ref is not None and "$ref" in ref:
                out.extend(sites(spec, _name(ref), sub, (*path, key)))
    elif isinstance(value, dict) and isinstance(node.get("additionalProperties"), dict):
        for key, sub in value.items():
            out.extend(sites(spec, _name(node["additionalProperties"]), sub, (*path, key)))
    elif isinstance(value, list) and "items" in node:
        for i, sub in enumerate(value):
            out.extend(sites(spec, _name(node["items"]), sub, (*path, i)))
    return out


def get(body: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        body = body[part]
    return body


def put(body: Any, path: tuple[str | int, ...], value: Any) -> None:
    get(body, path[:-1])[path[-1]] = value


def wrong_type_for(node: dict[str, Any]) -> Any:
    if node.get("x-document"):
        return None
    kind = node.get("type")
    return {"string": 12, "integer": "12", "number": "1.5", "boolean": "true", "array": {}}.get(
        kind, ["not", "an", "object"]
    )


def mutations(spec: Spec, shape: str, body: Any) -> list[tuple[str, tuple[str | int, ...], Any]]:
    """(rule, path, mutated body) for each single mutation this body allows."""
    import copy

    out = []
    for site in sites(spec, shape, body):
        node, path = site.node, site.path
        if node.get("x-document"):
            continue
        value = get(body, path) if path else body
        # wrong type
        mutated = copy.deepcopy(body)
        if path:
            put(mutated, path, wrong_type_for(node))
            out.append(("type", path, mutated))
        # too long
        too_long = node.get("type") == "string" and "maxLength" in node
        if too_long and path and "enum" not in node and not node.get("x-blob"):
            mutated = copy.deepcopy(body)
            put(mutated, path, "a" * (node["maxLength"] + 1))
            out.append(("max-length", path, mutated))
        # bad enum
        if "enum" in node and path:
            mutated = copy.deepcopy(body)
            put(mutated, path, "NOT_A_" + node["enum"][0])
            out.append(("enum", path, mutated))
        if isinstance(value, dict) and "properties" in node and not node.get("x-union"):
            # unknown member
            mutated = copy.deepcopy(body)
            get(mutated, path)["ZzUnknownMember"] = "x"
            out.append(("unknown-member", (*path, "ZzUnknownMember"), mutated))
            # missing required member
            for req in node.get("required", []):
                if req in value and req != "__type":
                    mutated = copy.deepcopy(body)
                    del get(mutated, path)[req]
                    out.append(("required", (*path, req), mutated))
    return out
