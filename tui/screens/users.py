"""The admin's users list of one pool: paged ListUsers, search by any attribute, export;
editing one user reuses the attribute table with the admin calls."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, ProgressBar, Static

from tui.core.bulk.ratelimit import TokenBucket
from tui.core.errors import ADMIN, CognitoError
from tui.core.export import export_users, iso8601
from tui.core.search import (
    DEFAULT_RATE,
    SEARCHABLE,
    Progress,
    Query,
    QueryError,
    ScanOutcome,
    estimated_users,
    parse_query,
    scan,
)
from tui.core.service import UserRecord
from tui.screens.base import AppScreen
from tui.screens.dialogs import Dialog, ErrorDetails, show_help
from tui.widgets.columns import Width
from tui.widgets.footer import KeyFooter
from tui.widgets.inputs import OrderedInput
from tui.widgets.status import SessionHeader, StatusLine
from tui.widgets.users_table import Column, UsersTable


def _user_columns() -> list[Column]:
    """The users list: one entry per column (key, title, width rule, the text of a listed
    user). The status is never cut in the middle of a word: its column is as wide as the
    widest status listed, and the username narrows first to leave the email 12 cells (the
    status narrows too only when the line is narrower than 60 cells, cut after a word)."""
    return [
        Column("username", "Username", Width.fixed(24, gives_way=1, min=12), lambda u: u.username),
        Column(
            "status",
            "Status",
            Width.fit(whole=True, gives_way=2),
            lambda u: u.status or "",
            coded=True,
        ),
        Column("enabled", "On", Width.fixed(3), lambda u: "yes" if u.enabled else "no", coded=True),
        # the day the user was created (UTC), on lines of 100 cells or more
        Column(
            "created",
            "Created",
            Width.fixed(10, drop_below=100),
            lambda u: (iso8601(u.created) or "")[:10],
            coded=True,
        ),
        Column(
            "email",
            "Email",
            Width.fill_rest(min=12, floor=8),
            lambda u: u.attributes.get("email", ""),
            attribute="email",
        ),
    ]


class UsersScreen(AppScreen[None]):
    """A pool's users, a page at a time (the largest ListUsers returns), fetched as the
    cursor nears the end; every row is kept (packed, only the visible ones drawn). A search
    ListUsers cannot answer scans the pool, streaming the matches in."""

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
    UsersScreen #search { display: none; }
    UsersScreen #search.-shown { display: block; }
    UsersScreen #search-help { color: $text-muted; padding: 0 1; display: none; }
    UsersScreen #search-help.-shown { display: block; }
    UsersScreen #scan-progress { display: none; padding: 0 1; }
    UsersScreen #scan-progress.-shown { display: block; }
    """
    NEAR_END = 10  # rows before the end at which the next page is fetched

    def __init__(self, pool_id: str) -> None:
        super().__init__()
        self.pool_id = pool_id
        self.search_query: Query | None = None
        self.filter: str | None = None  # the ListUsers Filter of a server-side search
        self.next_token: str | None = None
        self.fetching = False
        self.exhausted = False
        self.loaded = 0
        self.scanning: threading.Event | None = None  # set to cancel the running scan
        self.last_scan: ScanOutcome | None = None

    def compose(self) -> ComposeResult:
        yield SessionHeader()
        yield OrderedInput(
            placeholder="search: name prefix, email^=ada, custom:department=Research, !nickname",
            id="search",
        )
        yield Static(
            "name=value exact, name^=prefix, name~=text contains, name=~/regex/, !name not set. "
            f"Cognito searches {', '.join(SEARCHABLE)} with = and ^=; anything else (custom "
            "attributes too) is matched here over every user. Enter search, Esc close.",
            id="search-help",
        )
        yield UsersTable(_user_columns())
        yield ProgressBar(total=None, show_eta=False, id="scan-progress")
        yield StatusLine()
        yield KeyFooter()

    @property
    def table(self) -> UsersTable:
        return self.query_one(UsersTable)

    def on_mount(self) -> None:
        session = self.session
        if session.settings.pool_id != self.pool_id:
            session.settings = session.settings.with_(pool_id=self.pool_id)
            session.pool_schema = None
        self.query_one(SessionHeader).show_info(session.info())
        self.table.focus()
        self.action_reload()

    def on_unmount(self) -> None:
        self._cancel_scan()

    # -- pages -----------------------------------------------------------------------------

    def action_reload(self) -> None:
        self._cancel_scan()
        self.table.clear()
        self.next_token, self.exhausted, self.loaded, self.fetching = None, False, 0, False
        if self.search_query is not None and not self.search_query.server_side:
            self._start_scan(self.search_query)
            return
        self.query_one(StatusLine).say("Loading users…")
        self._page()

    def _page(self) -> None:
        if self.fetching or self.exhausted or self.scanning is not None:
            return
        self.fetching = True
        self._fetch(self.filter, self.next_token)

    def _fetch(self, filter: str | None, token: str | None) -> None:
        session, pool_id = self.session, self.pool_id
        wanted = [c.attribute for c in self.table.columns if c.attribute]
        self.run_core(
            lambda: session.pool_admin(pool_id).list_users(
                filter=filter, pagination_token=token, attributes=wanted
            ),
            lambda page: self._show(page.users, page.next_token, filter),
            self._failed,
        )

    def _show(self, users: list[UserRecord], token: str | None, filter: str | None) -> None:
        self.fetching = False
        if filter != self.filter or self.scanning is not None:
            return  # an answer to a listing replaced since
        self.table.append(users)
        self.loaded += len(users)
        self.next_token, self.exhausted = token, not token
        more = "more below" if token else "all loaded"
        search = f" matching {self.filter}" if self.filter else ""
        self.query_one(StatusLine).say(f"{self.loaded} users{search}, {more}.")
        self.app.first_data_shown()
        table = self.table
        if token and table.cursor_row >= table.row_count - self.NEAR_END:
            self._page()

    def _failed(self, error: CognitoError) -> None:
        self.fetching = False
        self.query_one(StatusLine).say(error.human(ADMIN), error=True)

    @on(UsersTable.Highlighted)
    def _near_end(self, event: UsersTable.Highlighted) -> None:
        if event.row >= event.count - self.NEAR_END:
            self._page()

    # -- search ----------------------------------------------------------------------------

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.add_class("-shown")
        self.query_one("#search-help").add_class("-shown")
        box.focus()

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        try:
            query = parse_query(event.value)
        except QueryError as exc:
            self.query_one(StatusLine).say(str(exc), error=True)
            return
        self.search_query = query
        self.filter = query.server_filter if query is not None else None
        self._close_search()
        self.action_reload()

    def _close_search(self) -> None:
        self.query_one("#search").remove_class("-shown")
        self.query_one("#search-help").remove_class("-shown")
        self.table.focus()

    def _start_scan(self, query: Query) -> None:
        stop = threading.Event()
        self.scanning = stop
        bar = self.query_one("#scan-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.add_class("-shown")
        self.query_one(StatusLine).say(f"Searching every user for {query}… Esc cancels.")
        self._scan(query, stop)

    def _cancel_scan(self) -> None:
        if self.scanning is not None:
            self.scanning.set()
            self.scanning = None
        with contextlib.suppress(Exception):
            self.query_one("#scan-progress").remove_class("-shown")

    def _scan(self, query: Query, stop: threading.Event) -> None:
        session, pool_id, app, rate = self.session, self.pool_id, self.app, self.scan_rate

        def matched(users: list[UserRecord], progress: Progress) -> None:
            if not stop.is_set():
                app.call_from_thread(self._scan_matches, stop, query, users, progress)

        def run() -> ScanOutcome:
            admin = session.pool_admin(pool_id)
            cache = session.scan_cache(pool_id)
            total = len(cache) if cache.complete else estimated_users(admin)
            bucket = TokenBucket(rate, adaptive=True)
            # failures of the pages come back in the outcome, with what was found so far
            return scan(
                admin, query, cache=cache, bucket=bucket, total=total, on_matches=matched, stop=stop
            )

        self.run_core(
            run,
            lambda outcome: self._scan_done(stop, query, outcome, outcome.error),
            lambda error: self._scan_done(stop, query, None, error),
        )

    @property
    def scan_rate(self) -> float:
        return float(self.app.options.scan_rate or DEFAULT_RATE)

    def _scan_matches(
        self, stop: threading.Event, query: Query, users: list[UserRecord], progress: Progress
    ) -> None:
        if stop is not self.scanning:
            return
        if users:
            self.table.append(users)
            self.loaded += len(users)
        bar = self.query_one("#scan-progress", ProgressBar)
        total = progress.total if progress.total and progress.total >= progress.scanned else None
        bar.update(total=total, progress=progress.scanned)
        of = f" of about {total:,}" if total else ""
        self.query_one(StatusLine).say(
            f"Searching for {query}: {progress.scanned:,}{of} users looked at, "
            f"{progress.matched:,} match. Esc cancels."
        )
        self.app.first_data_shown()

    def _scan_done(
        self,
        stop: threading.Event,
        query: Query,
        outcome: ScanOutcome | None,
        error: CognitoError | None,
    ) -> None:
        if stop is not self.scanning and not stop.is_set():
            return
        cancelled = stop.is_set()
        if stop is self.scanning:
            self.scanning = None
        self.query_one("#scan-progress").remove_class("-shown")
        self.last_scan = outcome
        self.exhausted = True
        status = self.query_one(StatusLine)
        seen = outcome.progress.scanned if outcome else 0
        found = outcome.progress.matched if outcome else 0
        if error is not None:
            status.say(
                f"{error.brief()} The search stopped: {found:,} matches among the first "
                f"{seen:,} users; / searches again.",
                error=True,
            )
        elif cancelled or (outcome and outcome.cancelled):
            if self.scanning is None and self.search_query is query:
                status.say(
                    f"Search cancelled: {_match(found)} {query} among the first "
                    f"{seen:,}; / searches again, going on from there."
                )
        elif outcome is not None:
            reused = outcome.progress.from_cache
            again = f", {reused:,} of them fetched earlier in this session" if reused else ""
            status.say(f"{_match(found)} {query} (all {seen:,} users looked at{again}).")

    def action_help(self) -> None:
        show_help(self)

    def action_back(self) -> None:
        box = self.query_one("#search", Input)
        if box.has_class("-shown"):
            self._close_search()
            return
        if self.scanning is not None:
            stop = self.scanning
            stop.set()  # the worker reports what it found so far (see _scan_done)
            return
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    # -- one user --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Enter in the search box submits the search, not "edit user".
        return not (action == "open" and isinstance(self.focused, Input))

    def action_open(self) -> None:
        username = self.table.cursor_key
        if username is None:
            return
        from tui.screens.attributes import AttributesScreen

        self.session.open_user(self.pool_id, username)
        self.app.push_screen(AttributesScreen(admin=True))

    # -- bulk ------------------------------------------------------------------------------

    def action_bulk(self) -> None:
        from tui.screens.bulk import BulkScreen

        self.app.push_screen(BulkScreen(self.pool_id))

    # -- export ----------------------------------------------------------------------------

    def action_export(self) -> None:
        default = f"users-{self.pool_id}.csv"
        scope = str(self.search_query) if self.search_query is not None else None
        self.app.push_screen(ExportDialog(default, scope), self._export)

    def _export(self, path: str | None) -> None:
        if path:
            self.query_one(StatusLine).say(f"Exporting to {path}…")
            self._export_worker(Path(path), self.search_query)

    def _export_worker(self, path: Path, query: Query | None) -> None:
        session, pool_id, app = self.session, self.pool_id, self.app
        status = self.query_one(StatusLine)
        self.run_core(
            lambda: export_users(
                session.pool_admin(pool_id),
                path,
                query.server_filter if query is not None else None,
                lambda n: app.call_from_thread(status.say, f"Exporting to {path}: {n} users…"),
                where=query if query is not None and not query.server_side else None,
            ),
            lambda count: status.say(f"Exported {count} users to {path}."),
            lambda error: app.push_screen(ErrorDetails("Export failed", error.human(ADMIN))),
            group="export",
            exclusive=False,
        )


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
            yield OrderedInput(self.default, id="path")
            yield Static(
                ".csv writes CSV, .jsonl JSON Lines; written as pages arrive", classes="hint"
            )
            yield Static("Enter export   Esc cancel", classes="keys")

    @on(Input.Submitted, "#path")
    def _go(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())


def _match(found: int) -> str:
    """The search's count in words: 1 user matches, 2 users match."""
    return "1 user matches" if found == 1 else f"{found:,} users match"
