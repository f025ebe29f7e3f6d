"""User pool operations where moto's answer differs from AWS's.

moto keeps only the attributes listed in a CreateUserPool Schema, so a pool created with
custom attributes "loses" email, name and the other standard ones: DescribeUserPool omits
them and attribute checks would refuse them. The pool is completed right after moto
creates it, and the answer re-read so it lists what DescribeUserPool will list.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from tui.embedded.errors import invalid_parameter
from tui.embedded.model import ensure_standard_schema
from tui.embedded.registry import Call, handles


@handles("CreateUserPool")
def create_user_pool(call: Call) -> dict[str, Any]:
    # The model leaves SchemaAttributeType.Name optional, but moto cannot create an
    # attribute without one (it crashed with a KeyError: found by bench/fuzz.py).
    for index, attribute in enumerate(call.body.get("Schema") or [], start=1):
        if "Name" not in attribute:
            raise invalid_parameter(f"Schema attribute {index} has no Name.")
    out = call.moto()
    pool = call.ctx.moto.require_pool(out["UserPool"]["Id"])
    ensure_standard_schema(pool)
    described = call.ctx.call_moto("DescribeUserPool", {"UserPoolId": pool.id}, call.environ)
    return {"UserPool": described["UserPool"]}


@handles("DeleteUserPool")
def delete_user_pool(call: Call) -> dict[str, Any]:
    pool = call.ctx.moto.require_pool(call.body["UserPoolId"])
    out = call.moto()
    for username in list(pool.users):
        call.ctx.store.forget_user((pool.id, username))
    call.ctx.store.email_mfa.pop(pool.id, None)
    return out


@handles("CreateUserPoolDomain")
def create_user_pool_domain(call: Call) -> dict[str, Any]:
    """moto answers a CloudFront name for every domain; AWS gives one only for a custom
    domain (a prefix domain under amazoncognito.com needs no DNS alias)."""
    out = call.moto()
    if not call.body.get("CustomDomainConfig"):
        out.pop("CloudFrontDomain", None)
    return out


@handles("DescribeUserPoolDomain")
def describe_user_pool_domain(call: Call) -> dict[str, Any]:
    """moto fills AWSAccountId with a random UUID; AWS answers the owning account."""
    out = call.moto()
    description = out.get("DomainDescription") or {}
    if description.get("AWSAccountId"):
        description["AWSAccountId"] = call.ctx.account_id
    return out


@handles("CreateUserPoolClient")
def create_user_pool_client(call: Call) -> dict[str, Any]:
    """moto makes client secrets from UUIDs (with dashes), which AWS's ClientSecretType
    pattern refuses; AWS's are 51-52 lowercase letters and digits. Replace the secret in
    the model and the answer."""
    out = call.moto()
    made = out.get("UserPoolClient") or {}
    if "ClientSecret" in made:
        pool = call.ctx.moto.require_pool(made["UserPoolId"])
        client = call.ctx.moto.pool_client(pool, made["ClientId"])
        secret = base64.b32encode(secrets.token_bytes(32)).decode().rstrip("=").lower()
        client.secret = made["ClientSecret"] = call.ctx.remember(secret)
    return out
