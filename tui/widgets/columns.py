"""Column widths from rules, shared by the attribute table and the users list.

Each column of a table says how wide it wants to be (`Width`), and `layout` shares a line
among them: fixed columns keep their width, a column that fits its content is as wide as
its widest value (up to a limit), the fill columns take what is left. When the fill
columns would get less than their minimum, the columns that give way narrow first (lowest
`gives_way` first, down to their own minimum); a column with `drop_below` is left out of a
line narrower than that. Nothing here knows about Textual or about what the cells hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size

from tui.widgets.glyphs import glyph

WORD_BREAKS = " _-"  # a cut of a whole-word column ends before one of these


class Width(NamedTuple):
    """How wide one column is. Build it with `fixed`, `fit` or `fill_rest`. (A NamedTuple
    rather than a dataclass: it is imported on the way to the first frame, and a frozen
    dataclass costs about a millisecond to create.)

    cells: the width of a fixed column (0 for the other kinds).
    fill: takes the spare width of the line (shared equally by every fill column).
    min: a fill column's width that the columns which give way narrow to keep; for the
        others, the least they narrow to when they give way (at least the title's width).
    floor: the narrowest a fill column gets when nothing else can give way.
    max: the widest a column that fits its content gets (None: no limit).
    gives_way: 0 never narrows; otherwise narrows to keep the fill columns at their `min`,
        lowest number first.
    drop_below: the column is left out of a line narrower than this many cells.
    whole: its values are never cut in the middle of a word: as wide as the widest of them,
        and when the line is too narrow for even that, cut after a whole word (with "…").
    """

    cells: int = 0
    fill: bool = False
    min: int = 0
    floor: int = 0
    max: int | None = None
    gives_way: int = 0
    drop_below: int = 0
    whole: bool = False

    @classmethod
    def fixed(cls, cells: int, *, gives_way: int = 0, min: int = 0, drop_below: int = 0) -> Width:
        return cls(cells=cells, gives_way=gives_way, min=min, drop_below=drop_below)

    @classmethod
    def fit(
        cls,
        *,
        max: int | None = None,
        gives_way: int = 0,
        whole: bool = False,
        drop_below: int = 0,
    ) -> Width:
        return cls(max=max, gives_way=gives_way, whole=whole, drop_below=drop_below)

    @classmethod
    def fill_rest(cls, *, min: int, floor: int | None = None) -> Width:
        return cls(fill=True, min=min, floor=min if floor is None else floor)


def layout(
    rules: Sequence[Width],
    titles: Sequence[str],
    content: Sequence[int],
    total: int,
    gap: int,
) -> list[int]:
    """Cells for each column in a line of `total` cells, `gap` cells beside each shown
    column (padding or separator); 0 for a column left out. `content` is each column's
    widest value (used by the columns that fit their content)."""
    shown = [total >= rule.drop_below for rule in rules]
    least = [max(rule.min, cell_len(title)) for rule, title in zip(rules, titles, strict=True)]
    widths = [0] * len(rules)
    for i, rule in enumerate(rules):
        if not shown[i] or rule.fill:
            continue
        if rule.cells:
            widths[i] = rule.cells
        else:
            widest = max(content[i], least[i])
            widths[i] = widest if rule.max is None else min(widest, rule.max)
    fills = [i for i, rule in enumerate(rules) if shown[i] and rule.fill]
    used = sum(widths) + gap * sum(shown)
    short = sum(rules[i].min for i in fills) - (total - used)
    for i in sorted((i for i in range(len(rules)) if shown[i]), key=lambda i: rules[i].gives_way):
        if short <= 0:
            break
        if not rules[i].gives_way or rules[i].fill:
            continue
        give = max(0, min(short, widths[i] - least[i]))
        widths[i] -= give
        short -= give
    if fills:
        spare = total - sum(widths) - gap * sum(shown)
        share = max(0, spare) // len(fills)
        for i in fills:
            widths[i] = max(share, rules[i].floor)
    return widths


def fit_cell(text: str, width: int, *, whole: bool = False, more: bool = False) -> str:
    """`text` made exactly `width` cells wide: padded, or cut. A cut ends with "…" when
    `more` or `whole`; `whole` cuts after the last whole word that fits."""
    if not (whole or more) or width < 2 or cell_len(text) <= width:
        return set_cell_size(text, width)
    ellipsis = glyph("…")
    room = max(1, width - cell_len(ellipsis))
    cut = set_cell_size(text, room)
    if whole:
        # the longest prefix that ends at a word boundary of `text`
        ends = [i for i, char in enumerate(text[: len(cut) + 1]) if char in WORD_BREAKS]
        if ends and ends[-1] > 0:
            cut = text[: ends[-1]]
    return set_cell_size(cut + ellipsis, width)
