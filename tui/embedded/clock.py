"""The backend's notion of now.

Token and code expiry are checked against this clock, not the wall clock, so tests and the
demo can jump a day ahead (`advance`) instead of waiting for a code to expire. TOTP is the
exception: authenticator apps compute codes from the real time, so it uses the wall clock.
"""

from __future__ import annotations

import threading
import time


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Epoch seconds as the backend sees them (wall clock plus every advance)."""
        return time.time() + self._offset

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> float:
        """Move the backend's time forward; returns the new total offset."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += float(seconds)
            return self._offset
