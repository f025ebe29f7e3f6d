"""The admin's first screen: the user pools of the IAM identity, and the switch of
identity (profile, region)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, Static

from tui.core.errors import ADMIN, CognitoError
from tui.core.service import PoolSummary, list_user_pools
from tui.screens.base import AppScreen
from tui.screens.dialogs import Dialog, show_help
from tui.screens.users import UsersScreen
from tui.widgets.footer import KeyFooter
from tui.widgets.inputs import OrderedInput
from tui.widgets.status import SessionHeader, StatusLine


class PoolsScreen(AppScreen[None]):
    BINDINGS = [
        Binding("enter", "open", "Open pool", id="pools.open", priority=True),
        Binding("p", "switch", "Profile/region", id="pools.switch"),
        Binding("r", "reload", "Reload", id="pools.reload"),
        Binding("v", "view", "Whole row", id="pools.view", show=False),
        Binding("question_mark", "help", "Keys", id="pools.help"),
        Binding("q", "app.quit", "Quit", id="pools.quit"),
    ]
    DEFAULT_CSS = "PoolsScreen DataTable { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield SessionHeader()
        table: DataTable[str] = DataTable(cursor_type="row")
        table.add_column("Pool", width=30, key="name")
        table.add_column("Id", width=28, key="id")
        table.add_column("Created", width=12, key="created")
        yield table
        yield StatusLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.refresh_header()
        self.query_one(DataTable).focus()
        self.action_reload()

    def refresh_header(self) -> None:
        self.query_one(SessionHeader).show_info(self.session.info())

    def action_reload(self) -> None:
        self.query_one(StatusLine).say("Listing user pools…")
        self.query_one(DataTable).clear()
        self._list()

    def _list(self) -> None:
        session, app = self.session, self.app

        def list_all() -> None:
            for pools in list_user_pools(session.connection):  # shown page by page
                app.call_from_thread(self._add, pools)

        self.run_core(list_all, self._done, self._failed)

    def _add(self, pools: list[PoolSummary]) -> None:
        table = self.query_one(DataTable)
        for pool in pools:
            table.add_row(pool.name, pool.id, pool.created_day, key=pool.id)

    def _done(self, _: None = None) -> None:
        count = self.query_one(DataTable).row_count
        self.query_one(StatusLine).say(f"{count} user pool(s). Enter opens one.")
        self.app.first_data_shown()

    def _failed(self, error: CognitoError) -> None:
        self.query_one(StatusLine).say(error.human(ADMIN), error=True)

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.app.push_screen(UsersScreen(str(key)))

    def action_help(self) -> None:
        show_help(self)

    def action_view(self) -> None:
        """The selected pool's name, id and creation day whole (cut in narrow columns)."""
        from tui.screens.dialogs import ViewValue

        table = self.query_one(DataTable)
        if not table.row_count:
            return
        name, pool_id, created = (str(c) for c in table.get_row_at(table.cursor_row))
        text = f"Name: {name}\nId: {pool_id}\nCreated: {created}"
        self.app.push_screen(ViewValue("User pool", text, count=False))

    def action_switch(self) -> None:
        self.app.push_screen(SwitchIdentity(), self._switched)

    def _switched(self, done: bool | None) -> None:
        if done:
            self.refresh_header()
            self.action_reload()


class SwitchIdentity(Dialog):
    """Other IAM credentials: taken only after STS confirms them."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="switch.cancel")]

    def compose(self) -> ComposeResult:
        settings = self.session.settings
        with Vertical(classes="dialog"):
            yield Label("Switch profile and region", classes="title")
            yield OrderedInput(
                settings.profile or "", placeholder="profile (empty: default)", id="profile"
            )
            yield OrderedInput(
                settings.region or "", placeholder="region, e.g. eu-west-1", id="region"
            )
            yield Static("", id="problem", classes="problem")
            yield Static(
                "Enter check and switch (the current identity stays until the check passes)",
                classes="keys",
            )

    @on(Input.Submitted, "#profile")
    def _next(self) -> None:
        self.query_one("#region", Input).focus()

    @on(Input.Submitted, "#region")
    def _submit(self) -> None:
        profile = self.query_one("#profile", Input).value.strip() or None
        region = self.query_one("#region", Input).value.strip() or None
        self.query_one("#problem", Static).update("Checking the identity…")
        settings = self.session.settings.with_(profile=profile, region=region)
        self.run_core(
            lambda: self.session.switch_identity(settings),
            lambda _: self.dismiss(True),
            self._refused,
            group="switch",
        )

    def _refused(self, error: CognitoError) -> None:
        self.query_one("#problem", Static).update(
            Text(f"Not switched, the previous identity stays active. {error.human(ADMIN)}")
        )
