"""Admin mode: pools, a pool's users (lazy pages, server-side search, export), and the
switch of IAM identity. Editing one user reuses the attribute table with the admin calls."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static

from tui.core.errors import ADMIN, CognitoError, from_botocore
from tui.core.service import UserRecord
from tui.screens.modals import Dialog, ErrorDetails, show_help
from tui.widgets.footer import KeyFooter
from tui.widgets.printable import printable
from tui.widgets.status import SessionHeader, StatusLine

MAX_ROWS = 1200  # rows kept on screen: memory stays bounded in a pool of any size
# Rows kept when the bound is reached. Trimming rebuilds the table, and the frame after a
# rebuild costs time in proportion to the rows (about 0.17 ms a row here: 1,200 rows held
# the event loop 200-300 ms), so it keeps a quarter: a rebuild every 15 pages, each short.
KEEP_ROWS = MAX_ROWS // 4
# The attributes ListUsers can filter on (Cognito's documentation); custom ones cannot be.
SEARCHABLE = (
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
)
COLUMNS = ("email", "phone_number")


def parse_search(text: str) -> tuple[str | None, str | None]:
    """`email ^= ada`, `email = "a@b.c"`, or bare text (a username prefix) -> (filter, problem)."""
    text = text.strip()
    if not text:
        return None, None
    for op in ("^=", "="):
        if op in text:
            attr, _, value = text.partition(op)
            attr, value = attr.strip(), value.strip().strip('"')
            break
    else:
        attr, op, value = "username", "^=", text
    if attr.startswith("custom:") or attr.startswith("dev:"):
        return None, f"Cognito cannot search custom attributes ({attr}): search by {SEARCHABLE[1]}"
    if attr not in SEARCHABLE:
        return None, f"{attr} is not searchable; Cognito searches {', '.join(SEARCHABLE)}"
    if not value:
        return None, "a value to search for is needed"
    if '"' in value or "\\" in value:
        return None, 'the value cannot contain " or \\'
    return f'{attr} {op} "{value}"', None


class PoolsScreen(Screen[None]):
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
        self.query_one(SessionHeader).show_info(self.app.session.info())  # type: ignore[attr-defined]

    def action_reload(self) -> None:
        self.query_one(StatusLine).say("Listing user pools…")
        self.query_one(DataTable).clear()
        self._list()

    @work(thread=True, exclusive=True, exit_on_error=False, group="io")
    def _list(self) -> None:
        session = self.app.session  # type: ignore[attr-defined]
        token = None
        try:
            while True:
                largest = session.connection.max_of("ListUserPools", "MaxResults")
                params: dict[str, Any] = {"MaxResults": largest}
                if token:
                    params["NextToken"] = token
                page = session.connection.call("ListUserPools", **params)
                self.app.call_from_thread(self._add, page.get("UserPools") or [])
                token = page.get("NextToken")
                if not token:
                    break
        except Exception as exc:  # any failure comes back as a value
            self.app.call_from_thread(self._failed, from_botocore(exc))
            return
        self.app.call_from_thread(self._done)

    def _add(self, pools: list[dict[str, Any]]) -> None:
        table = self.query_one(DataTable)
        for pool in pools:
            created = pool.get("CreationDate")
            day = created.strftime("%Y-%m-%d") if hasattr(created, "strftime") else ""
            table.add_row(str(pool.get("Name", "")), str(pool["Id"]), day, key=str(pool["Id"]))

    def _done(self) -> None:
        count = self.query_one(DataTable).row_count
        self.query_one(StatusLine).say(f"{count} user pool(s). Enter opens one.")
        self.app.first_data_shown()  # type: ignore[attr-defined]

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
        from tui.screens.modals import ViewValue

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
        settings = self.app.session.settings  # type: ignore[attr-defined]
        with Vertical(classes="dialog"):
            yield Label("Switch profile and region", classes="title")
            yield Input(
                settings.profile or "", placeholder="profile (empty: default)", id="profile"
            )
            yield Input(settings.region or "", placeholder="region, e.g. eu-west-1", id="region")
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
        self._check(profile, region)

    @work(thread=True, exclusive=True, exit_on_error=False, group="switch")
    def _check(self, profile: str | None, region: str | None) -> None:
        session = self.app.session  # type: ignore[attr-defined]
        settings = session.settings.with_(profile=profile, region=region)
        try:
            session.switch_identity(settings)
        except Exception as exc:
            error = from_botocore(exc)
            self.app.call_from_thread(self._refused, error)
            return
        self.app.call_from_thread(self.dismiss, True)

    def _refused(self, error: CognitoError) -> None:
        self.query_one("#problem", Static).update(
            Text(f"Not switched, the previous identity stays active. {error.human(ADMIN)}")
        )


class UsersScreen(Screen[None]):
    """A pool's users, a page at a time (the largest ListUsers returns), fetched as the
    cursor nears the end."""

    BINDINGS = [
        Binding("enter", "open", "Open", id="users.open", priority=True),
        Binding("slash", "search", "Search", id="users.search"),
        Binding("x", "export", "Export", id="users.export"),
        Binding("b", "bulk", "Bulk CSV", id="users.bulk"),
        Binding("r", "reload", "Reload", id="users.reload"),
        Binding("escape", "back", "Pools", id="users.back"),
        Binding("question_mark", "help", "Keys", id="users.help"),
        Binding("q", "app.quit", "Quit", id="users.quit"),
    ]
    DEFAULT_CSS = """
    UsersScreen DataTable { height: 1fr; }
    UsersScreen #search { display: none; }
    UsersScreen #search.-shown { display: block; }
    UsersScreen #search-help { color: $text-muted; padding: 0 1; display: none; }
    UsersScreen #search-help.-shown { display: block; }
    """

    def __init__(self, pool_id: str) -> None:
        super().__init__()
        self.pool_id = pool_id
        self.filter: str | None = None
        self.next_token: str | None = None
        self.loading = False
        self.exhausted = False
        self.loaded = 0
        self.dropped = 0
        self.window: list[tuple[str, Text, Text, Text, Text]] = []  # the rows on screen

    def compose(self) -> ComposeResult:
        yield SessionHeader()
        yield Input(
            placeholder='search: name prefix, or email ^= "ada", status = "CONFIRMED"', id="search"
        )
        yield Static(
            "Searchable: " + ", ".join(SEARCHABLE) + ". Custom attributes cannot be searched "
            "by Cognito. = exact, ^= prefix. Enter search, Esc close.",
            id="search-help",
        )
        table: DataTable[Text] = DataTable(cursor_type="row")
        table.add_column("Username", width=24, key="username")
        table.add_column("Status", width=14, key="status")
        table.add_column("On", width=3, key="enabled")
        table.add_column("Email", width=28, key="email")
        yield table
        yield StatusLine()
        yield KeyFooter()

    def on_mount(self) -> None:
        session = self.app.session  # type: ignore[attr-defined]
        if session.settings.pool_id != self.pool_id:
            session.settings = session.settings.with_(pool_id=self.pool_id)
            session.pool_schema = None
        self.query_one(SessionHeader).show_info(session.info())
        self.query_one(DataTable).focus()
        self.action_reload()

    # -- pages -----------------------------------------------------------------------------

    def action_reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self.window = []
        self.next_token, self.exhausted, self.loaded, self.dropped = None, False, 0, 0
        self.query_one(StatusLine).say("Loading users…")
        self._page()

    def _page(self) -> None:
        if self.loading or self.exhausted:
            return
        self.loading = True
        self._fetch(self.filter, self.next_token)

    @work(thread=True, exclusive=True, exit_on_error=False, group="io")
    def _fetch(self, filter: str | None, token: str | None) -> None:
        session = self.app.session  # type: ignore[attr-defined]
        try:
            page = session.pool_admin(self.pool_id).list_users(
                filter=filter, pagination_token=token, attributes=list(COLUMNS)
            )
        except Exception as exc:
            self.app.call_from_thread(self._failed, from_botocore(exc))
            return
        self.app.call_from_thread(self._show, page.users, page.next_token)

    def _show(self, users: list[UserRecord], token: str | None) -> None:
        self.loading = False
        table = self.query_one(DataTable)
        rows = [_row(user) for user in users]
        self.loaded += len(users)
        self.next_token, self.exhausted = token, not token
        if table.row_count + len(rows) > MAX_ROWS:
            # Keep memory bounded: drop the oldest rows, keeping KEEP_ROWS (r reloads from
            # the top). Rebuilding the kept rows is far cheaper than removing rows one by
            # one (each removal re-indexes the table); the cursor stays on its user.
            overflow = table.row_count + len(rows) - max(KEEP_ROWS, len(rows))
            kept = self.window[overflow:] + rows
            cursor = table.cursor_row
            table.clear()
            for row in kept:
                table.add_row(*row[1:], key=row[0])
            self.window = kept
            self.dropped += overflow
            table.move_cursor(row=max(cursor - overflow, 0), animate=False)
        else:
            for row in rows:
                table.add_row(*row[1:], key=row[0])
            self.window.extend(rows)
        more = "more below" if token else "all loaded"
        dropped = f", {self.dropped} earlier ones dropped (r reloads)" if self.dropped else ""
        search = f" matching {self.filter}" if self.filter else ""
        self.query_one(StatusLine).say(f"{self.loaded} users{search}, {more}{dropped}.")
        self.app.first_data_shown()  # type: ignore[attr-defined]

    def _failed(self, error: CognitoError) -> None:
        self.loading = False
        self.query_one(StatusLine).say(error.human(ADMIN), error=True)

    @on(DataTable.RowHighlighted)
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        table = self.query_one(DataTable)
        if event.cursor_row >= table.row_count - 10:
            self._page()

    # -- search ----------------------------------------------------------------------------

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.add_class("-shown")
        self.query_one("#search-help").add_class("-shown")
        box.focus()

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        filter, problem = parse_search(event.value)
        if problem:
            self.query_one(StatusLine).say(problem, error=True)
            return
        self.filter = filter
        self.query_one("#search").remove_class("-shown")
        self.query_one("#search-help").remove_class("-shown")
        self.query_one(DataTable).focus()
        self.action_reload()

    def action_help(self) -> None:
        show_help(self)

    def action_back(self) -> None:
        box = self.query_one("#search", Input)
        if box.has_class("-shown"):
            box.remove_class("-shown")
            self.query_one("#search-help").remove_class("-shown")
            self.query_one(DataTable).focus()
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    # -- one user --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Enter in the search box submits the search, not "edit user".
        return not (action == "open" and isinstance(self.focused, Input))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        username = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        from tui.screens.attributes import AttributesScreen

        self.app.session.open_user(self.pool_id, username)  # type: ignore[attr-defined]
        self.app.push_screen(AttributesScreen(admin=True))

    # -- bulk ------------------------------------------------------------------------------

    def action_bulk(self) -> None:
        from tui.screens.bulk import BulkScreen

        self.app.push_screen(BulkScreen(self.pool_id))

    # -- export ----------------------------------------------------------------------------

    def action_export(self) -> None:
        default = f"users-{self.pool_id}.csv"
        self.app.push_screen(ExportDialog(default, self.filter), self._export)

    def _export(self, path: str | None) -> None:
        if path:
            self.query_one(StatusLine).say(f"Exporting to {path}…")
            self._export_worker(Path(path), self.filter)

    @work(thread=True, exclusive=False, exit_on_error=False, group="export")
    def _export_worker(self, path: Path, filter: str | None) -> None:
        session = self.app.session  # type: ignore[attr-defined]
        try:
            count = export_users(
                session.pool_admin(self.pool_id),
                path,
                filter,
                lambda n: self.app.call_from_thread(
                    self.query_one(StatusLine).say, f"Exporting to {path}: {n} users…"
                ),
            )
        except Exception as exc:
            self.app.call_from_thread(
                self.app.push_screen, ErrorDetails("Export failed", from_botocore(exc).human(ADMIN))
            )
            return
        self.app.call_from_thread(
            self.query_one(StatusLine).say, f"Exported {count} users to {path}."
        )


def _row(user: UserRecord) -> tuple[str, Text, Text, Text, Text]:
    """(key, cells...) of one user in the listing."""
    return (
        user.username,
        Text(printable(user.username)),
        Text(user.status or ""),
        Text("yes" if user.enabled else "no"),
        Text(printable(user.attributes.get("email", ""))),
    )


def export_users(admin: Any, path: Path, filter: str | None, progress: Any) -> int:
    """Stream every page of the listing into CSV (by extension) or JSON Lines, writing each
    page as it arrives; returns the number of users written."""
    jsonl = path.suffix.lower() in (".jsonl", ".ndjson", ".json")
    count = 0
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer: Any = None
        columns: list[str] = []
        for page in admin.iter_users(filter=filter):
            for user in page.users:
                record = {
                    "username": user.username,
                    "status": user.status or "",
                    "enabled": user.enabled,
                    "created": user.created,
                    "modified": user.modified,
                    **user.attributes,
                }
                if jsonl:
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                else:
                    if writer is None:
                        columns = list(record)
                        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
                        writer.writeheader()
                    for key in record:
                        if key not in columns:
                            columns.append(key)  # kept in JSON Lines; CSV keeps its header
                    writer.writerow(record)
                count += 1
            progress(count)
    tmp.replace(path)
    return count


class ExportDialog(Dialog):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, default: str, filter: str | None) -> None:
        super().__init__()
        self.default = default
        self.filter = filter

    def compose(self) -> ComposeResult:
        scope = f"users matching {self.filter}" if self.filter else "every user of the pool"
        with Vertical(classes="dialog"):
            yield Label(Text(f"Export {scope}, all pages"), classes="title")
            yield Input(self.default, id="path")
            yield Static(
                ".csv writes CSV, .jsonl JSON Lines; written as pages arrive", classes="hint"
            )
            yield Static("Enter export   Esc cancel", classes="keys")

    @on(Input.Submitted, "#path")
    def _go(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())
