"""The throttling knob: a token bucket per Cognito quota category.

AWS throttles user-pool operations per category (UserAuthentication, UserUpdate, ...) in
requests per second, and answers `TooManyRequestsException` ("Rate exceeded") beyond the
quota (the middleware words the error). Which category an operation belongs to is data
(categories.toml), not code. Each bucket holds one second's worth of requests (at least
one) and refills continuously, so a client that retries with backoff (botocore's standard
mode) eventually gets through.
"""

from __future__ import annotations

import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

CATEGORIES_FILE = Path(__file__).with_name("categories.toml")
ALL = "*"


def load_categories(path: Path = CATEGORIES_FILE) -> dict[str, str]:
    """operation -> category, from the reviewed data file; an operation listed twice or a
    category without operations is an error in the file."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    mapping: dict[str, str] = {}
    for name, entry in data.get("category", {}).items():
        operations = entry.get("operations") or []
        if not operations:
            raise ValueError(f"{path}: category {name} lists no operations")
        for operation in operations:
            if operation in mapping:
                raise ValueError(f"{path}: {operation} is in both {mapping[operation]} and {name}")
            mapping[operation] = name
    return mapping


@dataclass(slots=True)
class _Bucket:
    rate: float
    tokens: float
    stamp: float

    def take(self, now: float) -> bool:
        capacity = max(1.0, self.rate)
        self.tokens = min(capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class RateLimiter:
    def __init__(
        self, categories: dict[str, str] | None = None, limits: dict[str, float] | None = None
    ) -> None:
        self.categories = categories if categories is not None else load_categories()
        self.names = sorted(set(self.categories.values()))
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()
        for category, per_second in (limits or {}).items():
            self.set(category, per_second)

    def set(self, category: str, per_second: float | None) -> None:
        """Limit one category (or every one, with `*`) to `per_second`; None removes."""
        targets = self.names if category == ALL else [category]
        if category != ALL and category not in self.names:
            raise ValueError(
                f"unknown rate-limit category {category!r} (one of {', '.join(self.names)})"
            )
        if per_second is not None and per_second <= 0:
            raise ValueError("a rate limit must be a positive number of requests per second")
        with self._lock:
            for name in targets:
                if per_second is None:
                    self._buckets.pop(name, None)
                else:
                    capacity = max(1.0, float(per_second))
                    self._buckets[name] = _Bucket(float(per_second), capacity, time.monotonic())

    def limits(self) -> dict[str, float]:
        with self._lock:
            return {name: bucket.rate for name, bucket in self._buckets.items()}

    def allow(self, operation: str) -> bool:
        """Take one request from the operation's category; False when it is exhausted."""
        category = self.categories.get(operation)
        if category is None:
            return True
        with self._lock:
            bucket = self._buckets.get(category)
            return bucket is None or bucket.take(time.monotonic())
