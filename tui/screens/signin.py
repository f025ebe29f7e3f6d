"""Sign-in and each challenge on its own screen. Passwords and codes are masked inputs, held
only by the widgets and the session in memory."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.auth import Challenge, Tokens
from tui.core.errors import SIGNIN, CognitoError
from tui.screens.base import AppScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.inputs import OrderedInput
from tui.widgets.status import SessionHeader, StatusLine

# from the .tcss file beside this module (why not CSS_PATH: see Dialog in dialogs.py)
FORM_CSS = Path(__file__).with_name("signin.tcss").read_text(encoding="utf-8")
MFA_LABELS = {
    "SOFTWARE_TOKEN_MFA": "Authenticator app (TOTP)",
    "SMS_MFA": "Text message (SMS)",
    "EMAIL_OTP": "Email code",
}


class SignInScreen(AppScreen[bool]):
    """Username and password; SRP by default, the password flow when chosen (ctrl+p).
    `reauth` screens return to the interrupted action when done."""

    DEFAULT_CSS = FORM_CSS
    BINDINGS = [
        Binding("ctrl+p", "toggle_method", "SRP/password flow", id="signin.method"),
        # priority, as the app's own ctrl+q is: otherwise the footer would hide this entry
        Binding("ctrl+q", "app.quit", "Quit", id="signin.quit", priority=True),
        # priority: see action_next_field
        Binding("enter", "next_field", show=False, priority=True, id="signin.next"),
    ]

    def __init__(self, username: str = "", reauth: bool = False, notice: str = "") -> None:
        """`notice`: why a sign-in is asked for (a refused access token), shown first."""
        super().__init__()
        self.username = username
        self.reauth = reauth
        self.notice = notice
        self.method = "srp"
        # the field focused as the screen shows (Textual's first focusable otherwise, the
        # scrolling body): keys typed ahead while the editor starts go there
        self.AUTO_FOCUS = "#password" if username else "#username"  # type: ignore[misc]

    def compose(self) -> ComposeResult:
        yield SessionHeader()
        with VerticalScroll(classes="body"), Vertical(classes="form"):
            title = "Sign in again (your edits are kept)" if self.reauth else "Sign in"
            yield Label(title, classes="title")
            yield OrderedInput(self.username, placeholder="username or email", id="username")
            yield OrderedInput(placeholder="password", password=True, id="password")
            yield Static(self._method_text(), id="method", classes="hint")
        yield StatusLine()
        yield KeyFooter()

    def _method_text(self) -> str:
        if self.method == "srp":
            return "USER_SRP_AUTH (the password never leaves this machine)"
        return "USER_PASSWORD_AUTH (the app client must allow it)"

    def on_screen_suspend(self) -> None:
        self.query_one(StatusLine).screen_left()

    def on_mount(self) -> None:
        self.query_one(SessionHeader).show_info(self.session.info())  # focus: AUTO_FOCUS
        if self.notice:
            self.query_one(StatusLine).say(self.notice, error=True)

    def action_toggle_method(self) -> None:
        self.method = "password" if self.method == "srp" else "srp"
        self.query_one("#method", Static).update(self._method_text())

    def action_next_field(self) -> None:
        """Enter in the username field moves to the password field at once, before the
        keys typed after it are handed out. Keys read in one burst (held back by a slow SSH
        link, or typed ahead) all went to the field that had the focus when they were read:
        the password landed in the username field, in clear. Elsewhere Enter goes on to
        the focused field (the password's submits the form)."""
        if self.focused is not self.query_one("#username", Input):
            raise SkipAction()
        self.set_focus(self.query_one("#password", Input))

    @on(Input.Submitted, "#password")
    def _submit(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username or not password:
            self.query_one(StatusLine).say("Username and password are both needed.", error=True)
            return
        self.query_one(StatusLine).say("Signing in…")
        method = self.method
        self.run_core(
            lambda: self.session.sign_in(username, password, method),
            self._next,
            self._failed,
            group="signin",
        )

    def _failed(self, error: CognitoError) -> None:
        self.query_one("#password", Input).value = ""
        self.query_one(StatusLine).say(error.human(SIGNIN), error=True)

    def _next(self, result: Tokens | Challenge) -> None:
        if isinstance(result, Tokens):
            self.dismiss(True)
        else:
            self.app.push_screen(ChallengeScreen(result), self._after_challenge)

    def _after_challenge(self, ok: bool | None) -> None:
        if ok:
            self.dismiss(True)
        else:
            self.query_one("#password", Input).value = ""
            self.query_one(StatusLine).say("Sign-in not completed.", error=True)


class ChallengeScreen(AppScreen[bool]):
    """One challenge: a code (TOTP, SMS, email), a new password (with the attributes the
    pool requires), or the choice of an MFA method."""

    DEFAULT_CSS = FORM_CSS
    BINDINGS = [
        Binding("escape", "cancel", "Back", id="challenge.back"),
        Binding("ctrl+q", "app.quit", "Quit", id="challenge.quit", priority=True),
    ]

    def __init__(self, challenge: Challenge) -> None:
        super().__init__()
        self.challenge = challenge

    def compose(self) -> ComposeResult:
        c = self.challenge
        yield SessionHeader()
        with VerticalScroll(classes="body"), Vertical(classes="form"):
            if c.name == "NEW_PASSWORD_REQUIRED":
                yield Label("A new password is required", classes="title")
                yield OrderedInput(placeholder="new password", password=True, id="answer")
                for name in c.required_attributes:
                    yield OrderedInput(
                        placeholder=f"{name} (required by the pool)", id=f"attr-{name}"
                    )
            elif c.name == "SELECT_MFA_TYPE":
                yield Label("Choose how to confirm it is you", classes="title")
                yield OptionList(
                    *[Option(MFA_LABELS.get(m, m), id=m) for m in c.mfa_options], id="choice"
                )
            elif c.supported:
                yield Label(Text(self._code_title()), classes="title")
                yield OrderedInput(placeholder="code", password=True, id="answer", max_length=8)
            else:
                yield Label(Text(f"{c.name} cannot be answered here"), classes="title")
                yield Static("Sign in once with the hosted UI or the AWS CLI, then retry.")
        yield StatusLine()
        yield KeyFooter()

    def _code_title(self) -> str:
        c = self.challenge
        if c.name == "SOFTWARE_TOKEN_MFA":
            return "Enter the code from your authenticator app"
        where = c.destination or "your device"
        medium = "text message" if c.name == "SMS_MFA" else "email"
        return f"Enter the code sent by {medium} to {where}"

    def on_mount(self) -> None:
        self.query_one(SessionHeader).show_info(self.session.info())
        focusable = self.query("#answer, #choice")
        if focusable:
            focusable.first().focus()

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(OptionList.OptionSelected, "#choice")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._answer({"ANSWER": str(event.option.id)})

    @on(Input.Submitted)
    def _submitted(self) -> None:
        c = self.challenge
        answer = self.query_one("#answer", Input).value.strip()
        if not answer:
            return
        if c.name == "NEW_PASSWORD_REQUIRED":
            answers = {"NEW_PASSWORD": answer}
            for name in c.required_attributes:
                value = self.query_one(f"#attr-{name}", Input).value.strip()
                if not value:
                    self.query_one(StatusLine).say(f"{name} is required.", error=True)
                    return
                answers[f"userAttributes.{name}"] = value
        else:
            from tui.core.auth import ANSWER_KEYS

            answers = {ANSWER_KEYS[c.name]: answer}
        self._answer(answers)

    def _answer(self, answers: dict[str, str]) -> None:
        self.query_one(StatusLine).say("Checking…")
        challenge = self.challenge
        self.run_core(
            lambda: self.session.respond(challenge, answers),
            self._next,
            self._failed,
            group="signin",
        )

    def _failed(self, error: CognitoError) -> None:
        for field in self.query(Input):
            if field.password:
                field.value = ""
        self.query_one(StatusLine).say(error.human(SIGNIN), error=True)

    def _next(self, result: Tokens | Challenge) -> None:
        if isinstance(result, Tokens):
            self.dismiss(True)
        else:  # the next challenge (e.g. the code after SELECT_MFA_TYPE), on this screen
            self.challenge = result
            self.refresh(recompose=True)
            self.call_after_refresh(self.on_mount)
