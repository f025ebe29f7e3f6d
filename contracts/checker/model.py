"""Access to botocore's `cognito-idp` service model, the project's one source of truth."""

from __future__ import annotations

import functools
from typing import Any

SERVICE = "cognito-idp"
# Where compiled schemas live and how they are named (shared by compiler, spec and OpenAPI).
DEFS = "#/$defs/"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
COMMON_PREFIX = "Common."


def botocore_version() -> str:
    import botocore

    return str(botocore.__version__)


@functools.lru_cache(maxsize=4)
def load_service_model(service: str = SERVICE) -> dict[str, Any]:
    """The raw service-2 model, as botocore's own loader finds it (search paths included)."""
    from botocore.loaders import Loader

    model: dict[str, Any] = Loader().load_service_model(service, "service-2")
    return model


def target_prefix(model: dict[str, Any]) -> str:
    return str(model["metadata"]["targetPrefix"])


def media_type(model: dict[str, Any]) -> str:
    return f"application/x-amz-json-{model['metadata'].get('jsonVersion', '1.0')}"
