"""The compiled spec and the body checker.

`Spec.load()` returns the cognito-idp spec compiled from the installed botocore, from an
on-disk cache keyed by botocore's version and this compiler's source (so loading costs a
small JSON read, not a model compile: each shape's schema is parsed from the cache the
first time it is read, see `LazyDefs`). Validators are built per operation on first use.

`Spec.validate(operation, kind, body)` checks one body (`input`, `output` or `error`) and
returns the violations, each with a JSON path, a rule id and a sentence. Valid bodies take
the fast path (one call into jsonschema-rs); only invalid ones are explained.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import jsonschema_rs

from contracts.checker.model import COMMON_PREFIX, DEFS, SCHEMA_DIALECT
from contracts.checker.shapes import (  # noqa: F401 - shape_schemas: its old home
    COMMON_ERRORS_FILE,
    DATA,
    EXTRA_SECRETS_FILE,
    cache_dir,
    shape_schemas,
    source_digest,
)
from contracts.checker.violations import Violation, json_path, json_type, plural, show

ALLOWLIST_FILE = DATA / "allowlist.toml"
KINDS = ("input", "output", "error")
_PATTERN_OPTIONS = jsonschema_rs.FancyRegexOptions()
_EMPTY_OUTPUT = {"type": "object", "maxProperties": 0, "x-shape": "(no output)"}


class SpecError(Exception):
    """The spec cannot answer: unknown operation, bad kind, unreadable allow-list."""


def normalise_error_type(value: str) -> str:
    """`aws.protocoljson#NotAuthorizedException:http://...` -> `NotAuthorizedException`."""
    name = value.rsplit("#", 1)[-1]
    return name.split(":", 1)[0]


# ---------------------------------------------------------------------------------------
# Loading and caching


_cache_dir = cache_dir  # the names this module has always had
_source_digest = source_digest


def load_common_errors(path: Path = COMMON_ERRORS_FILE) -> list[str]:
    import tomllib

    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    names = [entry["name"] for entry in data.get("error", [])]
    for entry in data.get("error", []):
        if not str(entry.get("reason", "")).strip():
            raise SpecError(f"{path}: common error {entry.get('name')!r} has no reason")
    return names


def load_extra_secrets(path: Path = EXTRA_SECRETS_FILE) -> dict[str, list[str]]:
    import tomllib

    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    out: dict[str, list[str]] = {"shapes": [], "members": [], "pii": [], "map_keys": []}
    sections = (("shape", "shapes"), ("member", "members"), ("pii", "pii"), ("map_key", "map_keys"))
    for section, key in sections:
        for entry in data.get(section, []):
            if not str(entry.get("reason", "")).strip():
                raise SpecError(f"{path}: secret {entry.get('name')!r} has no reason")
            form = entry.get("format")
            out[key].append(f"{entry['name']}:{form}" if form else entry["name"])
    return out


def compile_spec() -> dict[str, Any]:
    from contracts.checker.compiler import compile_model
    from contracts.checker.model import botocore_version, load_service_model

    return compile_model(
        load_service_model(), load_common_errors(), botocore_version(), load_extra_secrets()
    )


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class LazyDefs(Mapping[str, Any]):
    """The compiled schemas by shape name, each parsed from the cache file's bytes when it
    is first read. The editor's start checks one request (GetUser) before its first call:
    parsing every schema (about 770 KB of JSON) cost it 13-21 ms, the few it reaches
    well under one."""

    __slots__ = ("_body", "_index", "_parsed")

    def __init__(self, body: memoryview, index: dict[str, list[int]]) -> None:
        self._body = body
        self._index = index
        self._parsed: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        found = self._parsed.get(name)
        if found is None:
            import orjson

            start, end = self._index[name]
            found = self._parsed[name] = orjson.loads(self._body[start:end])
        return found

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def pack(compiled: dict[str, Any]) -> bytes:
    """The cache file: one line of JSON (everything but the schemas, and where each schema
    is), then the schemas' JSON texts back to back."""
    import orjson

    parts: list[bytes] = []
    index: dict[str, list[int]] = {}
    position = 0
    for name, node in compiled["defs"].items():
        data = orjson.dumps(node)
        index[name] = [position, position + len(data)]
        parts.append(data)
        position += len(data)
    header = {k: v for k, v in compiled.items() if k != "defs"} | {"index": index}
    return orjson.dumps(header) + b"\n" + b"".join(parts)


