"""The client-side token bucket every bulk worker draws from.

Cognito throttles per account, region and quota category (AdminUpdateUserAttributes and
AdminDeleteUserAttributes are in UserUpdate, whose default quota is 25 requests per
second; AdminGetUser is in UserRead, 120 per second). Bulk apply paces its own requests
below those quotas so that it shares them politely with the applications using the same
pool, instead of running into TooManyRequestsException and leaning on retries.

The bucket holds `burst` tokens (default one: requests are spread evenly, never sent in a
clump the service would have to absorb) and refills at `rate` per second. A caller that
finds it empty reserves the next token and sleeps until it is due, outside the lock; the
reservations queue up in arrival order, so the rate holds exactly however many workers
draw from one bucket.

The configured rate is a ceiling. When the service throttles anyway (the quota is lower
than assumed, or other applications are using it), `throttled()` cuts the rate
multiplicatively, at most once per `window` (one burst of throttled answers is one
signal), and every `succeeded()` call adds a small step back up to the ceiling: additive
increase, multiplicative decrease, as botocore's adaptive mode and TCP do. Without it a
rate well above the quota turns into a storm of retries whose backoff leaves the end of
the run idle.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# Adaptive pacing: the factor of a cut, the shortest time between two cuts (seconds), the
# share of the ceiling added back per success, and the lowest rate as a share of it.
CUT = 0.7
WINDOW = 0.5
STEP = 0.005
FLOOR = 0.05


class TokenBucket:
    def __init__(
        self,
        rate: float,
        burst: float = 1.0,
        *,
        adaptive: bool = False,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("the rate must be a positive number of requests per second")
        if burst < 1:
            raise ValueError("the burst must hold at least one token")
        self.ceiling = float(rate)
        self.rate = float(rate)
        self.burst = float(burst)
        self.adaptive = adaptive
        self.floor = max(0.5, self.ceiling * FLOOR)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = self.burst
        self._stamp = clock()
        self._cut_at = float("-inf")

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def reserve(self) -> float:
        """Take one token; the seconds to wait before using it (0 when one was there)."""
        with self._lock:
            self._refill(self._clock())
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def throttled(self) -> None:
        """The service refused a request as over its rate: slow down (adaptive only)."""
        if not self.adaptive:
            return
        with self._lock:
            now = self._clock()
            if now - self._cut_at < WINDOW:
                return
            self._cut_at = now
            self._refill(now)  # what accrued so far accrued at the old rate
            self.rate = max(self.floor, self.rate * CUT)

    def succeeded(self) -> None:
        """A request went through: creep back towards the ceiling (adaptive only)."""
        if not self.adaptive or self.rate >= self.ceiling:
            return
        with self._lock:
            self._refill(self._clock())
            self.rate = min(self.ceiling, self.rate + self.ceiling * STEP)

    def acquire(self, stop: threading.Event | None = None) -> bool:
        """Wait for a token. False when `stop` was set while waiting (the token is lost,
        which only matters to a run that is stopping)."""
        wait = self.reserve()
        if wait <= 0:
            return stop is None or not stop.is_set()
        if stop is not None:
            return not stop.wait(wait)
        self._sleep(wait)
        return True
