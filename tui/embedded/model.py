"""Reading and changing moto's in-process Cognito model.

moto keeps its state in `moto.cognitoidp.models.cognitoidp_backends[account][region]`; the
embedded backend runs in the same process, so handlers look pools, clients and users up
there directly instead of calling moto over HTTP. This module is the only place that knows
moto's attribute names, so a moto upgrade that renames one breaks here, once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from typing import Any

import moto.cognitoidp.models as _moto_models
from moto.cognitoidp.models import (
    CognitoIdpBackend,
    CognitoIdpUser,
    CognitoIdpUserPool,
    CognitoIdpUserPoolAttribute,
    CognitoIdpUserPoolClient,
    UserStatus,
    cognitoidp_backends,
)

from tui.embedded.errors import CognitoError, not_authorized, resource_not_found

Pool = CognitoIdpUserPool
Client = CognitoIdpUserPoolClient
User = CognitoIdpUser
SchemaAttribute = CognitoIdpUserPoolAttribute

__all__ = [
    "Client",
    "Pool",
    "SchemaAttribute",
    "User",
    "UserStatus",
]


class _SigningKeyOnce:
    """Stands in for `joserfc.jwk` inside moto's Cognito models: moto imports the same
    private JWK (its resource file) for every new pool, and that import (RSA prime-factor
    recovery) was nearly all of CreateUserPool's time (0.3 s of 0.33 s; bench/fuzz.py creates
    hundreds of pools). The key is imported once per distinct JWK; every answer stays the
    same (every pool signed with that one key before, and still does)."""

    def __init__(self, jwk: Any) -> None:
        self._jwk = jwk
        self._keys: dict[str, Any] = {}
        self.RSAKey = self

    def import_key(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or not isinstance(data, dict):
            return self._jwk.RSAKey.import_key(data, *args, **kwargs)
        cache_key = json.dumps(data, sort_keys=True)
        if cache_key not in self._keys:
            self._keys[cache_key] = self._jwk.RSAKey.import_key(data)
        return self._keys[cache_key]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._jwk, name)


# A deliberate monkeypatch of moto's module attribute (moto does not export `jwk`).
if not isinstance(_moto_models.jwk, _SigningKeyOnce):  # type: ignore[attr-defined]
    _moto_models.jwk = _SigningKeyOnce(_moto_models.jwk)  # type: ignore[attr-defined,assignment]

# AWS's standard attributes, in the order DescribeUserPool lists them (moto's table).
STANDARD_SCHEMA: dict[str, dict[str, Any]] = CognitoIdpUserPoolAttribute.STANDARD_SCHEMA

# Characters AWS counts as symbols for RequireSymbols (developer guide, password policy).
PASSWORD_SYMBOLS = frozenset("^$*.[]{}()?-\"!@#%&/\\,><':;|_~`+= ")


class Moto:
    """moto's Cognito state for one account, across the regions it has seen."""

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id

    def backend(self, region: str) -> CognitoIdpBackend:
        return cognitoidp_backends[self.account_id][region]

    def backends(self) -> Iterator[CognitoIdpBackend]:
        for region, backend in list(cognitoidp_backends[self.account_id].items()):
            if region != "global":
                yield backend

    def pools(self) -> Iterator[Pool]:
        for backend in self.backends():
            yield from list(backend.user_pools.values())

    def pool(self, pool_id: str) -> Pool | None:
        region = pool_id.split("_", 1)[0]
        if region not in cognitoidp_backends[self.account_id]:
            return None
        return self.backend(region).user_pools.get(pool_id)

    def require_pool(self, pool_id: str) -> Pool:
        pool = self.pool(pool_id)
        if pool is None:
            raise resource_not_found(f"User pool {pool_id} does not exist.")
        return pool

    def client(self, client_id: str) -> tuple[Pool, Client]:
        for pool in self.pools():
            client = pool.clients.get(client_id)
            if client is not None:
                return pool, client
        raise resource_not_found(f"User pool client {client_id} does not exist.")

    def pool_client(self, pool: Pool, client_id: str) -> Client:
        client = pool.clients.get(client_id)
        if client is None:
            raise resource_not_found(f"User pool client {client_id} does not exist.")
        return client


# ---------------------------------------------------------------------------------------
# Users


def case_sensitive(pool: Pool) -> bool:
    config = pool.extended_config.get("UsernameConfiguration") or {}
    return bool(config.get("CaseSensitive", True))


def alias_attributes(pool: Pool) -> list[str]:
    return list(pool.extended_config.get("AliasAttributes") or [])


def username_attributes(pool: Pool) -> list[str]:
    return list(pool.extended_config.get("UsernameAttributes") or [])


def same_value(attribute: str, a: str, b: str) -> bool:
    """Emails compare case-insensitively, as Cognito stores them for sign-in."""
    return a.casefold() == b.casefold() if attribute == "email" else a == b


