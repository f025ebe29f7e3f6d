"""The header line (where am I, as whom, until when) and the status line."""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual.widgets import Static

from tui.core.session import SessionInfo
from tui.widgets.glyphs import ascii_text
from tui.widgets.printable import printable


def expiry_text(expires_at: float | None, now: float | None = None) -> str:
    if expires_at is None:
        return "token ?"
    left = expires_at - (now if now is not None else time.time())
    if left <= 0:
        return "token expired"
    if left < 3600:
        return f"token {int(left // 60)}m"
    return f"token {int(left // 3600)}h{int(left % 3600 // 60):02d}m"


class SessionHeader(Static):
    """Region, pool, user, token expiry, read-only state; a flag when the token lacks the
    scope attribute writes need. On one line when it fits; else a compact form (the region
    is left out when the pool id carries it, read-write becomes rw), then wrapped between
    parts: a word or a value is never cut."""

    DEFAULT_CSS = """
    SessionHeader {
        height: auto;
        max-height: 3;
        background: $primary-background;
        color: $text;
        padding: 0 1;
    }
    """

    _info: SessionInfo | None = None
    _now: float | None = None

    def show_info(self, info: SessionInfo, now: float | None = None) -> None:
        self._info, self._now = info, now
        self.refresh(layout=True)

    def render(self) -> Text:
        # laid out at render time, for the width the header has now (it may be drawn
        # before the screen's layout is final, and again on every resize)
        if self._info is None:
            return Text()
        return self._render_lines(max(self.content_size.width, 20))

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        if self._info is None:
            return 1
        return len(self._render_lines(max(width, 20)).plain.splitlines()) or 1

    def parts(self, level: int = 0) -> list[str]:
        """The header's parts, shorter at each `level` (0: whole; 1: no region when the
        pool id carries it; 2: "59m" for "token 59m"; 3: "rw" for "read-write")."""
        info, now = self._info, self._now
        assert info is not None
        mode = "READ-ONLY" if info.read_only else ("rw" if level >= 3 else "read-write")
        region = info.region
        if level >= 1 and info.pool_id and region and info.pool_id.startswith(region + "_"):
            region = ""  # the pool id says it
        if info.account is not None:  # admin mode: IAM identity, no user token
            who = f"admin {info.account}"
            user = f"user {info.username}" if info.username else "no user open"
            parts = [who, user, mode, region, info.pool_id]
        else:
            expiry = expiry_text(info.expires_at, now)
            if level >= 2:  # "59m"; nothing before a token exists
                expiry = "" if info.expires_at is None else expiry.replace("token ", "")
            parts = [info.username or "not signed in", expiry, mode, region, info.pool_id]
        if info.can_write is False and not info.read_only:
            parts.append("NO WRITE SCOPE")
        if level >= 1:  # an unknown region or pool ("?") says nothing worth a place
            parts = [p for p in parts if p != "?"]
        return [printable(p) for p in parts if p]

    def _render_lines(self, width: int) -> Text:
        for level in range(4):
            parts = self.parts(level)
            if len(" | ".join(parts)) <= width:
                break
        lines: list[list[str]] = [[]]
        for part in parts:
            if lines[-1] and len(" | ".join([*lines[-1], part])) > width:
                lines.append([])
            lines[-1].append(part)
        text = Text()
        for n, line in enumerate(lines):
            if n:
                text.append("\n")
            for i, part in enumerate(line):
                if i:
                    text.append(" | ", style="dim")
                if part == "NO WRITE SCOPE":
                    style = "bold reverse"
                else:
                    style = "bold" if (n == 0 and i == 0) or part == "READ-ONLY" else ""
                text.append(part, style=style)
        return text


class StatusLine(Static):
    """The outcome of the last action, whole: it grows to as many lines as the message
    needs (up to half the screen), wrapped between words."""

    DEFAULT_CSS = """
    StatusLine {
        height: auto;
        max-height: 50vh;
        padding: 0 1;
        color: $text-muted;
    }
    StatusLine.-error {
        color: $error;
        text-style: bold;
    }
    """

    def screen_left(self) -> None:
        """Its screen was covered by another full screen (not a dialog over it): what it
        said was about that moment; the screen says anew what holds when it returns."""
        from textual.screen import ModalScreen

        if not isinstance(self.app.screen, ModalScreen):
            self.say("")

    def say(self, message: str, error: bool = False) -> None:
        self.set_class(error, "-error")
        self.update(Text(ascii_text(printable(message, keep_newlines=True))))
