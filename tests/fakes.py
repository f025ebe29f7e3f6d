"""Made-up values that have the shape of secrets, built when the tests run, so that no
secret-shaped literal (a JWT) sits in the repository for scanners to flag."""

from __future__ import annotations

import base64
import json
from typing import Any


def _part(data: Any) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def fake_jwt(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    """header.claims.signature, each base64url without padding; signed by nobody."""
    return ".".join([_part(header), _part(claims), _part(signature) if signature else "x"])
