"""Where verification codes go instead of e-mail and SMS.

A real pool sends codes through SES and SNS; the embedded backend appends a `Delivery` to
its outbox instead, so tests read codes deterministically (`latest_code`) and the person
running the standalone server sees them on stderr (a listener prints one line each). The
destination is kept in full here (the outbox is the recipient's mailbox); responses and
printed lines use the masked form AWS shows (`j***@e***`, `+*******1234`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message the backend "sent": who, through which attribute and medium, the code,
    why (`verify attribute`, `sign-in (SMS_MFA)`, ...) and when (backend clock)."""

    username: str
    attribute: str
    medium: str
    destination: str
    code: str
    purpose: str
    sent_at: float

    @property
    def masked_destination(self) -> str:
        return mask_destination(self.attribute, self.destination)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def mask_email(address: str) -> str:
    """`jane@example.com` -> `j***@e***`, the way Cognito shows a code's destination."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def mask_phone(number: str) -> str:
    """`+15550100123` -> `+*******0123`: every digit but the last four hidden (the corpus
    shows `+********1234`, eight stars, for a number whose length it does not give)."""
    digits = number.removeprefix("+")
    return "+" + "*" * max(len(digits) - 4, 0) + digits[-4:]


def mask_destination(attribute: str, value: str) -> str:
    return mask_phone(value) if attribute == "phone_number" else mask_email(value)


def medium_for(attribute: str) -> str:
    return "SMS" if attribute == "phone_number" else "EMAIL"


class Outbox:
    """Thread-safe list of deliveries, with listeners called for each new one."""

    def __init__(self) -> None:
        self._items: list[Delivery] = []
        self._lock = threading.Lock()
        self._listeners: list[Callable[[Delivery], None]] = []

    def subscribe(self, listener: Callable[[Delivery], None]) -> None:
        self._listeners.append(listener)

    def add(self, delivery: Delivery) -> None:
        with self._lock:
            self._items.append(delivery)
        for listener in list(self._listeners):
            listener(delivery)

    def items(self) -> list[Delivery]:
        with self._lock:
            return list(self._items)

    def latest(self, username: str, attribute: str) -> Delivery | None:
        with self._lock:
            for item in reversed(self._items):
                if item.username == username and item.attribute == attribute:
                    return item
        return None
