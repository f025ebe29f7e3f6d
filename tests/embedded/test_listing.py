"""ListUsers without a Filter served by the embedded handler (tui/embedded/listing.py): the
same users, order and members as moto's model, pages resumed by token, a changed pool."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.embedded.support import client, start_backend, stop_backend


@pytest.fixture(scope="module")
def big() -> Any:
    started = start_backend(seed="empty", users=150)
    yield started
    stop_backend(started)


def every_page(cognito: Any, pool_id: str, **extra: Any) -> list[dict[str, Any]]:
    pages, token = [], None
    while True:
        more = {"PaginationToken": token} if token else {}
        page = cognito.list_users(UserPoolId=pool_id, **extra, **more)
        pages.append(page)
        token = page.get("PaginationToken")
        if not token:
            return pages


def test_the_listing_is_the_pools_users_in_order(big):
    cognito = client(big)
    pages = every_page(cognito, big.user_pool_id)
    assert [len(p["Users"]) for p in pages] == [60, 60, 30]
    listed = [u for p in pages for u in p["Users"]]
    pool = big._app.ctx.moto.require_pool(big.user_pool_id)
    assert [u["Username"] for u in listed] == list(pool.users)
    first, model = listed[0], pool.users[listed[0]["Username"]]
    assert {a["Name"]: a["Value"] for a in first["Attributes"]} == model.attribute_lookup
    assert first["UserStatus"] == "CONFIRMED" and first["Enabled"] is True
    assert first["UserCreateDate"].timestamp() == pytest.approx(model.create_date.timestamp())
    assert set(first) == {
        "Username",
        "Attributes",
        "UserCreateDate",
        "UserLastModifiedDate",
        "Enabled",
        "UserStatus",
    }


def test_attributes_to_get_limit_and_filters_still_work(big):
    cognito = client(big)
    page = cognito.list_users(
        UserPoolId=big.user_pool_id, Limit=7, AttributesToGet=["email", "custom:level"]
    )
    assert len(page["Users"]) == 7 and page["PaginationToken"]
    assert {a["Name"] for a in page["Users"][0]["Attributes"]} == {"email", "custom:level"}
    found = cognito.list_users(UserPoolId=big.user_pool_id, Filter='username = "user00042"')
    assert [u["Username"] for u in found["Users"]] == ["user00042"]  # moto's own filtering
    with pytest.raises(ClientError) as bad:
        cognito.list_users(UserPoolId=big.user_pool_id, Filter="nickname = x")
    assert bad.value.response["Error"]["Code"] == "InvalidParameterException"


def test_a_token_survives_a_change_of_the_pool(big):
    cognito = client(big)
    page = cognito.list_users(UserPoolId=big.user_pool_id, Limit=10)
    next_user = cognito.list_users(
        UserPoolId=big.user_pool_id, Limit=1, PaginationToken=page["PaginationToken"]
    )["Users"][0]["Username"]
    cognito.admin_delete_user(UserPoolId=big.user_pool_id, Username="user00003")
    after = cognito.list_users(
        UserPoolId=big.user_pool_id, Limit=2, PaginationToken=page["PaginationToken"]
    )
    assert after["Users"][0]["Username"] == next_user
