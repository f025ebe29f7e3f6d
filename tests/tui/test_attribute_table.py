"""Tables described by their columns: the width rules (`tui.widgets.columns`) and the
attribute table driven by its list of columns."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult

from tui.widgets.attribute_table import (
    ATTRIBUTE_COLUMNS,
    AttributeRow,
    AttributeTable,
    TableColumn,
)
from tui.widgets.columns import Width, fit_cell, layout

# -- the rules ----------------------------------------------------------------------------


def test_fixed_columns_keep_their_width_and_the_fill_takes_the_rest():
    rules = [Width.fixed(10), Width.fill_rest(min=5), Width.fixed(4)]
    assert layout(rules, ["a", "b", "c"], [0, 0, 0], 40, gap=1) == [10, 23, 4]
    # two fill columns share the spare width equally
    rules = [Width.fill_rest(min=5), Width.fill_rest(min=5)]
    assert layout(rules, ["a", "b"], [0, 0], 21, gap=0) == [10, 10]


def test_a_column_that_gives_way_narrows_before_the_fill_goes_under_its_minimum():
    rules = [Width.fit(max=22, gives_way=1), Width.fill_rest(min=12, floor=6), Width.fixed(11)]
    titles = ["Attribute", "Value", "State"]
    # wide: the name column is as wide as its widest name (up to 22)
    assert layout(rules, titles, [15, 0, 0], 80, gap=2) == [15, 48, 11]
    assert layout(rules, titles, [40, 0, 0], 80, gap=2) == [22, 41, 11]
    # narrow: the name column narrows (never under its title) to keep the value at 12
    assert layout(rules, titles, [22, 0, 0], 50, gap=2) == [21, 12, 11]
    assert layout(rules, titles, [22, 0, 0], 40, gap=2) == [11, 12, 11]
    # nothing left to give: the fill gets what remains, but never less than its floor
    assert layout(rules, titles, [22, 0, 0], 30, gap=2) == [9, 6, 11]


def test_columns_give_way_in_their_order_down_to_their_minimum():
    rules = [
        Width.fixed(20, gives_way=2, min=10),
        Width.fixed(20, gives_way=1, min=15),
        Width.fill_rest(min=10),
    ]
    assert layout(rules, ["a", "b", "c"], [0, 0, 0], 45, gap=0) == [20, 15, 10]
    assert layout(rules, ["a", "b", "c"], [0, 0, 0], 38, gap=0) == [13, 15, 10]
    assert layout(rules, ["a", "b", "c"], [0, 0, 0], 30, gap=0) == [10, 15, 10]


def test_a_column_is_left_out_of_a_line_too_narrow_for_it():
    rules = [Width.fixed(10), Width.fixed(10, drop_below=100), Width.fill_rest(min=5)]
    assert layout(rules, ["a", "b", "c"], [0, 0, 0], 120, gap=1) == [10, 10, 97]
    assert layout(rules, ["a", "b", "c"], [0, 0, 0], 80, gap=1) == [10, 0, 68]


def test_whole_word_cells_are_cut_after_a_word(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("TERM", raising=False)
    assert fit_cell("FORCE_CHANGE_PASSWORD", 21, whole=True) == "FORCE_CHANGE_PASSWORD"
    assert fit_cell("FORCE_CHANGE_PASSWORD", 14, whole=True) == "FORCE_CHANGE… "
    assert fit_cell("FORCE_CHANGE_PASSWORD", 14) == "FORCE_CHANGE_P"  # others: cut at the edge
    assert fit_cell("CONFIRMED", 14, whole=True) == "CONFIRMED     "
    monkeypatch.setenv("TERM", "linux")  # the console's font has no ellipsis
    assert fit_cell("FORCE_CHANGE_PASSWORD", 14, whole=True) == "FORCE...      "


# -- the attribute table ------------------------------------------------------------------

ROWS = [
    AttributeRow("email", "email", "ada@example.com", verified=True),
    AttributeRow("given_name", "given_name", "Ada " * 30, change="change"),
    AttributeRow("nickname", "nickname", "ada", change="delete"),
    AttributeRow("sub", "sub", "0f1e2d3c", read_only=True),
    AttributeRow("locale", "locale", "x" * 200),
    AttributeRow("email\x00pending", "email", "augusta@example.com", change="pending"),
]


class AttributeHost(App[None]):
    def __init__(self, columns: list[TableColumn] = ATTRIBUTE_COLUMNS) -> None:
        super().__init__()
        self.columns = columns

    def compose(self) -> ComposeResult:
        yield AttributeTable(self.columns)


def cells(table: AttributeTable, key: str) -> list[str]:
    return [str(c) for c in table.get_row(key)]


@pytest.mark.parametrize("width", [60, 80, 120, 200])
async def test_the_attribute_table_fits_any_width(width: int):
    app = AttributeHost()
    async with app.run_test(size=(width, 20)) as pilot:
        table = app.query_one(AttributeTable)
        table.show(ROWS)
        await pilot.pause()
        widths = table.widths
        assert widths["state"] == 11 and widths["name"] == len("↳ new email")
        # the value column takes the spare width: three columns' padding and the scrollbar
        assert sum(widths.values()) + 3 * 2 + 2 == width
        assert cells(table, "email")[2] == "verified"
        assert cells(table, "given_name")[2] == "changed"
        assert cells(table, "nickname")[2] == "delete"
        assert cells(table, "sub")[2] == "read-only"
        assert cells(table, "locale")[2] == "v: whole"  # cut: v shows the whole value
        assert cells(table, "email\x00pending") == [
            "↳ new email",
            "augusta@example.com",
            "awaits code",
        ]
        assert table.get_row("nickname")[1].style == "strike"


async def test_a_resize_keeps_the_cursor_and_refits():
    app = AttributeHost()
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.query_one(AttributeTable)
        table.show(ROWS)
        table.move_cursor(row=3)
        await pilot.pause()
        await pilot.resize_terminal(120, 20)
        await pilot.pause()
        assert table.widths["value"] == 120 - 2 - 6 - 11 - 11
        assert table.selected_key == "sub"


async def test_a_new_attribute_column_is_one_entry():
    extra = TableColumn(
        "length",
        "Length",
        Width.fixed(6),
        lambda r: str(len(r.value)),
        lambda r, width, cut: Text(str(len(r.value)).rjust(width)),
    )
    app = AttributeHost([*ATTRIBUTE_COLUMNS, extra])
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.query_one(AttributeTable)
        table.show(ROWS)
        await pilot.pause()
        assert [str(c.label) for c in table.columns.values()][-1] == "Length"
        assert cells(table, "email")[3] == "    15"
        assert sum(table.widths.values()) + 4 * 2 + 2 == 80


async def test_a_column_left_out_of_narrow_tables_comes_and_goes_with_the_width():
    extra = TableColumn(
        "length",
        "Length",
        Width.fixed(6, drop_below=100),
        lambda r: str(len(r.value)),
        lambda r, width, cut: Text(str(len(r.value)).rjust(width)),
    )
    app = AttributeHost([*ATTRIBUTE_COLUMNS, extra])
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(AttributeTable)
        table.show(ROWS)
        table.move_cursor(row=2)
        await pilot.pause()
        assert [str(k.value) for k in table.columns] == ["name", "value", "state", "length"]
        await pilot.resize_terminal(80, 20)
        await pilot.pause()
        assert [str(k.value) for k in table.columns] == ["name", "value", "state"]
        assert cells(table, "email")[2] == "verified" and table.selected_key == "nickname"
        assert sum(table.widths.values()) + 3 * 2 + 2 == 80  # no room lost to it
        await pilot.resize_terminal(120, 20)
        await pilot.pause()
        assert cells(table, "email")[3] == "    15" and table.selected_key == "nickname"
