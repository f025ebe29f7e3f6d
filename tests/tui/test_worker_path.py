"""The one path from a worker to a screen (tui.screens.base.run_core): a result or a
CognitoError, on the UI thread, whatever the call raised; and no other place in the UI
catches what tui.core raises."""

from __future__ import annotations

import ast
import threading
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from textual.app import App

from tui.core.errors import INTERNAL_ERROR, NETWORK_ERROR, CognitoError, LocalProblem
from tui.screens.base import run_core

UI = Path(__file__).resolve().parents[2] / "tui"
UI_MODULES = sorted([UI / "app.py", *(UI / "screens").glob("*.py"), *(UI / "widgets").glob("*.py")])


def cognito_refusal() -> ClientError:
    answer: Any = {
        "Error": {"Code": "NotAuthorizedException", "Message": "Access Token has expired"},
        "ResponseMetadata": {"HTTPStatusCode": 400},
    }
    return ClientError(answer, "GetUser")


def boom() -> None:
    raise ZeroDivisionError("a bug of ours")


def refused() -> None:
    raise cognito_refusal()


def unreachable() -> None:
    raise EndpointConnectionError(endpoint_url="https://cognito-idp.example.invalid/")


def checked() -> None:
    raise LocalProblem("custom:level is longer than 10 characters")


async def deliver(call: Any) -> tuple[str, Any, bool]:
    """Run `call` through run_core in an app; what came back, and whether on the UI thread."""
    got: list[tuple[str, Any, bool]] = []
    ui = threading.get_ident()
    app: App[None] = App()
    async with app.run_test() as pilot:

        def done(result: Any) -> None:
            got.append(("done", result, threading.get_ident() == ui))

        def failed(error: CognitoError) -> None:
            got.append(("failed", error, threading.get_ident() == ui))

        worker = run_core(app, call, done, failed, group="test", operation="Test")
        await worker.wait()
        await pilot.pause()
        assert worker.is_finished and worker.error is None  # never a dead worker
    assert len(got) == 1, got
    return got[0]


async def test_a_result_reaches_the_screen_on_the_ui_thread():
    assert await deliver(lambda: 42) == ("done", 42, True)


@pytest.mark.parametrize(
    ("call", "code", "source", "said"),
    [
        (refused, "NotAuthorizedException", "cognito", "Cognito said: Access Token has expired"),
        (unreachable, NETWORK_ERROR, "network", "botocore said: Could not connect"),
        (checked, "LocalValidationError", "validation", "Our check found: custom:level"),
    ],
)
async def test_every_failure_reaches_the_screen_as_whose_error_it_is(call, code, source, said):
    kind, error, on_ui = await deliver(call)
    assert (kind, on_ui) == ("failed", True)
    assert isinstance(error, CognitoError)
    assert (error.code, error.source) == (code, source)
    assert error.said.startswith(said), error.said


async def test_a_bug_is_an_internal_error_with_its_log_file_never_anyones_words():
    kind, error, _ = await deliver(boom)
    assert kind == "failed" and error.code == INTERNAL_ERROR and error.source == "internal"
    assert error.log_file and "ZeroDivisionError" in Path(error.log_file).read_text()
    assert error.said == "" and "a bug of ours" not in error.human()


def _passes_it_on(handler: ast.ExceptHandler) -> bool:
    """A handler that hands the exception to a Future (the app's thread executor)."""
    return any(
        isinstance(n, ast.Attribute) and n.attr == "set_exception" for n in ast.walk(handler)
    )


def test_the_ui_catches_tui_core_errors_in_run_core_only():
    """No screen, widget or the app converts or catches failures itself: no from_botocore,
    no `except Exception` (or broader), no Textual @work worker of its own."""
    found = []
    for path in UI_MODULES:
        if path.name == "base.py":
            continue
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            where = f"{path.relative_to(UI.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.ExceptHandler) and not _passes_it_on(node):
                caught = ast.unparse(node.type) if node.type is not None else "everything"
                if caught in ("everything", "Exception", "BaseException", "CognitoError"):
                    found.append(f"{where} catches {caught}")
            elif isinstance(node, ast.Name) and node.id == "from_botocore":
                found.append(f"{where} uses from_botocore")
            elif isinstance(node, ast.ImportFrom):
                names = {alias.name for alias in node.names}
                if "from_botocore" in names or (node.module == "textual" and "work" in names):
                    found.append(f"{where} imports {', '.join(sorted(names))}")
    assert found == []
