"""The footer, keeping Quit and Help on screen at any width.

Textual's Footer lays its keys out in one row and lets what does not fit fall off the
right edge, where Quit and Keys (help) are. This one drops the least important keys
(the last ones that are neither) until the rest fit; every key still works, and `?` lists
them all.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer

ESSENTIAL = ("quit", "help")


def _essential(item: Widget) -> bool:
    action = str(getattr(item, "action", ""))
    return action.rsplit(".", 1)[-1] in ESSENTIAL


def _width(item: Widget) -> int:
    # " key description " (the key's padding 0 1, the description's 0 1 0 0)
    key = str(getattr(item, "key_display", ""))
    description = str(getattr(item, "description", ""))
    return cell_len(key) + 2 + (cell_len(description) + 1 if description else 0)


def _fit(items: list[Widget], width: int) -> list[Widget]:
    kept = list(items)
    while sum(_width(i) for i in kept) > width:
        optional = [i for i in kept if not _essential(i)]
        if not optional:
            break
        kept.remove(optional[-1])
    return kept


class KeyFooter(Footer):
    _all: list[tuple[str, str]] = []  # (key, action) of every key, shown or not
    _shown: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        items = list(super().compose())
        kept = _fit(items, self.size.width or self.app.size.width)
        self._all = [(str(getattr(i, "key", "")), str(getattr(i, "action", ""))) for i in items]
        self._shown = [(str(getattr(i, "key", "")), str(getattr(i, "action", ""))) for i in kept]
        if kept:
            self.styles.grid_size_columns = len(kept)
        yield from kept

    def on_resize(self, event: events.Resize) -> None:
        # Recompose only when another set of keys fits: recomposing on every resize (one
        # comes with the first frame) made keys typed at that moment go astray.
        if not self._bindings_ready:
            return
        items = list(self.query("FooterKey"))
        if len(items) != len(self._shown):
            return
        fits = len(_fit(items, event.size.width)) == len(items)
        if not fits or len(self._shown) < len(self._all):
            self.call_after_refresh(self.recompose)
