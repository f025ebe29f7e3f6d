"""Every item of the evidence corpus, replayed against the embedded backend over HTTP.

An answer item is sent as the source shows its request (placeholders such as `<token>`
replaced by values this test sets up, the same replacements applied to the expected
message) in a raw, SigV4-signed awsJson POST, so JSON nulls and absent members reach the
backend exactly as captured; status, `__type` and `message` must match byte for byte. A
behaviour item runs the steps its sentence describes through botocore and checks the
outcome. Items the backend cannot reproduce by design carry a `reason`
(contracts/checker/data/evidence/replay.toml) and must be listed in deviations.toml.
"""

from __future__ import annotations

import json
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

import tui.embedded
from contracts.checker import evidence
from tests.embedded.support import (
    DIRECT,
    TARGET,
    access_token,
    attributes_of,
    client,
    error_of,
    new_user,
    password_sign_in,
    start_backend,
    stop_backend,
    totp_now,
    unique,
)

ITEMS = evidence.load()
PASSWORD = "Correct-Horse-9"
DEVIATIONS = Path(tui.embedded.__file__).parent / "deviations.toml"


@dataclass
class Pool:
    id: str
    client_id: str
    secret: str | None = None
    extra_clients: dict[str, str] = field(default_factory=dict)


class World:
    """One strict backend (its clock is moved by expiry items) and the pools items need,
    created through the API on first use."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.cognito = client(backend)
        self.pools: dict[str, Pool] = {}

    def pool(self, kind: str) -> Pool:
        if kind not in self.pools:
            self.pools[kind] = POOLS[kind](self)
        return self.pools[kind]

    def create(self, client_options: dict[str, Any] | None = None, **config: Any) -> Pool:
        pool_id = self.cognito.create_user_pool(PoolName=unique("ev"), **config)["UserPool"]["Id"]
        options = {
            "ExplicitAuthFlows": [
                "ALLOW_USER_PASSWORD_AUTH",
                "ALLOW_USER_SRP_AUTH",
                "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                "ALLOW_REFRESH_TOKEN_AUTH",
            ],
            **(client_options or {}),
        }
        made = self.cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="ev", **options)[
            "UserPoolClient"
        ]
        return Pool(pool_id, made["ClientId"], made.get("ClientSecret"))

    def user(self, kind: str, **attributes: str) -> tuple[str, str]:
        """A confirmed user with a verified email: (username, email)."""
        verified = attributes.pop("verified", "true")
        email = attributes.pop("email", None)
        return new_user(
            self.cognito,
            self.pool(kind).id,
            email=email,
            verified=verified == "true",
            extra=attributes,
        )

    def token(self, kind: str, username: str) -> str:
        return access_token(self.cognito, self.pool(kind).client_id, username)

    def post(self, operation: str, body: str) -> tuple[int, dict[str, Any]]:
        """A SigV4-signed awsJson 1.1 POST of exactly `body` (signed like botocore signs)."""
        request = AWSRequest(
            method="POST",
            url=self.backend.endpoint_url + "/",
            data=body.encode(),
            headers={
                "X-Amz-Target": f"{TARGET}.{operation}",
                "Content-Type": "application/x-amz-json-1.1",
            },
        )
        SigV4Auth(Credentials("testing", "testing"), "cognito-idp", self.backend.region).add_auth(
            request
        )
        raw = urllib.request.Request(
            request.url, data=body.encode(), method="POST", headers=dict(request.headers.items())
        )
        try:
            with DIRECT.open(raw, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


def _mfa_on(w: World) -> Pool:
    pool = w.create()
    w.cognito.set_user_pool_mfa_config(
        UserPoolId=pool.id,
        MfaConfiguration="ON",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    return pool


def _sms(w: World, client_options: dict[str, Any] | None = None) -> Pool:
    sms = {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms", "ExternalId": "ev"}
    pool = w.create(client_options, SmsConfiguration=sms)
    w.cognito.set_user_pool_mfa_config(
        UserPoolId=pool.id,
        MfaConfiguration="OPTIONAL",
        SmsMfaConfiguration={"SmsConfiguration": sms},
    )
    return pool


POOLS: dict[str, Callable[[World], Pool]] = {
    # custom:role immutable, custom:cart_uuid 36 characters (the real-pool suite's pool)
    "app": lambda w: w.create(
        Schema=[
            {"Name": "role", "AttributeDataType": "String", "Mutable": False},
            {
                "Name": "cart_uuid",
                "AttributeDataType": "String",
                "Mutable": True,
                "StringAttributeConstraints": {"MinLength": "36", "MaxLength": "36"},
            },
        ],
    ),
    # email required and auto-verified, email an alias, no verify-before-update setting
    "alias": lambda w: w.create(
        Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True}],
        AutoVerifiedAttributes=["email"],
        AliasAttributes=["email", "phone_number"],
    ),
    "plain": lambda w: w.create(),
    "by-email": lambda w: w.create(UsernameAttributes=["email"]),
    "immutable-email": lambda w: w.create(
        Schema=[{"Name": "email", "AttributeDataType": "String", "Mutable": False}],
    ),
    "secret": lambda w: w.create({"GenerateSecret": True}),
    "legacy-errors": lambda w: w.create({"PreventUserExistenceErrors": "LEGACY"}),
    "prevent-errors": lambda w: w.create({"PreventUserExistenceErrors": "ENABLED"}),
    "name-required": lambda w: w.create(
        Schema=[{"Name": "name", "AttributeDataType": "String", "Required": True}]
    ),
    "auto-verify": lambda w: w.create(AutoVerifiedAttributes=["email"]),
    "mfa-on": _mfa_on,
    "sms": _sms,
    "sms-secret": lambda w: _sms(w, {"GenerateSecret": True}),
    "numbers-only": lambda w: w.create(
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": False,
                "RequireLowercase": False,
                "RequireNumbers": True,
                "RequireSymbols": False,
            }
        }
    ),
}


# ---------------------------------------------------------------------------------------
# Answer items: what state the request needs, as placeholder -> value replacements.

Setup = Callable[[World], dict[str, str]]
SETUPS: dict[str, Setup] = {}
BEHAVIOURS: dict[str, Callable[[World], None]] = {}


def setup(*ids: str) -> Callable[[Setup], Setup]:
    def register(func: Setup) -> Setup:
        for ident in ids:
            SETUPS[ident] = func
        return func

    return register


def behaviour(*ids: str) -> Callable[[Callable[[World], None]], Callable[[World], None]]:
    def register(func: Callable[[World], None]) -> Callable[[World], None]:
        for ident in ids:
            BEHAVIOURS[ident] = func
        return func

    return register


def _signed_in(w: World, kind: str = "plain", **attributes: str) -> dict[str, str]:
    username, email = w.user(kind, **attributes)
    pool = w.pool(kind)
    return {
        "<token>": w.token(kind, username),
        "<pool>": pool.id,
        "<client>": pool.client_id,
        "<user>": username,
        "<sub>": username,
        "<email>": email,
    }


def _verification_code(w: World, values: dict[str, str], attribute: str = "email") -> str:
    w.cognito.get_user_attribute_verification_code(
        AccessToken=values["<token>"], AttributeName=attribute
    )
    return w.backend.latest_code(values["<user>"], attribute)


@setup("verify-user-attribute-code-reused")
def _code_reused(w: World) -> dict[str, str]:
    values = _signed_in(w)
    code = _verification_code(w, values)
    w.cognito.verify_user_attribute(AccessToken=values["<token>"], AttributeName="email", Code=code)
    return {**values, "<code already consumed>": code}


@setup("verify-user-attribute-wrong-code")
def _wrong_code(w: World) -> dict[str, str]:
    values = _signed_in(w)
    code = _verification_code(w, values)
    return {**values, "<wrong code>": f"{(int(code) + 1) % 1_000_000:06d}"}


def _revoked(w: World) -> dict[str, str]:
    values = _signed_in(w)
    w.cognito.global_sign_out(AccessToken=values["<token>"])
    return {**values, "<revoked token>": values["<token>"]}


setup(
    "get-user-token-revoked-after-global-signout",
    "global-sign-out-token-revoked-again",
    "access-token-revoked-js-sdk-object",
)(_revoked)


@setup(
    "get-user-access-token-expired-ios",
    "get-user-expired-access-token",
    "access-token-expired-and-invalid",
)
def _expired(w: World) -> dict[str, str]:
    values = _signed_in(w)
    w.backend.advance_clock(3601)
    return {**values, "<expired token>": values["<token>"]}


@setup(
    "update-user-attributes-unknown-custom-attributes-multi",
    "update-user-attributes-required-attribute-blank",
    "validation-empty-attribute-name-two-errors",
    "validation-null-attribute-name",
    "validation-empty-access-token-hidden-value",
    "validation-null-access-token-hidden",
    "get-user-empty-access-token-validation",
    "get-user-missing-access-token-validation",
    "get-user-invalid-access-token",
)
def _plain_user(w: World) -> dict[str, str]:
    return _signed_in(w, "alias")


@setup(
    "admin-update-user-attributes-immutable-custom",
    "admin-update-user-attributes-immutable-custom-blank",
    "admin-update-user-attributes-null-value-immutable",
    "admin-update-user-attributes-null-value-standard",
    "admin-update-user-attributes-sub-not-writable",
    "admin-update-user-attributes-unknown-attribute",
    "admin-update-user-attributes-empty-name-two-errors",
    "admin-update-user-attributes-null-name",
    "admin-update-user-attributes-custom-min-length",
)
def _app_user(w: World) -> dict[str, str]:
    values = _signed_in(w, "app", **{"custom:role": "admin", "name": "Ada"})
    return {**values, "<random uuid>": "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"}


@setup("admin-update-user-attributes-invalid-email-format")
def _bad_email(w: World) -> dict[str, str]:
    return {**_signed_in(w, "app"), "<100 letters>": "abcdefghij" * 10}


@setup("admin-update-user-attributes-invalid-phone-format")
def _bad_phone(w: World) -> dict[str, str]:
    return {**_signed_in(w, "app"), "<10 random digits, no +>": "5550123456"}


@setup("update-user-attributes-email-cannot-be-updated-ios")
def _immutable_email(w: World) -> dict[str, str]:
    return {**_signed_in(w, "immutable-email"), "<new email>": f"{unique()}@example.org"}


@setup(
    "admin-get-user-user-not-found-cli",
    "admin-delete-user-user-not-found-cli",
)
def _missing_user(w: World) -> dict[str, str]:
    return {"<pool>": w.pool("plain").id, "<missing user>": unique("nobody")}


@setup("initiate-auth-user-not-found-cli", "initiate-auth-user-not-found-sdk-json")
def _unknown_user_legacy(w: World) -> dict[str, str]:
    return {
        "<client>": w.pool("legacy-errors").client_id,
        "<unknown>": unique("nobody"),
        "<password>": PASSWORD,
        "<A>": "ab" * 32,
    }


@setup("initiate-auth-unknown-user-prevent-existence-errors")
def _unknown_user_prevented(w: World) -> dict[str, str]:
    return {
        "<client>": w.pool("prevent-errors").client_id,
        "<unknown email>": f"{unique()}@example.org",
        "<A>": "ab" * 32,
    }


@setup("sign-up-email-verified-unauthorized-write")
def _sign_up_flags(w: World) -> dict[str, str]:
    return {
        "<client>": w.pool("plain").client_id,
        "<user>": unique(),
        "<password>": PASSWORD,
    }


@setup("sign-up-unknown-custom-attributes-prefix")
def _sign_up_unknown(w: World) -> dict[str, str]:
    return {
        "<client>": w.pool("plain").client_id,
        "<email>": f"{unique()}@example.org",
        "<password>": PASSWORD,
    }


@setup("admin-update-user-attributes-alias-exists-email")
def _username_email_taken(w: World) -> dict[str, str]:
    pool = w.pool("by-email")
    first, second = f"{unique()}@example.org", f"{unique()}@example.org"
    for name in (first, second):
        w.cognito.admin_create_user(
            UserPoolId=pool.id,
            Username=name,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email_verified", "Value": "true"}],
        )
    return {"<pool>": pool.id, "<sub of B>": second, "<A\\'s email>": first, "<A's email>": first}


@setup("admin-initiate-auth-wrong-password-raw-http")
def _wrong_password(w: World) -> dict[str, str]:
    return {**_signed_in(w), "<wrong>": PASSWORD + "x"}


@setup("admin-initiate-auth-secret-hash-missing")
def _secret_missing(w: World) -> dict[str, str]:
    pool = w.pool("secret")
    username, _ = w.user("secret")
    return {
        "74jdrobmasoi0m2i1je8vhrij6": pool.client_id,
        "us-east-1_ZQoyxbBkE": pool.id,
        '"jairo"': json.dumps(username),
        "<password>": PASSWORD,
    }


@setup("validation-user-pool-id-pattern-admin-confirm-sign-up")
def _nothing(w: World) -> dict[str, str]:
    return {}


def _unconfirmed(w: World) -> dict[str, str]:
    pool = w.pool("plain")
    username = unique()
    w.cognito.sign_up(ClientId=pool.client_id, Username=username, Password=PASSWORD)
    return {
        "<client>": pool.client_id,
        "<pool>": pool.id,
        "<user>": username,
        "<password>": PASSWORD,
    }


setup("admin-initiate-auth-user-not-confirmed-raw-http")(_unconfirmed)


@setup(
    "initiate-auth-invalid-refresh-token-raw-wire", "admin-initiate-auth-refresh-token-invalid-java"
)
def _bad_refresh(w: World) -> dict[str, str]:
    pool = w.pool("plain")
    return {"<client>": pool.client_id, "<pool>": pool.id, "<refresh token>": "eyJnotarefreshtoken"}


@setup("sign-up-unknown-client-id")
def _unknown_client_sign_up(w: World) -> dict[str, str]:
    return {"<password>": PASSWORD}


@setup("admin-initiate-auth-unknown-client-id-raw-http")
def _unknown_client(w: World) -> dict[str, str]:
    missing = "5cj9ag4nvskjkv0dg3sade5fd5"
    return {
        "<client>": missing,
        "{id}": missing,
        "<pool>": w.pool("plain").id,
        "<user>": "someone",
        "<password>": PASSWORD,
    }


@setup("user-pool-does-not-exist")
def _unknown_pool(w: World) -> dict[str, str]:
    region = w.backend.region
    return {
        "us-east-2_<id>": f"{region}_NoSuchPool1",
        "<client>": w.pool("plain").client_id,
        "<user>": "someone",
        "<password>": PASSWORD,
    }


@setup("respond-custom-challenge-invalid-session-after-failure")
def _used_session(w: World) -> dict[str, str]:
    values = _new_password_without_name(w)
    w.cognito.respond_to_auth_challenge(
        ClientId=values["<client>"],
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=values["<session>"],
        ChallengeResponses={
            "USERNAME": values["<user>"],
            "NEW_PASSWORD": "Other-Horse-9",
            "userAttributes.name": "x",
        },
    )
    return {**values, "<used session>": values["<session>"], "<code>": "123456"}


@setup("respond-new-password-missing-required-attribute-android")
def _new_password_without_name(w: World) -> dict[str, str]:
    pool = w.pool("name-required")
    username = unique()
    w.cognito.admin_create_user(
        UserPoolId=pool.id, Username=username, TemporaryPassword=PASSWORD, MessageAction="SUPPRESS"
    )
    challenge = password_sign_in(w.cognito, pool.client_id, username, PASSWORD)
    return {
        "<client>": pool.client_id,
        "<session>": challenge["Session"],
        "<user>": username,
        "<new>": "Other-Horse-9",
    }


@setup("respond-new-password-policy-uppercase")
def _new_password_lowercase(w: World) -> dict[str, str]:
    pool = w.pool("plain")
    username = unique()
    email = f"{username}@example.org"
    w.cognito.admin_create_user(
        UserPoolId=pool.id,
        Username=username,
        TemporaryPassword=PASSWORD,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    challenge = password_sign_in(w.cognito, pool.client_id, username, PASSWORD)
    return {"<client>": pool.client_id, "<session>": challenge["Session"], "<email>": username}


@setup("respond-software-token-mfa-code-reused")
def _totp_reused(w: World) -> dict[str, str]:
    pool = w.pool("mfa-on")
    username, _ = w.user("mfa-on")
    start = password_sign_in(w.cognito, pool.client_id, username, PASSWORD)
    associated = w.cognito.associate_software_token(Session=start["Session"])
    code = totp_now(associated["SecretCode"])
    verified = w.cognito.verify_software_token(Session=associated["Session"], UserCode=code)
    w.cognito.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": username},
    )
    challenge = password_sign_in(w.cognito, pool.client_id, username, PASSWORD)
    return {
        "<client>": pool.client_id,
        "<session>": challenge["Session"],
        "<same code>": code,
        "<user>": username,
    }


@setup("validation-sign-up-four-errors-password-username-hidden")
def _client_only(w: World) -> dict[str, str]:
    return {"<client>": w.pool("plain").client_id}


@setup("validation-sign-up-password-too-short")
def _short_password(w: World) -> dict[str, str]:
    return {"<client>": w.pool("plain").client_id, "<user>": unique()}


@setup("validation-confirm-sign-up-username-pattern-hidden")
def _bad_username(w: World) -> dict[str, str]:
    return {"<client>": w.pool("plain").client_id, "<bad value>": "no spaces", "<code>": "123456"}


@setup("initiate-auth-client-id-is-pool-id-pattern")
def _pool_id_as_client(w: World) -> dict[str, str]:
    return {"<password>": PASSWORD}


@setup("confirm-sign-up-already-confirmed")
def _already_confirmed(w: World) -> dict[str, str]:
    values = _signed_in(w)
    return {**values, "<email>": values["<user>"]}


@setup("resend-confirmation-code-not-allowed")
def _not_unconfirmed(w: World) -> dict[str, str]:
    pool = w.pool("plain")
    username = unique()
    w.cognito.admin_create_user(
        UserPoolId=pool.id, Username=username, TemporaryPassword=PASSWORD, MessageAction="SUPPRESS"
    )
    return {"<client>": pool.client_id, "<email>": username}


@setup("expired-code-raw-wire-content-length", "expired-code-android-exact")
def _sign_up_code_expired(w: World) -> dict[str, str]:
    pool = w.pool("auto-verify")
    username = unique()
    w.cognito.sign_up(
        ClientId=pool.client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.org"}],
    )
    code = w.backend.latest_code(username)
    w.backend.advance_clock(24 * 3600 + 1)
    return {
        "<client>": pool.client_id,
        "<user>": username,
        "<code>": code,
        "<expired code>": code,
    }


@setup("code-mismatch-raw-js")
def _reset_wrong_code(w: World) -> dict[str, str]:
    values = _signed_in(w)
    w.cognito.forgot_password(ClientId=values["<client>"], Username=values["<user>"])
    code = w.backend.latest_code(values["<user>"])
    return {
        **values,
        "<wrong code>": f"{(int(code) + 1) % 1_000_000:06d}",
        "<new password>": "Other-Horse-9",
    }


@setup("admin-set-user-password-user-not-found-java")
def _missing_user_password(w: World) -> dict[str, str]:
    return {"<pool>": w.pool("plain").id, "<user>": unique("nobody"), "<password>": PASSWORD}


@setup("validation-schema-name-length-quoted")
def _pool_name(w: World) -> dict[str, str]:
    return {"<name>": unique("ev")}


@setup("admin-create-user-temporary-password-policy-numeric")
def _numbers_policy(w: World) -> dict[str, str]:
    pool = w.pool("numbers-only")
    return {"<pool>": pool.id, "<user>": unique(), "<13 uppercase chars>": "ABCDEFGHIJKLM"}


@setup("list-users-limit-over-60", "list-users-filter-parse-error")
def _some_pool(w: World) -> dict[str, str]:
    return {"<pool>": w.pool("plain").id}


@setup("admin-create-user-username-exists")
def _user_test_exists(w: World) -> dict[str, str]:
    pool = w.create()
    w.cognito.admin_create_user(UserPoolId=pool.id, Username="user-test", MessageAction="SUPPRESS")
    return {"<pool>": pool.id}


@setup("sign-up-username-exists-prevent-existence")
def _existing_prevented(w: World) -> dict[str, str]:
    username, _ = w.user("prevent-errors")
    pool = w.pool("prevent-errors")
    return {"<client>": pool.client_id, "<existing>": username, "<password>": PASSWORD}


@setup("sign-up-email-username-exists")
def _email_username_exists(w: World) -> dict[str, str]:
    pool = w.create(UsernameAttributes=["email"])
    w.cognito.admin_create_user(
        UserPoolId=pool.id, Username="email@example.com", MessageAction="SUPPRESS"
    )
    return {"<client>": pool.client_id}


@setup("verify-software-token-code-mismatch-raw")
def _totp_mismatch(w: World) -> dict[str, str]:
    values = _signed_in(w)
    secret = w.cognito.associate_software_token(AccessToken=values["<token>"])["SecretCode"]
    wrong = f"{(int(totp_now(secret)) + 500_000) % 1_000_000:06d}"
    return {**values, "<6 digits>": wrong}


@setup("respond-mfa-setup-missing-session")
def _no_session(w: World) -> dict[str, str]:
    return {"<client>": w.pool("plain").client_id, "<user>": unique()}


@setup("associate-software-token-invalid-access-token")
def _bad_token(w: World) -> dict[str, str]:
    return {"<bad token>": "THIS_IS_NOT_VALID_TOKEN"}


@setup("initiate-auth-password-reset-required")
def _reset_required(w: World) -> dict[str, str]:
    values = _signed_in(w)
    w.cognito.admin_reset_user_password(UserPoolId=values["<pool>"], Username=values["<user>"])
    return {
        **values,
        "<A>": AWSSRP(
            values["<user>"], PASSWORD, values["<pool>"], values["<client>"], client=w.cognito
        ).get_auth_params()["SRP_A"],
    }


@setup("admin-initiate-auth-user-password-auth-not-supported")
def _admin_wrong_flow(w: World) -> dict[str, str]:
    return {**_signed_in(w), "<password>": PASSWORD}


@setup("forgot-password-force-change-password-state")
def _force_change(w: World) -> dict[str, str]:
    pool = w.pool("plain")
    username = unique()
    w.cognito.admin_create_user(
        UserPoolId=pool.id,
        Username=username,
        TemporaryPassword=PASSWORD,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": f"{username}@example.org"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    return {"<client>": pool.client_id, "<user>": username}


def _cli_pool(w: World, kind: str) -> dict[str, str]:
    pool = w.create({"PreventUserExistenceErrors": kind})
    new_user(w.cognito, pool.id, password="Correct-Horse-9")
    w.cognito.admin_create_user(UserPoolId=pool.id, Username="admin", MessageAction="SUPPRESS")
    w.cognito.admin_set_user_password(
        UserPoolId=pool.id, Username="admin", Password=PASSWORD, Permanent=True
    )
    return {"<client>": pool.client_id}


setup(
    "initiate-auth-wrong-password-cli",
    "initiate-auth-unknown-user-prevent-on-cli",
    "sign-up-username-exists-cli",
)(lambda w: _cli_pool(w, "ENABLED"))
setup("initiate-auth-unknown-user-prevent-off-cli")(lambda w: _cli_pool(w, "LEGACY"))


@setup(
    "describe-user-pool-not-found-live",
    "list-users-pool-not-found-cli",
    "list-user-pools-max-results-missing-zero",
)
def _absent_pools(w: World) -> dict[str, str]:
    return {}


@setup("initiate-auth-secret-hash-wrong-srp")
def _wrong_hash_srp(w: World) -> dict[str, str]:
    pool = w.pool("secret")
    username, _ = w.user("secret")
    return {
        "2qb0o3ni38ge670t48dkkluk5r": pool.client_id,
        "<email>": username,
        "<A>": "ab" * 32,
        "<bad hash>": "bm90LXRoZS1oYXNo",
    }


@setup("secret-hash-sent-to-client-without-secret")
def _hash_without_secret(w: World) -> dict[str, str]:
    values = _signed_in(w)
    return {**values, "XXXXXX": values["<client>"], "<password>": PASSWORD, "<hash>": "aGFzaA=="}


@setup("admin-initiate-auth-flow-not-enabled")
def _admin_flow_disabled(w: World) -> dict[str, str]:
    pool = w.create({"ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]})
    return {
        "af-south-1_HZYIpahzs": pool.id,
        "6qbvncedqjvi2jrpqhjj22ei7g": pool.client_id,
        "<email>": "someone",
        "<password>": PASSWORD,
        ', "SECRET_HASH": "<hash>"': "",
    }


@setup("change-password-wrong-previous-raw-headers")
def _wrong_previous(w: World) -> dict[str, str]:
    return {**_signed_in(w), "<wrong>": "Wrong-Horse-9", "<new>": "Other-Horse-9"}


def _sms_challenge(w: World, kind: str) -> dict[str, str]:
    """A user with SMS MFA preferred, signed in up to the SMS_MFA challenge."""
    pool = w.pool(kind)
    username, _ = w.user(kind, phone_number="+15555550199")
    w.cognito.admin_set_user_mfa_preference(
        UserPoolId=pool.id,
        Username=username,
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    parameters = {"USERNAME": username, "PASSWORD": PASSWORD}
    if pool.secret:
        parameters["SECRET_HASH"] = AWSSRP.get_secret_hash(username, pool.client_id, pool.secret)
    challenge = w.cognito.initiate_auth(
        ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=parameters
    )
    assert challenge["ChallengeName"] == "SMS_MFA"
    code = w.backend.latest_code(username, "phone_number")
    return {
        "<client>": pool.client_id,
        "<session>": challenge["Session"],
        "<user>": username,
        "<phone>": username,
        "<wrong>": f"{(int(code) + 1) % 1_000_000:06d}",
        "<code>": code,
    }


setup("respond-sms-mfa-code-mismatch-raw")(lambda w: _sms_challenge(w, "sms"))


@setup("respond-secret-hash-missing-new-wording")
def _sms_without_hash(w: World) -> dict[str, str]:
    values = _sms_challenge(w, "sms-secret")
    return {**values, "67eb1d3nh97o2l6goh8pq3pnqd": values["<client>"]}


# ---------------------------------------------------------------------------------------
# Behaviour items: the steps the sentence describes, checked through botocore.


def _values(w: World, kind: str, username: str) -> dict[str, str]:
    user = w.cognito.admin_get_user(UserPoolId=w.pool(kind).id, Username=username)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


@behaviour("verify-user-attribute-reverify-already-verified")
def _reverify(w: World) -> None:
    values = _signed_in(w)
    code = _verification_code(w, values)
    w.cognito.verify_user_attribute(AccessToken=values["<token>"], AttributeName="email", Code=code)
    assert attributes_of(w.cognito, values["<token>"])["email_verified"] == "true"


@behaviour("verify-user-attribute-only-email-phone")
def _only_email_phone(w: World) -> None:
    values = _signed_in(w)
    for call in (
        lambda: w.cognito.verify_user_attribute(
            AccessToken=values["<token>"], AttributeName="name", Code="123456"
        ),
        lambda: w.cognito.get_user_attribute_verification_code(
            AccessToken=values["<token>"], AttributeName="name"
        ),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@behaviour("update-user-attributes-email-verified-self-ignored")
def _self_verified_ignored(w: World) -> None:
    values = _signed_in(w, verified="false")
    w.cognito.update_user_attributes(
        AccessToken=values["<token>"],
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )
    assert attributes_of(w.cognito, values["<token>"])["email_verified"] == "false"


@behaviour("admin-update-user-attributes-email-change-resets-verified")
def _admin_email_change(w: World) -> None:
    username, _ = w.user("alias")
    new = f"{unique()}@example.org"
    pool = w.pool("alias").id
    w.cognito.admin_update_user_attributes(
        UserPoolId=pool, Username=username, UserAttributes=[{"Name": "email", "Value": new}]
    )
    now = _values(w, "alias", username)
    assert (now["email"], now["email_verified"]) == (new, "false")
    assert w.cognito.admin_get_user(UserPoolId=pool, Username=username)["UserStatus"] == "CONFIRMED"
    newer = f"{unique()}@example.org"
    w.cognito.admin_update_user_attributes(
        UserPoolId=pool,
        Username=username,
        UserAttributes=[
            {"Name": "email", "Value": newer},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    now = _values(w, "alias", username)
    assert (now["email"], now["email_verified"]) == (newer, "true")


@behaviour(
    "update-user-attributes-email-changed-immediately",
    "update-email-resets-email-verified-aws-kc",
)
def _email_changed_at_once(w: World) -> None:
    values = _signed_in(w, "alias")
    new = f"{unique()}@example.org"
    answer = w.cognito.update_user_attributes(
        AccessToken=values["<token>"], UserAttributes=[{"Name": "email", "Value": new}]
    )
    assert answer["CodeDeliveryDetailsList"][0]["AttributeName"] == "email"
    now = attributes_of(w.cognito, values["<token>"])
    assert (now["email"], now["email_verified"]) == (new, "false")
    # the new, unverified email is already the user's (it signs in with the username)
    assert password_sign_in(w.cognito, values["<client>"], values["<user>"], PASSWORD)


@behaviour("update-user-attributes-no-code-delivery-when-unverified-pool")
def _no_delivery(w: World) -> None:
    values = _signed_in(w, "plain")
    answer = w.cognito.update_user_attributes(
        AccessToken=values["<token>"],
        UserAttributes=[{"Name": "email", "Value": f"{unique()}@example.org"}],
    )
    assert "CodeDeliveryDetailsList" not in answer


@behaviour("get-user-attribute-verification-code-delivery-shape-sms")
def _sms_delivery_shape(w: World) -> None:
    values = _signed_in(w, "plain", phone_number="+447700901234")
    answer = w.cognito.get_user_attribute_verification_code(
        AccessToken=values["<token>"], AttributeName="phone_number"
    )
    assert answer["CodeDeliveryDetails"] == {
        "AttributeName": "phone_number",
        "DeliveryMedium": "SMS",
        "Destination": "+********1234",
    }


@behaviour("update-user-attributes-blank-value-deletes-documented")
def _blank_deletes_self(w: World) -> None:
    values = _signed_in(w, "alias", given_name="Ada", phone_number="+15555550001")
    w.cognito.update_user_attributes(
        AccessToken=values["<token>"],
        UserAttributes=[
            {"Name": "given_name", "Value": ""},
            {"Name": "phone_number", "Value": ""},
        ],
    )
    now = attributes_of(w.cognito, values["<token>"])
    assert {"given_name", "phone_number", "phone_number_verified"}.isdisjoint(now)


@behaviour(
    "admin-update-user-attributes-blank-value-removes-attribute",
    "admin-update-user-attributes-blank-deletes-optional",
)
def _blank_deletes_admin(w: World) -> None:
    username, _ = w.user(
        "app",
        name="Fred",
        family_name="Bloggs",
        address="1 Road",
        phone_number="+15555550002",
        **{"custom:cart_uuid": "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"},
    )
    names = ["name", "family_name", "address", "phone_number", "custom:cart_uuid"]
    for name in names:
        w.cognito.admin_update_user_attributes(
            UserPoolId=w.pool("app").id,
            Username=username,
            UserAttributes=[{"Name": name, "Value": ""}],
        )
    assert set(names).isdisjoint(_values(w, "app", username))


@behaviour("delete-user-attributes-unknown-names-ok")
def _delete_unset(w: World) -> None:
    values = _signed_in(w, "plain")
    before = attributes_of(w.cognito, values["<token>"])
    w.cognito.delete_user_attributes(AccessToken=values["<token>"], UserAttributeNames=["locale"])
    w.cognito.delete_user_attributes(AccessToken=values["<token>"], UserAttributeNames=[])
    assert attributes_of(w.cognito, values["<token>"]) == before


@behaviour(
    "alias-moves-previous-owner-unverified-aws-kc",
    "admin-update-user-attributes-alias-steal-no-error",
)
def _alias_moves_admin(w: World) -> None:
    first, email = w.user("alias")
    second, _ = w.user("alias")
    w.cognito.admin_update_user_attributes(
        UserPoolId=w.pool("alias").id,
        Username=second,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    assert _values(w, "alias", second)["email_verified"] == "true"
    before = _values(w, "alias", first)
    assert (before["email"], before["email_verified"]) == (email, "false")
    # the alias now signs in as the second user
    assert w.cognito.admin_get_user(UserPoolId=w.pool("alias").id, Username=email)["Username"] == (
        second
    )


@behaviour("update-user-attributes-alias-collision-deferred-to-verify")
def _alias_moves_on_verify(w: World) -> None:
    first, email = w.user("alias")
    values = _signed_in(w, "alias")
    answer = w.cognito.update_user_attributes(
        AccessToken=values["<token>"], UserAttributes=[{"Name": "email", "Value": email}]
    )
    assert answer["CodeDeliveryDetailsList"][0]["Destination"] == f"{email[0]}***@e***"
    assert _values(w, "alias", first)["email_verified"] == "true"
    code = w.backend.latest_code(values["<user>"])
    w.cognito.verify_user_attribute(AccessToken=values["<token>"], AttributeName="email", Code=code)
    assert attributes_of(w.cognito, values["<token>"])["email_verified"] == "true"
    assert _values(w, "alias", first)["email_verified"] == "false"


@behaviour("initiate-auth-unconfirmed-user-wrong-password-still-not-confirmed")
def _unconfirmed_wrong_password(w: World) -> None:
    values = _unconfirmed(w)
    with pytest.raises(ClientError) as caught:
        password_sign_in(w.cognito, values["<client>"], values["<user>"], PASSWORD + "x")
    assert error_of(caught) == ("UserNotConfirmedException", "User is not confirmed.")


@behaviour("new-password-required-challenge-shape-raw")
def _new_password_shape(w: World) -> None:
    pool = w.pool("plain")
    username = unique()
    email = f"{username}@example.org"
    w.cognito.admin_create_user(
        UserPoolId=pool.id,
        Username=username,
        TemporaryPassword=PASSWORD,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    helper = AWSSRP(username, PASSWORD, pool.id, pool.client_id, client=w.cognito)
    start = w.cognito.initiate_auth(
        ClientId=pool.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=helper.get_auth_params()
    )
    answer = w.cognito.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=helper.process_challenge(
            start["ChallengeParameters"], helper.get_auth_params()
        ),
    )
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert "AuthenticationResult" not in answer
    params = answer["ChallengeParameters"]
    assert set(params) == {"requiredAttributes", "userAttributes"}
    assert json.loads(params["requiredAttributes"]) == []
    assert json.loads(params["userAttributes"]) == {"email_verified": "true", "email": email}


@behaviour("new-password-required-required-attributes-format")
def _required_attributes_format(w: World) -> None:
    pool = w.pool("name-required")
    username = unique()
    w.cognito.admin_create_user(
        UserPoolId=pool.id, Username=username, TemporaryPassword=PASSWORD, MessageAction="SUPPRESS"
    )
    challenge = w.cognito.admin_initiate_auth(
        UserPoolId=pool.id,
        ClientId=pool.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )
    required = json.loads(challenge["ChallengeParameters"]["requiredAttributes"])
    assert required == ["userAttributes.name"]
    with pytest.raises(ClientError) as caught:
        w.cognito.admin_respond_to_auth_challenge(
            UserPoolId=pool.id,
            ClientId=pool.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses={
                "USERNAME": username,
                "NEW_PASSWORD": "Other-Horse-9",
                "userAttributes": json.dumps({"name": "x"}),
            },
        )
    assert error_of(caught) == (
        "InvalidParameterException",
        "Invalid attributes given, name is missing",
    )
    done = w.cognito.admin_respond_to_auth_challenge(
        UserPoolId=pool.id,
        ClientId=pool.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": username,
            "NEW_PASSWORD": "Other-Horse-9",
            "userAttributes.name": "x",
        },
    )
    assert "AuthenticationResult" in done


@behaviour("initiate-auth-srp-password-verifier-challenge-shape")
def _srp_shape(w: World) -> None:
    pool = w.pool("alias")
    username, email = w.user("alias")
    helper = AWSSRP(email, PASSWORD, pool.id, pool.client_id, client=w.cognito)
    start = w.cognito.initiate_auth(
        ClientId=pool.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=helper.get_auth_params()
    )
    assert start["ChallengeName"] == "PASSWORD_VERIFIER"
    assert "Session" not in start
    params = start["ChallengeParameters"]
    assert set(params) == {"SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"}
    assert params["USERNAME"] == params["USER_ID_FOR_SRP"] == username


@behaviour("initiate-auth-user-password-auth-flow-not-enabled")
def _wrong_secret_then_right(w: World) -> None:
    values = _signed_in(w)
    with pytest.raises(ClientError) as caught:
        password_sign_in(w.cognito, values["<client>"], values["<user>"], PASSWORD + "x")
    assert error_of(caught) == ("NotAuthorizedException", "Incorrect username or password.")


@behaviour("sign-up-no-code-delivery-without-auto-verify")
def _sign_up_without_delivery(w: World) -> None:
    answer = w.cognito.sign_up(
        ClientId=w.pool("plain").client_id,
        Username=unique(),
        Password="P2$Sword",
        UserAttributes=[{"Name": "email", "Value": f"{unique()}@example.org"}],
    )
    assert answer["UserConfirmed"] is False
    assert answer["UserSub"]
    assert "CodeDeliveryDetails" not in answer


@behaviour("sign-up-code-delivery-details-email-masked")
def _sign_up_delivery(w: World) -> None:
    answer = w.cognito.sign_up(
        ClientId=w.pool("auto-verify").client_id,
        Username=unique(),
        Password="P2$Sword",
        UserAttributes=[{"Name": "email", "Value": "test@test.com"}],
    )
    assert answer["UserConfirmed"] is False
    assert answer["CodeDeliveryDetails"] == {
        "Destination": "t***@t***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    bare = w.cognito.sign_up(
        ClientId=w.pool("auto-verify").client_id, Username=unique(), Password="P2$Sword"
    )
    assert "CodeDeliveryDetails" not in bare


@behaviour("respond-software-token-mfa-success-empty-challenge-parameters")
def _mfa_first_sign_in(w: World) -> None:
    pool = w.pool("mfa-on")
    username = unique()
    w.cognito.admin_create_user(
        UserPoolId=pool.id, Username=username, TemporaryPassword=PASSWORD, MessageAction="SUPPRESS"
    )
    first = password_sign_in(w.cognito, pool.client_id, username, PASSWORD)
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert "AuthenticationResult" not in first
    setup_mfa = w.cognito.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=first["Session"],
        ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": "Other-Horse-9"},
    )
    assert setup_mfa["ChallengeName"] == "MFA_SETUP"
    associated = w.cognito.associate_software_token(Session=setup_mfa["Session"])
    verified = w.cognito.verify_software_token(
        Session=associated["Session"], UserCode=totp_now(associated["SecretCode"])
    )
    assert verified["Status"] == "SUCCESS"
    assert verified["Session"]
    done = w.cognito.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": username},
    )
    assert done["ChallengeParameters"] == {}
    assert {"AccessToken", "IdToken", "RefreshToken"} <= set(done["AuthenticationResult"])
    later = password_sign_in(w.cognito, pool.client_id, username, "Other-Horse-9")
    assert later["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


@behaviour("srp-mfa-on-pool-first-login-mfa-setup")
def _srp_mfa_setup(w: World) -> None:
    pool = w.pool("mfa-on")
    username, _ = w.user("mfa-on")
    helper = AWSSRP(username, PASSWORD, pool.id, pool.client_id, client=w.cognito)
    start = w.cognito.initiate_auth(
        ClientId=pool.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=helper.get_auth_params()
    )
    answer = w.cognito.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=helper.process_challenge(
            start["ChallengeParameters"], helper.get_auth_params()
        ),
    )
    assert answer["ChallengeName"] == "MFA_SETUP"
    assert answer["Session"]


@behaviour("admin-initiate-auth-new-password-required-shape-cli-doc")
def _admin_new_password_shape(w: World) -> None:
    pool = w.pool("plain")
    username = unique()
    w.cognito.admin_create_user(
        UserPoolId=pool.id, Username=username, TemporaryPassword=PASSWORD, MessageAction="SUPPRESS"
    )
    answer = w.cognito.admin_initiate_auth(
        UserPoolId=pool.id,
        ClientId=pool.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and answer["Session"]
    assert "AuthenticationResult" not in answer
    params = answer["ChallengeParameters"]
    assert set(params) == {"USER_ID_FOR_SRP", "requiredAttributes", "userAttributes"}


@behaviour("sign-up-success-shape-cli")
def _sign_up_shape(w: World) -> None:
    answer = w.cognito.sign_up(
        ClientId=w.pool("auto-verify").client_id,
        Username=unique(),
        Password="BlahBlah123!",
        UserAttributes=[{"Name": "email", "Value": "blah@blah.net"}],
    )
    assert answer["UserConfirmed"] is False and answer["UserSub"]
    assert answer["CodeDeliveryDetails"] == {
        "Destination": "b***@b***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }


@behaviour("sign-up-validation-data-null-accepted")
def _validation_data_null(w: World) -> None:
    body = {
        "ClientId": w.pool("auto-verify").client_id,
        "Username": unique(),
        "Password": PASSWORD,
        "UserAttributes": [{"Name": "email", "Value": f"{unique()}@example.org"}],
        "ValidationData": None,
    }
    status, answer = w.post("SignUp", json.dumps(body))
    assert status == 200, answer
    assert answer["UserConfirmed"] is False and answer["UserSub"] and answer["CodeDeliveryDetails"]


@behaviour("validation-list-value-rendering")
def _list_rendering(w: World) -> None:
    pool = w.pool("plain")
    urls = [chr(ord("a") + i % 26) for i in range(101)]
    with pytest.raises(ClientError) as caught:
        w.cognito.update_user_pool_client(
            UserPoolId=pool.id, ClientId=pool.client_id, CallbackURLs=urls
        )
    code, message = error_of(caught)
    assert code == "InvalidParameterException"
    assert message.startswith("1 validation error detected: Value '[" + ", ".join(urls) + "]' at")


@behaviour("list-users-filter-custom-attribute-not-searchable")
def _custom_filter(w: World) -> None:
    with pytest.raises(ClientError) as caught:
        w.cognito.list_users(UserPoolId=w.pool("plain").id, Filter='custom:foo = "bar"')
    assert error_of(caught)[0] == "InvalidParameterException"


# ---------------------------------------------------------------------------------------
# The tests


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    started = start_backend(seed="empty")
    yield World(started)
    stop_backend(started)


def _deviation_evidence() -> set[str]:
    with open(DEVIATIONS, "rb") as fh:
        entries = tomllib.load(fh)["deviation"]
    ids: set[str] = set()
    for entry in entries:
        if isinstance(entry["evidence"], list):
            ids.update(entry["evidence"])
    return ids


def _replace(text: str, values: dict[str, str]) -> str:
    for placeholder in sorted(values, key=len, reverse=True):
        text = text.replace(placeholder, values[placeholder])
    return text


@pytest.mark.parametrize("item", ITEMS, ids=[i.id for i in ITEMS])
def test_backend_reproduces_the_evidence(world: World, item: evidence.Item) -> None:
    if item.reason:
        assert item.id in _deviation_evidence(), (
            f"{item.id} cannot be replayed ({item.reason}) but deviations.toml does not list it"
        )
        return
    if item.id in BEHAVIOURS:
        BEHAVIOURS[item.id](world)
        return
    assert item.kind == "answer", f"{item.id}: no behaviour check is registered"
    assert item.id in SETUPS, f"{item.id}: no setup is registered for this answer"
    values = SETUPS[item.id](world)
    body = _replace(item.request, values)
    json.loads(body)  # the replayed request must be JSON once its placeholders are filled
    status, answer = world.post(item.operation, body)
    expected = _replace(item.message, values)
    for old, new in item.replace:
        expected = expected.replace(old, new)
    got = answer.get("message", answer.get("Message"))
    if item.newline_unseen:
        assert not expected.endswith("\n")
        got = got.removesuffix("\n") if isinstance(got, str) else got
    assert (status, answer.get("__type"), got) == (item.status, item.type, expected)
