"""Multi-factor authentication: TOTP secrets and codes, user and pool MFA settings.

moto shares one fixed TOTP secret across all users and knows nothing of email OTP. Here
each user gets a random base32 secret (AssociateSoftwareToken), codes are standard RFC
6238 (30 s steps, 6 digits, HMAC-SHA1) checked against the wall clock (authenticator apps
use the real time, not the backend's shifted clock), and the pool's SMS / TOTP / email
settings decide which factors a sign-in may challenge for.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from typing import Any

from tui.embedded.context import Context
from tui.embedded.errors import CognitoError, invalid_parameter, not_authorized
from tui.embedded.model import Pool, User, secret_equal
from tui.embedded.registry import Call, handles
from tui.embedded.store import AuthSession, MfaSettings

TOTP_STEP = 30
TOTP_DIGITS = 6
KINDS = ("SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP")


def new_totp_secret() -> str:
    """A base32 secret like Cognito's (32 characters, no padding)."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def totp(secret: str, at: float, step: int = TOTP_STEP, digits: int = TOTP_DIGITS) -> str:
    """RFC 6238 code of `secret` at epoch time `at`."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at // step)), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def totp_matches(secret: str | None, code: str, window: int = 1) -> bool:
    """Accept the current step and `window` steps either side (clock drift)."""
    if not secret:
        return False
    now = time.time()
    return any(
        secret_equal(totp(secret, now + i * TOTP_STEP), code) for i in range(-window, window + 1)
    )


# ---------------------------------------------------------------------------------------
# What a pool and a user allow


def pool_methods(ctx: Context, pool: Pool) -> list[str]:
    """Factors the pool lets users use (none when MFA is OFF)."""
    if (pool.mfa_config or "OFF") == "OFF":
        return []
    out = []
    if pool.sms_mfa_config:
        out.append("SMS_MFA")
    if (pool.token_mfa_config or {}).get("Enabled"):
        out.append("SOFTWARE_TOKEN_MFA")
    if pool.id in ctx.store.email_mfa:
        out.append("EMAIL_OTP")
    return out


def user_methods(ctx: Context, pool: Pool, user: User) -> list[str]:
    """Factors this user has enabled that the pool allows, in a stable order."""
    settings = ctx.store.mfa.get((pool.id, user.username))
    if settings is None:
        return []
    allowed = pool_methods(ctx, pool)
    return [kind for kind in settings.enabled() if kind in allowed]


# ---------------------------------------------------------------------------------------
# Software tokens


def _setup_session(call: Call) -> AuthSession:
    session = call.ctx.store.sessions.get(call.body.get("Session") or "")
    if session is None or session.challenge != "MFA_SETUP":
        raise not_authorized("Invalid session for the user.")
    if call.ctx.clock.now() > session.expires_at:
        raise not_authorized("Invalid session for the user, session is expired.")
    return session


def _rotate(call: Call, session: AuthSession) -> str:
    """Give a setup session a new id, as AWS does after each setup step."""
    store = call.ctx.store
    store.sessions.pop(session.session, None)
    session.session = call.ctx.remember(secrets.token_urlsafe(120))
    store.sessions[session.session] = session
    return session.session


def _settings_for(call: Call) -> tuple[MfaSettings, AuthSession | None]:
    if call.token is not None:
        pool, user = call.token.pool, call.token.user
        return call.ctx.store.mfa_for((pool.id, user.username)), None
    if call.body.get("Session"):
        session = _setup_session(call)
        return call.ctx.store.mfa_for((session.pool_id, session.username)), session
    raise invalid_parameter("Either AccessToken or Session is required.")


@handles("AssociateSoftwareToken")
def associate_software_token(call: Call) -> dict[str, Any]:
    settings, session = _settings_for(call)
    settings.pending_totp_secret = call.ctx.remember(new_totp_secret())
    out: dict[str, Any] = {"SecretCode": settings.pending_totp_secret}
    if session is not None:
        out["Session"] = _rotate(call, session)
    return out


@handles("VerifySoftwareToken")
def verify_software_token(call: Call) -> dict[str, Any]:
    settings, session = _settings_for(call)
    secret = settings.pending_totp_secret or settings.totp_secret
    if secret is None:
        raise CognitoError(
            "SoftwareTokenMFANotFoundException", "Software token MFA has not been associated."
        )
    if not totp_matches(secret, call.body["UserCode"]):
        raise CognitoError(
            "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA"
        )
    settings.totp_secret, settings.pending_totp_secret = secret, None
    settings.used_totp = call.body["UserCode"]
    out: dict[str, Any] = {"Status": "SUCCESS"}
    if session is not None:
        session.totp_verified = True
        out["Session"] = _rotate(call, session)
    return out


# ---------------------------------------------------------------------------------------
# User MFA preferences


def set_preferences(ctx: Context, pool: Pool, user: User, body: dict[str, Any]) -> None:
    """Apply SMS / software token / email settings the way AWS validates them."""
    settings = ctx.store.mfa_for((pool.id, user.username))
    requested = {
        "SMS_MFA": body.get("SMSMfaSettings"),
        "SOFTWARE_TOKEN_MFA": body.get("SoftwareTokenMfaSettings"),
        "EMAIL_OTP": body.get("EmailMfaSettings"),
    }
    allowed = pool_methods(ctx, pool)
    for kind, choice in requested.items():
        if not choice or not choice.get("Enabled"):
            continue
        if kind not in allowed:
            raise invalid_parameter(f"{kind} is not enabled for this user pool.")
        if kind == "SMS_MFA" and not user.attribute_lookup.get("phone_number"):
            raise invalid_parameter("User does not have a phone number for SMS MFA.")
        if kind == "EMAIL_OTP" and not user.attribute_lookup.get("email"):
            raise invalid_parameter("User does not have an email address for email MFA.")
        if kind == "SOFTWARE_TOKEN_MFA" and not settings.totp_secret:
            raise invalid_parameter("User has not verified software token mfa")
    for kind, choice in requested.items():
        if choice is None:
            continue
        enabled = bool(choice.get("Enabled"))
        if kind == "SMS_MFA":
            settings.sms_enabled = enabled
        elif kind == "SOFTWARE_TOKEN_MFA":
            settings.totp_enabled = enabled
        else:
            settings.email_enabled = enabled
        if enabled and choice.get("PreferredMfa"):
            settings.preferred = kind
        elif settings.preferred == kind:
            settings.preferred = None


@handles("SetUserMFAPreference")
def set_user_mfa_preference(call: Call) -> dict[str, Any]:
    set_preferences(call.ctx, call.access.pool, call.access.user, call.body)
    return {}


@handles("AdminSetUserMFAPreference")
def admin_set_user_mfa_preference(call: Call) -> dict[str, Any]:
    pool, user = call.admin_user()
    set_preferences(call.ctx, pool, user, call.body)
    return {}


# ---------------------------------------------------------------------------------------
# Pool MFA configuration


def pool_mfa_config(ctx: Context, pool: Pool) -> dict[str, Any]:
    out: dict[str, Any] = {"MfaConfiguration": pool.mfa_config or "OFF"}
    if pool.sms_mfa_config:
        out["SmsMfaConfiguration"] = pool.sms_mfa_config
    if pool.token_mfa_config is not None:
        out["SoftwareTokenMfaConfiguration"] = pool.token_mfa_config
    if pool.id in ctx.store.email_mfa:
        out["EmailMfaConfiguration"] = ctx.store.email_mfa[pool.id]
    return out


@handles("SetUserPoolMfaConfig")
def set_user_pool_mfa_config(call: Call) -> dict[str, Any]:
    ctx, body = call.ctx, call.body
    pool = ctx.moto.require_pool(body["UserPoolId"])
    mode = body.get("MfaConfiguration", pool.mfa_config or "OFF")
    sms = body.get("SmsMfaConfiguration", pool.sms_mfa_config)
    token = body.get("SoftwareTokenMfaConfiguration", pool.token_mfa_config)
    email = body.get("EmailMfaConfiguration", ctx.store.email_mfa.get(pool.id))
    if mode != "OFF" and not (sms or (token or {}).get("Enabled") or email is not None):
        raise invalid_parameter(
            "At least one of SMS, software token or email MFA must be configured to turn MFA on."
        )
    pool.mfa_config, pool.sms_mfa_config, pool.token_mfa_config = mode, sms, token
    if email is not None:
        ctx.store.email_mfa[pool.id] = email
    return pool_mfa_config(ctx, pool)


@handles("GetUserPoolMfaConfig")
def get_user_pool_mfa_config(call: Call) -> dict[str, Any]:
    pool = call.ctx.moto.require_pool(call.body["UserPoolId"])
    return pool_mfa_config(call.ctx, pool)
