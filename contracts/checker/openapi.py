"""The compiled spec rendered as an OpenAPI 3.1 document, for schemathesis and other tools.

One path per operation, `/#X-Amz-Target=AWSCognitoIdentityProviderService.<Op>` (the
fragment keeps paths distinct while every call really goes to `POST /`), with the target
header as a one-value enum, the awsJson media type, 200 with the output and 400/500 (and
the 4XX/5XX ranges) with the bodies of the errors the operation may return. The schemas are
the checker's own, so the two views of the spec cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from contracts.checker.model import COMMON_PREFIX, DEFS
from contracts.checker.spec import Spec

COMPONENTS = "#/components/schemas/"
ERROR_STATUSES = ("400", "4XX", "500", "5XX")
PATH_PREFIX = "/#X-Amz-Target="

# OpenAPI links for stateful testing (opt-in): each successful call hands what it used or
# received to the next step of the editor's two attribute workflows, the user's own
# (signed in, then read, update, request a code, verify, delete) and the administrator's.
# A read user goes on to ask for a code for its email, the attribute the editor verifies
# (a generated attribute name almost never names one that can be verified), so the chain
# reaches VerifyUserAttribute; the code itself is the server's to deliver (on the embedded
# backend, the schemathesis hooks read it from the outbox).
_TOKEN = {"AccessToken": "$request.body#/AccessToken"}
_ADMIN = {"UserPoolId": "$request.body#/UserPoolId", "Username": "$request.body#/Username"}
LINKS: dict[str, dict[str, dict[str, Any]]] = {
    "InitiateAuth": {
        "GetUser": {"AccessToken": "$response.body#/AuthenticationResult/AccessToken"},
    },
    "RespondToAuthChallenge": {
        "GetUser": {"AccessToken": "$response.body#/AuthenticationResult/AccessToken"},
    },
    "GetUser": {
        "GetUserAttributeVerificationCode": {**_TOKEN, "AttributeName": "email"},
        "UpdateUserAttributes": _TOKEN,
        "DeleteUserAttributes": {
            **_TOKEN,
            "UserAttributeNames": ["$response.body#/UserAttributes/0/Name"],
        },
    },
    "UpdateUserAttributes": {
        "GetUserAttributeVerificationCode": {
            **_TOKEN,
            "AttributeName": "$request.body#/UserAttributes/0/Name",
        },
        "GetUser": _TOKEN,
    },
    "GetUserAttributeVerificationCode": {
        "VerifyUserAttribute": {**_TOKEN, "AttributeName": "$request.body#/AttributeName"},
    },
    "VerifyUserAttribute": {
        "DeleteUserAttributes": {
            **_TOKEN,
            "UserAttributeNames": ["$request.body#/AttributeName"],
        },
        "GetUser": _TOKEN,
    },
    "AdminGetUser": {
        "AdminUpdateUserAttributes": _ADMIN,
        "AdminDeleteUserAttributes": {
            **_ADMIN,
            "UserAttributeNames": ["$response.body#/UserAttributes/0/Name"],
        },
    },
    "AdminUpdateUserAttributes": {
        "AdminDeleteUserAttributes": {
            **_ADMIN,
            "UserAttributeNames": ["$request.body#/UserAttributes/0/Name"],
        },
        "AdminGetUser": _ADMIN,
    },
    "AdminDeleteUserAttributes": {"AdminGetUser": _ADMIN},
}


# In the compact rendering, strings the model allows to be longer than this are generated
# at most this long (`maxLength` lowered, the model's own kept as MODEL_MAX_LENGTH); the
# schemathesis hooks stretch a generated string longer than the lowered limit to just past
# the model's (`contracts.schemathesis_hooks.stretch`), so a too-long value is still too long.
# Without it, negative bodies reach megabytes, and schemathesis folds the limit into the
# pattern's quantifier ([\S]{1,131072}: seconds to compile, again for every new mutation;
# 2,048 repeats of a sampled Unicode class still take half a second, 256 a tenth), hence
# the lower bound for strings with a pattern.
GENERATED_MAX_LENGTH = 2048
GENERATED_MAX_PATTERN_LENGTH = 256
MODEL_MAX_LENGTH = "x-model-max-length"


def _generated_max_length(node: dict[str, Any]) -> int:
    bound = GENERATED_MAX_PATTERN_LENGTH if "pattern" in node else GENERATED_MAX_LENGTH
    return max(bound, int(node.get("minLength", 0)))


def _rewrite(node: Any, compact: bool = False) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(DEFS):
                out[key] = COMPONENTS + value[len(DEFS) :]
            elif key == "pattern" and compact and isinstance(value, str):
                out[key] = compact_pattern(value)
            elif (
                key == "maxLength"
                and compact
                and isinstance(value, int)
                and node.get("type") == "string"
                and value > _generated_max_length(node)
            ):
                out[key] = _generated_max_length(node)
                out[MODEL_MAX_LENGTH] = value
            else:
                out[key] = _rewrite(value, compact)
        return out
    if isinstance(node, list):
        return [_rewrite(item, compact) for item in node]
    return node


# Character classes longer than this are sampled by `compact_pattern`: the first items
# (ASCII comes first) and an even spread of the rest, every script still represented.
CLASS_HEAD = 16
CLASS_SPREAD = 48


def _class_atom(pattern: str, pos: int) -> tuple[str, int]:
    if pattern[pos] == "\\":
        width = {"x": 4, "u": 6, "U": 10}.get(pattern[pos + 1], 2)
        return pattern[pos : pos + width], pos + width
    return pattern[pos], pos + 1


def compact_pattern(pattern: str) -> str:
    """`pattern` with every long positive character class cut down to a sample of its own
    items, so it matches a subset of what `pattern` matches.

    The translated Java patterns spell Unicode classes out as thousands of ranges, and
    building Hypothesis's strategy for one takes seconds; a generator reading the sampled
    pattern produces valid values at once. Negated classes are left whole (sampling them
    would widen them). For generation only: a response checked against a sampled pattern
    could fail for a character the real pattern allows."""
    out: list[str] = []
    pos = 0
    while pos < len(pattern):
        char = pattern[pos]
        if char == "\\":
            out.append(pattern[pos : pos + 2])
            pos += 2
            continue
        if char != "[":
            out.append(char)
            pos += 1
            continue
        pos += 1
        negated = pattern[pos] == "^"
        pos += negated
        items: list[str] = []
        while pattern[pos] != "]":
            first, pos = _class_atom(pattern, pos)
            if pattern[pos] == "-" and pattern[pos + 1] != "]":
                last, pos = _class_atom(pattern, pos + 1)
                items.append(f"{first}-{last}")
            else:
                items.append(first)
        pos += 1
        if not negated and len(items) > CLASS_HEAD + CLASS_SPREAD:
            rest = items[CLASS_HEAD:]
            step = -(-len(rest) // CLASS_SPREAD)
            items = items[:CLASS_HEAD] + rest[::step]
        out.append("[" + ("^" if negated else "") + "".join(items) + "]")
    return "".join(out)


def operation_path(spec: Spec, operation: str) -> str:
    return f"{PATH_PREFIX}{spec.target_prefix}.{operation}"


def _links(spec: Spec, operation: str) -> dict[str, Any]:
    return {
        f"{operation}To{target}": {"operationId": target, "requestBody": body}
        for target, body in LINKS.get(operation, {}).items()
        if target in spec.operations
    }


def render(spec: Spec, links: bool = False, compact: bool = False) -> dict[str, Any]:
    """The OpenAPI document; `links` adds the stateful links of `LINKS`; `compact` samples
    the long character classes of patterns (`compact_pattern`) and lowers the longest
    string limits (GENERATED_MAX_LENGTH), for fast generation."""
    media = spec.media_type
    paths: dict[str, Any] = {}
    for name, op in spec.operations.items():
        target = f"{spec.target_prefix}.{name}"
        if op.output:
            ok_schema: dict[str, Any] = {"$ref": COMPONENTS + op.output}
        else:
            ok_schema = {"type": "object", "maxProperties": 0}
        errors = [{"$ref": COMPONENTS + e} for e in op.errors]
        errors += [{"$ref": COMPONENTS + COMMON_PREFIX + e} for e in op.common_errors]
        error_response = {
            "description": "An error the operation models, or a common AWS error.",
            "content": {media: {"schema": {"oneOf": errors}}},
        }
        operation: dict[str, Any] = {
            "operationId": name,
            "parameters": [
                {
                    "name": "X-Amz-Target",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string", "enum": [target]},
                }
            ],
            "requestBody": {
                "required": True,
                "content": {media: {"schema": {"$ref": COMPONENTS + op.input} if op.input else {}}},
            },
            "responses": {
                "200": {"description": "Success.", "content": {media: {"schema": ok_schema}}},
                **{status: error_response for status in ERROR_STATUSES},
            },
        }
        if links and _links(spec, name):
            operation["responses"]["200"]["links"] = _links(spec, name)
        if op.unsigned:
            operation["security"] = []
        paths[operation_path(spec, name)] = {"post": operation}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Amazon Cognito user pools (cognito-idp), wire-level contract",
            "version": f"{spec.service.get('api_version')} (botocore {spec.botocore_version})",
            "description": (
                "Compiled by cognito-contracts from botocore's service model. Every call is "
                "POST / with the operation in X-Amz-Target; the path fragment only keeps "
                "operations apart."
            ),
        },
        "servers": [{"url": "https://cognito-idp.us-east-1.amazonaws.com"}],
        "paths": paths,
        "components": {
            "schemas": {name: _rewrite(schema, compact) for name, schema in spec.defs.items()},
            "securitySchemes": {
                "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header"}
            },
        },
        "security": [{"sigv4": []}],
    }


def register_schemathesis_deserializer(media_type: str) -> None:
    """Teach schemathesis to read awsJson bodies (it treats them as non-JSON otherwise and
    would pass every response). Needs schemathesis, a development dependency."""
    import orjson
    import schemathesis

    @schemathesis.deserializer(media_type)
    def _awsjson(ctx: Any, response: Any) -> Any:
        return orjson.loads(response.content) if response.content else {}


def load_schemathesis(spec: Spec) -> Any:
    """The OpenAPI rendering loaded by schemathesis, ready for `validate_response`."""
    import schemathesis

    register_schemathesis_deserializer(spec.media_type)
    return schemathesis.openapi.from_dict(render(spec))
