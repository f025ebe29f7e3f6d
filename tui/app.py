"""The Textual application: sign in (unless a token was given), then the attribute table.

`make_app()` is the one factory shared by the command line and the tests. All I/O goes
through `tui.core.session.EditorSession`, called from thread workers; screens never import
botocore.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from tui.core.connection import ConnectionSettings, RetryNotice
from tui.core.session import EditorSession
from tui.messages import Retrying

if TYPE_CHECKING:
    from tui.core.errors import CognitoError


@dataclass
class Options:
    settings: ConnectionSettings
    username: str = ""
    access_token: str | None = field(default=None, repr=False)
    read_only: bool = False
    keymap: dict[str, str] = field(default_factory=dict)
    hint: str = ""
    # Only the demo and the tests: sign in with these credentials without asking.
    auto_sign_in: tuple[str, str] | None = field(default=None, repr=False)
    credentials: tuple[str, str] | None = field(default=None, repr=False)
    journal_folder: Any = None
    # Only the demo: its backend's port changes every run, its pool does not.
    journal_endpoint: str | None = None
    # Only the demo: the embedded backend's deliveries, shown under ctrl+o on every screen.
    outbox: Callable[[], list[Any]] | None = None
    # Read the pool's schema (DescribeUserPool) for schema-aware validation; needs IAM
    # credentials, so only with --profile or in the demo.
    describe_pool: bool = False
    # Admin mode: IAM credentials (checked with STS first), pools, users, admin calls.
    admin: bool = False
    # Admin mode: requests per second of a search that scans the pool (None: the default
    # pace, below ListUsers' quota).
    scan_rate: float | None = None
    # The first answers, fetched while the UI loads (tui.prefetch.EarlyAnswers), if any.
    early: Any = field(default=None, repr=False)
    # Freeze the heap once the first data is on screen (see CognitoApp.first_data_shown):
    # set by the command; off in tests, which run many apps in one process.
    freeze_heap: bool = False


class DaemonThreads(ThreadPoolExecutor):
    """The event loop's default executor, which runs Textual's thread workers: one daemon
    thread per call, and nothing to wait for at shutdown.

    asyncio's default executor is joined when the loop closes (and again at interpreter
    exit), so a worker stuck in botocore's read (up to read_timeout x max_attempts, a
    minute with the defaults) would keep the process alive after the user quit or the SSH
    connection dropped. Every edit is already in the journal; nothing a worker still does
    is worth waiting for.
    """

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:
                future.set_exception(exc)

        threading.Thread(target=run, name="cognito-tui-worker", daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        return None


class CognitoApp(App[None]):
    TITLE = "cognito-tui"
    ENABLE_COMMAND_PALETTE = False
    # why the app quit on its own, for the command to print as one line on stderr
    exit_note = ""
    BINDINGS = [
        Binding("ctrl+o", "outbox", "Demo outbox", id="outbox", show=False),
        # replaces Textual's own ctrl+q, which quit at once: this one asks first when edits
        # are pending (action_quit). A priority binding, so that it works in dialogs too; a
        # screen that lists it in its footer binds it with priority as well.
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),
    ]

    def __init__(self, options: Options, session: EditorSession | None = None) -> None:
        super().__init__()
        self.options = options
        self.session = session or EditorSession(
            options.settings,
            read_only=options.read_only,
            on_retry=self._on_retry,
            credentials=options.credentials,
            journal_folder=options.journal_folder,
            journal_endpoint=options.journal_endpoint,
        )
        if options.early is not None and session is None:
            self.session.early = options.early
            options.early.report_retries(self._on_retry)
        if options.keymap:
            self.set_keymap(options.keymap)
        self._heap_frozen = False
        # With a token the attribute screen is the app's first screen itself (see
        # get_default_screen), so the session has the token before any screen mounts.
        self._first_screen: Screen[Any] | None = None
        if options.access_token and not options.admin:
            from tui.screens.attributes import AttributesScreen

            self.session.use_access_token(options.access_token)
            self._first_screen = AttributesScreen(options.hint)
        from tui.widgets.glyphs import ASCII_CSS, ascii_only, use_ascii_scrollbars

        self.ascii = ascii_only()  # TERM=linux: the console's font lacks box corners etc.
        if self.ascii:
            # as the app's own CSS (above every widget's default CSS), for this app only
            self.stylesheet.add_source(
                ASCII_CSS, read_from=(__file__, "ASCII_CSS"), is_default_css=False
            )
            use_ascii_scrollbars()

    async def on_event(self, event: events.Event) -> None:
        """An Enter typed before the terminal left line mode (keys typed ahead while the
        editor starts: a username, Enter, a password) arrives as a newline, which Textual
        reads as ctrl+j: it is Enter here. The password used to go on into the username
        field, in clear."""
        if isinstance(event, events.Key) and event.key == "ctrl+j" and not event.is_forwarded:
            event = events.Key("enter", "\r")
        await super().on_event(event)

    def get_default_screen(self) -> Screen[Any]:
        """The attribute screen when the editor starts with a token: Textual's blank default
        screen, mounted and styled before the attribute screen was pushed over it, cost
        the first frame about 18 ms (bench/startup.py)."""
        return self._first_screen or super().get_default_screen()

    def on_load(self) -> None:
        # before the first worker starts (the first screen's, when it is the default
        # screen, may start before on_mount): see DaemonThreads
        asyncio.get_running_loop().set_default_executor(DaemonThreads())

    def get_key_display(self, binding: Binding) -> str:
        shown = super().get_key_display(binding)
        if self.ascii:
            from tui.widgets.glyphs import ascii_text

            return ascii_text(shown)
        return shown

    def first_data_shown(self) -> None:
        """Called by a screen when it has shown its first answer from Cognito: by then
        botocore's service model, the compiled spec and the widgets exist, and they live
        as long as the process. `gc.freeze()` moves them out of the collector's sight.

        Measured (bench/browse.py): about 130,000 tracked objects at that point, and each
        full collection while browsing took 70-190 ms of the event loop; frozen, only what
        was made since is scanned. Startup garbage that is frozen with them stays (small,
        and once); everything made later is collected as usual."""
        if not self._heap_frozen and self.options.early is not None:
            # The client for every later call, built in a thread once this answer has
            # been painted: importing botocore holds the interpreter lock, and started at
            # once it delayed the frame with the user's attributes (bench/startup.py).
            self.call_after_refresh(self.session.warm_up)
        self._resume_collection()

    def _resume_collection(self) -> None:
        """Freeze what the start made and collect again from here on. The command line
        turns the cyclic collector off while the editor starts (`tui.launch.run_editor`):
        its passes over a heap that only grows with modules, classes and widgets found
        nothing to free. Called with the first answer on screen, or two seconds after
        the app mounted (e.g. a sign-in screen waiting for its user), whichever is first.
        The start's CPU placement ends then too, if the early answer's child is not done
        (tui.prefetch._fork)."""
        if self.options.early is not None:
            self.options.early.unpin()
        if self.options.freeze_heap and not self._heap_frozen:
            import gc

            gc.freeze()
            gc.enable()
        self._heap_frozen = True

    def _on_retry(self, notice: RetryNotice) -> None:
        """Called on a worker thread by botocore's retry loop."""
        screen = self.screen
        self.call_from_thread(screen.post_message, Retrying(notice))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "outbox":
            return self.options.outbox is not None
        return True

    async def action_quit(self) -> None:
        """Quit from anywhere (ctrl+q), asking first when edits are pending, as q does."""
        from tui.screens.attributes import AttributesScreen
        from tui.screens.dialogs import ConfirmQuit

        if isinstance(self.screen, ConfirmQuit):
            return
        for screen in reversed(self.screen_stack):
            if isinstance(screen, AttributesScreen) and screen.draft.changes():
                screen.action_quit()
                return
        self.exit()

    def action_outbox(self) -> None:
        from tui.screens.dialogs import Outbox

        if self.options.outbox is not None and not isinstance(self.screen, Outbox):
            self.push_screen(Outbox(list(self.options.outbox())))

    def on_mount(self) -> None:
        from tui.screens.attributes import AttributesScreen

        if self.options.freeze_heap:
            self.set_timer(2.0, self._resume_collection)

        if self.options.admin:
            self._start_admin()
            return
        if self._first_screen is not None:  # already on screen: the default screen
            return
        attributes = AttributesScreen(self.options.hint)
        if self.options.auto_sign_in:
            self._auto_sign_in(attributes)
            return
        from tui.screens.signin import SignInScreen

        self.push_screen(
            SignInScreen(self.options.username), lambda ok: self._signed_in(ok, attributes)
        )

    def _start_admin(self) -> None:
        """Check the IAM identity before anything else; then the pools (and the pool given
        on the command line, if any)."""
        from tui.screens.base import run_core

        settings = self.options.settings
        run_core(
            self,
            lambda: self.session.switch_identity(settings),
            self._admin_ready,
            self._identity_refused,
            group="default",
        )

    def _admin_ready(self, _: object = None) -> None:
        from tui.screens.pools import PoolsScreen
        from tui.screens.users import UsersScreen

        self.push_screen(PoolsScreen())
        if self.options.settings.pool_id:
            self.push_screen(UsersScreen(self.options.settings.pool_id))

    def _identity_refused(self, error: CognitoError) -> None:
        from tui.core.errors import ADMIN
        from tui.screens.dialogs import ErrorDetails

        self.push_screen(
            ErrorDetails("The IAM identity could not be checked", error.human(ADMIN)),
            lambda _: self.exit(),
        )

    def _signed_in(self, ok: bool | None, attributes: Any) -> None:
        if ok:
            self.push_screen(attributes)
        else:
            self.exit()

    def _auto_sign_in(self, attributes: Any) -> None:
        def run() -> None:
            assert self.options.auto_sign_in is not None
            username, password = self.options.auto_sign_in
            self.session.sign_in(username, password)
            self.call_from_thread(self.push_screen, attributes)

        self.run_worker(run, thread=True, exclusive=True, exit_on_error=True)


def make_app(options: Options, session: EditorSession | None = None) -> CognitoApp:
    return CognitoApp(options, session)


def run(options: Options, on_exit: Callable[[], None] | None = None) -> int:
    app = make_app(options)
    try:
        app.run()
    finally:
        if on_exit is not None:
            on_exit()
    return 0
