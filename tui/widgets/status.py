"""The header line (where am I, as whom, until when) and the status line."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import Static

from tui.core.session import SessionInfo
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
    """One line: region, pool, user, token expiry, read-only state; a flag when the token
    lacks the scope attribute writes need."""

    DEFAULT_CSS = """
    SessionHeader {
        height: 1;
        background: $primary-background;
        color: $text;
        padding: 0 1;
    }
    """

    _info: SessionInfo | None = None
    _now: float | None = None

    def show_info(self, info: SessionInfo, now: float | None = None) -> None:
        self._info, self._now = info, now
        self.refresh()

    def render(self) -> Text:
        # laid out at render time, for the width the header has now (it may be drawn
        # before the screen's layout is final, and again on every resize)
        if self._info is None:
            return Text()
        return self._render_line(max(self.content_size.width, 40))

    def _render_line(self, width: int) -> Text:
        info, now = self._info, self._now
        assert info is not None
        mode = "READ-ONLY" if info.read_only else "read-write"
        if info.account is not None:  # admin mode: IAM identity, no user token
            who = f"admin {info.account}"
            user = f"user {info.username}" if info.username else "no user open"
            parts = [who, user, mode, info.region, info.pool_id]
            names = 1  # the part that names the user
        else:
            parts = [
                info.username or "not signed in",
                expiry_text(info.expires_at, now),
                mode,
                info.region,
                info.pool_id,
            ]
            names = 0
        flag = " | NO WRITE SCOPE" if info.can_write is False and not info.read_only else ""
        # Shorten the longer of user and pool (middle ellipsis) until the line fits.
        while len(" | ".join(parts)) + len(flag) > width:
            i = names if len(parts[names]) >= len(parts[4]) else 4
            if len(parts[i]) <= 8:
                i = 4 if i == names else names
                if len(parts[i]) <= 8:
                    break
            parts[i] = _middle(parts[i], len(parts[i]) - 1)
        text = Text()
        for i, part in enumerate(parts):
            if i:
                text.append(" | ", style="dim")
            text.append(part, style="bold" if i == 0 or part == "READ-ONLY" else "")
        if flag:
            text.append(flag, style="bold reverse")
        return text


def _middle(text: str, size: int) -> str:
    if len(text) <= size:
        return text
    keep = size - 1
    return text[: (keep + 1) // 2] + "…" + text[len(text) - keep // 2 :]


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    StatusLine.-error {
        color: $error;
        text-style: bold;
    }
    """

    def say(self, message: str, error: bool = False) -> None:
        self.set_class(error, "-error")
        self.update(Text(printable(message, keep_newlines=True)))
