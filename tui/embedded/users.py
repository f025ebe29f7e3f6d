"""User lifecycle operations where moto diverges from AWS.

AdminCreateUser checks attributes against the schema, generates a temporary password when
none is given and delivers the invitation to the outbox; password changes use AWS's policy
messages; GetUser / AdminGetUser report MFA settings the backend keeps (moto knows nothing
of email OTP); deleting a user also forgets its codes, pending values and sessions.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from tui.embedded.attributes import as_values, check_writes
from tui.embedded.errors import CognitoError, not_authorized, user_not_found
from tui.embedded.model import (
    Pool,
    User,
    UserStatus,
    alias_exists,
    alias_owner,
    check_password,
    find_user,
    secret_equal,
)
from tui.embedded.registry import Call, handles

_SYMBOLS = "!#%+-=?@^_"


def generate_password(length: int = 16) -> str:
    """A random password that satisfies any Cognito policy up to `length` characters."""
    pools = [string.ascii_lowercase, string.ascii_uppercase, string.digits, _SYMBOLS]
    chars = [secrets.choice(p) for p in pools]
    alphabet = "".join(pools)
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _invite(call: Call, pool: Pool, user: User, password: str) -> None:
    """Deliver the invitation with the temporary password (AWS sends it by SMS unless
    DesiredDeliveryMediums says EMAIL, falling back to what the user has)."""
    if call.body.get("MessageAction") == "SUPPRESS":
        return
    mediums = call.body.get("DesiredDeliveryMediums") or ["SMS"]
    order = ["phone_number" if m == "SMS" else "email" for m in mediums]
    order += [a for a in ("phone_number", "email") if a not in order]
    for attribute in order:
        value = user.attribute_lookup.get(attribute)
        if value:
            call.ctx.deliver(user, attribute, value, password, "invitation: temporary password")
            return


@handles("AdminCreateUser")
def admin_create_user(call: Call) -> dict[str, Any]:
    ctx = call.ctx
    pool = ctx.moto.require_pool(call.body["UserPoolId"])
    if call.body.get("MessageAction") == "RESEND":
        return _resend_invitation(call, pool)
    values = as_values(call.body.get("UserAttributes") or [])
    if find_user(pool, call.body["Username"], aliases=False) is not None:
        raise CognitoError("UsernameExistsException", "User account already exists")
    # Required attributes may be missing: the user supplies them when answering
    # NEW_PASSWORD_REQUIRED (its requiredAttributes; evidence corpus).
    check_writes(pool, values, admin=True, creating=True)
    for attribute in ("email", "phone_number"):
        value = values.get(attribute)
        verified = values.get(f"{attribute}_verified") == "true" and value is not None
        if verified and value is not None and alias_owner(pool, attribute, value, None) is not None:
            raise alias_exists(attribute)
    password = call.body.get("TemporaryPassword")
    if password:
        check_password(pool, password, "Password did not conform with password policy: ")
    else:
        password = generate_password()
    out = call.moto({**call.body, "TemporaryPassword": password})
    user = find_user(pool, out["User"]["Username"], aliases=False)
    if user is not None:
        user.password = password
        ctx.store.temp_passwords[(pool.id, user.username)] = ctx.clock.now()
        _invite(call, pool, user, password)
    return out


def _resend_invitation(call: Call, pool: Pool) -> dict[str, Any]:
    """MessageAction RESEND: "resend the invitation message to a user that already exists,
    and reset the temporary-password duration with a new temporary password" (the model's
    documentation). moto instead builds a new user from the request's attributes and puts
    it in the old one's place (a missing attribute value crashed it: found by
    bench/fuzz.py), so the existing user is kept here, with its attributes and sub; only
    its temporary password and its clock change. A user who has already set a password has
    no invitation to resend (deviations.toml: that refusal's wording is unmeasured)."""
    ctx = call.ctx
    user = find_user(pool, call.body["Username"], aliases=False)
    if user is None:
        raise user_not_found()
    if user.status != UserStatus.FORCE_CHANGE_PASSWORD:
        raise CognitoError(
            "UnsupportedUserStateException",
            f"User {user.username} has no invitation to resend: its status is {user.status}.",
        )
    password = call.body.get("TemporaryPassword")
    if password:
        check_password(pool, password, "Password did not conform with password policy: ")
    else:
        password = generate_password()
    user.password = password
    ctx.store.temp_passwords[(pool.id, user.username)] = ctx.clock.now()
    _invite(call, pool, user, password)
    got = ctx.call_moto(
        "AdminGetUser", {"UserPoolId": pool.id, "Username": user.username}, call.environ
    )
    names = ("Username", "UserCreateDate", "UserLastModifiedDate", "Enabled", "UserStatus")
    answer = {name: got[name] for name in names if name in got}
    answer["Attributes"] = got.get("UserAttributes") or []
    return {"User": answer}


@handles("AdminSetUserPassword")
def admin_set_user_password(call: Call) -> dict[str, Any]:
    pool, user = call.admin_user()
    check_password(pool, call.body["Password"])
    out = call.moto({**call.body, "Username": user.username})
    if call.body.get("Permanent"):
        call.ctx.store.temp_passwords.pop((pool.id, user.username), None)
    else:
        call.ctx.store.temp_passwords[(pool.id, user.username)] = call.ctx.clock.now()
    return out


@handles("ChangePassword")
def change_password(call: Call) -> dict[str, Any]:
    pool, user = call.access.pool, call.access.user
    if not secret_equal(user.password, call.body["PreviousPassword"]):
        raise not_authorized("Incorrect username or password.")
    check_password(pool, call.body["ProposedPassword"])
    user.password = call.body["ProposedPassword"]
    return {}


@handles("AdminDeleteUser")
def admin_delete_user(call: Call) -> dict[str, Any]:
    pool, user = call.admin_user()
    out = call.moto({**call.body, "Username": user.username})
    call.ctx.store.forget_user((pool.id, user.username))
    return out


@handles("DeleteUser")
def delete_user(call: Call) -> dict[str, Any]:
    pool, user = call.access.pool, call.access.user
    call.ctx.moto.backend(pool.region).admin_delete_user(pool.id, user.username)
    call.ctx.store.forget_user((pool.id, user.username))
    return {}


def _with_mfa(call: Call, pool: Pool, user: User, out: dict[str, Any]) -> dict[str, Any]:
    settings = call.ctx.store.mfa.get((pool.id, user.username))
    out.pop("PreferredMfaSetting", None)
    out.pop("UserMFASettingList", None)
    if settings is not None:
        if settings.enabled():
            out["UserMFASettingList"] = settings.enabled()
        if settings.preferred:
            out["PreferredMfaSetting"] = settings.preferred
    return out


@handles("GetUser")
def get_user(call: Call) -> dict[str, Any]:
    return _with_mfa(call, call.access.pool, call.access.user, call.moto())


@handles("AdminGetUser")
def admin_get_user(call: Call) -> dict[str, Any]:
    pool, user = call.admin_user()
    return _with_mfa(call, pool, user, call.moto({**call.body, "Username": user.username}))
