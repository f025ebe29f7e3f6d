"""User attributes: what may be written, deleted and when a change needs verification.

moto accepts any attribute name and value. AWS checks each write against the pool's
schema (unknown, immutable and `sub` are refused; custom String lengths and Number ranges
hold), resets `email_verified` / `phone_number_verified` when the value changes, sends a
code for auto-verified attributes, keeps the old value active while a new one awaits
verification (UserAttributeUpdateSettings), and refuses an alias another user already has
verified. Limits of the model itself (name length, value length) are the validator's.
"""

from __future__ import annotations

import re
from typing import Any

from tui.embedded.errors import invalid_parameter, not_authorized
from tui.embedded.model import (
    Pool,
    User,
    alias_exists,
    alias_owner,
    remove_attributes,
    required_attributes,
    schema_attribute,
    set_attributes,
    username_attributes,
)
from tui.embedded.registry import Call, handles

VERIFIABLE = ("email", "phone_number")
VERIFIED_FLAGS = {f"{name}_verified": name for name in VERIFIABLE}
_INTEGER = re.compile(r"-?[0-9]+\Z")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")
_PHONE = re.compile(r"\+[0-9]{4,15}\Z")


def verify_slot(attribute: str) -> str:
    return f"verify:{attribute}"


def as_values(attributes: list[dict[str, Any]]) -> dict[str, str]:
    """`[{"Name": n, "Value": v}]` -> `{n: v}` (a missing Value is the empty string)."""
    return {a["Name"]: str(a.get("Value", "")) for a in attributes}


def _problems(pool: Pool, name: str, value: str, *, admin: bool, creating: bool) -> list[str]:
    where = f"user.{name}"
    if name == "sub":
        return [f"{where}: Attribute cannot be updated. (sub is assigned by Cognito)"]
    schema = schema_attribute(pool, name)
    if schema is None:
        return [f"{where}: Attribute does not exist in the schema."]
    if schema.developer_only and not admin:
        return [f"{where}: Attribute cannot be updated. (developer-only attribute)"]
    if not creating and not schema.mutable:
        return [f"{where}: Attribute cannot be updated. (changing an immutable attribute)"]
    if name in VERIFIED_FLAGS and not admin:
        return [f"{where}: Attribute cannot be updated. (only an administrator can set it)"]
    kind = schema.data_type
    if kind == "Boolean" and value not in ("true", "false"):
        return [f"{where}: Attribute value must be true or false."]
    if kind == "Number":
        if not _INTEGER.match(value):
            return [f"{where}: Number attribute value must be an integer."]
        limits = schema.number_constraints or {}
        low, high = limits.get("MinValue"), limits.get("MaxValue")
        if low not in (None, "") and int(value) < int(low):
            return [f"{where}: Attribute value must be greater than or equal to {low}."]
        if high not in (None, "") and int(value) > int(high):
            return [f"{where}: Attribute value must be less than or equal to {high}."]
    if kind == "String":
        limits = schema.string_constraints or {}
        low, high = limits.get("MinLength"), limits.get("MaxLength")
        if low not in (None, "") and len(value) < int(low):
            return [f"{where}: Attribute value must be at least {low} characters long."]
        if high not in (None, "") and len(value) > int(high):
            return [f"{where}: Attribute value must be at most {high} characters long."]
    if name == "email" and not _EMAIL.match(value):
        return [f"{where}: Invalid email address format."]
    if name == "phone_number" and not _PHONE.match(value):
        return [f"{where}: Invalid phone number format."]
    return []


def check_writes(
    pool: Pool, values: dict[str, str], *, admin: bool, creating: bool = False
) -> None:
    """Refuse writes the pool's schema does not allow, naming every offending attribute."""
    problems: list[str] = []
    for name, value in values.items():
        problems += _problems(pool, name, value, admin=admin, creating=creating)
    if problems:
        raise invalid_parameter("Invalid user attributes: " + "\n".join(problems))


def check_required(pool: Pool, values: dict[str, str]) -> None:
    missing = [name for name in required_attributes(pool) if not values.get(name)]
    if missing:
        raise invalid_parameter(
            "Invalid user attributes: "
            + "\n".join(f"user.{name}: The attribute is required." for name in missing)
        )


def check_client_may_write(call: Call, names: list[str]) -> None:
    """An app client with WriteAttributes may only write those (AWS checks per client)."""
    pool, client_id = call.access.pool, call.access.client_id
    client = pool.clients.get(client_id)
    allowed = (client.extended_config.get("WriteAttributes") if client else None) or None
    if allowed is not None and any(n not in allowed for n in names):
        raise not_authorized("A client attempted to write unauthorized attribute")