def unpack(data: bytes) -> dict[str, Any]:
    """What `pack` wrote, with the schemas as a `LazyDefs`; ValueError when it is not."""
    import orjson

    head, newline, _ = data.partition(b"\n")
    header = orjson.loads(head) if newline else None
    if not isinstance(header, dict) or not isinstance(header.get("index"), dict):
        raise ValueError("not a packed spec")
    body = memoryview(data)[len(head) + 1 :]
    index: dict[str, list[int]] = header.pop("index")
    if any(end > len(body) for _, end in index.values()):
        raise ValueError("truncated packed spec")
    header["defs"] = LazyDefs(body, index)
    return header


def load_compiled(cache: bool = True) -> dict[str, Any]:
    """The compiled spec; from the cache its "defs" are a `LazyDefs`."""
    from contracts.checker.model import botocore_version

    key = f"spec-{botocore_version()}-{_source_digest()}.packed"
    path = _cache_dir() / key
    if cache:
        try:
            return unpack(path.read_bytes())
        except (OSError, ValueError):
            pass
    compiled = compile_spec()
    if cache:
        # a read-only home still gets a working (uncached) spec
        with contextlib.suppress(OSError):
            _write_atomic(path, pack(compiled))
    return compiled


# ---------------------------------------------------------------------------------------
# Allow-list


@dataclass(frozen=True, slots=True)
class AllowEntry:
    operation: str
    path: str
    rule: str
    reason: str


_INDEX = re.compile(r"\[\d+\]")


def _generic_path(path: str) -> str:
    return _INDEX.sub("[*]", path)


@dataclass
class Allowlist:
    """Reviewed exceptions for known inaccuracies of AWS's own model.

    An entry names an operation, a JSON path (list indexes written `[*]`), a rule and the
    reason. A matching violation is not dropped silently: it is reported as allowed.
    """

    entries: list[AllowEntry] = field(default_factory=list)
    _index: dict[tuple[str, str, str], AllowEntry] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = {(e.operation, e.path, e.rule): e for e in self.entries}

    @classmethod
    def load(cls, path: Path = ALLOWLIST_FILE, operations: Iterable[str] = ()) -> Allowlist:
        import tomllib

        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SpecError(f"{path}: cannot read the allow-list: {exc}") from exc
        known = set(operations)
        entries = []
        for i, raw in enumerate(data.get("allow", []), 1):
            missing = [k for k in ("operation", "path", "rule", "reason") if not raw.get(k)]
            if missing:
                raise SpecError(f"{path}: entry {i} lacks {', '.join(missing)}")
            if known and raw["operation"] not in known:
                raise SpecError(f"{path}: entry {i} names unknown operation {raw['operation']}")
            entries.append(
                AllowEntry(raw["operation"], raw["path"], raw["rule"], raw["reason"].strip())
            )
        return cls(entries)

    def match(self, operation: str, violation: Violation) -> AllowEntry | None:
        if not self._index:
            return None
        return self._index.get((operation, _generic_path(violation.path), violation.rule))


# ---------------------------------------------------------------------------------------
# The spec


class SecretPath(NamedTuple):
    path: tuple[str, ...]
    shape: str
    form: str = ""  # "base64": the stand-in must stay base64 (code decodes it)


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    input: str | None
    output: str | None
    errors: tuple[str, ...]
    common_errors: tuple[str, ...]
    method: str
    path: str
    unsigned: bool


