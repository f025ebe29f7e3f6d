"""Verification codes: attribute verification, sign-up confirmation, password reset.

moto either lacks these operations (GetUserAttributeVerificationCode) or accepts any code
(ConfirmSignUp, ConfirmForgotPassword with a code that does not start with its magic
prefix). Here every code is 6 random digits from the secrets module, delivered to the
outbox, single-use, and checked against the backend clock: attribute and sign-up codes
expire after 24 hours, password-reset codes after one hour, as in AWS.
"""

from __future__ import annotations

from typing import Any

from tui.embedded.attributes import (
    VERIFIABLE,
    VERIFIED_FLAGS,
    as_values,
    auto_verified,
    check_required,
    check_writes,
    take_alias,
    verify_slot,
)
from tui.embedded.context import DAY
from tui.embedded.errors import CognitoError, invalid_parameter, not_authorized, user_not_found
from tui.embedded.model import (
    Client,
    Pool,
    User,
    UserStatus,
    alias_exists,
    alias_owner,
    check_password,
    check_secret_hash,
    find_user,
    set_attributes,
    username_attributes,
)
from tui.embedded.outbox import mask_destination
from tui.embedded.registry import Call, handles

SIGNUP_SLOT = "signup"
RESET_SLOT = "reset"
RESET_CODE_AGE = 3600
LEGACY_RECOVERY = [
    {"Priority": 1, "Name": "verified_phone_number"},
    {"Priority": 2, "Name": "verified_email"},
]


def _client_user(call: Call, *, aliases: bool = True) -> tuple[Pool, Client, User | None]:
    pool, client = call.ctx.moto.client(call.body["ClientId"])
    user = find_user(pool, call.body["Username"], aliases=aliases)
    check_secret_hash(
        client,
        call.body.get("SecretHash"),
        [call.body["Username"]] + ([user.username] if user else []),
    )
    return pool, client, user


def _prevents_existence_errors(client: Client) -> bool:
    return client.extended_config.get("PreventUserExistenceErrors") == "ENABLED"


# ---------------------------------------------------------------------------------------
# Attribute verification


@handles("GetUserAttributeVerificationCode")
def get_user_attribute_verification_code(call: Call) -> dict[str, Any]:
    pool, user = call.access.pool, call.access.user
    attribute = call.body["AttributeName"]
    if attribute not in VERIFIABLE:
        raise invalid_parameter(
            f"Invalid attribute name: {attribute} cannot be verified "
            "(only email and phone_number can)."
        )
    pending = call.ctx.store.pending_for((pool.id, user.username))
    value = pending.get(attribute) or user.attribute_lookup.get(attribute)
    if not value:
        raise invalid_parameter(f"The user has no {attribute} to verify.")
    details = call.ctx.send_code(
        pool, user, attribute, value, "verify attribute", verify_slot(attribute)
    )
    return {"CodeDeliveryDetails": details}


@handles("VerifyUserAttribute")
def verify_user_attribute(call: Call) -> dict[str, Any]:
    ctx, pool, user = call.ctx, call.access.pool, call.access.user
    attribute = call.body["AttributeName"]
    if attribute not in VERIFIABLE:
        raise invalid_parameter(f"Invalid attribute name: {attribute} cannot be verified.")
    slot = verify_slot(attribute)
    issued = ctx.check_code(pool, user, slot, call.body["Code"], DAY)
    pending = ctx.store.pending_for((pool.id, user.username))
    expected = pending.get(attribute) or user.attribute_lookup.get(attribute)
    if issued.value != expected:
        # The attribute changed after this code was sent: the code proves the old value.
        raise invalid_parameter(f"The code was sent for a previous {attribute}; request a new one.")
    if attribute in username_attributes(pool) and alias_owner(pool, attribute, issued.value, user):
        raise alias_exists(attribute)
    take_alias(pool, user, attribute, issued.value)
    set_attributes(user, {attribute: issued.value, f"{attribute}_verified": "true"})
    pending.pop(attribute, None)
    ctx.spend_code(pool, user, slot)
    return {}


# ---------------------------------------------------------------------------------------
# Sign-up


def _signup_attribute(pool: Pool, user: User) -> str | None:
    """Which attribute confirms a sign-up: the phone when it is auto-verified (AWS prefers
    SMS), else the email, else none (an administrator must confirm)."""
    for attribute in ("phone_number", "email"):
        if attribute in auto_verified(pool) and user.attribute_lookup.get(attribute):
            return attribute
    return None


def _send_signup_code(call: Call, pool: Pool, user: User) -> dict[str, str] | None:
    attribute = _signup_attribute(pool, user)
    if attribute is None:
        return None
    value = user.attribute_lookup[attribute]
    return call.ctx.send_code(pool, user, attribute, value, "confirm sign-up", SIGNUP_SLOT)


@handles("SignUp")
def sign_up(call: Call) -> dict[str, Any]:
    pool, _client, existing = _client_user(call, aliases=False)
    if existing is not None:
        if "email" in (pool.extended_config.get("UsernameAttributes") or []) and (
            "@" in call.body["Username"]
        ):
            raise CognitoError(
                "UsernameExistsException", "An account with the given email already exists."
            )
        raise CognitoError("UsernameExistsException", "User already exists")
    check_password(pool, call.body["Password"])
    values = as_values(call.body.get("UserAttributes") or [])
    if any(name in VERIFIED_FLAGS for name in values):
        raise not_authorized("A client attempted to write unauthorized attribute")
    check_writes(pool, values, admin=False, creating=True)
    check_required(pool, {**values, **_username_as_attribute(pool, call.body["Username"])})
    out = call.moto()
    user = next(u for u in pool.users.values() if u.id == out["UserSub"])
    out.pop("CodeDeliveryDetails", None)
    details = _send_signup_code(call, pool, user)
    if details is not None:
        out["CodeDeliveryDetails"] = details
    return out


