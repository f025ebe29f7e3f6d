"""The footer, keeping Quit and Help on screen at any width, drawn as one line of text.

Textual's Footer lays its keys out in one row and lets what does not fit fall off the
right edge, where Quit and Keys (help) are. This one drops the least important keys
(the last ones that are neither) until the rest fit; every key still works, and `?` lists
them all.

It is one widget drawing one line, not a widget per key: Textual's Footer mounts a
FooterKey (with its own styles) for every key and recomposes them whenever the screen's
bindings change, which happened three or four times while the editor started, each time
before the first frame or the first answer could be drawn (bench/startup.py). Here a
change of bindings repaints the line. A click on a key presses it, as in Textual's.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

ESSENTIAL = ("quit", "help")


class FooterItem(NamedTuple):
    key: str  # the key pressed when the item is clicked
    key_display: str
    description: str
    action: str
    enabled: bool

    @property
    def essential(self) -> bool:
        return self.action.rsplit(".", 1)[-1] in ESSENTIAL

    @property
    def width(self) -> int:
        # " key description " (the key padded one cell each side, the description after)
        return (
            cell_len(self.key_display)
            + 2
            + (cell_len(self.description) + 1 if self.description else 0)
        )


def _fit(items: list[FooterItem], width: int) -> list[FooterItem]:
    kept = list(items)
    while sum(i.width for i in kept) > width:
        optional = [i for i in kept if not i.essential]
        if not optional:
            break
        kept.remove(optional[-1])
    return kept


class KeyFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def items(self) -> list[FooterItem]:
        """Every key the screen shows in a footer, one per action (as Textual's does)."""
        seen: dict[str, FooterItem] = {}
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen:
                seen[binding.action] = FooterItem(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    enabled,
                )
        return list(seen.values())

    def shown(self) -> list[FooterItem]:
        return _fit(self.items(), self.size.width or self.app.size.width)

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        dim = Style(dim=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans: list[tuple[int, int, FooterItem]] = []
        for item in self.shown():
            start = line.cell_len
            extra = Style() if item.enabled else dim
            line.append(f" {item.key_display} ", key_style + extra)
            if item.description:
                line.append(f"{item.description} ", description_style + extra)
            self._spans.append((start, line.cell_len, item))
        return line

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it (a disabled one rings the bell), as in Textual's."""
        for start, end, item in getattr(self, "_spans", []):
            if start <= event.x < end:
                if item.enabled:
                    self.app.simulate_key(item.key)
                else:
                    self.app.bell()
                return

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.refresh()