class Spec:
    def __init__(self, compiled: dict[str, Any], allowlist: Allowlist | Path | None = None) -> None:
        self.compiled = compiled
        self.defs: Mapping[str, Any] = compiled["defs"]
        self.service: dict[str, Any] = compiled["service"]
        self.target_prefix: str = self.service["target_prefix"]
        self.media_type: str = self.service["media_type"]
        self.botocore_version: str = compiled["botocore_version"]
        self.operations: dict[str, Operation] = {
            name: Operation(
                name=name,
                input=op["input"],
                output=op["output"],
                errors=tuple(op["errors"]),
                common_errors=tuple(op["common_errors"]),
                method=op["method"],
                path=op["path"],
                unsigned=op["unsigned"],
            )
            for name, op in compiled["operations"].items()
        }
        # The allow-list is read when first needed: valid bodies never pay for it.
        self._allowlist = allowlist
        self._validators: dict[tuple[str, str], tuple[Any, bool]] = {}

    @classmethod
    def load(cls, cache: bool = True, allowlist: Path | None = ALLOWLIST_FILE) -> Spec:
        """The installed botocore's spec; `allowlist=None` checks without any exception."""
        return cls(load_compiled(cache=cache), allowlist)

    @property
    def allowlist(self) -> Allowlist:
        if not isinstance(self._allowlist, Allowlist):
            path = self._allowlist
            self._allowlist = Allowlist.load(path, self.operations) if path else Allowlist()
        return self._allowlist

    # -- lookups -------------------------------------------------------------------------

    def operation(self, name: str) -> Operation:
        try:
            return self.operations[name]
        except KeyError:
            raise SpecError(f"unknown operation {name!r} (not in cognito-idp)") from None

    def root_shape(self, operation: str, kind: str, error: str | None = None) -> str | None:
        op = self.operation(operation)
        if kind == "input":
            return op.input
        if kind == "output":
            return op.output
        if kind == "error":
            if error in op.errors:
                return error
            if error in op.common_errors:
                return COMMON_PREFIX + error
            return None
        raise SpecError(f"unknown kind {kind!r} (input, output or error)")

    def schema_for(self, shape: str | None) -> dict[str, Any]:
        """A self-contained JSON Schema for one shape: only the definitions it reaches."""
        if shape is None:
            return {"$schema": SCHEMA_DIALECT, **_EMPTY_OUTPUT}
        return {
            "$schema": SCHEMA_DIALECT,
            "$ref": DEFS + shape,
            "$defs": {n: self.defs[n] for n in self.reachable(shape)},
        }

    @functools.cache  # noqa: B019 - one Spec per process; the cache lives as long as it
    def reachable(self, shape: str) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        stack = [shape]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen[name] = None
            stack.extend(_refs(self.defs[name]))
        return tuple(seen)

    def _validator(self, shape: str | None) -> tuple[Any, bool]:
        key = (shape or "", "")
        found = self._validators.get(key)
        if found is None:
            validator = jsonschema_rs.validator_for(
                self.schema_for(shape), pattern_options=_PATTERN_OPTIONS
            )
            has_blobs = shape is not None and any(
                self.defs[n].get("x-blob") for n in self.reachable(shape)
            )
            found = (validator, has_blobs)
            self._validators[key] = found
        return found

    # -- validation ----------------------------------------------------------------------

    def validate(
        self,
        operation: str,
        kind: str,
        body: Any,
        include_allowed: bool = False,
        *,
        merge_empty: bool = True,
    ) -> list[Violation]:
        """Violations of one body; an empty list means valid.

        With `include_allowed`, violations accepted by the allow-list are returned too,
        with rule `allowed:<rule>` and the reason in the message. An empty value breaks
        both a minimum length and a `+` pattern; `merge_empty` reports only the length
        (for people), without it both are reported (as AWS does).
        """
        if kind == "error":
            shape, early = self._error_shape(operation, body)
            if early:
                return early
        else:
            shape = self.root_shape(operation, kind)
        validator, has_blobs = self._validator(shape)
        if not has_blobs and validator.is_valid(body):
            return []
        found = self._explain(validator, shape, body, merge_empty)
        if has_blobs:
            found.extend(self._check_blobs(shape, body))
        return self._apply_allowlist(operation, found, include_allowed)

    def _error_shape(self, operation: str, body: Any) -> tuple[str | None, list[Violation]]:
        op = self.operation(operation)
        if not isinstance(body, dict):
            return None, [Violation("$", "type", f"expected an object, got {json_type(body)}")]
        raw = body.get("__type")
        if not isinstance(raw, str) or not raw:
            return None, [
                Violation(
                    "$.__type",
                    "error-type",
                    "missing: an error body must name its error in __type",
                )
            ]
        name = normalise_error_type(raw)
        shape = self.root_shape(operation, "error", name)
        if shape is None:
            return None, [
                Violation(
                    "$.__type",
                    "error-not-modeled",
                    f"{name} is not an error {op.name} can return "
                    f"(modeled: {', '.join(op.errors) or 'none'}; plus the common AWS errors)",
                )
            ]
        return shape, []

    def _apply_allowlist(
        self, operation: str, found: list[Violation], include_allowed: bool
    ) -> list[Violation]:
        if not self.allowlist.entries or not found:
            return found
        out = []
        for v in found:
            entry = self.allowlist.match(operation, v)
            if entry is None:
                out.append(v)
            elif include_allowed:
                out.append(Violation(v.path, "allowed:" + v.rule, entry.reason, v.where))
        return out

    # -- explanations --------------------------------------------------------------------

    def _explain(
        self, validator: Any, root: str | None, body: Any, merge_empty: bool = True
    ) -> list[Violation]:
        out: list[Violation] = []
        seen: set[tuple[str, str]] = set()
        for err in validator.iter_errors(body):
            for v in self._describe(err, root, body):
                if (v.path, v.rule) not in seen:
                    seen.add((v.path, v.rule))
                    out.append(v)
        if not merge_empty:
            return out
        # An empty value breaks both the minimum length and a `+` pattern: say it once.
        return [v for v in out if v.rule != "pattern" or (v.path, "min-length") not in seen]

    def _node(self, schema_path: list[Any], root: str | None) -> dict[str, Any]:
        """The schema object (a shape's definition) where the failing keyword lives."""
        shape = root
        node: dict[str, Any] = self.defs[root] if root else _EMPTY_OUTPUT
        keys = list(schema_path)
        for i, key in enumerate(keys):
            if key == "$defs" and i + 1 < len(keys):
                shape = keys[i + 1]
        if shape is not None and shape in self.defs:
            node = self.defs[shape]
        return node

    def _describe(self, err: Any, root: str | None, body: Any = None) -> list[Violation]:
        kind = err.kind
        name = kind.name
        parts = _repair_path(body, list(err.instance_path), err.instance)
        path = json_path(parts)
        node = self._node(err.schema_path, root)
        inst = err.instance
        if name == "type":
            if inst is None:
                return [Violation(path, "null", "null is not allowed: leave the member out")]
            return [Violation(path, "type", f"expected {_expected(node)}, got {json_type(inst)}")]
        if name == "required":
            prop = kind.property
            return [Violation(json_path([*parts, prop]), "required", "required member is missing")]
        if name == "additionalProperties":
            members = ", ".join(k for k in node.get("properties", {}) if k != "Message")
            owner = node.get("x-error") or node.get("x-shape", "this object")
            return [
                Violation(
                    json_path([*parts, extra]),
                    "unknown-member",
                    f"not a member of {owner} (members: {members or 'none'})",
                )
                for extra in kind.unexpected
            ]
        if name in ("minLength", "maxLength") and node.get("x-blob"):
            return []  # exact byte bounds are checked after decoding (_check_blobs)
        if name == "maxLength":
            return [
                Violation(
                    path,
                    "max-length",
                    f"longer than {plural(kind.limit, 'character')} "
                    f"(maximum {kind.limit}, got {len(inst)})",
                )
            ]
        if name == "minLength":
            if kind.limit == 1:
                return [Violation(path, "min-length", "empty (at least 1 character)")]
            return [
                Violation(
                    path,
                    "min-length",
                    f"shorter than {plural(kind.limit, 'character')} "
                    f"(minimum {kind.limit}, got {len(inst)})",
                )
            ]
        if name == "pattern":
            return [self._pattern_violation(path, node, inst)]
        if name == "enum":
            options = list(node.get("enum", []))
            listed = ", ".join(options[:8]) + (
                f" … ({len(options)} in all)" if len(options) > 8 else ""
            )
            return [Violation(path, "enum", f"{show(inst)} is not one of {listed}")]
        if name == "maximum":
            return [Violation(path, "maximum", f"{inst} is greater than the maximum {kind.limit}")]
        if name == "minimum":
            return [Violation(path, "minimum", f"{inst} is less than the minimum {kind.limit}")]
        if name in ("maxItems", "minItems"):
            word = "maximum" if name == "maxItems" else "minimum"
            return [
                Violation(
                    path,
                    "max-items" if name == "maxItems" else "min-items",
                    f"{plural(len(inst), 'item')} ({word} {kind.limit})",
                )
            ]
        if name in ("maxProperties", "minProperties"):
            if node is _EMPTY_OUTPUT and isinstance(inst, dict):
                return [
                    Violation(
                        json_path([*parts, key]),
                        "unknown-member",
                        "not a member: the operation models no output",
                    )
                    for key in inst
                ]
            if node.get("x-union"):
                chosen = ", ".join(inst) if isinstance(inst, dict) and inst else "none"
                return [
                    Violation(path, "union", f"a union must set exactly one member (set: {chosen})")
                ]
            word = "maximum" if name == "maxProperties" else "minimum"
            return [
                Violation(
                    path,
                    "max-entries" if name == "maxProperties" else "min-entries",
                    f"{plural(len(inst), 'entry')} ({word} {kind.limit})".replace(
                        "entrys", "entries"
                    ),
                )
            ]
        if name == "propertyNames":
            inner = kind.error
            key_path = path
            sub = self._describe(inner, root, inst)
            return [
                Violation(key_path, "key-" + v.rule, f"key {show(inner.instance)}: {v.message}")
                for v in sub
            ]
        if name == "falseSchema":
            return [Violation(path, "unknown-member", "not a member of this object")]
        return [Violation(path, name, err.message.splitlines()[0])]

    def _pattern_violation(self, path: str, node: dict[str, Any], value: str) -> Violation:
        if node.get("x-blob"):
            return Violation(path, "base64", "not a base64 string")
        if "x-error" in node or "x-java-pattern" not in node:
            return Violation(path, "pattern", f"{show(value)} does not match {node.get('pattern')}")
        java = node["x-java-pattern"]
        detail = _first_bad_char(node["pattern"], value)
        return Violation(path, "pattern", f"does not match the pattern {java}{detail}")

    # -- blobs ---------------------------------------------------------------------------

    def _check_blobs(self, shape: str | None, body: Any) -> list[Violation]:
        import base64
        import binascii

        out: list[Violation] = []
        if shape is None:
            return out
        for parts, node, value in self._walk(shape, body, ()):
            if not node.get("x-blob") or not isinstance(value, str):
                continue
            try:
                size = len(base64.b64decode(value, validate=True))
            except (binascii.Error, ValueError):
                continue  # reported by the pattern rule
            hi, lo = node.get("x-max-bytes"), node.get("x-min-bytes")
            if hi is not None and size > hi:
                out.append(
                    Violation(json_path(parts), "max-bytes", f"{size} bytes decoded (maximum {hi})")
                )
            if lo is not None and size < lo:
                out.append(
                    Violation(json_path(parts), "min-bytes", f"{size} bytes decoded (minimum {lo})")
                )
        return out

    def _walk(self, shape: str, value: Any, parts: tuple[str | int, ...]) -> Iterable[Any]:
        node = self.defs[shape]
        yield parts, node, value
        if isinstance(value, dict) and "properties" in node:
            for key, sub in value.items():
                ref = node["properties"].get(key)
                if ref and "$ref" in ref:
                    yield from self._walk(_name(ref), sub, (*parts, key))
        elif isinstance(value, dict) and isinstance(node.get("additionalProperties"), dict):
            ref = node["additionalProperties"]
            for key, sub in value.items():
                yield from self._walk(_name(ref), sub, (*parts, key))
        elif isinstance(value, list) and "items" in node:
            for i, sub in enumerate(value):
                yield from self._walk(_name(node["items"]), sub, (*parts, i))

    # -- secrets -------------------------------------------------------------------------

    def sensitive_paths(self, operation: str, kind: str) -> list[tuple[str, ...]]:
        """Where secrets sit in a body: member names, `[]` for any list item, `{}` for any
        map value; a path ending at a secret structure covers all of it. Secrets are the
        model's `sensitive` members plus the reviewed extras (data/extra_secrets.toml)."""
        return [secret.path for secret in self.secret_paths(operation, kind)]

    @functools.cache  # noqa: B019 - one Spec per process
    def secret_paths(self, operation: str, kind: str) -> tuple[SecretPath, ...]:
        """`sensitive_paths` with the shape found at each path (for a map, the value's) and
        the form a stand-in must keep ("" or "base64")."""
        shape = self.root_shape(operation, kind)
        return () if shape is None else tuple(self._sensitive(shape, (), False))

    def _sensitive(self, shape: str, parts: tuple[str, ...], marked: bool) -> Iterable[SecretPath]:
        node = self.defs[shape]
        if marked or node.get("x-sensitive") or node.get("x-secret"):
            if isinstance(node.get("additionalProperties"), dict):
                yield SecretPath((*parts, "{}"), _name(node["additionalProperties"]))
            else:
                yield SecretPath(parts, shape)
            return
        if "properties" in node:
            for key, ref in node["properties"].items():
                yield from self._sensitive(_name(ref), (*parts, key), bool(ref.get("x-secret")))
        elif isinstance(node.get("additionalProperties"), dict):
            value = _name(node["additionalProperties"])
            for key, form in (node.get("x-secret-keys") or {}).items():
                yield SecretPath((*parts, key), value, form)
            yield from self._sensitive(value, (*parts, "{}"), False)
        elif "items" in node:
            yield from self._sensitive(_name(node["items"]), (*parts, "[]"), False)

    def is_pii(self, shape: str) -> bool:
        """Sensitive personal data rather than a credential (data/extra_secrets.toml)."""
        return bool(self.defs.get(shape, {}).get("x-pii"))

    def accepts(self, shape: str, value: Any) -> bool:
        """Whether a value satisfies one shape's schema (e.g. a placeholder for a secret)."""
        validator, _ = self._validator(shape)
        return bool(validator.is_valid(value))