def _username_as_attribute(pool: Pool, username: str) -> dict[str, str]:
    for attribute in pool.extended_config.get("UsernameAttributes") or []:
        if (attribute == "email") == ("@" in username):
            return {attribute: username}
    return {}


@handles("ConfirmSignUp")
def confirm_sign_up(call: Call) -> dict[str, Any]:
    pool, _client, user = _client_user(call, aliases=False)
    if user is None:
        raise user_not_found()
    if user.status != UserStatus.UNCONFIRMED:
        raise not_authorized("User cannot confirm because user status is not UNCONFIRMED.")
    issued = call.ctx.check_code(pool, user, SIGNUP_SLOT, call.body["ConfirmationCode"], DAY)
    forced = bool(call.body.get("ForceAliasCreation"))
    owner = alias_owner(pool, issued.attribute, issued.value, user)
    if owner is not None:
        if not forced:
            raise alias_exists(issued.attribute)
        set_attributes(owner, {f"{issued.attribute}_verified": "false"})
    user.status = UserStatus.CONFIRMED
    set_attributes(user, {f"{issued.attribute}_verified": "true"})
    call.ctx.spend_code(pool, user, SIGNUP_SLOT)
    return {}


@handles("ResendConfirmationCode")
def resend_confirmation_code(call: Call) -> dict[str, Any]:
    pool, _client, user = _client_user(call, aliases=False)
    if user is None:
        raise user_not_found()
    if user.status != UserStatus.UNCONFIRMED:
        raise not_authorized("Can't resend confirmation code for this user")
    details = _send_signup_code(call, pool, user)
    if details is None:
        raise invalid_parameter("Auto verification not turned on.")
    return {"CodeDeliveryDetails": details}


# ---------------------------------------------------------------------------------------
# Password reset


def recovery_attribute(pool: Pool, user: User) -> str:
    """Where a reset code goes, by the pool's AccountRecoverySetting priorities."""
    setting = pool.extended_config.get("AccountRecoverySetting") or {}
    mechanisms = setting.get("RecoveryMechanisms") or LEGACY_RECOVERY
    for mechanism in sorted(mechanisms, key=lambda m: m.get("Priority", 99)):
        name = mechanism.get("Name")
        if name == "admin_only":
            raise not_authorized("Contact administrator to reset password.")
        attribute = {"verified_email": "email", "verified_phone_number": "phone_number"}.get(name)
        if attribute and user.attribute_lookup.get(f"{attribute}_verified") == "true":
            return attribute
    raise invalid_parameter(
        "Cannot reset password for the user as there is no registered/verified email or "
        "phone_number"
    )


def send_reset_code(call: Call, pool: Pool, user: User) -> dict[str, str]:
    attribute = recovery_attribute(pool, user)
    value = user.attribute_lookup[attribute]
    return call.ctx.send_code(pool, user, attribute, value, "reset password", RESET_SLOT)


@handles("ForgotPassword")
def forgot_password(call: Call) -> dict[str, Any]:
    pool, client, user = _client_user(call)
    if user is None:
        if _prevents_existence_errors(client):
            # AWS answers as if a code went out, so callers cannot probe for users.
            fake = mask_destination("email", call.body["Username"] + "@example.com")
            return {
                "CodeDeliveryDetails": {
                    "Destination": fake,
                    "DeliveryMedium": "EMAIL",
                    "AttributeName": "email",
                }
            }
        raise user_not_found()
    if not user.enabled:
        raise not_authorized("User is disabled.")
    if user.status == UserStatus.FORCE_CHANGE_PASSWORD:
        raise not_authorized("User password cannot be reset in the current state.")
    return {"CodeDeliveryDetails": send_reset_code(call, pool, user)}


@handles("ConfirmForgotPassword")
def confirm_forgot_password(call: Call) -> dict[str, Any]:
    pool, _client, user = _client_user(call)
    if user is None:
        raise user_not_found()
    call.ctx.check_code(pool, user, RESET_SLOT, call.body["ConfirmationCode"], RESET_CODE_AGE)
    check_password(pool, call.body["Password"])
    user.password = call.body["Password"]
    if user.status in (UserStatus.RESET_REQUIRED, UserStatus.FORCE_CHANGE_PASSWORD):
        user.status = UserStatus.CONFIRMED
    call.ctx.store.temp_passwords.pop((pool.id, user.username), None)
    call.ctx.consume_code(pool, user, RESET_SLOT)  # reuse: unmeasured, stays a mismatch
    return {}


@handles("AdminResetUserPassword")
def admin_reset_user_password(call: Call) -> dict[str, Any]:
    pool, user = call.admin_user()
    recovery_attribute(pool, user)  # refuse before changing state, as AWS does
    out = call.moto({**call.body, "Username": user.username})
    send_reset_code(call, pool, user)
    return out
