"""Typed messages to the screens from other threads (botocore's retries). A worker's result
or error reaches its screen through `tui.screens.base.run_core`, not as a message."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tui.core.connection import RetryNotice


@dataclass
class Retrying(Message):
    notice: RetryNotice
