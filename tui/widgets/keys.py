"""The key a binding answers to, as the user configured it: texts that name a key (a hint,
a status line) ask here instead of repeating the default, so a remapped key is named right.
"""

from __future__ import annotations

from typing import Any


def key_of(app: Any, binding_id: str, default: str) -> str:
    """The first key bound to `binding_id` (the config's [keymap] wins over `default`)."""
    options = getattr(app, "options", None)
    keymap: dict[str, str] = getattr(options, "keymap", None) or {}
    return keymap.get(binding_id, default).split(",")[0].strip()
