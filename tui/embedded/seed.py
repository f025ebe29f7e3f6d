"""The demo user pool and its people.

`seed="demo"` creates the pool the editor's demo and the tests sign in to: standard and
custom attributes, email required and auto-verified, a new email kept pending until it is
verified, email as a sign-in alias, optional MFA with TOTP, SMS and email OTP, and one app
client without a secret. Named users each exercise one sign-in path; the first signs in
with no challenge. `seed="empty"` is the same pool with nobody in it.

`users=N` adds generated people (`user00001`, ...) straight into moto's model (no HTTP, no
per-user validation), so 20,000 of them take well under a second. Their fake data is
deterministic; their shared password is random per start, like every seeded password.
"""

from __future__ import annotations

import copy
import json
import random
from dataclasses import asdict, dataclass
from typing import Any

from tui.embedded.context import Context
from tui.embedded.mfa import new_totp_secret
from tui.embedded.model import Client, Pool, User, UserStatus, ensure_standard_schema
from tui.embedded.users import generate_password

POOL_NAME = "cognito-tui-demo"
EMPTY_POOL_NAME = "cognito-tui-empty"
CLIENT_NAME = "cognito-tui"
MAX_GENERATED = 999_999


@dataclass(frozen=True, slots=True)
class SeedUser:
    """A named demo user: sign-in name, password (demo credentials, printed on purpose),
    what signing in as them shows, and their TOTP secret when they use an authenticator."""

    username: str
    password: str
    note: str
    totp_secret: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def pool_config(account_id: str, region: str) -> dict[str, Any]:
    """CreateUserPool members of the demo pool (shared by both seeds)."""
    return {
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
                "TemporaryPasswordValidityDays": 7,
            }
        },
        "Schema": [
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {
                "Name": "department",
                "AttributeDataType": "String",
                "Mutable": True,
                "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "64"},
            },
            {
                "Name": "employee_id",
                "AttributeDataType": "String",
                "Mutable": False,
                "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "16"},
            },
            {
                "Name": "level",
                "AttributeDataType": "Number",
                "Mutable": True,
                "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "10"},
            },
        ],
        "AutoVerifiedAttributes": ["email"],
        "AliasAttributes": ["email"],
        "UsernameConfiguration": {"CaseSensitive": False},
        "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
        "MfaConfiguration": "OPTIONAL",
        "AccountRecoverySetting": {
            "RecoveryMechanisms": [
                {"Priority": 1, "Name": "verified_email"},
                {"Priority": 2, "Name": "verified_phone_number"},
            ]
        },
        "EmailConfiguration": {
            "EmailSendingAccount": "DEVELOPER",
            "SourceArn": f"arn:aws:ses:{region}:{account_id}:identity/example.com",
            "From": "cognito-tui demo <no-reply@example.com>",
        },
        "SmsConfiguration": {
            "SnsCallerArn": f"arn:aws:iam::{account_id}:role/cognito-tui-demo-sms",
            "ExternalId": "cognito-tui-demo",
            "SnsRegion": region,
        },
        "UserPoolTier": "ESSENTIALS",
        "DeletionProtection": "INACTIVE",
        "UserPoolTags": {"project": "cognito-tui", "purpose": "demo"},
    }


