"""Our own non-ASCII glyphs, with ASCII stand-ins for terminals whose font lacks them.

The Linux virtual console (TERM=linux) draws from a font of a few hundred glyphs: an
ellipsis, arrows or a check mark come out as blanks or diamonds there. Every glyph this
program writes itself goes through `glyph()` (or `ascii_text()` for whole messages), which
gives the ASCII form on such a terminal. Borders and scrollbars are Textual's: the app
switches its own borders to ASCII ones there (see CognitoApp).
"""

from __future__ import annotations

import os

ASCII = {
    "…": "...",
    "→": "->",
    "↳": "+",
    "✓": "v",
    "⏎": "Enter",
    "•": "*",
}


def ascii_only() -> bool:
    """Whether the terminal's font is known to lack our glyphs (read at each call)."""
    return os.environ.get("TERM", "") == "linux"


def glyph(char: str) -> str:
    return ASCII.get(char, char) if ascii_only() else char


def ascii_text(text: str) -> str:
    """`text` with each of our glyphs replaced by its ASCII form on such a terminal."""
    if not ascii_only():
        return text
    for char, stand_in in ASCII.items():
        text = text.replace(char, stand_in)
    return text


# On such a terminal, Textual's own borders (rounded corners, the tall input frames) and
# its smooth scrollbar eighths are out of the font too: ASCII frames and plain blocks.
ASCII_CSS = """
.form, .dialog { border: ascii $accent; }
Input { border: ascii $border-blurred; }
Input:focus { border: ascii $border; }
"""


def use_ascii_scrollbars() -> None:
    """Scrollbars drawn as coloured blanks instead of eighth blocks (process-wide)."""
    from textual.scrollbar import ScrollBarRender

    ScrollBarRender.VERTICAL_BARS = [" "] * 8
    ScrollBarRender.HORIZONTAL_BARS = [" "] * 8
