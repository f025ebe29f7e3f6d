"""Violations: where a body breaks the spec, which rule, and a sentence a person can act on."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule. `path` is a JSON path into the body (`$.UserAttributes[3].Name`), or
    a header/line reference for exchange-level rules; `where` is `request`, `response` or
    empty for a bare body."""

    path: str
    rule: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        prefix = f"{self.where} " if self.where else ""
        return f"{prefix}{self.path}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        out = {"path": self.path, "rule": self.rule, "message": self.message}
        if self.where:
            out["where"] = self.where
        return out


def json_path(parts: list[str | int] | tuple[str | int, ...]) -> str:
    """`["UserAttributes", 3, "Name"]` -> `$.UserAttributes[3].Name`."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENT.match(part):
            out.append("." + part)
        else:
            out.append("[" + json.dumps(part, ensure_ascii=False) + "]")
    return "".join(out)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def show(value: Any, limit: int = 40) -> str:
    """A short, quoted rendering of a value for a message (never a whole 2 KB string)."""
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
