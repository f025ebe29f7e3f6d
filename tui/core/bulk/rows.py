"""Reading a bulk-change CSV: `username,attribute,value,action`, one change per row.

The file is read whole (it is hashed to name its journal anyway) and decoded as UTF-8 with
an optional BOM, the way spreadsheet programs save it. The header row is required: without
it a data row could be taken for column names, or columns for data. Column names are
matched case-insensitively; `value` and `action` may be left out (a file of deletions needs
no values) and `action` defaults to `set`. An unknown column is refused rather than
ignored: a misspelt `acton` column would otherwise turn every intended deletion into a set.

Surrounding whitespace of every field is ignored (hand-written files often have `a, b`
and trailing blanks); a value cannot therefore begin or end with whitespace. Blank lines
are skipped. Line numbers are the physical line where a record starts, so a quoted value
spanning lines does not shift the numbers the report gives.

Problems of the file as a whole (not UTF-8, no header, bad quoting) raise `BulkInputError`;
problems of one row are collected as `RowProblem`s so that every bad row is reported at
once. Nothing here echoes a value: messages name lines, users and attributes only.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from typing import Literal

from tui.core.errors import InputProblem

Action = Literal["set", "delete"]
COLUMNS = ("username", "attribute", "value", "action")
REQUIRED_COLUMNS = ("username", "attribute")
HEADER = ",".join(COLUMNS)


class BulkInputError(InputProblem):
    """The input cannot be used at all (exit code 2): the message says what is wrong."""


@dataclass(frozen=True)
class Row:
    """One requested change. `line` is where the record starts in the file (1-based; the
    header is line 1 or later), which is how reports and the journal name it."""

    line: int
    username: str
    attribute: str
    value: str
    action: Action = "set"

    def where(self) -> str:
        return f"line {self.line}: {self.username or '(no username)'} {self.attribute}"


@dataclass(frozen=True)
class RowProblem:
    """Why one row cannot be applied; never holds the value."""

    line: int
    username: str
    attribute: str
    reasons: tuple[str, ...]

    @property
    def subject(self) -> str:
        return f"{self.username or '(no username)'} {self.attribute or '(no attribute)'}"

    def describe(self) -> str:
        return f"line {self.line}: {self.subject}: {'; '.join(self.reasons)}"


@dataclass
class ParsedCsv:
    rows: list[Row] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Data rows in the file, valid or not."""
        return len(self.rows) + len(self.problems)


def csv_digest(data: bytes, pool_id: str) -> str:
    """What identifies a bulk run: the exact bytes of the file and the pool they go to.
    The journal is named from it, so re-running the same file resumes the same journal and
    an edited file starts a new one."""
    digest = hashlib.sha256()
    digest.update(pool_id.encode())
    digest.update(b"\n")
    digest.update(data)
    return digest.hexdigest()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BulkInputError(
            f"not UTF-8 text (byte {error.start} cannot be decoded); save the file as UTF-8 CSV"
        ) from None


def _header(cells: list[str]) -> dict[str, int]:
    names = [cell.strip().lower() for cell in cells]
    while names and names[-1] == "":
        names.pop()  # trailing commas after the last column name
    if not all(column in names for column in REQUIRED_COLUMNS):
        raise BulkInputError(
            f"the first row must be the header {HEADER} (value and action may be left out)"
        )
    unknown = [name or "(empty)" for name in names if name not in COLUMNS]
    if unknown:
        raise BulkInputError(
            f"unknown column {', '.join(unknown)} in the header (the columns are {HEADER})"
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise BulkInputError(f"column {', '.join(repeated)} appears twice in the header")
    return {name: index for index, name in enumerate(names)}


def parse_csv(data: bytes) -> ParsedCsv:
    """Rows and row problems of a bulk CSV; raises BulkInputError when the file is unusable."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True, strict=True)
    parsed = ParsedCsv()
    columns: dict[str, int] | None = None
    last_line = 0
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if columns is None:
                columns = _header(cells)
                continue
            row, problem = _row(line, cells, columns)
            if problem is not None:
                parsed.problems.append(problem)
            elif row is not None:
                parsed.rows.append(row)
    except csv.Error as error:
        raise BulkInputError(f"line {reader.line_num}: not valid CSV ({error})") from None
    if columns is None:
        raise BulkInputError(f"the file is empty: expected the header {HEADER} and rows")
    if not parsed.count:
        raise BulkInputError("no rows after the header: nothing to apply")
    return parsed


def _row(
    line: int, cells: list[str], columns: dict[str, int]
) -> tuple[Row | None, RowProblem | None]:
    def cell(name: str) -> str | None:
        index = columns.get(name)
        if index is None or index >= len(cells):
            return None
        return cells[index].strip()

    username = cell("username") or ""
    attribute = cell("attribute") or ""
    value = cell("value")
    action_text = (cell("action") or "").lower()
    reasons: list[str] = []
    extra = [c for c in cells[len(columns) :] if c.strip()]
    if extra:
        reasons.append(f"{len(cells)} fields, but the header has {len(columns)} columns")
    if not username:
        reasons.append("no username")
    if not attribute:
        reasons.append("no attribute")
    action: Action = "set"
    if action_text == "delete":
        action = "delete"
    elif action_text not in ("", "set"):
        reasons.append(f"unknown action {action_text[:20]!r} (set or delete)")
    if action_text in ("", "set") and not value:
        reasons.append("no value (to remove an attribute, use the action delete)")
    if reasons:
        return None, RowProblem(line, username, attribute, tuple(reasons))
    return Row(line, username, attribute, value or "", action), None
