"""Small dialogs: edit a value, add an attribute, confirm the save, view a long value, edit
the ClientMetadata, restore a journal, confirm quitting, and the key help."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.highlighter import Highlighter
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static, TextArea

from tui.core.attributes import Change, name_problems, value_problems
from tui.core.schema import CUSTOM_PREFIX, STANDARD_ATTRIBUTES, VERIFIED_FLAG, PoolSchema
from tui.screens.base import AppDialog
from tui.widgets.inputs import OrderedInput, OrderedTextArea
from tui.widgets.printable import printable

HINTS = {
    "email": "an address like name@example.com; changing it sends a verification code",
    "phone_number": "E.164: + country code and number, like +15555550123",
    "birthdate": "YYYY-MM-DD, or 0000-MM-DD without the year",
    "updated_at": "seconds since 1970-01-01, a whole number",
    "address": 'JSON, e.g. {"street_address": "1 Main St", "locality": "Springfield"}',
    "email_verified": "true or false",
    "phone_number_verified": "true or false",
    "locale": "a language tag like en-GB",
    "website": "a URL starting with https://",
    "picture": "a URL starting with https://",
    "profile": "a URL starting with https://",
    "zoneinfo": "a time zone like Europe/London",
    "gender": "free text",
}


class ShowControls(Highlighter):
    """Input fields show control characters (a stored value's, a paste's) as pictures; the
    value itself is kept as it is."""

    def highlight(self, text: Text) -> None:
        shown = printable(text.plain)
        if shown != text.plain:
            text.plain = shown  # one character for one: the styles' spans still fit


SHOW_CONTROLS = ShowControls()


class FuncValidator(Validator):
    """Wraps a function returning problems (strings) as a Textual validator."""

    def __init__(self, problems: Callable[[str], list[str]]) -> None:
        super().__init__()
        self.problems = problems

    def validate(self, value: str) -> ValidationResult:
        found = self.problems(value)
        return self.failure("; ".join(found)) if found else self.success()


class Dialog(AppDialog[Any]):
    # The styles live in a .tcss file beside this module, read into DEFAULT_CSS rather than
    # named in CSS_PATH: Textual loads a screen's CSS_PATH when the screen is first shown,
    # re-parsing every stylesheet and restyling every widget (measured: 29 to 143 ms at the
    # first dialog, 10 to 26 ms at the sign-in screen), and its rules then apply app-wide
    # and outrank every DEFAULT_CSS. Read here, they cost a file read at import and stay
    # scoped to the dialogs, as they were when inline.
    DEFAULT_CSS = Path(__file__).with_name("dialogs.tcss").read_text(encoding="utf-8")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def action_cancel(self) -> None:
        self.dismiss(None)


class EditValue(Dialog):
    """Edit one value with live validation; Enter applies to the draft (nothing is sent)."""

    def __init__(self, name: str, value: str, schema: PoolSchema | None) -> None:
        super().__init__()
        self.attr_name = name
        self.value = value
        self.schema = schema

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(printable(f"Edit {self.attr_name}")), classes="title")
            yield OrderedInput(
                self.value,
                id="value",
                highlighter=SHOW_CONTROLS,
                validators=[FuncValidator(self._problems)],
                validate_on=["changed", "submitted"],
            )
            yield Static(HINTS.get(self.attr_name, ""), classes="hint")
            yield Static("", id="problem", classes="problem")
            yield Static("Enter apply to the draft   Esc cancel", classes="keys")

    def _problems(self, value: str) -> list[str]:
        return value_problems(self.attr_name, value, self.schema)

    def on_mount(self) -> None:
        self.query_one(Input).validate(self.value)
        self._show(self.query_one(Input).value)

    def _show(self, value: str) -> None:
        shown = printable("\n".join(self._problems(value)), keep_newlines=True)
        self.query_one("#problem", Static).update(Text(shown))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if not self._problems(event.value):
            self.dismiss(event.value)


class AddAttribute(Dialog):
    """Name and value of a new attribute. A name that is neither standard nor in the pool
    gets the custom: prefix offered (ctrl+t)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("ctrl+t", "custom", "Use custom: prefix", id="add.custom"),
    ]

    def __init__(self, schema: PoolSchema | None, existing: list[str], admin: bool = False) -> None:
        """`admin`: the attribute is written with the admin calls, which may also set the
        verified flags; a user's own save may not, so they are refused (and not offered)."""
        super().__init__()
        self.schema = schema
        self.admin = admin
        names = list(STANDARD_ATTRIBUTES) + (schema.custom_names if schema else [])
        hidden = {"sub", "identities"} | (set() if admin else set(VERIFIED_FLAG.values()))
        self.suggestions = [n for n in names if n not in existing and n not in hidden]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Add an attribute", classes="title")
            yield OrderedInput(
                placeholder="name, e.g. nickname or custom:department",
                id="name",
                highlighter=SHOW_CONTROLS,
                suggester=SuggestFromList(self.suggestions, case_sensitive=False),
            )
            yield OrderedInput(placeholder="value", id="value", highlighter=SHOW_CONTROLS)
            yield Static("", id="hint", classes="hint")
            yield Static("", id="problem", classes="problem")
            yield Static(
                "Enter add to the draft   ctrl+t custom: prefix   Esc cancel", classes="keys"
            )

    def _typed_name(self) -> str:
        return self.query_one("#name", Input).value.strip()

    def _check(self) -> list[str]:
        name = self._typed_name()
        value = self.query_one("#value", Input).value
        hint = HINTS.get(name, "")
        if name and not name.startswith(CUSTOM_PREFIX) and name not in STANDARD_ATTRIBUTES:
            hint = f"{name} is not a standard attribute: ctrl+t makes it {CUSTOM_PREFIX}{name}"
        self.query_one("#hint", Static).update(Text(printable(hint)))
        problems = (
            name_problems(name, self.schema, admin=self.admin) if name else ["a name is needed"]
        )
        if not problems:
            problems = value_problems(name, value, self.schema)
        shown = printable("\n".join(problems), keep_newlines=True) if name else ""
        self.query_one("#problem", Static).update(Text(shown))
        return problems

    @on(Input.Changed)
    def _changed(self) -> None:
        self._check()

    def action_custom(self) -> None:
        name_input = self.query_one("#name", Input)
        if name_input.value and not name_input.value.startswith(CUSTOM_PREFIX):
            name_input.value = CUSTOM_PREFIX + name_input.value.strip()
        self._check()

    @on(Input.Submitted, "#name")
    def _next(self) -> None:
        self.query_one("#value", Input).focus()

    @on(Input.Submitted, "#value")
    def _submitted(self) -> None:
        if not self._check():
            self.dismiss((self._typed_name(), self.query_one("#value", Input).value))


