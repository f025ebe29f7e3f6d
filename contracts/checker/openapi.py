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


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(DEFS):
                out[key] = COMPONENTS + value[len(DEFS) :]
            else:
                out[key] = _rewrite(value)
        return out
    if isinstance(node, list):
        return [_rewrite(item) for item in node]
    return node


def operation_path(spec: Spec, operation: str) -> str:
    return f"/#X-Amz-Target={spec.target_prefix}.{operation}"


def render(spec: Spec) -> dict[str, Any]:
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
            "schemas": {name: _rewrite(schema) for name, schema in spec.defs.items()},
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
