"""The attribute table: one row per attribute (and one per new value awaiting its code),
described by one list of columns, so a new column is one entry in `ATTRIBUTE_COLUMNS`.

A column is a title, a width rule (`tui.widgets.columns.Width`) and how a row becomes its
cell. The widths follow the table's own width: the State column keeps its width, the value
column takes what is spare, the name column narrows first when space is short. Changing
widths keeps the rows, the cursor and the focus as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from rich.text import Text
from textual import events
from textual.widgets import DataTable

from tui.widgets.columns import Width, layout
from tui.widgets.glyphs import glyph
from tui.widgets.printable import printable

PENDING = "\x00pending"  # row key suffix of a new value held back until verified
CELL_PADDING = 2  # DataTable's cell padding: one cell each side of every column
SCROLLBAR = 2  # the vertical scrollbar's width, kept free


class AttributeRow(NamedTuple):
    """What one row shows.

    `key` is the attribute's name, or the name + PENDING for the row of a new value that
    Cognito holds back until its code is entered (`change == "pending"`). `value` is the
    value shown (for a deletion, the server's). `change` is the pending change: "add",
    "change", "delete", "pending" or None. `verified` is the state of the value's verified
    flag (None when the attribute has none, or when a change is pending)."""

    key: str
    name: str
    value: str
    change: str | None = None
    read_only: bool = False
    verified: bool | None = None

    @property
    def label(self) -> str:
        """The text of the Attribute column."""
        if self.change == "pending":
            return f"{glyph('↳')} new {self.name}"
        return self.name


class TableColumn(NamedTuple):
    """One column: its key, title and width rule; `text` is a row's whole text (measured
    for the width and for telling whether the cell is cut); `cell` draws a row's cell at a
    width, told whether another cell of the row is cut (so it can point at the whole
    view)."""

    key: str
    title: str
    width: Width
    text: Callable[[AttributeRow], str]
    cell: Callable[[AttributeRow, int, bool], Text]


def clip(value: str, width: int) -> str:
    """One line of at most `width` characters, "…" at the end when cut."""
    flat = value.replace("\n", " ")
    more = glyph("…")
    return flat if len(flat) <= width else flat[: max(width - len(more), 1)] + more


def _name_cell(row: AttributeRow, width: int, cut: bool) -> Text:
    return Text(printable(clip(row.label, width)), style="bold" if row.change else "")


def _value_cell(row: AttributeRow, width: int, cut: bool) -> Text:
    style = {"delete": "strike", "pending": "italic"}.get(row.change or "", "")
    return Text(printable(clip(row.value, width)), style=style)


CHANGE_WORDS = {"pending": "awaits code", "delete": "delete", "add": "new", "change": "changed"}


def _state_text(row: AttributeRow) -> str:
    return _state_cell(row, 0, False).plain


def _state_cell(row: AttributeRow, width: int, cut: bool) -> Text:
    status = Text()
    if row.change:
        status.append(CHANGE_WORDS[row.change], style="bold")
    elif row.read_only:
        status.append("read-only", style="dim")
    if row.verified is not None and row.change is None:
        # the current value's state; a new one held back has a row of its own below
        status.append("verified" if row.verified else "unverified")
    if cut and not status:
        status.append("v: whole", style="dim")
    return status


ATTRIBUTE_COLUMNS = [
    # the widest the name column gets is 22 (longer names are cut; v shows them)
    TableColumn("name", "Attribute", Width.fit(max=22, gives_way=1), lambda r: r.label, _name_cell),
    # the name column narrows before the value column gets narrower than 12
    TableColumn("value", "Value", Width.fill_rest(min=12, floor=6), lambda r: r.value, _value_cell),
    # "awaits code", "unverified": the State column never shrinks below 11
    TableColumn("state", "State", Width.fixed(11), _state_text, _state_cell),
]


class AttributeTable(DataTable[Text]):
    """A DataTable whose columns come from a list of `TableColumn`; `show` puts rows in."""

    DEFAULT_CSS = "AttributeTable { height: 1fr; }"

    def __init__(self, columns: Sequence[TableColumn] = ATTRIBUTE_COLUMNS, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.spec = list(columns)
        self.rows_shown: list[AttributeRow] = []
        # the widths until the table's width is known (the value column's is a guess)
        self.widths = {c.key: c.width.cells or c.width.max or 34 for c in self.spec}
        for column in self.spec:
            # Text titles: a str is parsed as Rich markup, whose first use loads Rich's
            # emoji table (a few ms of the first frame, for three plain words)
            self.add_column(Text(column.title), width=self.widths[column.key], key=column.key)

    @property
    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return str(key.value) if key is not None else None

    def fit(self, width: int) -> bool:
        """Share `width` cells among the columns by their rules; whether a width changed."""
        widths = layout(
            [c.width for c in self.spec],
            [c.title for c in self.spec],
            [max((len(c.text(r)) for r in self.rows_shown), default=0) for c in self.spec],
            width - SCROLLBAR,
            CELL_PADDING,
        )
        fitted = {c.key: w for c, w in zip(self.spec, widths, strict=True)}
        if fitted == self.widths:
            return False
        self.widths = fitted
        return True

    @property
    def shown(self) -> list[TableColumn]:
        """The columns on screen: those a narrow table leaves out have a width of 0."""
        return [c for c in self.spec if self.widths[c.key]]

    def _apply_widths(self) -> None:
        """The columns take the widths `fit` chose, in place: the rows, the cursor and the
        focus stay as they are (rebuilding the columns would reset them). Only when a
        column comes or goes are the columns rebuilt, and the rows put back."""
        if [str(k.value) for k in self.columns] != [c.key for c in self.shown]:
            keep = self.cursor_row
            self.clear(columns=True)
            for column in self.shown:
                self.add_column(Text(column.title), width=self.widths[column.key], key=column.key)
            for row in self.rows_shown:
                self.add_row(*self._cells(row), key=row.key)
            if self.row_count:
                self.move_cursor(row=min(keep, self.row_count - 1))
            return
        for key, drawn in self.columns.items():
            drawn.width = self.widths.get(str(key.value), drawn.width)
        # DataTable has no public call for a width change: drop its cached lines and
        # have it measure again, as it does after adding a column
        self._clear_caches()
        self._require_update_dimensions = True
        self.refresh(layout=True)

    def _cells(self, row: AttributeRow) -> list[Text]:
        shown = self.shown
        cut = {c.key for c in shown if len(c.text(row)) > self.widths[c.key]}
        return [c.cell(row, self.widths[c.key], bool(cut - {c.key})) for c in shown]

    def show(self, rows: list[AttributeRow]) -> None:
        """Show `rows`: in place when the keys are the same (a reload costs no re-layout),
        else rebuilt with the cursor kept on its row."""
        self.rows_shown = rows
        if self.fit(self.size.width or self.app.size.width):
            self._apply_widths()
        keys = [r.key for r in rows]
        if [str(k.value) for k in self.rows] == keys:
            for row in rows:
                for column, cell in zip(self.shown, self._cells(row), strict=True):
                    self.update_cell(row.key, column.key, cell)
            return
        keep = self.cursor_row
        self.clear()
        for row in rows:
            self.add_row(*self._cells(row), key=row.key)
        if self.row_count:
            self.move_cursor(row=min(keep, self.row_count - 1))

    def on_resize(self, event: events.Resize) -> None:
        if self.rows_shown and self.fit(event.size.width):
            self._apply_widths()
            self.show(self.rows_shown)
