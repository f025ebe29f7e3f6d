"""Helpers for the embedded backend's tests: real botocore clients, fresh users, sign-in.

Every call goes over HTTP through botocore's `cognito-idp` client; nothing is mocked.
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from functools import cache
from typing import Any

import botocore.session
from botocore.config import Config
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

# Every backend a test starts in strict mode; conftest checks none of them ever answered
# outside the spec.
STRICT_BACKENDS: list[Any] = []
TARGET = "AWSCognitoIdentityProviderService"
# Loopback never goes through a proxy, whatever the environment says.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def start_backend(**options: Any) -> Any:
    from tui.embedded import EmbeddedCognito

    backend = EmbeddedCognito(strict=True, **options).start()
    STRICT_BACKENDS.append(backend)
    return backend


def stop_backend(backend: Any) -> None:
    """Stop a strict backend; it must not have answered outside the spec, ever."""
    backend.stop()
    assert backend.spec_violations == [], backend.spec_violations


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


def client(backend: Any, *, retries: dict[str, Any] | None = None, validate: bool = True) -> Any:
    """A botocore cognito-idp client for `backend` (dummy credentials: moto ignores them)."""
    config = Config(
        retries=retries or {"mode": "standard", "total_max_attempts": 1},
        parameter_validation=validate,
    )
    return _session().create_client(
        "cognito-idp",
        region_name=backend.region,
        endpoint_url=backend.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )


def error_of(excinfo: Any) -> tuple[str, str]:
    """(code, message) of a botocore ClientError caught by pytest.raises."""
    error = excinfo.value.response["Error"]
    return error["Code"], error.get("Message", "")


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def new_user(
    cognito: Any,
    pool_id: str,
    *,
    password: str = "Correct-Horse-9",
    email: str | None = None,
    verified: bool = True,
    extra: dict[str, str] | None = None,
) -> tuple[str, str]:
    """A confirmed user with a permanent password; returns (username, email)."""
    username = unique()
    email = email or f"{username}@example.com"
    attributes = {"email": email, "email_verified": "true" if verified else "false"}
    attributes.update(extra or {})
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
    )
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=password, Permanent=True
    )
    return username, email


def password_sign_in(cognito: Any, client_id: str, username: str, password: str) -> dict[str, Any]:
    return cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )


def access_token(
    cognito: Any, client_id: str, username: str, password: str = "Correct-Horse-9"
) -> str:
    result = password_sign_in(cognito, client_id, username, password)
    return str(result["AuthenticationResult"]["AccessToken"])


def attributes_of(cognito: Any, token: str) -> dict[str, str]:
    found = cognito.get_user(AccessToken=token)["UserAttributes"]
    return {a["Name"]: a["Value"] for a in found}


def totp_now(secret: str, steps: int = 0) -> str:
    """The current RFC 6238 code (or the one `steps` 30-second steps away), from
    cryptography's implementation (independent of the backend's own). AWS accepts the
    neighbouring step but refuses a code already used, so a second sign-in in the same
    step uses `steps=1`."""
    import base64
    import time

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    generator = TOTP(key, 6, SHA1(), 30, enforce_key_length=False)
    return generator.generate(int(time.time()) + 30 * steps).decode()


def raw_call(backend: Any, operation: str, body: bytes, path: str = "/") -> tuple[int, Any]:
    """POST a body botocore cannot produce (not JSON, not an object, unknown members)."""
    request = urllib.request.Request(
        backend.endpoint_url + path,
        data=body,
        method="POST",
        headers={
            "X-Amz-Target": f"{TARGET}.{operation}",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    try:
        with DIRECT.open(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def control(backend: Any, name: str, payload: dict[str, Any] | None = None) -> tuple[int, Any]:
    """GET (no payload) or POST a control endpoint."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(
        f"{backend.endpoint_url}/_embedded/{name}",
        data=data,
        method="GET" if data is None else "POST",
    )
    try:
        with DIRECT.open(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class Server:
    """The CLI in a subprocess, its stdout JSON line parsed and stderr read as it comes."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "embedded", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stderr: queue.Queue[str] = queue.Queue()
        self.stderr_lines: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(
            target=lambda: lines.put(self.process.stdout.readline()), daemon=True
        ).start()
        self.line = lines.get(timeout=30)
        self.info = json.loads(self.line)

    def _pump(self) -> None:
        for line in self.process.stderr:
            self.stderr_lines.append(line)
            self.stderr.put(line)

    def wait_for(self, pattern: re.Pattern[str], timeout: float = 10) -> re.Match[str]:
        while True:
            match = pattern.search(self.stderr.get(timeout=timeout))
            if match:
                return match

    def stop(self, sig: int) -> int:
        self.process.send_signal(sig)
        code = self.process.wait(timeout=15)
        self.rest_of_stdout = self.process.stdout.read()
        return code