def client_config() -> dict[str, Any]:
    return {
        "ClientName": CLIENT_NAME,
        "ExplicitAuthFlows": [
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
            "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        ],
        "PreventUserExistenceErrors": "ENABLED",
        "AccessTokenValidity": 60,
        "IdTokenValidity": 60,
        "RefreshTokenValidity": 30,
        "TokenValidityUnits": {
            "AccessToken": "minutes",
            "IdToken": "minutes",
            "RefreshToken": "days",
        },
        "AuthSessionValidity": 3,
        "EnableTokenRevocation": True,
    }


# Named demo users. `mfa` lists the factors enabled; `preferred` the one chosen.
NAMED: list[dict[str, Any]] = [
    {
        "username": "maria",
        "given_name": "Maria",
        "family_name": "Silva",
        "department": "Platform Engineering",
        "employee_id": "E-100231",
        "level": "7",
        "birthdate": "1988-04-12",
        "locale": "pt-BR",
        "zoneinfo": "America/Sao_Paulo",
        "street": "Rua das Flores 120",
        "city": "Curitiba",
        "region": "PR",
        "postal_code": "80010-000",
        "country": "BR",
        "note": "signs in with no challenge",
    },
    {
        "username": "james",
        "given_name": "James",
        "family_name": "Okafor",
        "department": "Finance",
        "employee_id": "E-100417",
        "level": "4",
        "birthdate": "1992-11-03",
        "locale": "en-GB",
        "zoneinfo": "Europe/London",
        "street": "14 Albion Street",
        "city": "Leeds",
        "region": "West Yorkshire",
        "postal_code": "LS1 6AD",
        "country": "GB",
        "status": UserStatus.FORCE_CHANGE_PASSWORD,
        "note": "has a temporary password: NEW_PASSWORD_REQUIRED",
    },
    {
        "username": "wei",
        "given_name": "Wei",
        "family_name": "Chen",
        "department": "Security",
        "employee_id": "E-100502",
        "level": "8",
        "birthdate": "1985-07-21",
        "locale": "zh-TW",
        "zoneinfo": "Asia/Taipei",
        "street": "No. 45, Section 2, Zhongshan Road",
        "city": "Taipei",
        "region": "Taipei City",
        "postal_code": "104",
        "country": "TW",
        "mfa": ["SOFTWARE_TOKEN_MFA"],
        "preferred": "SOFTWARE_TOKEN_MFA",
        "note": "uses an authenticator app: SOFTWARE_TOKEN_MFA (totp_secret)",
    },
    {
        "username": "sofia",
        "given_name": "Sofia",
        "family_name": "Rossi",
        "department": "Customer Success",
        "employee_id": "E-100688",
        "level": "5",
        "birthdate": "1990-01-30",
        "locale": "it-IT",
        "zoneinfo": "Europe/Rome",
        "street": "Via Garibaldi 8",
        "city": "Bologna",
        "region": "BO",
        "postal_code": "40124",
        "country": "IT",
        "mfa": ["SMS_MFA"],
        "preferred": "SMS_MFA",
        "note": "gets an SMS code: SMS_MFA (code in the outbox)",
    },
    {
        "username": "noah",
        "given_name": "Noah",
        "family_name": "Becker",
        "department": "Sales",
        "employee_id": "E-100733",
        "level": "3",
        "birthdate": "1995-09-14",
        "locale": "de-DE",
        "zoneinfo": "Europe/Berlin",
        "street": "Lindenstraße 22",
        "city": "Hamburg",
        "region": "HH",
        "postal_code": "20095",
        "country": "DE",
        "mfa": ["EMAIL_OTP"],
        "preferred": "EMAIL_OTP",
        "note": "gets an email code: EMAIL_OTP (code in the outbox)",
    },
    {
        "username": "amara",
        "given_name": "Amara",
        "family_name": "Nwosu",
        "department": "Research",
        "employee_id": "E-100845",
        "level": "9",
        "birthdate": "1983-02-08",
        "locale": "en-US",
        "zoneinfo": "America/Chicago",
        "street": "2200 Lakeshore Drive",
        "city": "Chicago",
        "region": "IL",
        "postal_code": "60616",
        "country": "US",
        "mfa": ["SOFTWARE_TOKEN_MFA", "SMS_MFA"],
        "note": "has TOTP and SMS and no preference: SELECT_MFA_TYPE (totp_secret)",
    },
]

GIVEN_NAMES = [
    "Olivia",
    "Liam",
    "Emma",
    "Mateo",
    "Ava",
    "Lucas",
    "Isla",
    "Hiro",
    "Zara",
    "Arjun",
    "Chloe",
    "Diego",
    "Freya",
    "Kofi",
    "Lena",
    "Omar",
    "Priya",
    "Ravi",
    "Sara",
    "Tomas",
    "Yara",
    "Ibrahim",
    "Mei",
    "Nina",
    "Pablo",
    "Quinn",
    "Rosa",
    "Selin",
    "Theo",
    "Uma",
]
FAMILY_NAMES = [
    "Andersen",
    "Bauer",
    "Costa",
    "Dubois",
    "Estrada",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Ortiz",
    "Patel",
    "Quispe",
    "Romano",
    "Sato",
    "Tanaka",
    "Usman",
    "Virtanen",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Novak",
    "Mensah",
    "Kaur",
    "Lindqvist",
]
DEPARTMENTS = [
    "Engineering",
    "Finance",
    "Legal",
    "Marketing",
    "Operations",
    "People",
    "Product",
    "Research",
    "Sales",
    "Security",
    "Support",
]
PLACES = [
    ("Portland", "OR", "97201", "US", "America/Los_Angeles", "en-US"),
    ("Austin", "TX", "78701", "US", "America/Chicago", "en-US"),
    ("Toronto", "ON", "M5H 2N2", "CA", "America/Toronto", "en-CA"),
    ("Dublin", "D02", "D02 X285", "IE", "Europe/Dublin", "en-IE"),
    ("Lyon", "ARA", "69002", "FR", "Europe/Paris", "fr-FR"),
    ("Osaka", "27", "530-0001", "JP", "Asia/Tokyo", "ja-JP"),
    ("Melbourne", "VIC", "3000", "AU", "Australia/Melbourne", "en-AU"),
]


@dataclass
class Seeded:
    pool: Pool
    client: Client
    users: list[SeedUser]
    generated_password: str | None


def _address(street: str, city: str, region: str, postal_code: str, country: str) -> str:
    return json.dumps(
        {
            "street_address": street,
            "locality": city,
            "region": region,
            "postal_code": postal_code,
            "country": country,
        },
        ensure_ascii=False,
    )


def _add_user(
    pool: Pool, username: str, password: str, status: str, values: dict[str, str]
) -> User:
    listed = [{"Name": k, "Value": v} for k, v in values.items()]
    user = User(pool.id, username, password, status, listed)
    pool.users[user.username] = user
    return user


def named_values(spec: dict[str, Any], index: int) -> dict[str, str]:
    """The attributes of the `index`-th (from 1) named demo user; the recorder gives the
    users it makes in AWS the same ones."""
    return {
        "given_name": spec["given_name"],
        "family_name": spec["family_name"],
        "name": f"{spec['given_name']} {spec['family_name']}",
        "email": f"{spec['given_name']}.{spec['family_name']}@example.com".lower(),
        "email_verified": "true",
        "phone_number": f"+1555010{index:04d}",
        "phone_number_verified": "true",
        "birthdate": spec["birthdate"],
        "locale": spec["locale"],
        "zoneinfo": spec["zoneinfo"],
        "address": _address(
            spec["street"], spec["city"], spec["region"], spec["postal_code"], spec["country"]
        ),
        "custom:department": spec["department"],
        "custom:employee_id": spec["employee_id"],
        "custom:level": spec["level"],
    }


def _named_user(ctx: Context, pool: Pool, spec: dict[str, Any], index: int) -> SeedUser:
    password = generate_password()
    values = named_values(spec, index)
    status = spec.get("status", UserStatus.CONFIRMED)
    user = _add_user(pool, spec["username"], password, status, values)
    if status == UserStatus.FORCE_CHANGE_PASSWORD:
        ctx.store.temp_passwords[(pool.id, user.username)] = ctx.clock.now()
    secret = _mfa(ctx, pool, user, spec)
    return SeedUser(user.username, password, spec["note"], secret)


def _mfa(ctx: Context, pool: Pool, user: User, spec: dict[str, Any]) -> str | None:
    """The demo user's MFA factors; the TOTP secret, when there is one."""
    factors = spec.get("mfa") or []
    secret = None
    if factors:
        settings = ctx.store.mfa_for((pool.id, user.username))
        if "SOFTWARE_TOKEN_MFA" in factors:
            secret = settings.totp_secret = new_totp_secret()
            settings.totp_enabled = True
        settings.sms_enabled = "SMS_MFA" in factors
        settings.email_enabled = "EMAIL_OTP" in factors
        settings.preferred = spec.get("preferred")
    return secret


def _generated_users(pool: Pool, count: int, password: str) -> None:
    rng = random.Random(20240601)  # fake data, not secrets: the same people every run
    for i in range(1, count + 1):
        given = GIVEN_NAMES[rng.randrange(len(GIVEN_NAMES))]
        family = FAMILY_NAMES[rng.randrange(len(FAMILY_NAMES))]
        city, region, postal, country, zone, locale = PLACES[rng.randrange(len(PLACES))]
        year, month, day = rng.randint(1955, 2004), rng.randint(1, 12), rng.randint(1, 28)
        values = {
            "given_name": given,
            "family_name": family,
            "name": f"{given} {family}",
            "email": f"{given}.{family}.{i:05d}@example.com".lower(),
            "email_verified": "true" if i % 7 else "false",
            "phone_number": f"+15551{i:06d}",
            "phone_number_verified": "true" if i % 3 == 0 else "false",
            "birthdate": f"{year:04d}-{month:02d}-{day:02d}",
            "locale": locale,
            "zoneinfo": zone,
            "address": _address(
                f"{rng.randint(1, 999)} Main Street", city, region, postal, country
            ),
            "custom:department": DEPARTMENTS[rng.randrange(len(DEPARTMENTS))],
            "custom:employee_id": f"G-{i:06d}",
            "custom:level": str(rng.randint(1, 10)),
        }
        _add_user(pool, f"user{i:05d}", password, UserStatus.CONFIRMED, values)


def _rekey(backend: Any, pool: Pool, pool_id: str) -> None:
    """Give a new pool the id a saved demo state had (moto draws a random one)."""
    backend.user_pools.pop(pool.id, None)
    pool.arn = pool.arn[: -len(pool.id)] + pool_id
    pool.id = pool_id
    backend.user_pools[pool_id] = pool


def _restored_user(
    ctx: Context, pool: Pool, saved: dict[str, Any], spec: dict[str, Any]
) -> SeedUser:
    """A demo user as a saved state left them: attributes, sub and status kept; a new
    password (and TOTP secret), because the state file holds no secret."""
    password = generate_password()
    values = {a["Name"]: a["Value"] for a in saved["attributes"] if a.get("Name") != "sub"}
    status = UserStatus(saved.get("status") or UserStatus.CONFIRMED)  # moto compares by identity
    user = _add_user(pool, saved["username"], password, status, values)
    sub = next((a["Value"] for a in saved["attributes"] if a.get("Name") == "sub"), None)
    if sub:
        user.id = sub
        user.update_attributes([{"Name": "sub", "Value": sub}])
    user.enabled = bool(saved.get("enabled", True))
    if status == UserStatus.FORCE_CHANGE_PASSWORD:
        ctx.store.temp_passwords[(pool.id, user.username)] = ctx.clock.now()
    secret = _mfa(ctx, pool, user, spec)
    return SeedUser(user.username, password, spec.get("note", ""), secret)


def seed(ctx: Context, kind: str, generated: int, restore: dict[str, Any] | None = None) -> Seeded:
    """Create the pool, its client and its users directly in moto's model; with `restore`
    (a demo state, see demo_state.py), the same ids, users and attributes as saved."""
    if kind not in ("demo", "empty"):
        raise ValueError(f"unknown seed {kind!r} (demo or empty)")
    if not 0 <= generated <= MAX_GENERATED:
        raise ValueError(f"users must be between 0 and {MAX_GENERATED}")
    backend = ctx.moto.backend(ctx.region)
    name = POOL_NAME if kind == "demo" else EMPTY_POOL_NAME
    pool = backend.create_user_pool(name, copy.deepcopy(pool_config(ctx.account_id, ctx.region)))
    if restore is not None:
        _rekey(backend, pool, restore["pool_id"])
    ensure_standard_schema(pool)
    sms = {
        "SmsAuthenticationMessage": "Your sign-in code is {####}",
        "SmsConfiguration": pool.extended_config["SmsConfiguration"],
    }
    backend.set_user_pool_mfa_config(pool.id, sms, {"Enabled": True}, "OPTIONAL")
    ctx.store.email_mfa[pool.id] = {
        "Subject": "Your cognito-tui sign-in code",
        "Message": "Your sign-in code is {####}",
    }
    client = backend.create_user_pool_client(pool.id, False, client_config())
    if restore is not None and restore.get("client_id"):
        pool.clients.pop(client.id, None)
        client.id = restore["client_id"]
        pool.clients[client.id] = client
    named = NAMED if kind == "demo" else []
    if restore is not None:
        specs = {spec["username"]: spec for spec in named}
        users = [
            _restored_user(ctx, pool, saved, specs.get(saved["username"], {}))
            for saved in restore["users"]
        ]
    else:
        users = [_named_user(ctx, pool, spec, i) for i, spec in enumerate(named, 1)]
    password = None
    if generated:
        password = generate_password()
        _generated_users(pool, generated, password)
    return Seeded(pool, client, users, password)
