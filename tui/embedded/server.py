"""`EmbeddedCognito`: the local Cognito user-pool service, started and stopped in process.

moto's cognito-idp Flask app, wrapped by the embedded middleware (app.py), served by
werkzeug's threaded server on loopback (port 0 picks a free port; the real one is read
back). moto's state lives in this process, which is what lets the middleware complete it.
Several instances may run in one process; they share moto's global model but each only
touches its own pool, clock, outbox and sessions.

`remote_like=True` makes the backend behave as a remote AWS account does for a client: no
outbox, clock or rate-limit hook is reachable, neither from Python (the hook methods raise
`HookUnavailable` and count the attempt in `hook_attempts`) nor over HTTP (the control
endpoints answer 404, except `info`). Codes only leave the backend as messages do from AWS:
appended to a mailbox file (`mailbox=`), one JSON line per message, which a mailbox
reader such as `record --code-command` reads, or through `on_delivery`. Time passes for
real. This is how `record --target aws` is proven without an AWS account.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tui.embedded.outbox import Delivery
from tui.embedded.seed import SeedUser

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
LOOPBACK = "127.0.0.1"
REMOTE_LIKE_CONTROL = frozenset({"info"})  # the control endpoints a remote-like backend keeps


class HookUnavailable(RuntimeError):
    """A test hook (outbox, clock, rate limit) called on a remote-like backend."""


def append_to_mailbox(path: Path, delivery: Delivery) -> None:
    """One JSON line per message, as a mailbox API would list it: recipient, code, why.
    The file is created readable by its owner only."""
    import json
    import os

    line = json.dumps(
        {
            "to": delivery.destination,
            "attribute": delivery.attribute,
            "medium": delivery.medium,
            "code": delivery.code,
            "purpose": delivery.purpose,
        }
    )
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


class _RequestHandler(WSGIRequestHandler):
    """HTTP/1.1 keep-alive (botocore reuses connections) and no per-request log line:
    request lines are noise, and a log is no place for anything a request carries."""

    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def log(self, type: str, message: str, *args: Any) -> None:
        if type == "error":
            logging.getLogger("tui.embedded.server").error("embedded Cognito: " + message, *args)


class EmbeddedCognito:
    """A running embedded Cognito backend; also a context manager.

    Other code relies on these names: `endpoint_url`, `region`, `user_pool_id`,
    `client_id`, `users`, `generated_password`, `info()`, `outbox()`, `latest_code()`,
    `advance_clock()`, `set_rate_limit()`, `issued_secrets()`, `spec_violations`.
    """

    def __init__(
        self,
        seed: str = "demo",
        users: int = 0,
        rate_limits: dict[str, float] | None = None,
        port: int = 0,
        strict: bool = False,
        region: str = DEFAULT_REGION,
        *,
        account_id: str = DEFAULT_ACCOUNT_ID,
        on_delivery: Callable[[Delivery], None] | None = None,
        state_file: Path | None = None,
        remote_like: bool = False,
        mailbox: Path | None = None,
    ) -> None:
        """`state_file` (the demo only): the pool's ids, users and attributes are read
        from it at start when it exists, and written to it whenever they change."""
        from tui.embedded.clock import Clock
        from tui.embedded.outbox import Outbox
        from tui.embedded.store import Store

        if seed not in ("demo", "empty"):
            raise ValueError(f"unknown seed {seed!r} (demo or empty)")
        self.seed = seed
        self.generated_users = int(users)
        self.rate_limits = dict(rate_limits or {})
        self.port = port
        self.strict = strict
        self.region = region
        self.account_id = account_id
        self.clock = Clock()
        self.store = Store()
        self._outbox = Outbox()
        if on_delivery is not None:
            self._outbox.subscribe(on_delivery)
        if mailbox is not None and not remote_like:
            raise ValueError("a mailbox file is only for the remote-like mode")
        self.remote_like = remote_like
        self.mailbox = mailbox
        if mailbox is not None:
            self._outbox.subscribe(lambda delivery: append_to_mailbox(mailbox, delivery))
        # every hook call a remote-like backend refused: (hook, detail)
        self.hook_attempts: list[tuple[str, str]] = []
        self.user_pool_id: str | None = None
        self.client_id: str | None = None
        self.users: list[SeedUser] = []
        self.generated_password: str | None = None
        self.spec_violations: list[str] = []
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._app: Any = None
        self.state_file = state_file
        self.restored = False
        self._saved: dict[str, Any] | None = None
        self._saver: threading.Thread | None = None
        self._stopping = threading.Event()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> EmbeddedCognito:
        if self._server is not None:
            raise RuntimeError("the embedded backend is already running")
        from moto.moto_server.werkzeug_app import create_backend_app

        from contracts.checker.spec import default_spec
        from tui.embedded.app import EmbeddedApp
        from tui.embedded.context import Context
        from tui.embedded.ratelimit import RateLimiter
        from tui.embedded.seed import seed

        limiter = RateLimiter(limits=self.rate_limits)
        ctx = Context(
            spec=default_spec(),
            account_id=self.account_id,
            region=self.region,
            clock=self.clock,
            outbox=self._outbox,
            store=self.store,
            moto_app=create_backend_app("cognito-idp"),
        )
        app = EmbeddedApp(
            ctx,
            limiter,
            strict=self.strict,
            info=self.info,
            control=REMOTE_LIKE_CONTROL if self.remote_like else None,
            on_refused=lambda name: self.hook_attempts.append(("http", name)),
        )
        app.spec_violations = self.spec_violations
        # Bind first, ourselves: a busy port raises OSError (werkzeug would print and exit)
        # before anything is added to moto's model.
        listener = socket.create_server((LOOPBACK, self.port), backlog=128)
        try:
            server = make_server(
                LOOPBACK,
                self.port,
                app,
                threaded=True,
                request_handler=_RequestHandler,
                fd=listener.fileno(),
            )
        finally:
            listener.close()  # the server holds its own duplicate of the socket
        restore = None
        if self.state_file is not None:
            from tui.embedded import demo_state

            restore = demo_state.load(self.state_file)
        try:
            seeded = seed(ctx, self.seed, self.generated_users, restore)
        except BaseException:
            server.server_close()
            raise
        self.user_pool_id = seeded.pool.id
        self.client_id = seeded.client.id
        self.users = seeded.users
        self.generated_password = seeded.generated_password
        self._app = app
        self._server = server
        self.port = server.port
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() returns within 50 ms
            name=f"embedded-cognito-{self.port}",
            daemon=True,
        )
        self._thread.start()
        self.restored = restore is not None
        if self.state_file is not None:
            self.save_state()
            self._stopping.clear()
            self._saver = threading.Thread(
                target=self._save_while_running, name="embedded-cognito-state", daemon=True
            )
            self._saver.start()
        return self

    # -- the demo's state file -------------------------------------------------------------

    def save_state(self) -> None:
        """Write the pool's state to `state_file` when it changed since the last write."""
        if self.state_file is None or self._app is None or self.user_pool_id is None:
            return
        from tui.embedded import demo_state

        with self._app.ctx.lock:
            pool = self._app.ctx.moto.backend(self.region).user_pools.get(self.user_pool_id)
            if pool is None:
                return
            state = demo_state.snapshot(pool, str(self.client_id))
        if state != self._saved:
            demo_state.save(self.state_file, state)
            self._saved = state

    def _save_while_running(self) -> None:
        """Once a second: a saved change survives even a process that is killed."""
        while not self._stopping.wait(1.0):
            try:
                self.save_state()
            except OSError as exc:
                logging.getLogger("tui.embedded.server").error(
                    "embedded Cognito: cannot save the demo state: %s", exc
                )
                return

    def stop(self) -> None:
        """Stop serving and drop the seeded pool from moto's (process-wide) model."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        if self._saver is not None:
            self._saver.join(timeout=5)
        with contextlib.suppress(OSError):
            self.save_state()
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._app is not None and self.user_pool_id is not None:
            with self._app.ctx.lock:
                self._app.ctx.moto.backend(self.region).user_pools.pop(self.user_pool_id, None)

    def __enter__(self) -> EmbeddedCognito:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what clients need -----------------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def served_operations(self) -> set[str]:
        """Every cognito-idp operation this backend answers (moto's and its own)."""
        self._require_started()
        return set(self._app.served)

    def info(self) -> dict[str, Any]:
        """What the CLI prints: where to connect and whom to sign in as."""
        return {
            "endpoint_url": self.endpoint_url,
            "region": self.region,
            "user_pool_id": self.user_pool_id,
            "client_id": self.client_id,
            "users": [user.as_dict() for user in self.users],
            "generated_users": self.generated_users,
            "generated_password": self.generated_password,
            **({"remote_like": True} if self.remote_like else {}),
        }

    # -- test and demo hooks ---------------------------------------------------------------

    def _hook(self, name: str, detail: str = "") -> None:
        """Refuse a test hook in the remote-like mode, remembering the attempt."""
        if self.remote_like:
            self.hook_attempts.append((name, detail))
            raise HookUnavailable(
                f"{name} is a test hook, and this backend is remote-like: like an AWS account "
                "it has none (codes arrive in the mailbox, time passes for real)"
            )

    def outbox(self) -> list[Delivery]:
        self._hook("outbox")
        return self._outbox.items()

    def latest_code(self, username: str, attribute: str = "email") -> str:
        """The newest code delivered to `username` through `attribute`."""
        self._hook("latest_code", attribute)
        delivery = self._outbox.latest(username, attribute)
        if delivery is None:
            raise LookupError(f"no code was delivered to {username} by {attribute}")
        return delivery.code

    def advance_clock(self, seconds: float) -> None:
        """Move the backend's now forward (token, session and code expiry)."""
        self._hook("advance_clock", str(seconds))
        self.clock.advance(seconds)

    def set_rate_limit(self, category: str, per_second: float | None) -> None:
        """Throttle a quota category (`*` for all) to `per_second`; None lifts the limit."""
        self._hook("set_rate_limit", category)
        self._require_started()
        self._app.limiter.set(category, per_second)

    def issued_secrets(self) -> set[str]:
        """Every access, ID and refresh token, session, SRP secret block, verification or
        MFA code and TOTP secret the backend issued (not the seeded demo credentials,
        which are printed on purpose)."""
        if self._app is None:
            return set(self.store.issued)
        with self._app.ctx.lock:
            return set(self.store.issued)

    def _require_started(self) -> None:
        if self._app is None:
            raise RuntimeError("start() the embedded backend first")
