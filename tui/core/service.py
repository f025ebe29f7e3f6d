"""The Cognito calls the editor makes, as plain functions over a Connection.

`UserAttributes` works with a signed-in user's access token (GetUser, UpdateUserAttributes,
DeleteUserAttributes, verification codes); `PoolAdmin` with IAM credentials (DescribeUserPool,
ListUsers, AdminGetUser, AdminUpdateUserAttributes, AdminDeleteUserAttributes). Results are
small typed records; failures are `CognitoError` values raised from `Connection.call`.
`list_user_pools` lists the pools the IAM identity sees (ListUserPools).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.core.connection import Connection
from tui.core.schema import PoolSchema


@dataclass(frozen=True)
class CodeDelivery:
    attribute: str
    medium: str
    destination: str

    @classmethod
    def from_wire(cls, item: dict[str, Any]) -> CodeDelivery:
        return cls(
            attribute=str(item.get("AttributeName", "")),
            medium=str(item.get("DeliveryMedium", "")),
            destination=str(item.get("Destination", "")),
        )


@dataclass
class UserRecord:
    username: str
    attributes: dict[str, str]
    status: str | None = None
    enabled: bool | None = None
    created: float | None = None
    modified: float | None = None
    mfa: list[str] = field(default_factory=list)
    preferred_mfa: str | None = None


def attributes_from_wire(items: list[dict[str, Any]] | None) -> dict[str, str]:
    return {str(a["Name"]): str(a.get("Value", "")) for a in items or []}


def attributes_to_wire(values: dict[str, str]) -> list[dict[str, str]]:
    return [{"Name": name, "Value": value} for name, value in values.items()]


def _ts(value: Any) -> float | None:
    if value is None:
        return None
    if hasattr(value, "timestamp"):
        return float(value.timestamp())
    return float(value)


class UserAttributes:
    """Attribute calls authorised by the signed-in user's access token.

    `token` is a callable so that a refreshed token is picked up by the next call.
    """

    def __init__(self, connection: Connection, token: Callable[[], str]) -> None:
        self.connection = connection
        self.token = token

    def get_user(self) -> UserRecord:
        result = self.connection.call("GetUser", AccessToken=self.token())
        return UserRecord(
            username=result["Username"],
            attributes=attributes_from_wire(result.get("UserAttributes")),
            mfa=list(result.get("UserMFASettingList") or []),
            preferred_mfa=result.get("PreferredMfaSetting"),
        )

    def update(
        self, values: dict[str, str], client_metadata: dict[str, str] | None = None
    ) -> list[CodeDelivery]:
        params: dict[str, Any] = {
            "AccessToken": self.token(),
            "UserAttributes": attributes_to_wire(values),
        }
        if client_metadata:
            params["ClientMetadata"] = dict(client_metadata)
        result = self.connection.call("UpdateUserAttributes", **params)
        return [CodeDelivery.from_wire(d) for d in result.get("CodeDeliveryDetailsList") or []]

    def delete(self, names: list[str]) -> None:
        self.connection.call(
            "DeleteUserAttributes", AccessToken=self.token(), UserAttributeNames=list(names)
        )

    def send_code(
        self, attribute: str, client_metadata: dict[str, str] | None = None
    ) -> CodeDelivery:
        params: dict[str, Any] = {"AccessToken": self.token(), "AttributeName": attribute}
        if client_metadata:
            params["ClientMetadata"] = dict(client_metadata)
        result = self.connection.call("GetUserAttributeVerificationCode", **params)
        return CodeDelivery.from_wire(result.get("CodeDeliveryDetails") or {})

    def verify(self, attribute: str, code: str) -> None:
        self.connection.call(
            "VerifyUserAttribute", AccessToken=self.token(), AttributeName=attribute, Code=code
        )


@dataclass(frozen=True)
class PoolSummary:
    """One user pool as ListUserPools lists it."""

    id: str
    name: str
    created: datetime | None = None

    @classmethod
    def from_wire(cls, item: dict[str, Any]) -> PoolSummary:
        created = item.get("CreationDate")  # botocore parses the wire's epoch seconds
        return cls(
            id=str(item["Id"]),
            name=str(item.get("Name", "")),
            created=created if isinstance(created, datetime) else None,
        )

    @property
    def created_day(self) -> str:
        """The day the pool was created (YYYY-MM-DD), or "" when not given."""
        return self.created.strftime("%Y-%m-%d") if self.created is not None else ""


def list_user_pools(connection: Connection) -> Iterator[list[PoolSummary]]:
    """Every user pool the identity sees, a page (the largest ListUserPools returns) at a
    time: the next page is fetched only when the caller asks for it."""
    token: str | None = None
    while True:
        params: dict[str, Any] = {"MaxResults": connection.max_of("ListUserPools", "MaxResults")}
        if token:
            params["NextToken"] = token
        page = connection.call("ListUserPools", **params)
        yield [PoolSummary.from_wire(pool) for pool in page.get("UserPools") or []]
        token = page.get("NextToken")
        if not token:
            return


@dataclass
class UsersPage:
    users: list[UserRecord]
    next_token: str | None


class PoolAdmin:
    """Admin calls for one pool, authorised by IAM credentials."""

    def __init__(self, connection: Connection, pool_id: str) -> None:
        self.connection = connection
        self.pool_id = pool_id

    def describe_pool(self) -> PoolSchema:
        result = self.connection.call("DescribeUserPool", UserPoolId=self.pool_id)
        return PoolSchema.from_user_pool(result["UserPool"])

    def get_user(self, username: str) -> UserRecord:
        result = self.connection.call("AdminGetUser", UserPoolId=self.pool_id, Username=username)
        return UserRecord(
            username=result["Username"],
            attributes=attributes_from_wire(result.get("UserAttributes")),
            status=result.get("UserStatus"),
            enabled=result.get("Enabled"),
            created=_ts(result.get("UserCreateDate")),
            modified=_ts(result.get("UserLastModifiedDate")),
            mfa=list(result.get("UserMFASettingList") or []),
            preferred_mfa=result.get("PreferredMfaSetting"),
        )

    def update(
        self,
        username: str,
        values: dict[str, str],
        client_metadata: dict[str, str] | None = None,
    ) -> None:
        params: dict[str, Any] = {
            "UserPoolId": self.pool_id,
            "Username": username,
            "UserAttributes": attributes_to_wire(values),
        }
        if client_metadata:
            params["ClientMetadata"] = dict(client_metadata)
        self.connection.call("AdminUpdateUserAttributes", **params)

    def delete(self, username: str, names: list[str]) -> None:
        self.connection.call(
            "AdminDeleteUserAttributes",
            UserPoolId=self.pool_id,
            Username=username,
            UserAttributeNames=list(names),
        )

    @property
    def page_size(self) -> int:
        """The most users one ListUsers call returns (the model's maximum of Limit)."""
        return self.connection.max_of("ListUsers", "Limit")

    def list_users(
        self,
        filter: str | None = None,
        limit: int | None = None,
        pagination_token: str | None = None,
        attributes: list[str] | None = None,
    ) -> UsersPage:
        """One page; `limit` defaults to the largest page."""
        params: dict[str, Any] = {"UserPoolId": self.pool_id, "Limit": limit or self.page_size}
        if filter:
            params["Filter"] = filter
        if pagination_token:
            params["PaginationToken"] = pagination_token
        if attributes is not None:
            params["AttributesToGet"] = list(attributes)
        result = self.connection.call("ListUsers", **params)
        users = [
            UserRecord(
                username=u["Username"],
                attributes=attributes_from_wire(u.get("Attributes")),
                status=u.get("UserStatus"),
                enabled=u.get("Enabled"),
                created=_ts(u.get("UserCreateDate")),
                modified=_ts(u.get("UserLastModifiedDate")),
            )
            for u in result.get("Users") or []
        ]
        return UsersPage(users, result.get("PaginationToken"))

    def iter_users(
        self,
        filter: str | None = None,
        limit: int | None = None,
        attributes: list[str] | None = None,
    ) -> Iterator[UsersPage]:
        """Every page, lazily: the next page is fetched only when the caller asks for it."""
        token: str | None = None
        while True:
            page = self.list_users(filter, limit, token, attributes)
            yield page
            token = page.next_token
            if not token:
                return
