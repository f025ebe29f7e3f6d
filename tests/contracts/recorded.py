"""Cassettes and HAR files for the checker's tests, written in the real formats: cassettes
through vcrpy's own serializer, HAR as browsers export it; and the installed
`cognito-contracts` command to run on them."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from vcr.request import Request
from vcr.serialize import serialize
from vcr.serializers import yamlserializer

ENDPOINT = "https://cognito-idp.eu-west-1.amazonaws.com/"
MEDIA = "application/x-amz-json-1.1"
PREFIX = "AWSCognitoIdentityProviderService."


def interaction(
    operation: str,
    request: Any,
    response: Any,
    status: int = 200,
    *,
    method: str = "POST",
    uri: str = ENDPOINT,
    target: str | None = None,
    request_media: str = MEDIA,
    response_media: str = MEDIA,
) -> tuple[Request, dict[str, Any]]:
    body = request if isinstance(request, bytes) else json.dumps(request).encode()
    headers = {
        # botocore sends these as bytes; vcrpy records them as they come
        "X-Amz-Target": (target or PREFIX + operation).encode(),
        "Content-Type": request_media.encode(),
        "User-Agent": b"Botocore/1.44",
    }
    req = Request(method, uri, body, headers)
    resp_body = response if isinstance(response, bytes) else json.dumps(response).encode()
    resp = {
        "status": {"code": status, "message": "OK" if status == 200 else "Bad Request"},
        "headers": {"Content-Type": [response_media], "x-amzn-RequestId": ["r-1"]},
        "body": {"string": resp_body},
    }
    return req, resp


def write_cassette(path: Path, interactions: list[tuple[Request, dict[str, Any]]]) -> Path:
    data = {
        "requests": [i[0] for i in interactions],
        # vcrpy's serializer rewrites bodies in place: hand it copies
        "responses": [copy.deepcopy(i[1]) for i in interactions],
        "metadata": {"scenario": path.stem},
    }
    path.write_text(serialize(data, yamlserializer))
    return path


def write_har(path: Path, interactions: list[tuple[Request, dict[str, Any]]]) -> Path:
    entries: list[dict[str, Any]] = [
        {  # a page load the checker must ignore
            "request": {"method": "GET", "url": "https://app.example.com/", "headers": []},
            "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html"}},
        }
    ]
    for req, resp in interactions:
        entries.append(
            {
                "request": {
                    "method": req.method,
                    "url": req.uri,
                    "headers": [
                        {"name": k, "value": v.decode() if isinstance(v, bytes) else v}
                        for k, v in req.headers.items()
                    ],
                    "postData": {"mimeType": MEDIA, "text": req.body.decode()},
                },
                "response": {
                    "status": resp["status"]["code"],
                    "headers": [{"name": k, "value": v[0]} for k, v in resp["headers"].items()],
                    "content": {
                        "mimeType": resp["headers"]["Content-Type"][0],
                        "text": _text(resp["body"]["string"]),
                    },
                },
            }
        )
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}))
    return path


def _text(body: str | bytes) -> str:
    return body.decode() if isinstance(body, bytes) else body


GET_USER_OK = interaction(
    "GetUser",
    {"AccessToken": "token-placeholder"},
    {
        "Username": "alice",
        "UserAttributes": [
            {"Name": "sub", "Value": "0a1b2c3d"},
            {"Name": "email", "Value": "alice@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    },
)
UPDATE_OK = interaction(
    "UpdateUserAttributes",
    {
        "AccessToken": "token-placeholder",
        "UserAttributes": [{"Name": "email", "Value": "new@example.com"}],
        "ClientMetadata": {"source": "cognito-tui"},
    },
    {
        "CodeDeliveryDetailsList": [
            {"Destination": "n***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
        ]
    },
)
NOT_AUTHORIZED = interaction(
    "GetUser",
    {"AccessToken": "token-placeholder"},
    {"__type": "NotAuthorizedException", "message": "Access Token has expired"},
    400,
)


EXE = shutil.which("cognito-contracts") or str(Path(sys.executable).parent / "cognito-contracts")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [EXE, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done
