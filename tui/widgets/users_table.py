"""A table for pools of any size: rows in a compact column store, only visible lines drawn.

Textual's DataTable keeps every row as Python objects (a Rich Text per cell, row and cell
keys, cached renders), so a pool of 100,000 users had to be trimmed, and the full garbage
collections of trimmed rows stalled the event loop. Here each column is one packed store
(`PackedStrings`: UTF-8 bytes in one bytearray and their end offsets in an array, or, for
few distinct values such as a status, small integer codes), appending a page costs time in
proportion to the page, and `render_line` (Textual's line API) decodes only the rows on
screen. Nothing the widget does on the event loop grows with the number of rows.

Columns are a list of `Column` definitions (title, width rule, value function), so a new
column is one entry. The first column is the row's key (the username). Widths come from the
rules (`tui.widgets.columns`) once per line width or page, never per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.packed import PackedStrings
from tui.widgets.columns import Width, fit_cell, layout
from tui.widgets.printable import printable


@dataclass(frozen=True)
class Column:
    """One column: its title, its width rule and how a record becomes its text.

    `width` is the rule (`Width.fixed`, `Width.fit`, `Width.fill_rest`; a column that fits
    its content measures its distinct values, so it is `coded`). `value` turns a record
    into the stored text; `coded` stores it as codes of its distinct values (few of them,
    e.g. a status); `attribute` names the Cognito attribute the column shows (so a listing
    can ask for it)."""

    key: str
    title: str
    width: Width
    value: Callable[[Any], str]
    coded: bool = False
    attribute: str | None = None


class RowStore:
    """Rows as one `PackedStrings` per column; a row is read back as a tuple of text."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self._stores = [PackedStrings(coded=c.coded) for c in self.columns]

    def __len__(self) -> int:
        return len(self._stores[0])

    def append(self, records: Iterable[Any]) -> int:
        count = 0
        for record in records:
            for column, store in zip(self.columns, self._stores, strict=True):
                store.append(column.value(record))
            count += 1
        return count

    def row(self, index: int) -> tuple[str, ...]:
        return tuple(store[index] for store in self._stores)

    def distinct(self, column: int) -> list[str]:
        """The distinct values of a coded column ([] for the others): few, by design."""
        return self._stores[column].distinct()

    def key(self, index: int) -> str:
        return self._stores[0][index]

    def clear(self) -> None:
        for store in self._stores:
            store.clear()

    def nbytes(self) -> int:
        return sum(store.nbytes() for store in self._stores)


class UsersTable(ScrollView, can_focus=True):
    """The rows of a `RowStore`, a header line, and a cursor row; keyboard scrolling."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False, id="table.up"),
        Binding("down", "cursor_down", "Down", show=False, id="table.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home", "first", "First", show=False, id="table.first"),
        Binding("end", "last", "Last", show=False, id="table.last"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "users-table--header",
        "users-table--cursor",
        "users-table--row",
    }
    DEFAULT_CSS = """
    UsersTable {
        height: 1fr;
        overflow-x: hidden;
        background: $surface;
    }
    UsersTable > .users-table--header { text-style: bold; background: $panel; }
    UsersTable > .users-table--row { }
    UsersTable > .users-table--cursor { background: $block-cursor-background;
        color: $block-cursor-foreground; text-style: $block-cursor-text-style; }
    UsersTable:blur > .users-table--cursor { background: $block-cursor-blurred-background;
        text-style: $block-cursor-blurred-text-style; }
    """

    cursor_row: reactive[int] = reactive(0, always_update=False, repaint=False)

    class Highlighted(Message):
        """The cursor moved to `row` (of `count` rows)."""

        def __init__(self, table: UsersTable, row: int, count: int) -> None:
            super().__init__()
            self.table = table
            self.row = row
            self.count = count

        @property
        def control(self) -> UsersTable:
            return self.table

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = RowStore(columns)
        self._widths: list[int] = []
        self._widths_for = -1
        # per shown column: its index, its width, whether it is cut only after whole words
        self._plan: list[tuple[int, int, bool]] = []

    # -- data ------------------------------------------------------------------------------

    @property
    def columns(self) -> list[Column]:
        return self.store.columns

    @property
    def row_count(self) -> int:
        return len(self.store)

    def append(self, records: Iterable[Any]) -> int:
        """Add rows at the end; costs time in proportion to the records added."""
        before = len(self.store)
        added = self.store.append(records)
        if added:
            self._widths_for = -1  # a wider distinct value may have come
            self._resize()
            self.refresh()
            if before == 0:
                self._moved(0)
        return added

    def clear(self) -> None:
        self.store.clear()
        self._widths_for = -1
        self.cursor_row = 0
        self._resize()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def row(self, index: int) -> tuple[str, ...]:
        return self.store.row(index)

    def key_at(self, index: int) -> str:
        return self.store.key(index)

    @property
    def cursor_key(self) -> str | None:
        return self.store.key(self.cursor_row) if self.row_count else None

    def _resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.store) + 1)

    # -- cursor ----------------------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def move_cursor(self, row: int) -> None:
        if not self.row_count:
            return
        row = max(0, min(row, self.row_count - 1))
        self.cursor_row = row
        self._moved(row)

    def _moved(self, row: int) -> None:
        top = round(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + self._page:
            self.scroll_to(y=row - self._page + 1, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self, row, self.row_count))

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self._page)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self._page)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.row_count - 1)

    def on_resize(self) -> None:
        self._resize()

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.move_cursor(round(self.scroll_y) + event.y - 1)

    # -- drawing ---------------------------------------------------------------------------

    def widths(self, total: int) -> list[int]:
        """Cells per column for a line of `total` cells (one cell before each column; 0
        for a column left out of a line this narrow)."""
        if total == self._widths_for:
            return self._widths
        rules = [c.width for c in self.columns]
        # a column that fits its content measures its distinct values (a coded column's
        # are few), never its rows
        content = [
            max((cell_len(printable(v)) for v in self.store.distinct(i)), default=0)
            if c.coded
            else (c.width.max or 0)
            for i, c in enumerate(self.columns)
        ]
        self._widths = layout(rules, [c.title for c in self.columns], content, total, gap=1)
        self._plan = [(i, w, rules[i].whole) for i, w in enumerate(self._widths) if w]
        self._widths_for = total
        return self._widths

    def _line(self, cells: Sequence[str], style: Style, width: int) -> Strip:
        self.widths(width)
        text = "".join(
            " " + fit_cell(printable(cells[i]), w, whole=whole) for i, w, whole in self._plan
        )
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            style = self.get_component_rich_style("users-table--header")
            return self._line([c.title for c in self.columns], style, width)
        index = round(self.scroll_y) + y - 1
        base = self.rich_style
        if index >= self.row_count:
            return Strip.blank(width, base)
        component = "users-table--cursor" if index == self.cursor_row else "users-table--row"
        style = base + self.get_component_rich_style(component)
        return self._line(self.store.row(index), style, width)
