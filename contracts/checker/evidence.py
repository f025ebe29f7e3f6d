"""The evidence corpus: answers real Cognito gave, captured from public sources.

Each item (`data/evidence/*.toml`, one `[[item]]` table per fact) names its source and
date, the operation, the request as the source shows it and either the exact answer
(`kind = "answer"`: status, `__type`, `message` byte for byte) or a described behaviour
(`kind = "behaviour"`). The embedded backend is replayed against every item in
tests/embedded/test_evidence.py; this module only reads and types the data.

`replay.toml` in the same directory holds what the project decided about replaying items,
kept apart from the gathered facts so the corpus files can be refreshed as they are:
`reason` for an item the backend cannot reproduce by design (each listed in
tui/embedded/deviations.toml), `newline_unseen` for an answer whose source could not show
a trailing newline (compared without it), `replace` for an answer quoting a constraint the
service model has changed since (`[[old, new]]`, with `why`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

EVIDENCE_DIR = Path(__file__).parent / "data" / "evidence"
REPLAY_FILE = EVIDENCE_DIR / "replay.toml"
KINDS = ("answer", "behaviour")
CONFIDENCES = ("exact", "reported")


class EvidenceError(Exception):
    """An evidence file cannot be read into items."""


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    operation: str
    source: str
    source_date: str
    kind: Literal["answer", "behaviour"]
    setup: str
    request: str
    status: int | None
    type: str
    message: str
    behaviour: str
    confidence: str
    notes: str
    file: str
    reason: str = ""
    newline_unseen: str = ""
    replace: tuple[tuple[str, str], ...] = ()


_TEXT_FIELDS = ("setup", "request", "type", "message", "behaviour", "confidence", "notes")


def _item(raw: dict[str, Any], file: str, replay: dict[str, dict[str, Any]]) -> Item:
    try:
        ident = str(raw["id"])
        kind = raw["kind"]
    except KeyError as missing:
        raise EvidenceError(f"{file}: an item has no {missing.args[0]}: {raw}") from None
    if kind not in KINDS:
        raise EvidenceError(f"{file}: {ident}: kind {kind!r} is not one of {KINDS}")
    status = raw.get("status")
    decided = replay.get(ident, {})
    return Item(
        id=ident,
        operation=str(raw.get("operation", "")),
        source=str(raw.get("source", "")),
        source_date=str(raw.get("source_date", "")),
        kind=kind,
        status=int(status) if status not in (None, "") else None,
        file=file,
        reason=str(decided.get("reason", "")),
        newline_unseen=str(decided.get("newline_unseen", "")),
        replace=tuple((str(old), str(new)) for old, new in decided.get("replace", [])),
        **{name: str(raw.get(name, "")) for name in _TEXT_FIELDS},
    )


def load_replay(path: Path = REPLAY_FILE) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return {str(k): dict(v) for k, v in data.get("item", {}).items()}


def load(directory: Path = EVIDENCE_DIR) -> list[Item]:
    """Every item of every corpus file (replay.toml excepted), in file order."""
    replay = load_replay(directory / REPLAY_FILE.name)
    items: list[Item] = []
    for path in sorted(directory.glob("*.toml")):
        if path.name == REPLAY_FILE.name:
            continue
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as error:
            raise EvidenceError(f"{path.name}: {error}") from None
        items += [_item(raw, path.name, replay) for raw in data.get("item", [])]
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise EvidenceError(f"item id {item.id!r} appears twice")
        seen.add(item.id)
    return items