def _repair_path(body: Any, parts: list[Any], instance: Any) -> list[Any]:
    """The instance path as the body has it, repairing two jsonschema-rs 0.60 habits:
    `{"": 1}`'s member is reported at `[]` instead of `[""]` (when the path does not lead
    to the failing value, search for it through `""` keys), and a map key made of digits
    comes back as an integer (`{"0": 5}` at `[0]`, which reads as a list index).
    """
    if body is None:
        return parts

    def walk(node: Any, i: int) -> list[Any] | None:
        if i == len(parts) and node == instance:
            return []
        if i < len(parts):
            key = parts[i]
            if isinstance(node, dict) and isinstance(key, int):
                key = str(key)
            inside = (isinstance(node, dict) and key in node) or (
                isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)
            )
            if inside:
                rest = walk(node[key], i + 1)
                if rest is not None:
                    return [key, *rest]
        if isinstance(node, dict) and "" in node:
            rest = walk(node[""], i)
            if rest is not None:
                return ["", *rest]
        return None

    return walk(body, 0) or parts


def _name(ref: dict[str, str]) -> str:
    return ref["$ref"][len(DEFS) :]


def _refs(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(DEFS):
                yield value[len(DEFS) :]
            elif isinstance(value, dict | list):
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _expected(node: dict[str, Any]) -> str:
    if node.get("x-timestamp"):
        return "a timestamp in epoch seconds (a number)"
    if node.get("x-blob"):
        return "a base64 string"
    kind = str(node.get("type"))
    return {
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "a boolean",
        "array": "a list",
        "object": "an object",
    }.get(kind, kind)


_SINGLE_CLASS = re.compile(r"\^\(\?:(\[(?:\\.|[^\]\\])+\])[*+]\)\$\Z")


@functools.lru_cache(maxsize=256)
def _char_checker(pattern: str) -> Any:
    m = _SINGLE_CLASS.match(pattern)
    if not m:
        return None
    return jsonschema_rs.validator_for(
        {"type": "string", "pattern": f"^{m.group(1)}$"}, pattern_options=_PATTERN_OPTIONS
    )


def _first_bad_char(pattern: str, value: str) -> str:
    """For a one-class pattern such as `[\\p{L}...]+`, name the first character it refuses."""
    checker = _char_checker(pattern)
    if checker is None or not isinstance(value, str):
        return ""
    for i, ch in enumerate(value):
        if not checker.is_valid(ch):
            shown = ch if ch.isprintable() and not ch.isspace() else ""
            label = f"U+{ord(ch):04X}" + (f" {shown!r}" if shown else "")
            return f" (character {label} at position {i + 1} is not allowed)"
    return ""


@functools.lru_cache(maxsize=1)
def default_spec() -> Spec:
    """The process-wide spec with the project's reviewed allow-list."""
    return Spec.load()
