"""Compile botocore's service model into JSON Schema (2020-12) for the awsJson wire format.

The output is a plain, JSON-serialisable dict (see `compile_model`) so that it can be cached
on disk keyed by the botocore version and loaded cheaply at start-up.

Wire rules, per shape type:

- structure: an object with exactly the modeled members (`additionalProperties: false`),
  `required` from the model; a union also needs exactly one member set; a document
  structure accepts any JSON.
- list: an array with min/max items; map: an object whose keys satisfy the key shape and
  whose values satisfy the value shape, with min/max entries.
- string: min/max length (code points), enum, and the Java pattern anchored and translated
  (`contracts.checker.javaregex`).
- integer/long: integers with min/max; float/double: numbers.
- timestamp: epoch seconds as a JSON number; blob: a base64 string.
- null is never accepted: every schema names its type.

Custom keywords (ignored by validators, read by this project): `x-shape` (the model's shape
name), `x-sensitive` (the model's trait), `x-secret` (a secret the model leaves unmarked,
from data/extra_secrets.toml), `x-pii` (sensitive personal data rather than a credential),
`x-secret-keys` (secret entries of a map), `x-union`, `x-document`, `x-timestamp`,
`x-blob` with `x-min-bytes` / `x-max-bytes` (exact decoded sizes), `x-java-pattern` (the
pattern as the model writes it), `x-error` / `x-doc` (an error's name and the model's
description of it).
"""

from __future__ import annotations

import math
import re
from typing import Any

from contracts.checker import javaregex
from contracts.checker.model import COMMON_PREFIX, DEFS, media_type, target_prefix

# Padding is optional only in the sense that it is absent for whole 3-byte groups.
BASE64_PATTERN = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"


def error_type_pattern(name: str) -> str:
    """`__type` as AWS sends it: an optional `namespace#` prefix and `:detail` suffix."""
    return f"^(?:[^#]*#)?{name}(?::[\\s\\S]*)?$"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": DEFS + name}


def _string_schema(shape: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "string"}
    if "enum" in shape:
        out["enum"] = list(shape["enum"])
    if "min" in shape:
        out["minLength"] = int(shape["min"])
    if "max" in shape:
        out["maxLength"] = int(shape["max"])
    if "pattern" in shape:
        out["pattern"] = javaregex.anchored(shape["pattern"])
        out["x-java-pattern"] = shape["pattern"]
    return out


def _number_schema(shape: dict[str, Any], integer: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "integer" if integer else "number"}
    if "min" in shape:
        out["minimum"] = shape["min"]
    if "max" in shape:
        out["maximum"] = shape["max"]
    return out


def _blob_schema(shape: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "string",
        "contentEncoding": "base64",
        "pattern": BASE64_PATTERN,
        "x-blob": True,
    }
    # The schema bounds the encoded length (what JSON Schema can say); the checker also
    # decodes and applies the exact byte bounds from x-min-bytes / x-max-bytes.
    if shape.get("min"):
        out["minLength"] = 4 * math.ceil(int(shape["min"]) / 3)
        out["x-min-bytes"] = int(shape["min"])
    if "max" in shape:
        out["maxLength"] = 4 * math.ceil(int(shape["max"]) / 3)
        out["x-max-bytes"] = int(shape["max"])
    return out


def _structure_schema(shape: dict[str, Any]) -> dict[str, Any]:
    if shape.get("document"):
        return {"x-document": True}
    members = shape.get("members", {})
    out: dict[str, Any] = {
        "type": "object",
        "properties": {name: _ref(m["shape"]) for name, m in members.items()},
        "additionalProperties": False,
    }
    if shape.get("required"):
        out["required"] = list(shape["required"])
    if shape.get("union"):
        out["minProperties"] = 1
        out["maxProperties"] = 1
        out["x-union"] = True
    return out


def _error_schema(name: str, shape: dict[str, Any]) -> dict[str, Any]:
    out = _structure_schema(shape)
    props = {"__type": {"type": "string", "pattern": error_type_pattern(name)}}
    props.update(out["properties"])
    # Cognito writes `message`; other AWS front ends write `Message` for the same member.
    if "message" in props and "Message" not in props:
        props["Message"] = props["message"]
    out["properties"] = props
    out["required"] = ["__type", *out.get("required", [])]
    out["x-error"] = name
    if shape.get("documentation"):
        out["x-doc"] = plain_text(shape["documentation"])
    if shape.get("fault"):
        out["x-fault"] = True
    return out


