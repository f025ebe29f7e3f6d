"""Reading recorded exchanges: vcrpy cassettes (YAML or JSON) and browser HAR files.

Any problem with a file (unreadable, not YAML/JSON, truncated, not a cassette or HAR) is a
`SourceError` whose message names the file and what is wrong, for the CLI's exit code 2.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from contracts.checker.exchange import Exchange, normalise_headers

COGNITO_TARGET_PREFIX = "AWSCognitoIdentityProviderService."
SUFFIXES = (".yaml", ".yml", ".json", ".har")


class SourceError(Exception):
    """A file that cannot be read as recorded exchanges; the message names it."""


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, folders searched recursively for cassettes and HAR files."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
            out.extend(found)
        elif path.exists():
            out.append(path)
        else:
            raise SourceError(f"{path}: no such file or folder")
    return out


def read_exchanges(path: Path) -> list[Exchange]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise SourceError(f"{path}: empty file")
    if path.suffix == ".har" or (path.suffix == ".json" and _looks_like_har(raw)):
        return list(_har(path, raw))
    if path.suffix == ".json":
        return list(_cassette(path, _json(path, raw)))
    return list(_cassette(path, _yaml(path, raw)))


def _looks_like_har(raw: bytes) -> bool:
    head = raw[:200].lstrip()
    return head.startswith(b"{") and b'"log"' in raw[:2000]


def _json(path: Path, raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise SourceError(f"{path}: not valid JSON ({exc})") from exc


def _cassette_loader() -> Any:
    """A safe YAML loader that also reads the plain Python tags old vcrpy versions wrote."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    # the C loader when PyYAML was built with libyaml: a base chosen at run time, which
    # mypy cannot take from a variable
    class Loader(base):  # type: ignore[misc, valid-type]
        pass

    def text(loader: Any, node: Any) -> str:
        return str(loader.construct_scalar(node))

    def sequence(loader: Any, node: Any) -> list[Any]:
        return list(loader.construct_sequence(node))

    Loader.add_constructor("tag:yaml.org,2002:python/unicode", text)
    Loader.add_constructor("tag:yaml.org,2002:python/str", text)
    Loader.add_constructor("tag:yaml.org,2002:python/tuple", sequence)
    return Loader


def _yaml(path: Path, raw: bytes) -> Any:
    try:
        import yaml
    except ImportError:
        raise SourceError(
            f"{path}: reading YAML cassettes needs the contracts extra, which is not "
            "installed: pip install 'cognito-tui[contracts]'"
        ) from None

    try:
        return yaml.load(raw, Loader=_cassette_loader())
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SourceError(f"{path}: not a valid YAML cassette{line}: {problem}") from exc


def _body(value: Any) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, dict):  # vcrpy response bodies: {"string": ...}
        value = value.get("string")
        if value is None:
            return None
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError(f"body of type {type(value).__name__}")


def _decompress(body: bytes | None, headers: dict[str, list[str]]) -> bytes | None:
    encoding = (headers.get("content-encoding") or [""])[0].lower()
    if not body or encoding not in ("gzip", "deflate"):
        return body
    try:
        return gzip.decompress(body) if encoding == "gzip" else zlib.decompress(body)
    except (OSError, zlib.error):
        return body  # already decoded by the recorder


def _cassette(path: Path, data: Any) -> Iterator[Exchange]:
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise SourceError(f"{path}: not a vcrpy cassette (no 'interactions' list)")
    for i, item in enumerate(data["interactions"]):
        try:
            req, resp = item["request"], item.get("response") or {}
            req_headers = normalise_headers(req.get("headers"))
            resp_headers = normalise_headers(resp.get("headers"))
            status = resp.get("status", {}).get("code") if resp else None
            yield Exchange(
                method=str(req["method"]),
                uri=str(req["uri"]),
                request_headers=req_headers,
                request_body=_body(req.get("body")),
                status=int(status) if status is not None else None,
                response_headers=resp_headers,
                response_body=_decompress(_body(resp.get("body")), resp_headers),
                source=str(path),
                index=i,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SourceError(f"{path}: interaction {i} is malformed ({exc})") from exc


def _har(path: Path, raw: bytes) -> Iterator[Exchange]:
    data = _json(path, raw)
    entries = data.get("log", {}).get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SourceError(f"{path}: not a HAR file (no log.entries list)")
    for i, entry in enumerate(entries):
        try:
            req, resp = entry["request"], entry.get("response") or {}
            req_headers = normalise_headers(req.get("headers"))
            target = (req_headers.get("x-amz-target") or [""])[0]
            if not target.startswith(COGNITO_TARGET_PREFIX):
                continue  # a browser session records every request; only Cognito's count
            post = req.get("postData") or {}
            content = resp.get("content") or {}
            text = content.get("text")
            if text is not None and content.get("encoding") == "base64":
                body: bytes | None = base64.b64decode(text)
            else:
                body = text.encode("utf-8") if isinstance(text, str) else None
            status = resp.get("status")
            yield Exchange(
                method=str(req["method"]),
                uri=str(req["url"]),
                request_headers=req_headers,
                request_body=post["text"].encode("utf-8") if post.get("text") else None,
                # HAR writes status 0 for a request that got no response
                status=int(status) if status else None,
                response_headers=normalise_headers(resp.get("headers")),
                response_body=body,
                source=str(path),
                index=i,
            )
        except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as exc:
            raise SourceError(f"{path}: entry {i} is malformed ({exc})") from exc