def auto_verified(pool: Pool) -> set[str]:
    return set(pool.extended_config.get("AutoVerifiedAttributes") or [])


def verify_before_update(pool: Pool) -> set[str]:
    settings = pool.extended_config.get("UserAttributeUpdateSettings") or {}
    return set(settings.get("AttributesRequireVerificationBeforeUpdate") or [])


def update(
    call: Call, pool: Pool, user: User, values: dict[str, str], *, admin: bool
) -> list[dict[str, str]]:
    """Apply an attribute update as Cognito does; the CodeDeliveryDetails of codes sent.

    Admin updates send no code and may set `*_verified` to "true" alongside the value.
    """
    ctx = call.ctx
    check_writes(pool, values, admin=admin)
    key = (pool.id, user.username)
    current = dict(user.attribute_lookup)
    changes = dict(values)
    to_verify: list[tuple[str, str]] = []
    for attribute in VERIFIABLE:
        if attribute not in changes:
            continue
        new = changes.pop(attribute)
        flag = f"{attribute}_verified"
        marked = admin and changes.get(flag) == "true"
        pending = ctx.store.pending_for(key)
        if new == current.get(attribute):
            pending.pop(attribute, None)
            continue
        # A value that will be verified, or that signs in by itself, must be nobody else's.
        if marked or attribute in auto_verified(pool) or attribute in username_attributes(pool):
            owner = alias_owner(pool, attribute, new, user)
            if owner is not None:
                raise alias_exists(attribute)
        keep_old = (
            attribute in verify_before_update(pool)
            and attribute in auto_verified(pool)
            and current.get(attribute)
            and current.get(flag) == "true"
            and not marked
        )
        ctx.consume_code(pool, user, verify_slot(attribute))
        if keep_old:
            pending[attribute] = new
            if not admin:
                to_verify.append((attribute, new))
            continue
        pending.pop(attribute, None)
        changes[attribute] = new
        if not marked:
            changes[flag] = "false"
        if attribute in auto_verified(pool) and not admin:
            to_verify.append((attribute, new))
    set_attributes(user, changes)
    return [
        ctx.send_code(pool, user, attribute, value, "verify attribute", verify_slot(attribute))
        for attribute, value in to_verify
    ]


def delete(call: Call, pool: Pool, user: User, names: list[str]) -> None:
    """Delete attributes; `sub`, required and immutable ones stay."""
    problems = []
    for name in names:
        schema = schema_attribute(pool, name)
        if name == "sub":
            problems.append("user.sub: Attribute cannot be deleted.")
        elif schema is None:
            problems.append(f"user.{name}: Attribute does not exist in the schema.")
        elif schema.required:
            problems.append(f"user.{name}: Required attribute cannot be deleted.")
        elif not schema.mutable:
            problems.append(f"user.{name}: Immutable attribute cannot be deleted.")
    if problems:
        raise invalid_parameter("Invalid user attributes: " + "\n".join(problems))
    removed = list(names)
    pending = call.ctx.store.pending_for((pool.id, user.username))
    for attribute in VERIFIABLE:
        if attribute in names:
            removed.append(f"{attribute}_verified")
            pending.pop(attribute, None)
            call.ctx.consume_code(pool, user, verify_slot(attribute))
    remove_attributes(user, removed)


# ---------------------------------------------------------------------------------------
# Operations


@handles("UpdateUserAttributes")
def update_user_attributes(call: Call) -> dict[str, Any]:
    values = as_values(call.body["UserAttributes"])
    check_client_may_write(call, list(values))
    details = update(call, call.access.pool, call.access.user, values, admin=False)
    return {"CodeDeliveryDetailsList": details} if details else {}


@handles("AdminUpdateUserAttributes")
def admin_update_user_attributes(call: Call) -> dict[str, Any]:
    pool, user = call.admin_user()
    update(call, pool, user, as_values(call.body["UserAttributes"]), admin=True)
    return {}


@handles("DeleteUserAttributes")
def delete_user_attributes(call: Call) -> dict[str, Any]:
    check_client_may_write(call, list(call.body["UserAttributeNames"]))
    delete(call, call.access.pool, call.access.user, list(call.body["UserAttributeNames"]))
    return {}


@handles("AdminDeleteUserAttributes")
def admin_delete_user_attributes(call: Call) -> dict[str, Any]:
    pool, user = call.admin_user()
    delete(call, pool, user, list(call.body["UserAttributeNames"]))
    return {}