def plain_text(html: str) -> str:
    """The model's HTML documentation as one line of plain text."""
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"\s+", " ", text).strip()


def common_error_schema(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "__type": {"type": "string", "pattern": error_type_pattern(name)},
            "message": {"type": "string"},
            "Message": {"type": "string"},
        },
        "required": ["__type"],
        "additionalProperties": False,
        "x-error": name,
        "x-common": True,
    }


def shape_schema(name: str, shape: dict[str, Any]) -> dict[str, Any]:
    kind = shape["type"]
    if kind == "structure":
        out = _error_schema(name, shape) if shape.get("exception") else _structure_schema(shape)
    elif kind == "list":
        out = {"type": "array", "items": _ref(shape["member"]["shape"])}
        if "min" in shape:
            out["minItems"] = int(shape["min"])
        if "max" in shape:
            out["maxItems"] = int(shape["max"])
    elif kind == "map":
        out = {
            "type": "object",
            "propertyNames": _ref(shape["key"]["shape"]),
            "additionalProperties": _ref(shape["value"]["shape"]),
        }
        if "min" in shape:
            out["minProperties"] = int(shape["min"])
        if "max" in shape:
            out["maxProperties"] = int(shape["max"])
    elif kind == "string":
        out = _string_schema(shape)
    elif kind in ("integer", "long", "short", "byte"):
        out = _number_schema(shape, integer=True)
    elif kind in ("float", "double", "bigdecimal"):
        out = _number_schema(shape, integer=False)
    elif kind == "biginteger":
        out = _number_schema(shape, integer=True)
    elif kind == "boolean":
        out = {"type": "boolean"}
    elif kind == "timestamp":
        out = {"type": "number", "x-timestamp": "epoch-seconds"}
    elif kind == "blob":
        out = _blob_schema(shape)
    elif kind == "document":
        out = {"x-document": True}
    else:
        raise ValueError(f"shape {name}: unknown type {kind!r}")
    out["x-shape"] = name
    if shape.get("sensitive"):
        out["x-sensitive"] = True
    return out


def compile_model(
    model: dict[str, Any],
    common_errors: list[str],
    botocore_version: str,
    extra_secrets: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """The whole spec: every shape as a schema, every operation with its errors.

    `extra_secrets` (`{"shapes": [...], "members": ["Structure.Member", ...], "pii": [...]}`)
    marks with `x-secret` what the project treats as secret although the model does not say
    so, and with `x-pii` the sensitive shapes that are personal data, not credentials.
    """
    defs = {name: shape_schema(name, shape) for name, shape in model["shapes"].items()}
    extra = extra_secrets or {}
    for name in extra.get("shapes", []):
        defs[name]["x-secret"] = True
    for dotted in extra.get("members", []):
        owner, member = dotted.split(".", 1)
        defs[owner]["properties"][member]["x-secret"] = True
    for name in extra.get("pii", []):
        defs[name]["x-pii"] = True
    for dotted in extra.get("map_keys", []):
        owner, key = dotted.split(".", 1)
        key, _, form = key.partition(":")
        defs[owner].setdefault("x-secret-keys", {})[key] = form
    for name in common_errors:
        defs[COMMON_PREFIX + name] = common_error_schema(name)
    operations: dict[str, Any] = {}
    for op_name, op in model["operations"].items():
        errors = [e["shape"] for e in op.get("errors", [])]
        operations[op_name] = {
            "input": op.get("input", {}).get("shape"),
            "output": op.get("output", {}).get("shape"),
            "errors": errors,
            "common_errors": [n for n in common_errors if n not in errors],
            "method": op.get("http", {}).get("method", "POST"),
            "path": op.get("http", {}).get("requestUri", "/"),
            "unsigned": op.get("authtype") == "none",
        }
    return {
        "botocore_version": botocore_version,
        "service": {
            "target_prefix": target_prefix(model),
            "media_type": media_type(model),
            "api_version": model["metadata"].get("apiVersion"),
            "service_id": model["metadata"].get("serviceId"),
        },
        "operations": operations,
        "defs": defs,
    }
