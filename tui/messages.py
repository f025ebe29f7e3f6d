"""Typed messages from workers back to the screens: results as values, errors as values."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tui.core.attributes import SaveResult
from tui.core.connection import RetryNotice
from tui.core.errors import CognitoError
from tui.core.service import UserRecord


@dataclass
class Loaded(Message):
    user: UserRecord


@dataclass
class Failed(Message):
    """A call failed; `action` names what was being done, so it can be resumed."""

    error: CognitoError
    action: str


@dataclass
class Saved(Message):
    result: SaveResult


@dataclass
class Retrying(Message):
    notice: RetryNotice
