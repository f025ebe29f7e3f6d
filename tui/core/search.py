"""Search a pool's users by any attribute, custom ones included.

ListUsers filters on a few standard attributes only, with `=` (exact) and `^=` (prefix).
Everything else (custom attributes, substrings, regular expressions, attributes not set) is
matched here, on the client, over the pool's listing: every ListUsers page, paced by a
token bucket below the pool's request-rate quota for ListUsers (the UserList category), the
matches handed over page by page as they are found.

The filter language (one condition):

    name=value        exact          (server-side for a searchable standard attribute)
    name^=prefix      prefix         (server-side for a searchable standard attribute)
    name~=text        contains
    name=~/regex/     Python regular expression, searched anywhere in the value
    !name             the attribute is not set
    text              a username prefix (server-side)

Values may be written in double quotes. Matching on the client is case-sensitive (use
`(?i)` in a regular expression to ignore case). `username`, `cognito:user_status` and
`status` (Enabled/Disabled, as ListUsers names it) can be used besides attributes.

What a scan fetched is kept for the session (`ScanCache`, packed: one JSON text per user
in one buffer), so a second search filters what is already known and fetches only the rest.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from tui.core.errors import CognitoError, is_throttling
from tui.core.packed import PackedStrings
from tui.core.schema import CUSTOM_PREFIX, STANDARD_ATTRIBUTES
from tui.core.service import PoolAdmin, UserRecord

# The attributes ListUsers can filter on (Cognito's documentation of ListUsers' Filter).
SEARCHABLE = (
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
)
# Names that are fields of a listed user rather than attributes.
FIELDS = ("username", "cognito:user_status", "status")
SERVER_OPS = ("=", "^=")
OPS = ("=~", "~=", "^=", "=")  # two-character operators first: `a=~/x/` is not `a = ~/x/`
DEV_PREFIX = "dev:"
# The default pace of a scan, requests per second: below the UserList quota that the
# pool's applications share (the rate can be set; bench/browse.py measures at a quota).
DEFAULT_RATE = 25.0


class QueryError(ValueError):
    """A filter the editor refuses: the message is whole (what is wrong, what to write)."""


@dataclass(frozen=True)
class Query:
    name: str
    op: str  # one of OPS, or "!" (not set)
    value: str = ""

    @property
    def server_side(self) -> bool:
        """Whether ListUsers itself can answer this (its Filter)."""
        return (
            self.op in SERVER_OPS
            and self.name in SEARCHABLE
            and '"' not in self.value
            and "\\" not in self.value
        )

    @property
    def server_filter(self) -> str | None:
        return f'{self.name} {self.op} "{self.value}"' if self.server_side else None

    def __str__(self) -> str:
        if self.op == "!":
            return f"!{self.name}"
        if self.op == "=~":
            return f"{self.name}=~/{self.value}/"
        return f"{self.name}{self.op}{json.dumps(self.value, ensure_ascii=False)}"

    def matcher(self) -> Callable[[UserRecord], bool]:
        """A predicate over listed users (compiled once)."""
        get = _getter(self.name)
        value = self.value
        if self.op == "!":
            return lambda user: get(user) is None
        if self.op == "=":
            return lambda user: get(user) == value
        if self.op == "^=":
            return lambda user: (v := get(user)) is not None and v.startswith(value)
        if self.op == "~=":
            return lambda user: (v := get(user)) is not None and value in v
        pattern = re.compile(value)
        return lambda user: (v := get(user)) is not None and pattern.search(v) is not None


def _getter(name: str) -> Callable[[UserRecord], str | None]:
    if name == "username":
        return lambda user: user.username
    if name == "cognito:user_status":
        return lambda user: user.status
    if name == "status":
        return lambda user: None if user.enabled is None else _enabled(user.enabled)
    return lambda user: user.attributes.get(name)


def _enabled(flag: bool) -> str:
    return "Enabled" if flag else "Disabled"


def parse_query(text: str) -> Query | None:
    """Parse one condition; None for an empty search. Raises QueryError with a whole
    sentence naming what is wrong and how to write it."""
    text = text.strip()
    if not text:
        return None
    if text.startswith("!"):
        name = text[1:].strip()
        _check_name(name, text)
        return Query(name, "!")
    found = [(text.find(op), -len(op), op) for op in OPS if op in text]
    if not found:
        if any(c.isspace() for c in text) or '"' in text or "\\" in text:
            raise QueryError(
                f"Cannot search for {text!r}: plain text searches usernames by prefix and "
                'cannot contain spaces, " or \\; to search an attribute write name=value, '
                "name^=prefix, name~=text, name=~/regex/ or !name."
            )
        return Query("username", "^=", text)
    _, _, op = min(found)
    name, _, value = text.partition(op)
    name, value = name.strip(), value.strip()
    _check_name(name, text)
    if op == "=~":
        if len(value) < 2 or not value.startswith("/") or not value.endswith("/"):
            raise QueryError(
                f"Cannot search {text!r}: a regular expression is written between slashes, "
                f"e.g. {name}=~/^R(esearch|&D)$/."
            )
        value = value[1:-1]
        try:
            re.compile(value)
        except re.error as exc:
            raise QueryError(
                f"Cannot search {text!r}: the regular expression /{value}/ is invalid ({exc}); "
                "write a Python regular expression."
            ) from None
        return Query(name, op, value)
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        value = value[1:-1]
    if not value and op != "=":
        raise QueryError(f"Cannot search {text!r}: write the text to look for after {op}.")
    if not value:
        raise QueryError(
            f"Cannot search {text!r}: write the value after =, or !{name} for users without {name}."
        )
    return Query(name, op, value)


def _check_name(name: str, text: str) -> None:
    if not name:
        raise QueryError(f"Cannot search {text!r}: an attribute name is missing before the match.")
    if name in FIELDS or name in STANDARD_ATTRIBUTES:
        return
    if name.startswith((CUSTOM_PREFIX, DEV_PREFIX)):
        from tui.core.attributes import model_problems

        problems = [p.removeprefix("name: ") for p in model_problems(name, None)]
        if problems:
            raise QueryError(f"Cannot search {text!r}: {name}: {'; '.join(problems)}.")
        return
    raise QueryError(
        f"Cannot search {text!r}: {name} is not a standard attribute; custom attributes "
        f"are written with their prefix ({CUSTOM_PREFIX}{name}), and username, "
        "cognito:user_status and status can be searched too."
    )


# -- what a session fetched -------------------------------------------------------------------


class ScanCache:
    """Every user a scan of one pool fetched, in listing order, with the token to go on.

    Users are kept packed (one JSON text each, in one buffer), not as objects."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._users = PackedStrings()
        self.next_token: str | None = None
        self.complete = False

    def __len__(self) -> int:
        return len(self._users)

    def add(self, users: list[UserRecord], next_token: str | None) -> None:
        with self.lock:
            for user in users:
                self._users.append(_pack(user))
            self.next_token = next_token
            self.complete = not next_token

    def users(self, start: int = 0, stop: int | None = None) -> Iterator[UserRecord]:
        end = len(self._users) if stop is None else stop
        for i in range(start, end):
            yield _unpack(self._users[i])

    def reset(self) -> None:
        with self.lock:
            self._users.clear()
            self.next_token, self.complete = None, False

    def nbytes(self) -> int:
        return self._users.nbytes()


