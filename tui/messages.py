"""Typed messages from workers back to the screens: results as values, errors as values."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tui.core.attributes import SaveResult
from tui.core.auth import Challenge
from tui.core.connection import RetryNotice
from tui.core.errors import CognitoError
from tui.core.service import CodeDelivery, UserRecord


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
class SignedIn(Message):
    pass


@dataclass
class ChallengeIssued(Message):
    challenge: Challenge


@dataclass
class CodeSent(Message):
    delivery: CodeDelivery


@dataclass
class Verified(Message):
    attribute: str


@dataclass
class Retrying(Message):
    notice: RetryNotice
