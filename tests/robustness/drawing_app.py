"""A Textual app that redraws its whole screen about 60 times a second, run as the editor
runs (`tui.launch.run_app`): the child of the hang-up test, which closes its terminal at
random moments. It starts in a fraction of the editor's time (no botocore, no backend),
and it draws more than the editor does, which is what fills a stalled terminal.

    python -m tests.robustness.drawing_app
"""

from __future__ import annotations

import random

from rich.text import Text
from textual.app import App, ComposeResult
from textual.events import Key
from textual.widgets import Static

COLOURS = ["red", "green", "blue", "magenta", "cyan", "yellow", "white", "black"]


class DrawingApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(id="canvas")

    def on_mount(self) -> None:
        self.frames = 0
        self.keys = 0
        # lines made once and shifted each frame: the screen changes everywhere, and the
        # time goes to Textual's drawing rather than to making random text
        pool = "".join(random.choice("abcdefghij#@%&") for _ in range(4096))
        self.lines = [(pool[i * 37 :] + pool)[:400] for i in range(64)]
        self.palette = [f"{a} on {b}" for a in COLOURS for b in COLOURS if a != b]
        self.set_interval(1 / 60, self.draw)

    def on_key(self, event: Key) -> None:
        self.keys += 1
        self.draw()

    def draw(self) -> None:
        self.frames += 1
        width, height = self.size
        text = Text(f"drawing frame {self.frames} keys {self.keys}\n")
        for row in range(max(height - 2, 1)):
            line = self.lines[(self.frames + row) % len(self.lines)][: max(width - 1, 1)]
            style = self.palette[(self.frames * 7 + row) % len(self.palette)]
            text.append(line + "\n", style=style)
        self.query_one("#canvas", Static).update(text)


if __name__ == "__main__":
    from tui.launch import run_app

    run_app(DrawingApp())
