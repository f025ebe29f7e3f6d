"""Text from Cognito shown as text, never obeyed by the terminal.

Attribute values are free text: anyone who can edit their own attributes can store ESC,
CSI or OSC sequences in them (set the window title, write the clipboard with OSC 52, clear
the screen). Textual writes a widget's characters to the terminal as they are, so every
value, name or server message is passed through `printable()` before it is shown: C0
controls become their Unicode control pictures (ESC is shown as ␛), DEL as ␡ and the C1
controls as U+FFFD. The mapping is one character for one, so widths and cut points stay.
"""

from __future__ import annotations

_PICTURES = {c: 0x2400 + c for c in range(0x20)} | {0x7F: 0x2421}
_PICTURES |= {c: 0xFFFD for c in range(0x80, 0xA0)}
_KEEP_NEWLINES = {k: v for k, v in _PICTURES.items() if k not in (0x0A, 0x09)}
# A console whose font lacks the control pictures (TERM=linux) gets "?" instead: still one
# character for one, still never obeyed.
_ASCII = {k: ord("?") for k in _PICTURES}
_ASCII_KEEP_NEWLINES = {k: ord("?") for k in _KEEP_NEWLINES}


def printable(text: str, keep_newlines: bool = False) -> str:
    """`text` with every control character replaced by a visible stand-in (newlines and
    tabs kept when `keep_newlines`, for wrapped multi-line views)."""
    from tui.widgets.glyphs import ascii_only

    if ascii_only():
        return text.translate(_ASCII_KEEP_NEWLINES if keep_newlines else _ASCII)
    return text.translate(_KEEP_NEWLINES if keep_newlines else _PICTURES)
