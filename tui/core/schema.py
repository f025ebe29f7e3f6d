"""What a pool says about its attributes (DescribeUserPool), and what Cognito always has.

A signed-in user cannot call DescribeUserPool (it needs IAM credentials), so the editor
often works without a pool schema: then the standard attributes Cognito documents are the
only knowledge beyond the service model, and custom attributes are checked only against the
model's limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

# Cognito's standard attributes (the OpenID Connect claims it supports), in the order its
# console lists them. Not in the service model: this is Cognito's documentation.
STANDARD_ATTRIBUTES = (
    "sub",
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "gender",
    "birthdate",
    "address",
    "locale",
    "zoneinfo",
    "picture",
    "profile",
    "website",
    "updated_at",
    "identities",
)
# Set by Cognito, never by a user: shown, never editable.
READ_ONLY_ATTRIBUTES = frozenset({"sub", "identities"})
# Attributes that carry their own verification flag.
VERIFIED_FLAG = {"email": "email_verified", "phone_number": "phone_number_verified"}
CUSTOM_PREFIX = "custom:"


@dataclass(frozen=True)
class AttributeSchema:
    name: str
    data_type: str = "String"  # String, Number, DateTime, Boolean
    mutable: bool = True
    required: bool = False
    min_length: int | None = None
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    developer_only: bool = False

    @property
    def custom(self) -> bool:
        return self.name.startswith(CUSTOM_PREFIX)

    @classmethod
    def from_wire(cls, item: dict[str, Any]) -> AttributeSchema:
        strings = item.get("StringAttributeConstraints") or {}
        numbers = item.get("NumberAttributeConstraints") or {}
        name = str(item["Name"])
        return cls(
            name=name,
            data_type=str(item.get("AttributeDataType") or "String"),
            mutable=bool(item.get("Mutable", True)),
            required=bool(item.get("Required", False)),
            min_length=_int(strings.get("MinLength")),
            max_length=_int(strings.get("MaxLength")),
            min_value=_int(numbers.get("MinValue")),
            max_value=_int(numbers.get("MaxValue")),
            developer_only=bool(item.get("DeveloperOnlyAttribute", False)),
        )


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@dataclass
class PoolSchema:
    """A pool's attribute schema and the settings that change how edits behave."""

    pool_id: str = ""
    name: str = ""
    attributes: dict[str, AttributeSchema] = field(default_factory=dict)
    auto_verified: frozenset[str] = frozenset()
    verify_before_update: frozenset[str] = frozenset()
    alias_attributes: frozenset[str] = frozenset()
    username_attributes: frozenset[str] = frozenset()

    @classmethod
    def from_user_pool(cls, pool: dict[str, Any]) -> PoolSchema:
        attrs = {}
        for item in pool.get("SchemaAttributes") or []:
            schema = AttributeSchema.from_wire(item)
            name = schema.name
            if schema.custom or name.startswith("dev:") or name in STANDARD_ATTRIBUTES:
                attrs[name] = schema
            else:  # Cognito lists custom attributes without their prefix in some answers
                attrs[CUSTOM_PREFIX + name] = replace(schema, name=CUSTOM_PREFIX + name)
        settings = pool.get("UserAttributeUpdateSettings") or {}
        return cls(
            pool_id=str(pool.get("Id", "")),
            name=str(pool.get("Name", "")),
            attributes=attrs,
            auto_verified=frozenset(pool.get("AutoVerifiedAttributes") or []),
            verify_before_update=frozenset(
                settings.get("AttributesRequireVerificationBeforeUpdate") or []
            ),
            alias_attributes=frozenset(pool.get("AliasAttributes") or []),
            username_attributes=frozenset(pool.get("UsernameAttributes") or []),
        )

    def get(self, name: str) -> AttributeSchema | None:
        return self.attributes.get(name)

    def known(self, name: str) -> bool:
        return name in self.attributes

    @property
    def custom_names(self) -> list[str]:
        return sorted(n for n, a in self.attributes.items() if a.custom)
