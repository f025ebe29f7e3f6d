"""User attributes: what may be written, deleted and when a change needs verification.

moto accepts any attribute name and value. AWS checks each write against the pool's
schema and answers in the words the evidence corpus (contracts/checker/data/evidence)
holds: one line per offending attribute, `user.<name>: <problem>` ending in a newline, in
the iteration order of a Java HashMap keyed by the names (two captures, with five and
three names, match that order and neither request nor alphabetical order); sign-up
lists them after "Attributes did not conform to the schema: " without the `user.`
prefix. `sub`, a missing (or null) Value and malformed emails and phone numbers are
refused with a single sentence of their own.

A blank Value deletes a non-required attribute (a required one is refused as a deletion,
an immutable one as an update). Changing the email or phone number resets its
`*_verified` flag and sends a code for auto-verified attributes, unless the pool keeps the
old value active until the new one is verified (UserAttributeUpdateSettings). In pools
where email or phone number is an alias, a verified value moves to the user who verifies
it and the previous holder's flag turns false; where it is the username it must be
unique. What the corpus does not cover is listed as unmeasured in deviations.toml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from tui.embedded.errors import CognitoError, invalid_parameter, not_authorized
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
SCHEMA_PREFIX = "Attributes did not conform to the schema: "
CANNOT_UPDATE = "Attribute cannot be updated."
_INTEGER = re.compile(r"-?[0-9]+\Z")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")
_PHONE = re.compile(r"\+[0-9]{4,15}\Z")


def verify_slot(attribute: str) -> str:
    return f"verify:{attribute}"


def as_values(attributes: list[dict[str, Any]]) -> dict[str, str | None]:
    """`[{"Name": n, "Value": v}]` -> `{n: v}`; a missing (or null) Value is None."""
    out: dict[str, str | None] = {}
    for a in attributes:
        value = a.get("Value")
        out[a["Name"]] = None if value is None else str(value)
    return out


def java_hash_order(names: Iterable[str]) -> list[str]:
    """`names` in the order a java.util.HashMap with default settings iterates them:
    by bucket (String.hashCode spread by `h ^ h >>> 16`, masked by the table size, which
    starts at 16 and doubles past a 0.75 load), insertion order within a bucket."""
    unique = list(dict.fromkeys(names))
    size = 16
    while len(unique) > size * 0.75:
        size *= 2

    def bucket(name: str) -> int:
        units = name.encode("utf-16-be")
        h = 0
        for i in range(0, len(units), 2):
            h = (31 * h + int.from_bytes(units[i : i + 2], "big")) & 0xFFFFFFFF
        return (h ^ (h >> 16)) & (size - 1)

    return sorted(unique, key=bucket)


def schema_error(problems: dict[str, str], *, creating: bool) -> CognitoError:
    """One InvalidParameterException listing every attribute's problem as AWS does."""
    if creating:
        lines = "".join(f"{n}: {problems[n]}\n" for n in java_hash_order(problems))
        return invalid_parameter(SCHEMA_PREFIX + lines)
    return invalid_parameter(
        "".join(f"user.{n}: {problems[n]}\n" for n in java_hash_order(problems))
    )


def _problem(pool: Pool, name: str, value: str, *, admin: bool, creating: bool) -> str | None:
    schema = schema_attribute(pool, name)
    if schema is None:
        return "Attribute does not exist in the schema."
    if schema.developer_only and not admin:
        return CANNOT_UPDATE  # unmeasured wording (deviations.toml)
    if not creating and not schema.mutable:
        return CANNOT_UPDATE
    if value == "":
        if creating:
            return None
        return "Required attribute cannot be deleted." if schema.required else None
    kind = schema.data_type
    # Boolean and Number wording is unmeasured (deviations.toml).
    if kind == "Boolean" and value not in ("true", "false"):
        return "Attribute value must be true or false."
    if kind == "Number":
        if not _INTEGER.match(value):
            return "Number attribute value must be an integer."
        limits = schema.number_constraints or {}
        low, high = limits.get("MinValue"), limits.get("MaxValue")
        if low not in (None, "") and int(value) < int(low):
            return f"Attribute value must be greater than or equal to {low}."
        if high not in (None, "") and int(value) > int(high):
            return f"Attribute value must be less than or equal to {high}."
    if kind == "String":
        limits = schema.string_constraints or {}
        low, high = limits.get("MinLength"), limits.get("MaxLength")
        if low not in (None, "") and len(value) < int(low):
            return f"String must be no shorter than {low} characters"
        if high not in (None, "") and len(value) > int(high):
            return f"String must be no longer than {high} characters"  # by analogy
    return None