def find_user(pool: Pool, name: str, *, aliases: bool = True) -> User | None:
    """The user a sign-in name means: the username (case-insensitively when the pool says
    so), a username attribute, or a verified alias (email, phone number) or preferred
    username."""
    user = pool._get_user(name)
    if user is not None:
        return user
    if not case_sensitive(pool):
        folded = name.casefold()
        for candidate in pool.users.values():
            if candidate.username.casefold() == folded:
                return candidate
    if aliases:
        for attribute in alias_attributes(pool):
            for candidate in pool.users.values():
                value = candidate.attribute_lookup.get(attribute)
                if value is None or not same_value(attribute, value, name):
                    continue
                if attribute == "preferred_username" or is_verified(candidate, attribute):
                    return candidate
    return None


def attributes(user: User) -> dict[str, str]:
    return dict(user.attribute_lookup)


def is_verified(user: User, attribute: str) -> bool:
    return user.attribute_lookup.get(f"{attribute}_verified") == "true"


def set_attributes(user: User, values: dict[str, str]) -> None:
    if values:
        user.update_attributes([{"Name": k, "Value": v} for k, v in values.items()])


def remove_attributes(user: User, names: Iterable[str]) -> None:
    present = [n for n in dict.fromkeys(names) if n in user.attribute_lookup]
    if present:
        user.delete_attributes(present)


def alias_owner(pool: Pool, attribute: str, value: str, exclude: User | None) -> User | None:
    """Another user who already holds `value` as a sign-in alias.

    With UsernameAttributes the value is the sign-in name and must be unique outright;
    with AliasAttributes only a verified value counts (AWS lets two users share an
    unverified email)."""
    as_username = attribute in username_attributes(pool)
    if not as_username and attribute not in alias_attributes(pool):
        return None
    for user in pool.users.values():
        if user is exclude:
            continue
        held = user.attribute_lookup.get(attribute)
        if held is None or not same_value(attribute, held, value):
            continue
        if as_username or is_verified(user, attribute):
            return user
    return None


def alias_exists(attribute: str) -> CognitoError:
    return CognitoError(
        "AliasExistsException", f"An account with the given {attribute} already exists."
    )


# ---------------------------------------------------------------------------------------
# Schema


def ensure_standard_schema(pool: Pool) -> None:
    """Give a pool every standard attribute, as AWS does.

    moto drops the standard attributes when a pool is created with a Schema (it keeps only
    the ones listed), which breaks DescribeUserPool and every "is this attribute in the
    schema" check. Standard attributes come first, in AWS's order, then custom ones."""
    current = pool.schema_attributes
    merged: dict[str, SchemaAttribute] = {}
    for name, definition in STANDARD_SCHEMA.items():
        merged[name] = current.get(name) or CognitoIdpUserPoolAttribute(name, False, definition)
    for name, attribute in current.items():
        merged.setdefault(name, attribute)
    pool.schema_attributes = merged


def schema_attribute(pool: Pool, name: str) -> SchemaAttribute | None:
    found = pool.schema_attributes.get(name)
    if found is None and name in STANDARD_SCHEMA:
        found = CognitoIdpUserPoolAttribute(name, False, STANDARD_SCHEMA[name])
    return found


def required_attributes(pool: Pool) -> list[str]:
    return [name for name, a in pool.schema_attributes.items() if a.required and name != "sub"]


# ---------------------------------------------------------------------------------------
# Passwords and client secrets


POLICY_PREFIX = "Password does not conform to policy: "


def check_password(pool: Pool, password: str, prefix: str = POLICY_PREFIX) -> None:
    """Refuse a password the pool's policy rejects, with AWS's first-problem message."""
    policy = (pool.extended_config.get("Policies") or {}).get("PasswordPolicy") or {}
    problems = [
        (len(password) < int(policy.get("MinimumLength", 8)), "Password not long enough"),
        (
            policy.get("RequireLowercase", True) and not any(c.islower() for c in password),
            "Password must have lowercase characters",
        ),
        (
            policy.get("RequireUppercase", True) and not any(c.isupper() for c in password),
            "Password must have uppercase characters",
        ),
        (
            policy.get("RequireNumbers", True) and not any(c.isdigit() for c in password),
            "Password must have numeric characters",
        ),
        (
            policy.get("RequireSymbols", True) and not any(c in PASSWORD_SYMBOLS for c in password),
            "Password must have symbol characters",
        ),
    ]
    for failed, message in problems:
        if failed:
            raise CognitoError("InvalidPasswordException", f"{prefix}{message}")


def secret_equal(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of two secrets (any Unicode: hmac.compare_digest refuses
    non-ASCII str, and a client may send anything)."""
    if expected is None or given is None:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def secret_hash(client_secret: str, client_id: str, username: str) -> str:
    digest = hmac.new(
        client_secret.encode(), (username + client_id).encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def check_secret_hash(client: Client, provided: str | None, usernames: Iterable[str]) -> None:
    """Clients with a secret must prove it on every unauthenticated call (SECRET_HASH);
    clients without one refuse a hash (wording from the evidence corpus)."""
    if not client.generate_secret:
        if provided:
            raise CognitoError(
                "InvalidParameterException",
                f"App client {client.id} is not configured for secret but secret hash was received",
            )
        return
    if not provided:
        raise not_authorized(
            f"Client {client.id} is configured with secret but SECRET_HASH was not received"
        )
    for username in usernames:
        if secret_equal(secret_hash(client.secret, client.id, username), provided):
            return
    raise not_authorized(f"Unable to verify secret hash for client {client.id}")
