"""Verifying a changed email or phone number: where the code went, the code, resend."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from tui.core.errors import CognitoError
from tui.core.service import CodeDelivery
from tui.screens.base import AppScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.inputs import OrderedInput
from tui.widgets.keys import key_of
from tui.widgets.printable import printable
from tui.widgets.status import SessionHeader, StatusLine

MEDIUM = {"EMAIL": "email", "SMS": "text message"}


class VerificationScreen(AppScreen[list[str]]):
    """Returns the attributes verified while it was open."""

    # from the .tcss file beside this module (why not CSS_PATH: see Dialog in dialogs.py)
    DEFAULT_CSS = Path(__file__).with_name("verify.tcss").read_text(encoding="utf-8")
    BINDINGS = [
        Binding("ctrl+r", "resend", "Resend code", id="verify.resend"),
        Binding("tab", "next_attribute", "Next attribute", id="verify.next", show=False),
        Binding("escape", "close", "Later", id="verify.later"),
        Binding("ctrl+q", "app.quit", "Quit", id="verify.quit", priority=True),
    ]

    def __init__(
        self,
        deliveries: list[CodeDelivery],
        old_value_stays: bool | None,
        earlier: float | None = None,
    ) -> None:
        """`earlier`: when the code was sent, if that was before this screen opened (in this
        session); None when it was sent just now."""
        super().__init__()
        self.deliveries = list(deliveries)
        self.earlier = earlier
        self.old_value_stays = old_value_stays
        self.index = 0
        self.verified: list[str] = []

    @property
    def current(self) -> CodeDelivery:
        return self.deliveries[self.index]

    def compose(self) -> ComposeResult:
        yield SessionHeader()
        with VerticalScroll(classes="body"), Vertical(classes="form"):
            yield Label("Verify the new value", classes="title")
            yield Static(self._deliveries_text(), id="deliveries")
            yield Static(self._note(), classes="note", id="note")
            yield OrderedInput(
                placeholder="verification code", password=True, id="code", max_length=16
            )
            resend = key_of(self.app, "verify.resend", "ctrl+r")
            later = key_of(self.app, "verify.later", "escape").replace("escape", "Esc")
            verify = key_of(self.app, "verify", "c")
            yield Static(
                f"Enter verify   {resend} new code   {later} later ({verify} on the table)",
                classes="note",
            )
        yield StatusLine()
        yield KeyFooter()

    def _deliveries_text(self) -> Text:
        text = Text()
        for i, d in enumerate(self.deliveries):
            mark = "> " if i == self.index else "  "
            done = "  verified" if d.attribute in self.verified else ""
            medium = MEDIUM.get(d.medium, d.medium.lower() or "message")
            text.append(mark, style="bold")
            where = printable(d.destination or "?")
            text.append(f"{d.attribute}: code sent by {medium} to {where}{done}")
            if i < len(self.deliveries) - 1:
                text.append("\n")
        return text

    def _note(self) -> str:
        if self.old_value_stays:
            return (
                "This pool keeps the old value active until the new one is verified: "
                "until then, sign-in and messages still use the old value."
            )
        if self.old_value_stays is False:
            return "The new value is already active, marked unverified until you enter the code."
        return "Enter the code to mark the new value verified."

    def set_old_value_stays(self, stays: bool) -> None:
        """Learned from the reload after the save, when the pool's settings are unknown."""
        if self.old_value_stays is None:
            self.old_value_stays = stays
            self.query_one("#note", Static).update(self._note())

    def on_screen_suspend(self) -> None:
        self.query_one(StatusLine).screen_left()

    def on_mount(self) -> None:
        self.query_one(SessionHeader).show_info(self.session.info())
        self.query_one("#code", Input).focus()
        if self.earlier is not None:
            import time

            resend = key_of(self.app, "verify.resend", "ctrl+r")
            self.query_one(StatusLine).say(
                f"This code was sent at {time.strftime('%H:%M', time.localtime(self.earlier))}"
                f" in this session: enter it, or {resend} for a new one."
            )

    def action_close(self) -> None:
        self.dismiss(self.verified)

    def action_next_attribute(self) -> None:
        self.index = (self.index + 1) % len(self.deliveries)
        self.query_one("#deliveries", Static).update(self._deliveries_text())

    def action_resend(self) -> None:
        self.query_one(StatusLine).say(f"Sending a new code for {self.current.attribute}…")
        attribute = self.current.attribute
        self.run_core(
            lambda: self.session.send_code(attribute), self._resent, self._failed, group="verify"
        )

    def _resent(self, delivery: CodeDelivery) -> None:
        self.deliveries[self.index] = delivery
        self.query_one("#deliveries", Static).update(self._deliveries_text())
        self.query_one(StatusLine).say(f"New code sent to {delivery.destination}.")

    @on(Input.Submitted, "#code")
    def _submitted(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        if code:
            self.query_one(StatusLine).say("Checking the code…")
            attribute = self.current.attribute
            self.run_core(
                lambda: self.session.verify(attribute, code),
                lambda _: self._done(attribute),
                self._failed,
                group="verify",
            )

    def _failed(self, error: CognitoError) -> None:
        self.query_one("#code", Input).value = ""
        self.query_one(StatusLine).say(error.human(), error=True)

    def _done(self, attribute: str) -> None:
        self.query_one("#code", Input).value = ""
        self.verified.append(attribute)
        remaining = [d for d in self.deliveries if d.attribute not in self.verified]
        if not remaining:
            self.dismiss(self.verified)
            return
        self.index = self.deliveries.index(remaining[0])
        self.query_one("#deliveries", Static).update(self._deliveries_text())
        self.query_one(StatusLine).say(f"{attribute} verified.")
