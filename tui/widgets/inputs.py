"""Text fields whose editing keys act in the order they were typed.

Textual (8.2.8) inserts a typed character in the focused Input or TextArea as soon as its
key event arrives, but runs the field's own key bindings (backspace, ctrl+u, ctrl+w,
delete, ...) only after the key event has bubbled up to the app. Keys that reach the
editor in one burst (a slow SSH link releasing what it held, a terminal multiplexer, a
fast typist) were applied out of order: ctrl+u then "abc" left an empty field, backspace
then "abc" ate the "c". These fields run their own bindings where the key arrives,
before the next key is read, so what is typed is what is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.widgets import Input, TextArea

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    _Base = object


class _KeysInOrder(_Base):
    async def _on_key(self, event: events.Key) -> None:
        await super()._on_key(event)  # the field's own keys first: characters, tab, enter
        if event._stop_propagation:  # the field took the key
            return
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            # priority bindings were tried by the app before the key was forwarded here
            if binding.priority or self.check_action(binding.action, ()) is False:
                continue
            event.stop()
            event.prevent_default()
            await self.run_action(binding.action)
            return


class OrderedInput(_KeysInOrder, Input):
    """An Input that runs its own (non-priority) key bindings as each key arrives."""


class OrderedTextArea(_KeysInOrder, TextArea):
    """A TextArea that runs its own (non-priority) key bindings as each key arrives."""
