"""A page token the backend never issued is refused with an error the operation models
(found by schemathesis: moto's paginator answered its own `InvalidToken`)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.embedded.support import error_of


@pytest.mark.parametrize("token", ["garbage", "\u000e\u001b", "eyJub3QiOiAiYSB0b2tlbiJ9"])
def test_list_users_with_a_foreign_token(cognito, backend, token):
    with pytest.raises(ClientError) as caught:
        cognito.list_users(UserPoolId=backend.user_pool_id, PaginationToken=token)
    code, message = error_of(caught)
    request_id = caught.value.response["ResponseMetadata"]["RequestId"]
    assert code == "InvalidParameterException"
    assert message == f"Paging marker {token} is invalid for request {request_id}"


def test_list_user_pools_with_a_foreign_token(cognito):
    with pytest.raises(ClientError) as caught:
        cognito.list_user_pools(MaxResults=10, NextToken="garbage")
    code, message = error_of(caught)
    assert code == "InvalidParameterException"
    assert message.startswith("Paging marker garbage is invalid for request ")


def test_issued_tokens_still_page(cognito, backend):
    first = cognito.list_users(UserPoolId=backend.user_pool_id, Limit=1)
    assert "PaginationToken" in first
    second = cognito.list_users(
        UserPoolId=backend.user_pool_id, Limit=1, PaginationToken=first["PaginationToken"]
    )
    assert second["Users"] and second["Users"] != first["Users"]
