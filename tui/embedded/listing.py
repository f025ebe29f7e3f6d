"""ListUsers without a Filter, page by page in time proportional to the page.

moto answers ListUsers by listing the whole pool, finding the page's start by comparing
every user before it with the token, and serialising through its generic response
serializer: about 0.3 s a page at 20,000 users here, and growing with the position, so
browsing or searching a pool of 100,000 users (1,667 pages) took most of an hour. This
handler serves the unfiltered listing itself, in moto's order (the pool's insertion
order), with the members ListUsers' model defines; a token names the next user and its
position, so a page starts without a scan. A request with a Filter, or with a token this
handler did not issue, still goes to moto, whose wording for bad filters stays.
"""

from __future__ import annotations

import base64
import itertools
import json
from typing import Any

from tui.embedded.registry import Call, handles

PAGE_DEFAULT = 60  # what Cognito and moto return when Limit is left out
_PREFIX = "embedded-page:"


def _token(position: int, username: str) -> str:
    raw = json.dumps([position, username], separators=(",", ":")).encode()
    return _PREFIX + base64.urlsafe_b64encode(raw).decode()


def _position(token: str) -> tuple[int, str] | None:
    if not token.startswith(_PREFIX):
        return None
    try:
        position, username = json.loads(base64.urlsafe_b64decode(token[len(_PREFIX) :]))
    except (ValueError, TypeError):
        return None
    if not isinstance(position, int) or not isinstance(username, str) or position < 0:
        return None
    return position, username


def _epoch(value: Any) -> Any:
    return value.timestamp() if hasattr(value, "timestamp") else value


@handles("ListUsers")
def list_users(call: Call) -> dict[str, Any]:
    body = call.body
    token = body.get("PaginationToken")
    start = _position(token) if token else (0, "")
    if body.get("Filter") or start is None:
        return call.moto()
    pool = call.ctx.moto.require_pool(body["UserPoolId"])
    users = pool.users
    position, username = start
    if position and (
        position >= len(users)
        or next(itertools.islice(iter(users), position, None), None) != username
    ):
        # the pool changed since the token was issued: find the named user again
        names = list(users)
        if username not in users:
            return call.moto()
        position = names.index(username)
    limit = int(body.get("Limit") or PAGE_DEFAULT)
    wanted = body.get("AttributesToGet")
    page = list(itertools.islice(users.values(), position, position + limit + 1))
    out = []
    for user in page[:limit]:
        attributes = [
            {"Name": a["Name"], "Value": a["Value"]}
            for a in user.attributes
            if not wanted or a["Name"] in wanted
        ]
        out.append(
            {
                "Username": user.username,
                "Attributes": attributes,
                "UserCreateDate": _epoch(user.create_date),
                "UserLastModifiedDate": _epoch(user.last_modified_date),
                "Enabled": bool(user.enabled),
                "UserStatus": str(getattr(user.status, "value", user.status)),
            }
        )
    answer: dict[str, Any] = {"Users": out}
    if len(page) > limit:
        answer["PaginationToken"] = _token(position + limit, page[limit].username)
    return answer
