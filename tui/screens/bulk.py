"""Bulk changes from the editor: import a CSV, preview the diff, apply with progress.

The same steps as `cognito-tui bulk apply` (tui.core.bulk does the work for both): every row
is validated against the model and the pool's schema first, the preview compares each row
with the user's current value, and the apply runs under the rate limit with the journal, so
an interrupted run resumes (from the editor or the command line) without losing a row or
applying one twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from tui.core.errors import BULK, INPUT_ERROR, CognitoError
from tui.screens.base import AppScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.inputs import OrderedInput
from tui.widgets.keys import key_of
from tui.widgets.status import SessionHeader, StatusLine


class BulkScreen(AppScreen[None]):
    BINDINGS = [
        # priority: the path field has focus and its own ctrl+a / ctrl+k
        Binding("ctrl+p", "preview", "Preview", id="bulk.preview", priority=True),
        Binding("ctrl+a", "apply", "Apply", id="bulk.apply", priority=True),
        Binding("ctrl+k", "skip_invalid", "Skip invalid", id="bulk.skip", priority=True),
        Binding("escape", "back", "Back / stop", id="bulk.back"),
    ]
    DEFAULT_CSS = """
    BulkScreen .form { height: auto; padding: 0 1; }
    BulkScreen #summary { height: auto; }
    BulkScreen VerticalScroll { height: 1fr; padding: 0 1; }
    """

    def __init__(self, pool_id: str) -> None:
        super().__init__()
        self.pool_id = pool_id
        self.plan: Any = None
        self.data = b""
        self.path: Path | None = None
        self.skip_invalid = False
        self.runner: Any = None
        self.previewed = False

    def compose(self) -> ComposeResult:
        yield SessionHeader()
        with Vertical(classes="form"):
            yield Label(f"Bulk changes to pool {self.pool_id}", classes="title")
            yield OrderedInput(placeholder="CSV file: username,attribute,value,action", id="path")
            yield Static("", id="summary")
        with VerticalScroll():
            yield Static("", id="details")
        yield StatusLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(SessionHeader).show_info(self.session.info())
        self.query_one("#path", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply":
            return self.plan is not None and self.runner is None and not self.session.read_only
        if action in ("preview", "skip_invalid"):
            return self.plan is not None and self.runner is None
        return True

    def _say(self, text: str, error: bool = False) -> None:
        self.query_one(StatusLine).say(text, error=error)

    def _failed(self, error: CognitoError) -> None:
        # a file that cannot be used (the CSV, the journal) says so in its own words
        self._say(error.aws_message if error.code == INPUT_ERROR else error.human(BULK), True)

    # -- import and validate ---------------------------------------------------------------

    @on(Input.Submitted, "#path")
    def _load(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        try:
            self.data = path.read_bytes()
        except OSError as exc:
            self._say(f"{path}: cannot be read ({exc.strerror or exc})", error=True)
            return
        self.path = path
        self._say("Validating every row…")
        self._validate(self.data)

    def _validate(self, data: bytes) -> None:
        from tui.core.bulk import build_plan, parse_csv

        session, pool_id = self.session, self.pool_id

        def validate() -> Any:
            parsed = parse_csv(data)
            return build_plan(parsed, session.pool_admin(pool_id).describe_pool())

        self.run_core(validate, self._validated, self._failed, group="bulk")

    def _validated(self, plan: Any) -> None:
        self.plan, self.previewed = plan, False
        self.refresh_bindings()
        users = "user" if len(plan.users) == 1 else "users"
        text = Text(f"{plan.total} rows: {plan.valid} valid (for {len(plan.users)} {users})")
        if plan.invalid:
            text.append(f", {len(plan.invalid)} invalid", style="bold")
        self.query_one("#summary", Static).update(text)
        details = Text()
        for problem in plan.invalid[:200]:
            details.append(f"line {problem.line} {problem.subject}: ", style="bold")
            details.append("; ".join(problem.reasons) + "\n")
        for note in plan.notes:
            details.append(f"note: {note}\n", style="dim")
        self.query_one("#details", Static).update(details)
        if plan.invalid:
            skip = key_of(self.app, "bulk.skip", "ctrl+k")
            self._say(f"Invalid rows are listed: fix the file, or {skip} to skip them.", True)
        else:
            preview = key_of(self.app, "bulk.preview", "ctrl+p")
            apply = key_of(self.app, "bulk.apply", "ctrl+a")
            self._say(f"Every row is valid: {preview} preview, {apply} apply.")

    def action_skip_invalid(self) -> None:
        self.skip_invalid = not self.skip_invalid
        state = "skipped" if self.skip_invalid else "blocking the apply"
        self._say(f"Invalid rows are {state}.")

    # -- preview ---------------------------------------------------------------------------

    def action_preview(self) -> None:
        self._say("Reading every user's current values…")
        self._preview(self.plan)

    def _preview(self, plan: Any) -> None:
        from tui.core.bulk import preview

        session, pool_id = self.session, self.pool_id
        self.run_core(
            lambda: preview(session.connection, pool_id, plan),
            self._previewed,
            self._failed,
            group="bulk",
        )

    def _previewed(self, diffs: list[Any]) -> None:
        self.previewed = True
        text = Text()
        changes = same = 0
        for diff in diffs:
            if diff.error is not None:
                text.append(f"{diff.username}: ", style="bold")
                text.append(f"{diff.error.description} ({diff.error.code})\n")
                continue
            for row in diff.rows:
                if not row.changes:
                    same += 1
                    continue
                changes += 1
                old = "(not set)" if row.current is None else repr(row.current)
                new = "delete" if row.row.action == "delete" else repr(row.row.value)
                text.append(f"{diff.username} {row.row.attribute}: {old} -> {new}\n")
        self.query_one("#details", Static).update(text)
        failed = sum(1 for diff in diffs if diff.error is not None)
        cannot = f", {failed} user(s) failed" if failed else ""
        self._say(
            f"Preview: {changes} row(s) change, {same} in place{cannot}. "
            f"{key_of(self.app, 'bulk.apply', 'ctrl+a')} applies."
        )

    # -- apply -----------------------------------------------------------------------------

    def action_apply(self) -> None:
        if self.plan.invalid and not self.skip_invalid:
            skip = key_of(self.app, "bulk.skip", "ctrl+k")
            self._say(f"Invalid rows would be left out: {skip} to skip them first.", True)
            return
        self._say("Applying…")
        self._apply(self.plan, self.data)
        self.refresh_bindings()

    def _apply(self, plan: Any, data: bytes) -> None:
        from tui.core.bulk import BulkJournal, BulkRunner, csv_digest, default_journal_path

        session, pool_id, app = self.session, self.pool_id, self.app

        def apply() -> Any:
            digest = csv_digest(data, pool_id)
            journal = BulkJournal(default_journal_path(digest), digest, pool_id)
            state = journal.load()
            self.runner = BulkRunner(
                session.connection,
                pool_id,
                plan,
                journal=journal,
                state=state,
                on_progress=lambda p: app.call_from_thread(self._progress, p),
            )
            return self.runner.run()

        def failed(error: CognitoError) -> None:
            self.runner = None
            self._failed(error)

        self.run_core(apply, self._applied, failed, group="bulk")

    def _progress(self, p: Any) -> None:
        eta = "?" if p.eta is None else f"{p.eta:.0f} s"
        self._say(
            f"{p.done}/{p.total} rows, {p.rate:.1f}/s, ETA {eta}, "
            f"{p.failed} failed, {p.retries} retries (Esc stops; the journal resumes it)"
        )

    def _applied(self, report: Any) -> None:
        self.runner = None
        self.refresh_bindings()
        text = Text()
        for result in report.failed[:200]:
            text.append(f"line {result.row.line} {result.row.username}: ", style="bold")
            text.append(f"{result.code}: {result.reason}\n")
        self.query_one("#details", Static).update(text)
        state = "stopped (run again to resume)" if report.interrupted else "done"
        self._say(
            f"Bulk apply {state}: {len(report.applied)} applied, {len(report.unchanged)} "
            f"unchanged, {len(report.skipped)} skipped, {len(report.failed)} failed.",
            error=bool(report.failed),
        )

    def action_back(self) -> None:
        if self.runner is not None:
            self.runner.cancel()
            self._say("Stopping after the calls in flight…")
            return
        self.app.pop_screen()