class ConfirmSave(Dialog):
    """The diff to send; y or Enter confirms."""

    BINDINGS = [
        Binding("escape,n", "cancel", "Cancel", id="confirm.cancel"),
        Binding("enter,y", "confirm", "Save", id="confirm.save"),
        Binding("v", "toggle_verified", "Mark verified", id="confirm.verified"),
    ]

    def __init__(
        self,
        changes: list[Change],
        metadata: dict[str, str],
        warning: str = "",
        verifiable: list[str] | None = None,
    ) -> None:
        """`verifiable`: new emails or phone numbers an admin may mark verified in the same
        request (the dialog then returns the chosen set instead of True)."""
        super().__init__()
        self.changes = changes
        self.metadata = metadata
        self.warning = warning
        self.verifiable = list(verifiable or [])
        self.marked: set[str] = set()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return bool(self.verifiable) if action == "toggle_verified" else True

    def action_toggle_verified(self) -> None:
        self.marked = set() if self.marked else set(self.verifiable)
        self.query_one("#verified", Static).update(self._verified_text())

    def _verified_text(self) -> Text:
        names = ", ".join(self.verifiable)
        if self.marked:
            return Text(f"[x] mark {names} verified in the same request (v to undo)")
        return Text(f"[ ] mark {names} verified in the same request (v)")

    def compose(self) -> ComposeResult:
        lines = Text()
        for change in self.changes:
            if change.kind == "delete":
                lines.append("- delete ", style="bold")
                lines.append(f"{change.name}  (was {_short(change.old)})\n")
            elif change.kind == "add":
                lines.append("+ add    ", style="bold")
                lines.append(f"{change.name} = {_short(change.new)}\n")
            else:
                lines.append("~ change ", style="bold")
                lines.append(f"{change.name}: {_short(change.old)} -> {_short(change.new)}\n")
        if self.metadata:
            pairs = ", ".join(f"{k}={v}" for k, v in self.metadata.items())
            lines.append(f"\nClientMetadata: {_short(pairs)}\n")
        with Vertical(classes="dialog"):
            yield Label(f"Save {len(self.changes)} change(s) to Cognito?", classes="title")
            with VerticalScroll():
                yield Static(lines)
            if self.warning:
                yield Static(self.warning, classes="problem")
            if self.verifiable:
                yield Static(self._verified_text(), id="verified")
            yield Static("y/Enter save   n/Esc back to editing", classes="keys")

    def action_confirm(self) -> None:
        self.dismiss(set(self.marked) if self.verifiable else True)


