"""What every screen and dialog of the editor shares: the app as the project's own class
(`self.app` is a `CognitoApp`, `self.session` its `EditorSession`), and the one path from a
worker to the screen (`run_core`).

`run_core` runs a `tui.core` call in a thread worker and hands the screen, on the UI
thread, either the call's result or the error it failed with, always as a `CognitoError`
(`from_botocore` says who said it: Cognito, the network, our validation, or an internal
error whose traceback went to the log file). It is the only place in the UI that catches
what `tui.core` raises: a worker never dies of a failed call, and every screen receives
its failures the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.worker import Worker

from tui.core.errors import CognitoError

if TYPE_CHECKING:
    from textual import getters

    from tui.app import CognitoApp
    from tui.core.session import EditorSession

Result = TypeVar("Result")
ScreenResult = TypeVar("ScreenResult")


def run_core(
    node: DOMNode,
    call: Callable[[], Result],
    done: Callable[[Result], object],
    failed: Callable[[CognitoError], object],
    *,
    group: str,
    exclusive: bool = True,
    operation: str = "",
) -> Worker[None]:
    """Run `call` in a thread worker of `node` (a screen, a dialog or the app); then, on the
    UI thread, `done(result)` or `failed(error)`. `exclusive` cancels the workers of the
    same `group` still running (their answer may still arrive: screens that care compare
    it with what they asked for last). `operation` names the call in an internal error's
    log entry."""
    app = node.app

    def work() -> None:
        ok, value = _outcome(call, operation)
        app.call_from_thread(done if ok else failed, value)

    return node.run_worker(
        work,
        name=operation or getattr(call, "__name__", ""),
        group=group,
        exclusive=exclusive,
        thread=True,
        exit_on_error=False,
    )


def answer_now(
    call: Callable[[], Result | None],
    done: Callable[[Result], object],
    failed: Callable[[CognitoError], object],
    *,
    operation: str = "",
) -> bool:
    """`run_core`'s counterpart for an answer that may already be here (an early answer,
    tui/prefetch.py): `call` runs on the UI thread and must not wait; a result goes to
    `done` at once, a failure to `failed` as the worker would report it. False when
    `call` had nothing (None): the caller then starts the worker as usual."""
    ok, value = _outcome(call, operation)
    if ok and value is None:
        return False
    (done if ok else failed)(value)
    return True


def _outcome(call: Callable[[], Any], operation: str) -> tuple[bool, Any]:
    """(True, the result) or (False, the CognitoError it failed with): every failure comes
    back as a value, never a dead worker."""
    try:
        return True, call()
    except Exception as exc:
        from tui.core.errors import from_botocore

        return False, from_botocore(exc, operation)


class AppScreen(Screen[ScreenResult]):
    """A screen of this editor."""

    if TYPE_CHECKING:
        # Textual's own way to name the app's class for the type checker; at run time
        # `app` stays Textual's property.
        app = getters.app(CognitoApp)

    @property
    def session(self) -> EditorSession:
        return self.app.session

    def run_core(
        self,
        call: Callable[[], Result],
        done: Callable[[Result], object],
        failed: Callable[[CognitoError], object],
        *,
        group: str = "io",
        exclusive: bool = True,
        operation: str = "",
    ) -> Worker[None]:
        """`run_core` (above) in a worker of this screen."""
        return run_core(
            self, call, done, failed, group=group, exclusive=exclusive, operation=operation
        )


# The same for dialogs. Not a subclass of AppScreen as well: Textual takes a widget's
# default CSS from its first base class only, and would lose ModalScreen's.
class AppDialog(ModalScreen[ScreenResult]):
    """A dialog of this editor (a modal screen over another one)."""

    if TYPE_CHECKING:
        app = getters.app(CognitoApp)

    @property
    def session(self) -> EditorSession:
        return self.app.session

    def run_core(
        self,
        call: Callable[[], Result],
        done: Callable[[Result], object],
        failed: Callable[[CognitoError], object],
        *,
        group: str = "io",
        exclusive: bool = True,
        operation: str = "",
    ) -> Worker[None]:
        """`run_core` (above) in a worker of this dialog."""
        return run_core(
            self, call, done, failed, group=group, exclusive=exclusive, operation=operation
        )
