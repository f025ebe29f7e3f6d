"""Access, ID and refresh tokens, dated by the backend clock.

moto dates its tokens with the wall clock, so after `advance_clock` a freshly issued token
would already be expired. The embedded backend mints its own (same signing key and key id
as moto's JWKS endpoint, so they verify the same way) and registers them in moto's token
tables: GetUser, GlobalSignOut and every other moto operation keep working with them.
Validity follows the app client's AccessTokenValidity / IdTokenValidity /
RefreshTokenValidity and TokenValidityUnits, with AWS's defaults (1 h, 1 h, 30 days).
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from joserfc import jwt

from tui.embedded.context import Context
from tui.embedded.model import Client, Pool, User

_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_DEFAULTS = {
    # kind: (validity member, unit key, default value, default unit)
    "access": ("AccessTokenValidity", "AccessToken", 60, "minutes"),
    "id": ("IdTokenValidity", "IdToken", 60, "minutes"),
    "refresh": ("RefreshTokenValidity", "RefreshToken", 30, "days"),
}
_HEADER = {"kid": "dummy", "alg": "RS256"}  # the key id moto's JWKS endpoint publishes


def validity(client: Client, kind: str) -> int:
    """Seconds a token of `kind` stays valid for this app client."""
    member, unit_key, default, default_unit = _DEFAULTS[kind]
    config = client.extended_config
    value = config.get(member)
    units = config.get("TokenValidityUnits") or {}
    if value is None:
        return default * _UNIT_SECONDS[default_unit]
    unit = units.get(unit_key, "hours" if kind != "refresh" else "days")
    return int(value) * _UNIT_SECONDS[unit]


def _id_claims(user: User) -> dict[str, Any]:
    claims: dict[str, Any] = {}
    for name, value in user.attribute_lookup.items():
        if name == "sub":
            continue
        claims[name] = value == "true" if name.endswith("_verified") else value
    return claims


def issue(
    ctx: Context,
    pool: Pool,
    client: Client,
    user: User,
    *,
    refresh: bool = True,
    origin_jti: str | None = None,
    auth_time: int | None = None,
) -> dict[str, Any]:
    """AuthenticationResult for a completed sign-in (or a refresh, without a new refresh
    token), with every token registered where moto looks for it."""
    now = int(ctx.clock.now())
    origin = origin_jti or str(uuid.uuid4())
    common: dict[str, Any] = {
        "sub": user.id,
        "iss": f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.id}",
        "origin_jti": origin,
        "event_id": str(uuid.uuid4()),
        "auth_time": auth_time or now,
        "iat": now,
    }
    groups = sorted(group.group_name for group in user.groups)
    if groups:
        common["cognito:groups"] = groups
    access_claims = {
        **common,
        "client_id": client.id,
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "exp": now + validity(client, "access"),
        "jti": str(uuid.uuid4()),
        "username": user.username,
    }
    id_claims = {
        **_id_claims(user),
        **common,
        "aud": client.id,
        "token_use": "id",
        "cognito:username": user.username,
        "exp": now + validity(client, "id"),
        "jti": str(uuid.uuid4()),
    }
    access = ctx.remember(jwt.encode(_HEADER, access_claims, pool.json_web_key))
    id_token = ctx.remember(jwt.encode(_HEADER, id_claims, pool.json_web_key))
    pool.access_tokens[access] = (client.id, user.username)
    pool.id_tokens[id_token] = (client.id, user.username)
    result: dict[str, Any] = {
        "AccessToken": access,
        "ExpiresIn": validity(client, "access"),
        "TokenType": "Bearer",
        "IdToken": id_token,
    }
    if refresh:
        token = ctx.remember(secrets.token_urlsafe(192))
        pool.refresh_tokens[token] = (client.id, user.username, origin)
        ctx.store.refresh_expiry[token] = now + validity(client, "refresh")
        result["RefreshToken"] = token
    return result