def _short(value: str | None) -> str:
    """A value whole, quoted (control characters escaped): the dialogs wrap and scroll, so
    nothing needs cutting."""
    if value is None:
        return "(none)"
    return repr(value)


class ViewValue(Dialog):
    """A whole value, wrapped and scrollable."""

    BINDINGS = [Binding("escape,q,enter,v", "cancel", "Close", id="view.close")]

    def __init__(self, name: str, value: str, count: bool = True) -> None:
        super().__init__()
        self.attr_name = name
        self.value = value
        self.count = count  # say the value's length in the title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            title = self.attr_name
            if self.count:
                title += f" ({len(self.value)} characters)"
            yield Label(Text(printable(title)), classes="title")
            with VerticalScroll():
                yield Static(Text(printable(self.value, keep_newlines=True)))
            yield Static("Esc close", classes="keys")


class ClientMetadataEditor(Dialog):
    """ClientMetadata sent with every update, one `key=value` per line."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("ctrl+s", "apply", "Apply", id="metadata.apply"),
    ]

    def __init__(self, metadata: dict[str, str]) -> None:
        super().__init__()
        self.metadata = metadata

    def compose(self) -> ComposeResult:
        text = "\n".join(f"{k}={v}" for k, v in self.metadata.items())
        with Vertical(classes="dialog"):
            yield Label("ClientMetadata (sent to the pool's Lambda triggers)", classes="title")
            yield OrderedTextArea(text, id="pairs")
            yield Static("", id="problem", classes="problem")
            yield Static("one key=value per line   ctrl+s apply   Esc cancel", classes="keys")

    def parse(self) -> tuple[dict[str, str], list[str]]:
        from contracts.checker.spec import default_spec

        pairs: dict[str, str] = {}
        problems = []
        for n, line in enumerate(self.query_one(TextArea).text.splitlines(), 1):
            if not line.strip():
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                problems.append(f"line {n}: expected key=value")
                continue
            pairs[key.strip()] = value.strip()
        body = {"AccessToken": "x", "UserAttributes": [], "ClientMetadata": pairs}
        for v in default_spec().validate("UpdateUserAttributes", "input", body):
            problems.append(f"{v.path}: {v.message}")
        return pairs, problems

    @on(TextArea.Changed)
    def _changed(self) -> None:
        self.query_one("#problem", Static).update(Text("\n".join(self.parse()[1])))

    def action_apply(self) -> None:
        pairs, problems = self.parse()
        if not problems:
            self.dismiss(pairs)


class RestoreJournal(Dialog):
    """Edits left by an earlier run (crash, dropped connection): restore or discard."""

    BINDINGS = [
        Binding("r,enter", "restore", "Restore", id="journal.restore"),
        Binding("d", "discard", "Discard", id="journal.discard"),
    ]

    def __init__(self, record: dict[str, Any]) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        import datetime

        draft = self.record.get("draft") or {}
        when = datetime.datetime.fromtimestamp(float(self.record.get("saved_at", 0)))
        lines = [f"~ {k} = {_short(v)}" for k, v in (draft.get("sets") or {}).items()]
        lines += [f"- delete {k}" for k in draft.get("deletes") or []]
        with Vertical(classes="dialog"):
            yield Label(
                Text(f"Unsaved edits from {when:%Y-%m-%d %H:%M} for {self.record.get('username')}"),
                classes="title",
            )
            with VerticalScroll():
                yield Static(Text(printable("\n".join(lines), keep_newlines=True)))
            yield Static("r/Enter restore them   d discard them", classes="keys")

    def action_restore(self) -> None:
        self.dismiss(True)

    def action_discard(self) -> None:
        self.dismiss(False)


class ConfirmQuit(Dialog):
    BINDINGS = [
        Binding("y", "quit_keep", "Quit, keep edits", id="quit.keep"),
        Binding("d", "quit_discard", "Quit, discard edits", id="quit.discard"),
        Binding("escape,n", "cancel", "Stay", id="quit.stay"),
    ]

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"{self.count} unsaved change(s)", classes="title")
            yield Static(
                "y quit and keep them (offered again next time)\n"
                "d quit and discard them\n"
                "n/Esc stay"
            )

    def action_quit_keep(self) -> None:
        self.dismiss("keep")

    def action_quit_discard(self) -> None:
        self.dismiss("discard")


class ConfirmSendCode(Dialog):
    """Before asking Cognito for a verification code: what will be sent, where."""

    BINDINGS = [
        Binding("y,enter", "send", "Send", id="sendcode.send"),
        Binding("escape,n", "cancel", "Cancel", id="sendcode.cancel"),
    ]

    def __init__(self, name: str, value: str) -> None:
        super().__init__()
        self.attr_name = name
        self.value = value

    def compose(self) -> ComposeResult:
        medium = "an email" if self.attr_name == "email" else "a text message"
        with Vertical(classes="dialog"):
            yield Label(Text(printable(f"Verify {self.attr_name}?")), classes="title")
            yield Static(
                Text(
                    printable(
                        f"{self.attr_name} {self.value} is not verified. Cognito will send "
                        f"{medium} with a code to it (GetUserAttributeVerificationCode); "
                        "you then enter the code on the next screen."
                    )
                )
            )
            yield Static("y/Enter send the code   n/Esc cancel", classes="keys")

    def action_send(self) -> None:
        self.dismiss(True)


class ErrorDetails(Dialog):
    BINDINGS = [Binding("escape,enter,q", "cancel", "Close", id="error.close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(printable(self.title_text)), classes="title")
            with VerticalScroll():
                yield Static(Text(printable(self.text, keep_newlines=True)))
            yield Static("Esc close", classes="keys")


class Help(Dialog):
    """Every key of the screen below, from its bindings (so remapped keys show as mapped)."""

    BINDINGS = [Binding("escape,q,question_mark", "cancel", "Close", id="help.close")]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        # this editor's keys first, each with the id the config's [keymap] takes; then the
        # keys of the table or field itself (Textual's, not remappable by id)
        text = Text()
        ours = [row for row in self.rows if row[2]]
        theirs = [row for row in self.rows if not row[2]]
        for keys, description, binding_id in ours:
            text.append(f"{keys:>10}  ", style="bold")
            text.append(f"{description}")
            text.append(f"  {binding_id}\n", style="dim")
        if theirs:
            text.append("\nTable and field keys\n", style="bold")
            for keys, description, _ in theirs:
                text.append(f"{keys:>10}  ", style="bold")
                text.append(f"{description}\n")
        with Vertical(classes="dialog"):
            yield Label(
                Text("Keys: key, action, id to remap it in the config's [keymap]"), classes="title"
            )
            with VerticalScroll():
                yield Static(text)
            yield Static("Esc close", classes="keys")


class Outbox(Dialog):
    """The demo backend's deliveries: where its verification codes appear. Only the demo
    has one; against a real pool, codes go to the user's email or phone."""

    BINDINGS = [Binding("escape,q,o", "cancel", "Close", id="outbox.close")]

    def __init__(self, deliveries: list[Any]) -> None:
        super().__init__()
        self.deliveries = deliveries

    def compose(self) -> ComposeResult:
        text = Text()
        for d in reversed(self.deliveries[-12:]):
            text.append(f"{d.code}", style="bold")
            where = f"  {d.username}  {d.attribute} by {d.medium} to {d.destination}"
            text.append(printable(where))
            text.append(f"  ({d.purpose})\n", style="dim")
        if not self.deliveries:
            text.append("Nothing delivered yet: change the email to get a code.")
        with Vertical(classes="dialog"):
            yield Label("Demo outbox (newest first)", classes="title")
            with VerticalScroll():
                yield Static(text)
            yield Static("Esc close", classes="keys")


def show_help(screen: Any) -> None:
    """The Help dialog for whatever screen is active: its bindings, as currently mapped."""
    rows = []
    for binding in screen.active_bindings.values():
        b = binding.binding
        rows.append((screen.app.get_key_display(b), b.description, b.id or ""))
    screen.app.push_screen(Help(rows))
