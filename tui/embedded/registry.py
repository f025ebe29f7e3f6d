"""Which operations the embedded backend implements itself, and the call they receive.

Handler modules register with `@handles("Operation")`. A handler gets a `Call`: the
validated body, the checked access token (when the operation takes one) and `moto()`,
which hands the request (or a changed body) to moto's implementation, so a handler can
check before moto, fix moto's answer after it, or replace moto entirely.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui.embedded.context import Context, TokenContext
from tui.embedded.errors import user_not_found
from tui.embedded.model import Pool, User, find_user


@dataclass(slots=True)
class Call:
    operation: str
    body: dict[str, Any]
    environ: dict[str, Any]
    ctx: Context
    token: TokenContext | None = None

    def moto(self, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.ctx.call_moto(
            self.operation, self.body if body is None else body, environ=self.environ
        )

    def admin_user(self) -> tuple[Pool, User]:
        """The pool and user an admin operation names (UserPoolId, Username); the username
        may be an alias, as AWS allows."""
        pool = self.ctx.moto.require_pool(self.body["UserPoolId"])
        user = find_user(pool, self.body["Username"])
        if user is None:
            raise user_not_found()
        return pool, user

    @property
    def access(self) -> TokenContext:
        """The checked access token (only for operations that take one)."""
        if self.token is None:
            raise RuntimeError(f"{self.operation} was called without an access token")
        return self.token


Handler = Callable[[Call], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}


def handles(*operations: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        for name in operations:
            if name in HANDLERS:
                raise RuntimeError(f"{name} has two handlers")
            HANDLERS[name] = func
        return func

    return register