def check_writes(
    pool: Pool, values: Mapping[str, str | None], *, admin: bool, creating: bool = False
) -> None:
    """Refuse writes the pool's schema does not allow, in AWS's order and words: `sub`
    first, then a missing value, then every schema problem at once, then formats."""
    if "sub" in values:
        raise invalid_parameter("Cannot modify the non-mutable attribute sub")
    for name, value in values.items():
        if value is None:
            raise invalid_parameter(f"Attribute value for {name} must not be null")
    problems: dict[str, str] = {}
    for name, value in values.items():
        problem = _problem(pool, name, str(value), admin=admin, creating=creating)
        if problem is not None:
            problems[name] = problem
    if problems:
        raise schema_error(problems, creating=creating)
    email, phone = values.get("email"), values.get("phone_number")
    if email and not _EMAIL.match(email):
        raise invalid_parameter("Invalid email address format.")
    if phone and not _PHONE.match(phone):
        raise invalid_parameter("Invalid phone number format.")


def check_required(pool: Pool, values: Mapping[str, str | None]) -> None:
    """A new user must have every required attribute (wording as apps match it; the
    exact bytes are unmeasured)."""
    missing = {
        n: "The attribute is required" for n in required_attributes(pool) if not values.get(n)
    }
    if missing:
        raise schema_error(missing, creating=True)


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


def take_alias(pool: Pool, user: User, attribute: str, value: str) -> None:
    """`user` now holds `value` verified: whoever held it as a verified alias before keeps
    the value but loses the flag (AWS moves aliases; usernames were refused earlier)."""
    owner = alias_owner(pool, attribute, value, user)
    if owner is not None:
        set_attributes(owner, {f"{attribute}_verified": "false"})


def update(
    call: Call, pool: Pool, user: User, values: dict[str, str | None], *, admin: bool
) -> list[dict[str, str]]:
    """Apply an attribute update as Cognito does; the CodeDeliveryDetails of codes sent.

    A user's own `*_verified` values are ignored (AWS answers success and leaves the flag);
    admin updates send no code and may set `*_verified` to "true" alongside the value."""
    ctx = call.ctx
    if not admin:
        values = {n: v for n, v in values.items() if n not in VERIFIED_FLAGS}
    check_writes(pool, values, admin=admin)
    key = (pool.id, user.username)
    current = dict(user.attribute_lookup)
    blanks = [name for name, value in values.items() if value == ""]
    changes = {name: str(value) for name, value in values.items() if value}
    to_verify: list[tuple[str, str]] = []
    pending = ctx.store.pending_for(key)
    for attribute in VERIFIABLE:
        if attribute not in changes:
            continue
        new = changes.pop(attribute)
        flag = f"{attribute}_verified"
        marked = admin and changes.get(flag) == "true"
        if new == current.get(attribute):
            pending.pop(attribute, None)
            continue
        # A sign-in name (UsernameAttributes) must be nobody else's, verified or not.
        if attribute in username_attributes(pool) and alias_owner(pool, attribute, new, user):
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
    for attribute in VERIFIABLE:
        value = changes.get(attribute, current.get(attribute))
        if changes.get(f"{attribute}_verified") == "true" and value:
            take_alias(pool, user, attribute, value)
    set_attributes(user, changes)
    if blanks:
        _remove(call, pool, user, blanks)
    return [
        ctx.send_code(pool, user, attribute, value, "verify attribute", verify_slot(attribute))
        for attribute, value in to_verify
    ]


def _remove(call: Call, pool: Pool, user: User, names: list[str]) -> None:
    removed = list(names)
    pending = call.ctx.store.pending_for((pool.id, user.username))
    for attribute in VERIFIABLE:
        if attribute in names:
            removed.append(f"{attribute}_verified")
            pending.pop(attribute, None)
            call.ctx.consume_code(pool, user, verify_slot(attribute))
    remove_attributes(user, removed)


def delete(call: Call, pool: Pool, user: User, names: list[str]) -> None:
    """Delete attributes; `sub`, required and immutable ones stay (this wording is
    unmeasured: the update's line format is used)."""
    problems: dict[str, str] = {}
    for name in names:
        schema = schema_attribute(pool, name)
        if name == "sub":
            problems[name] = "Attribute cannot be deleted."
        elif schema is None:
            problems[name] = "Attribute does not exist in the schema."
        elif schema.required:
            problems[name] = "Required attribute cannot be deleted."
        elif not schema.mutable:
            problems[name] = "Immutable attribute cannot be deleted."
    if problems:
        raise schema_error(problems, creating=False)
    _remove(call, pool, user, names)


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
