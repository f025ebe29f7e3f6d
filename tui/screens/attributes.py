"""The attribute table: every attribute, its pending change, and the keys to edit them."""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from tui.core.attributes import Draft, SaveResult, delete_problems
from tui.core.errors import CognitoError
from tui.core.schema import READ_ONLY_ATTRIBUTES, VERIFIED_FLAG
from tui.core.service import CodeDelivery, UserRecord
from tui.messages import Retrying
from tui.screens.base import AppScreen, answer_now
from tui.widgets.attribute_table import PENDING, AttributeRow, AttributeTable
from tui.widgets.footer import KeyFooter
from tui.widgets.keys import key_of
from tui.widgets.status import SessionHeader, StatusLine


def _dialogs() -> Any:
    """The dialogs module, imported on first use: not on the path to the first frame."""
    from tui.screens import dialogs

    return dialogs


FLAGS = set(VERIFIED_FLAG.values())
WRITE_ACTIONS = {"edit", "add", "delete", "undo", "save", "metadata", "verify"}


class AttributesScreen(AppScreen[None]):
    DEFAULT_CSS = """
    AttributesScreen #hint { height: auto; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        # The keys that open a dialog with a field are priority bindings: the app acts on
        # them as it takes them, so the dialog is up before it routes the next key. A key
        # the table takes first only reaches this screen's bindings after the table has
        # had every key typed with it: they were lost, or acted on as the table's keys
        # (`a` then "nickname": c verify, a add again...).
        Binding("enter", "edit", "Edit", id="edit", priority=True),
        Binding("a", "add", "Add", id="add", priority=True),
        Binding("d", "delete", "Delete", id="delete"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("r", "reload", "Reload", id="reload", show=False),
        Binding("m", "metadata", "Metadata", id="metadata", show=False, priority=True),
        Binding("v", "view", "View value", id="view", show=False),
        Binding("c", "verify", "Verify code", id="verify", show=False),
        Binding("o", "app.outbox", "Outbox", id="outbox.screen"),
        Binding("question_mark", "help", "Keys", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
        Binding("escape", "back", "Users", id="back"),
    ]

    def __init__(self, hint: str = "", admin: bool = False) -> None:
        super().__init__()
        self.hint = hint
        self.admin = admin  # editing another user with the admin calls
        self.pending_action: str | None = None
        self.loaded = False
        self.note = ""  # the outcome of the last action, kept across a reload
        self.sent: dict[str, str] = {}  # values of the save in flight
        self.saving = False  # a save worker is running (set here, cleared by the worker)
        self.awaiting: dict[str, str] = {}  # attribute -> value sent, until verified
        # attribute -> new value Cognito holds back until its code is entered (pools that
        # keep the old value active): shown on its row, so "later" is not forgotten
        self.held_back: dict[str, str] = {}
        self.before_reload: dict[str, str] | None = None  # server values before `r`

    @property
    def draft(self) -> Draft:
        return self.session.draft

    def compose(self) -> ComposeResult:
        yield SessionHeader()
        if self.hint:
            yield Static(self.hint, id="hint")
        yield AttributeTable()
        yield StatusLine()
        yield KeyFooter()

    def on_screen_suspend(self) -> None:
        self.query_one(StatusLine).screen_left()

    def on_mount(self) -> None:
        self.refresh_header()
        self.set_interval(30, self.refresh_header)
        self.query_one(StatusLine).say("Loading attributes…")
        self.load(at_once=True)

    def refresh_header(self) -> None:
        self.query_one(SessionHeader).show_info(self.session.info())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.admin
        if action == "verify" and self.admin:
            return False  # an admin marks values verified instead (in the save dialog)
        # Read-only hides and disables the write keys; the session refuses writes as well.
        return not (action in WRITE_ACTIONS and self.session.read_only)

    # -- table -----------------------------------------------------------------------------

    def _shown_names(self) -> list[str]:
        return [
            n
            for n in self.draft.names()
            # the *_verified flags show beside the attribute they qualify; admins edit them
            if n not in FLAGS or self.admin
        ]

    def render_table(self) -> None:
        self.query_one(AttributeTable).show(self._rows())
        self._summarise()

    def _rows(self) -> list[AttributeRow]:
        """One row per attribute shown, and one below it for a new value held back."""
        draft = self.draft
        rows = []
        for name in self._shown_names():
            state = draft.state(name)
            flag = VERIFIED_FLAG.get(name)
            rows.append(
                AttributeRow(
                    key=name,
                    name=name,
                    value=draft.server.get(name, "")
                    if state == "delete"
                    else (draft.value(name) or ""),
                    change=state,
                    read_only=name in READ_ONLY_ATTRIBUTES,
                    verified=None if flag is None or state else draft.value(flag) == "true",
                )
            )
            if name in self.held_back:
                rows.append(
                    AttributeRow(name + PENDING, name, self.held_back[name], change="pending")
                )
        return rows

    def _summarise(self) -> None:
        count = len(self.draft.changes())
        prefix = f"{self.note} " if self.note else ""
        if self.held_back:
            names = " and ".join(f"new {n}" for n in sorted(self.held_back))
            prefix += f"The {names} awaits its code ({key_of(self.app, 'verify', 'c')}). "
        if count:
            self.query_one(StatusLine).say(
                f"{prefix}{count} pending change(s): {key_of(self.app, 'save', 'ctrl+s')} save, "
                f"{key_of(self.app, 'undo', 'u')} undo the selected one"
            )
        else:
            self.query_one(StatusLine).say(f"{prefix}No pending changes.")

    def selected(self) -> str | None:
        key = self.query_one(AttributeTable).selected_key
        return key.removesuffix(PENDING) if key is not None else None

    # -- loading ---------------------------------------------------------------------------

    def load(self, at_once: bool = False) -> None:
        """GetUser in a worker. `at_once`: the first load, which shows an early answer
        that has already arrived (tui/prefetch.py) before the screen's first frame is
        painted, sparing a second layout and paint of the table."""
        session = self.session
        wants_schema = self.admin or self.app.options.describe_pool

        def failed(error: CognitoError) -> None:
            self._failed(error, "load")

        if at_once and answer_now(
            lambda: session.load_at_once(with_schema=wants_schema),
            self._loaded,
            failed,
            operation="GetUser",
        ):
            return

        def load() -> UserRecord:
            if wants_schema and session.pool_schema is None:
                session.load_pool_schema()
            return session.load()

        self.run_core(load, self._loaded, failed)

    def _loaded(self, user: UserRecord) -> None:
        first = not self.loaded
        self.loaded = True
        if self.awaiting:
            # The reload after a save tells whether the pool kept the old value active
            # until the new one is verified, even without knowing the pool's settings.
            from tui.screens.verify import VerificationScreen

            stays = any(user.attributes.get(a) != v for a, v in self.awaiting.items())
            self.held_back |= {
                a: v for a, v in self.awaiting.items() if user.attributes.get(a) != v
            }
            self.awaiting = {}
            for screen in self.app.screen_stack:
                if isinstance(screen, VerificationScreen):
                    screen.set_old_value_stays(stays)
        # a held-back value is active once Cognito holds it (verified), or gone when the
        # attribute was changed again or removed meanwhile
        self.held_back = {
            a: v
            for a, v in self.held_back.items()
            if a in user.attributes and user.attributes[a] != v
        }
        self.refresh_header()
        before, self.before_reload = self.before_reload, None
        if before is not None:
            self.note = self._reload_note(before)
        self.render_table()
        if first:
            self.app.first_data_shown()
            record = self.session.pending_journal()
            if record:
                self.app.push_screen(_dialogs().RestoreJournal(record), self._journal_choice)

    def _journal_choice(self, restore: bool | None) -> None:
        if restore:
            self.session.restore_journal(self.session.pending_journal() or {})
            self.render_table()
        else:
            self.session.discard()
            self.render_table()

    def _failed(self, error: CognitoError, action: str) -> None:
        """A call failed; `action` names what was being done, so it can be resumed."""
        self.before_reload = None
        if self._given_token_refused(error, action):
            return
        if error.needs_sign_in:
            self.pending_action = action
            from tui.screens.signin import SignInScreen

            self.query_one(StatusLine).say("The session expired: sign in again.", error=True)
            self.app.push_screen(
                SignInScreen(self.session.username or "", reauth=True), self._resume
            )
            return
        # what stays on screen once the details are closed: Cognito's own words (specific
        # to this call) rather than the model's generic description, and that nothing is lost
        said = f"{error.brief()} {error.action}"
        if action == "save":
            said = f"Not saved, edits kept: {said}"
        self.query_one(StatusLine).say(said, error=True)
        self.app.push_screen(_dialogs().ErrorDetails(_title(action, error), _detail(error)))

    def _given_token_refused(self, error: CognitoError, action: str) -> bool:
        """Cognito refused the token given with --access-token or COGNITO_ACCESS_TOKEN
        (expired, revoked, or not a token of this pool): it cannot be refreshed. Say who
        refused it, then offer a password sign-in when the app client is known, or quit
        with the reason and the options that would allow one (one line, exit status 1)."""
        given = self.app.options.access_token
        tokens = self.session.tokens
        if error.code != "NotAuthorizedException" or not given:
            return False
        if tokens is None or tokens.access_token != given:
            return False  # signed in with a password since: the usual way
        refused = f"The access token was refused. {error.said or error.description}"
        refused = f"{refused.rstrip('.')} ({error.code})."
        settings = self.session.settings
        missing = [
            option
            for option, value in (
                ("--pool-id", settings.pool_id),
                ("--client-id", settings.client_id),
            )
            if not value
        ]
        if missing:
            self.app.exit_note = (
                f"{refused} Get a new token, or pass {' and '.join(missing)} to sign in with "
                "a password."
            )
            self.app.exit(return_code=1)
            return True
        from tui.screens.signin import SignInScreen

        self.pending_action = action
        notice = f"{refused} Sign in with a password to go on."
        self.query_one(StatusLine).say(notice, error=True)
        self.app.push_screen(
            SignInScreen(self.session.username or "", reauth=self.loaded, notice=notice),
            self._resume,
        )
        return True

    def _resume(self, signed_in: bool | None) -> None:
        action, self.pending_action = self.pending_action, None
        self.refresh_header()
        if not signed_in:
            return
        if action == "save":
            self._save()
        else:
            self.load()

    def on_retrying(self, message: Retrying) -> None:
        n = message.notice
        said = f"Cognito answered {n.code}" if n.answered else f"The connection failed ({n.code})"
        self.query_one(StatusLine).say(
            f"{said}; retrying (attempt {n.attempt + 1} of {n.max_attempts})… your edits are kept"
        )

    # -- editing ---------------------------------------------------------------------------

    def action_edit(self) -> None:
        name = self.selected()
        if name is None:
            return
        if name in READ_ONLY_ATTRIBUTES:
            self.query_one(StatusLine).say(f"{name} is set by Cognito and cannot be edited.")
            return
        value = self.draft.value(name) or ""
        self.app.push_screen(
            _dialogs().EditValue(name, value, self.session.pool_schema),
            lambda v: self._set(name, v),
        )

    def _set(self, name: str, value: str | None) -> None:
        if value is None:
            return
        self.note = ""
        self.draft.set(name, value)
        self.session.persist()
        self.render_table()

    def action_add(self) -> None:
        self.app.push_screen(
            _dialogs().AddAttribute(self.session.pool_schema, self.draft.names(), self.admin),
            self._added,
        )

    def _added(self, result: tuple[str, str] | None) -> None:
        if result is None:
            return
        name, value = result
        self._set(name, value)
        table = self.query_one(AttributeTable)
        table.move_cursor(row=table.get_row_index(name))

    def action_delete(self) -> None:
        name = self.selected()
        if name is None:
            return
        problems = delete_problems(name, self.session.pool_schema)
        if problems:
            self.query_one(StatusLine).say(problems[0], error=True)
            return
        if name not in self.draft.server:
            self.draft.undo(name)  # a new attribute not yet saved: just drop it
        else:
            self.draft.delete(name)
        self.session.persist()
        self.render_table()

    def action_undo(self) -> None:
        name = self.selected()
        if name is None:
            self.query_one(StatusLine).say("Nothing to undo: the table is empty.")
            return
        if self.draft.undo(name):
            self.session.persist()
            self.note = f"Undid the change to {name}."
            self.render_table()
            return
        pending = len(self.draft.changes())
        others = f"; {pending} other pending change(s)" if pending else ""
        self.query_one(StatusLine).say(
            f"Nothing to undo on {name}: it has no pending change{others}."
        )

    @on(DataTable.RowSelected)
    def _selected_read_only(self) -> None:
        # Enter, when editing is off (the edit binding is disabled and the table takes the
        # key): show the whole value instead
        if self.session.read_only:
            self.action_view()

    def on_key(self, event: events.Key) -> None:
        """A write key in a read-only session reaches here (its binding is disabled): say
        why nothing happens instead of nothing."""
        if not self.session.read_only:
            return
        keys = {
            key_of(self.app, b.id, b.key): b.description
            for b in self.BINDINGS
            if isinstance(b, Binding) and b.action in WRITE_ACTIONS and b.id and b.key != "enter"
        }
        if event.key in keys:
            event.stop()
            self.query_one(StatusLine).say(
                f"Read-only session: {keys[event.key]} ({event.key}) would change the user, "
                "and this editor was started with --read-only, so nothing can be changed; "
                f"Enter or {key_of(self.app, 'view', 'v')} shows a whole value."
            )

    def action_view(self) -> None:
        name = self.selected()
        if name is not None:
            self.app.push_screen(_dialogs().ViewValue(name, self.draft.value(name) or ""))

    def action_metadata(self) -> None:
        self.app.push_screen(
            _dialogs().ClientMetadataEditor(self.session.client_metadata), self._metadata
        )

    def _metadata(self, pairs: dict[str, str] | None) -> None:
        if pairs is None:
            return
        self.session.client_metadata.clear()
        self.session.client_metadata.update(pairs)
        self.session.persist()
        self.query_one(StatusLine).say(f"ClientMetadata: {len(pairs)} pair(s) sent with saves.")

    def action_reload(self) -> None:
        self.query_one(StatusLine).say("Reloading…")
        self.before_reload = dict(self.draft.server)
        self.load()

    def _reload_note(self, before: dict[str, str]) -> str:
        after = self.draft.server
        changed = sorted(n for n in set(before) | set(after) if before.get(n) != after.get(n))
        pending = len(self.draft.changes())
        kept = f" Your {pending} pending change(s) are kept." if pending else ""
        if not changed:
            return f"Reloaded: nothing changed on the server.{kept}"
        return f"Reloaded: {', '.join(changed)} changed on the server.{kept}"

    def action_help(self) -> None:
        _dialogs().show_help(self)

    def action_quit(self) -> None:
        count = len(self.draft.changes())
        if not count:
            self.app.exit()
            return
        self.app.push_screen(_dialogs().ConfirmQuit(count), self._quit_choice)

    def _quit_choice(self, choice: str | None) -> None:
        if choice == "discard":
            self.session.discard()
            self.app.exit()
        elif choice == "keep":
            # the journal is synced to disk before the editor goes: in a worker, as that can
            # take over 100 ms on a busy disk (seen in CI), not on the event loop
            self.run_core(
                lambda: self.session.persist(wait=True),
                lambda _: self.app.exit(),
                lambda error: self._failed(error, "keep"),
                group="quit",
                exclusive=False,
                operation="persist",
            )

    # -- saving ----------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            # One save at a time: a second one would send the same edits again while the
            # first may still reach Cognito, and both would rewrite one draft.
            self.query_one(StatusLine).say("A save is already in progress…")
            return
        changes = self.draft.changes()
        if not changes:
            self.query_one(StatusLine).say("Nothing to save.")
            return
        problems = self.draft.problems(self.session.pool_schema)
        if problems:
            _name, found = next(iter(problems.items()))
            self.query_one(StatusLine).say(f"Cannot save: {found[0]}", error=True)
            return
        verifiable = []
        if self.admin:
            verifiable = [c.name for c in changes if c.name in VERIFIED_FLAG and c.new]
        self.app.push_screen(
            _dialogs().ConfirmSave(
                changes, self.session.client_metadata, self._scope_warning(), verifiable
            ),
            self._confirmed,
        )

    def _scope_warning(self) -> str:
        if self.session.tokens is not None and self.session.tokens.can_write_attributes is False:
            return (
                "This access token lacks the aws.cognito.signin.user.admin scope: "
                "Cognito will refuse the save."
            )
        return ""

    def _confirmed(self, answer: bool | set[str] | None) -> None:
        if answer is None or answer is False:
            return
        if isinstance(answer, set):
            self.session.mark_verified = answer
        self._save()

    def action_back(self) -> None:
        if self.draft.pending:
            self.session.persist()  # kept in the journal, offered when the user is reopened
        self.app.pop_screen()

    def _save(self) -> None:
        if self.saving:
            self.query_one(StatusLine).say("A save is already in progress…")
            return
        self.saving = True
        self.query_one(StatusLine).say("Saving…")
        self.sent = dict(self.draft.sets)
        self.save_worker()

    def save_worker(self) -> None:
        # a result in every case: never a save that never ends
        self.run_core(
            self.session.save,
            self._saved,
            lambda error: self._saved(SaveResult(error=error)),
            operation="save",
        )

    def _saved(self, result: SaveResult) -> None:
        self.saving = False
        self.render_table()
        if result.error is not None:
            self._failed(result.error, "save")
            return
        done = len(result.updated) + len(result.deleted)
        self.note = f"Saved {done} change(s)."
        self.query_one(StatusLine).say(self.note)
        if result.deliveries:
            self.awaiting = {
                d.attribute: self.sent[d.attribute]
                for d in result.deliveries
                if d.attribute in self.sent
            }
            self._verify(result.deliveries)
        self.load()

    def action_verify(self) -> None:
        """Say what will happen before anything is sent: a code already sent in this
        session is offered for entry; a verified value needs nothing; otherwise a code is
        requested only once confirmed."""
        name = self.selected()
        status = self.query_one(StatusLine)
        if name not in VERIFIED_FLAG:
            status.say(
                f"Only email and phone_number are verified with a code: select one of them "
                f"and press {key_of(self.app, 'verify', 'c')}."
            )
            return
        assert name is not None
        sent = self.session.codes_sent.get(name)
        if sent is not None:
            delivery, when = sent
            self._verify([delivery], earlier=when)
            return
        value = self.draft.server.get(name)
        if not value:
            status.say(f"{name} is not set: add it first ({key_of(self.app, 'add', 'a')}).")
            return
        if self.draft.state(name) is not None:
            status.say(
                f"{name} has a pending change: save it first "
                f"({key_of(self.app, 'save', 'ctrl+s')}); Cognito then sends a code to the "
                "new value."
            )
            return
        if self.draft.value(VERIFIED_FLAG[name]) == "true":
            status.say(
                f"{name} {value} is already verified: nothing to send. To change it, edit it "
                "(Enter) and save; Cognito then sends a code to the new value."
            )
            return
        self.app.push_screen(
            _dialogs().ConfirmSendCode(name, value), lambda ok: self._send_code(name, ok)
        )

    def _send_code(self, name: str, ok: bool | None) -> None:
        if ok:
            self.query_one(StatusLine).say(f"Asking Cognito to send a code for {name}…")
            self.run_core(
                lambda: self.session.send_code(name),
                lambda delivery: self._verify([delivery]),
                lambda error: self._failed(error, "send a code"),
            )

    def _verify(self, deliveries: list[CodeDelivery], earlier: float | None = None) -> None:
        from tui.screens.verify import VerificationScreen

        schema = self.session.pool_schema
        stays = None
        if schema is not None:
            stays = any(d.attribute in schema.verify_before_update for d in deliveries)
        elif any(d.attribute in self.held_back for d in deliveries):
            stays = True
        self.app.push_screen(VerificationScreen(deliveries, stays, earlier=earlier), self._verified)

    def _verified(self, attributes: list[str] | None) -> None:
        self.load()


def _title(action: str, error: CognitoError) -> str:
    verb = {"load": "Loading", "save": "Saving", "keep": "Keeping the edits"}.get(
        action, action.capitalize()
    )
    return f"{verb} failed: {error.code}"


def _detail(error: CognitoError) -> str:
    lines = [error.description, ""]
    if error.said:  # who said it: Cognito, botocore, our check (never a bug's message)
        lines += [error.said, ""]
    lines.append(error.action)
    if error.retries:
        lines.append(f"(after {error.retries} retries)")
    return "\n".join(lines)