def _pack(user: UserRecord) -> str:
    return json.dumps(
        [user.username, user.status, user.enabled, user.created, user.modified, user.attributes],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _unpack(text: str) -> UserRecord:
    username, status, enabled, created, modified, attributes = json.loads(text)
    return UserRecord(username, attributes, status, enabled, created, modified)


# -- the scan ---------------------------------------------------------------------------------


@dataclass
class Progress:
    scanned: int  # users looked at (from the cache and fetched)
    matched: int
    total: int | None  # the pool's estimated number of users, when known
    calls: int  # ListUsers calls made by this scan
    from_cache: int  # users looked at from the session's cache


@dataclass
class ScanOutcome:
    progress: Progress
    complete: bool  # the whole pool was looked at
    cancelled: bool = False
    error: CognitoError | None = None


THROTTLE_RETRIES = 5
THROTTLE_PAUSE = 1.0  # seconds before the first retry of a throttled page, doubled after


class Selection(Protocol):
    """What `scan` needs of a search: a Query, or the command line's "every user"."""

    @property
    def server_filter(self) -> str | None: ...

    def matcher(self) -> Callable[[UserRecord], bool]: ...


def scan(
    admin: PoolAdmin,
    query: Selection,
    *,
    cache: ScanCache | None = None,
    bucket: Any = None,
    total: int | None = None,
    on_matches: Callable[[list[UserRecord], Progress], None],
    stop: threading.Event | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> ScanOutcome:
    """Look at every user of the pool (from `cache` first, then ListUsers page after page,
    each call after a token of `bucket`), calling `on_matches` once per page with the
    matches found in it (possibly none, so progress can be shown). Failures come back in
    the outcome, never raised; what was fetched stays in the cache."""
    stop = stop or threading.Event()
    keep = cache is not None  # without a cache nothing is kept (the command line)
    cache = cache if cache is not None else ScanCache()
    matches = query.matcher()
    progress = Progress(0, 0, total, 0, 0)
    server = query.server_filter
    if server is None:
        # users the session already has: filtered in chunks of a page
        known = len(cache)
        step = 500
        for start in range(0, known, step):
            if stop.is_set():
                return ScanOutcome(progress, False, cancelled=True)
            chunk = [u for u in cache.users(start, min(known, start + step)) if matches(u)]
            progress.scanned += min(step, known - start)
            progress.from_cache = progress.scanned
            progress.matched += len(chunk)
            on_matches(chunk, progress)
        if cache.complete:
            return ScanOutcome(progress, True)
    token = None if server else cache.next_token
    while True:
        if stop.is_set():
            return ScanOutcome(progress, False, cancelled=True)
        if bucket is not None and not bucket.acquire(stop):
            return ScanOutcome(progress, False, cancelled=True)
        try:
            page = _page(admin, server, token, bucket, stop, sleep)
        except CognitoError as error:
            if token and not server:
                cache.reset()  # a stale token: the next search starts from the first page
            return ScanOutcome(progress, False, error=error)
        progress.calls += 1
        if server is None and keep:
            cache.add(page.users, page.next_token)
        found = [u for u in page.users if matches(u)]
        progress.scanned += len(page.users)
        progress.matched += len(found)
        on_matches(found, progress)
        token = page.next_token
        if not token:
            return ScanOutcome(progress, True)


def _page(
    admin: PoolAdmin,
    server: str | None,
    token: str | None,
    bucket: Any,
    stop: threading.Event,
    sleep: Callable[[float], None],
) -> Any:
    """One ListUsers page; throttling that outlasted botocore's own retries slows the
    bucket and is retried a few times more, with a growing pause."""
    pause = THROTTLE_PAUSE
    for attempt in range(THROTTLE_RETRIES + 1):
        try:
            page = admin.list_users(filter=server, pagination_token=token)
        except CognitoError as error:
            if not is_throttling(error.code) or attempt == THROTTLE_RETRIES or stop.is_set():
                raise
            if bucket is not None:
                bucket.throttled()
            sleep(pause)
            pause *= 2
            continue
        if bucket is not None:
            bucket.succeeded()
        return page
    raise AssertionError("unreachable")


def estimated_users(admin: PoolAdmin) -> int | None:
    """The pool's EstimatedNumberOfUsers (DescribeUserPool), for a progress bar; None when
    the identity may not describe the pool."""
    try:
        result = admin.connection.call("DescribeUserPool", UserPoolId=admin.pool_id)
    except CognitoError:
        return None
    value = result.get("UserPool", {}).get("EstimatedNumberOfUsers")
    return int(value) if isinstance(value, int) else None
