"""The services every handler shares: moto's state, the clock, the outbox, codes, sessions,
access-token checks and calls into moto's own implementation.

One `Context` exists per running backend. Handlers run under its lock (moto's model is not
thread-safe and the werkzeug server is threaded), so they read and change state freely.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from werkzeug.test import run_wsgi_app

from contracts.checker.spec import Spec, normalise_error_type
from tui.embedded.clock import Clock
from tui.embedded.errors import (
    CognitoError,
    code_mismatch,
    expired_code,
    internal_error,
    not_authorized,
    user_not_found,
)
from tui.embedded.model import Moto, Pool, User, secret_equal
from tui.embedded.outbox import Delivery, Outbox, mask_destination, medium_for
from tui.embedded.store import AuthSession, IssuedCode, Store

# Where the middleware keeps the request id it answers with (x-amzn-RequestId).
REQUEST_ID = "tui.embedded.request_id"
# The error type moto's paginator raises for a token it did not issue.
MOTO_BAD_PAGE = "InvalidToken"

DAY = 24 * 3600


def jwt_claims(token: str) -> dict[str, Any] | None:
    """The payload of a JWT we issued (signature not re-checked: we look tokens up in our
    own tables before trusting them); None when `token` is not a JWT at all."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, binascii.Error):
        return None
    return claims if isinstance(claims, dict) else None


@dataclass(slots=True)
class TokenContext:
    """Who an access token speaks for, once it has been checked."""

    token: str
    pool: Pool
    user: User
    client_id: str
    claims: dict[str, Any]


class Context:
    def __init__(
        self,
        *,
        spec: Spec,
        account_id: str,
        region: str,
        clock: Clock,
        outbox: Outbox,
        store: Store,
        moto_app: Any,
    ) -> None:
        self.spec = spec
        self.account_id = account_id
        self.region = region
        self.clock = clock
        self.outbox = outbox
        self.store = store
        self.moto = Moto(account_id)
        self.moto_app = moto_app
        self.lock = threading.RLock()

    # -- secrets ---------------------------------------------------------------------------

    def remember(self, secret: str) -> str:
        """Record a secret the backend hands out (tests check none of them leaks)."""
        self.store.issued.add(secret)
        return secret

    def new_code(self) -> str:
        """A fresh 6-digit code from the secrets module: never predictable, never fixed."""
        return self.remember(f"{secrets.randbelow(10**6):06d}")

    def new_session(
        self, pool: Pool, client_id: str, user: User, challenge: str, validity_minutes: float
    ) -> AuthSession:
        session = AuthSession(
            session=self.remember(secrets.token_urlsafe(120)),
            pool_id=pool.id,
            client_id=client_id,
            username=user.username,
            challenge=challenge,
            expires_at=self.clock.now() + 60 * validity_minutes,
        )
        self.store.sessions[session.session] = session
        return session

    # -- codes and deliveries --------------------------------------------------------------

    def deliver(
        self, user: User, attribute: str, destination: str, code: str, purpose: str
    ) -> None:
        self.outbox.add(
            Delivery(
                username=user.username,
                attribute=attribute,
                medium=medium_for(attribute),
                destination=destination,
                code=code,
                purpose=purpose,
                sent_at=self.clock.now(),
            )
        )

    def send_code(
        self, pool: Pool, user: User, attribute: str, value: str, purpose: str, slot: str
    ) -> dict[str, str]:
        """Issue a code proving `value` of `attribute`, deliver it, and answer AWS's
        CodeDeliveryDetails. A new code for the same slot replaces the previous one."""
        code = self.new_code()
        self.store.codes[(pool.id, user.username, slot)] = IssuedCode(
            code=code, attribute=attribute, value=value, issued_at=self.clock.now(), purpose=purpose
        )
        self.deliver(user, attribute, value, code, purpose)
        return {
            "Destination": mask_destination(attribute, value),
            "DeliveryMedium": medium_for(attribute),
            "AttributeName": attribute,
        }

    def check_code(
        self, pool: Pool, user: User, slot: str, code: str, max_age: float
    ) -> IssuedCode:
        """The issued code `code` answers, or CodeMismatch / ExpiredCode as AWS says them."""
        key = (pool.id, user.username, slot)
        issued = self.store.codes.get(key)
        if issued is None or not secret_equal(issued.code, code):
            if any(secret_equal(spent, code) for spent in self.store.spent.get(key, ())):
                raise expired_code()  # a used code is "expired", not a mismatch (evidence)
            raise code_mismatch()
        if self.clock.now() - issued.issued_at > max_age:
            raise expired_code()
        return issued

    def consume_code(self, pool: Pool, user: User, slot: str) -> None:
        """Withdraw the code of `slot` (its value changed): it now simply does not match."""
        self.store.codes.pop((pool.id, user.username, slot), None)

    def spend_code(self, pool: Pool, user: User, slot: str) -> None:
        """The code of `slot` did its job: sending it again answers ExpiredCodeException."""
        key = (pool.id, user.username, slot)
        issued = self.store.codes.pop(key, None)
        if issued is not None:
            self.store.spent.setdefault(key, []).append(issued.code)

    # -- access tokens ---------------------------------------------------------------------

    def authenticate(self, token: str, operation: str) -> TokenContext:
        """Check an AccessToken the way Cognito does: known, not revoked, not expired (by
        the backend clock against the token's own `exp`), and its user still enabled."""
        claims = jwt_claims(token)
        if claims is None or claims.get("token_use") != "access":
            raise not_authorized("Invalid Access Token")
        pool = next((p for p in self.moto.pools() if token in p.access_tokens), None)
        if pool is None:
            if token in self.store.issued:
                raise not_authorized("Access Token has been revoked")
            raise not_authorized("Invalid Access Token")
        if self.clock.now() >= float(claims.get("exp", 0)):
            raise not_authorized("Access Token has expired")
        client_id, username = pool.access_tokens[token]
        user = pool.users.get(username)
        if user is None:
            # Some token operations do not model UserNotFoundException.
            if "UserNotFoundException" in self.spec.operation(operation).errors:
                raise user_not_found()
            raise not_authorized("User does not exist.")
        if not user.enabled:
            raise not_authorized("User is disabled.")
        return TokenContext(token, pool, user, client_id, claims)

    # -- moto ------------------------------------------------------------------------------

    def bad_page_token(
        self, operation: str, body: dict[str, Any], environ: dict[str, Any]
    ) -> CognitoError:
        """moto's paginator refuses a token it did not issue with its own `InvalidToken`,
        which no Cognito operation models. AWS answers a paging marker it cannot use in
        the words reported in aws/aws-sdk-js#3705 (ListUsers); the error type there was
        not shown, so InvalidParameterException, which every paginated operation models,
        is unmeasured (tui/embedded/deviations.toml)."""
        marker = body.get("PaginationToken", body.get("NextToken", ""))
        request_id = environ.get(REQUEST_ID, "")
        if "InvalidParameterException" not in self.spec.operation(operation).errors:
            return internal_error(f"{operation} received a page token it cannot read.")
        return CognitoError(
            "InvalidParameterException",
            f"Paging marker {marker} is invalid for request {request_id}",
        )

    def call_moto(
        self, operation: str, body: dict[str, Any], environ: dict[str, Any]
    ) -> dict[str, Any]:
        """Run one operation through moto's own Flask app, in process.

        `environ` is the client's request: its signature decides moto's region, as it would
        for moto alone; the account is this backend's (moto would otherwise derive it from
        the access key); the body and the operation are replaced."""
        data = json.dumps(body).encode()
        env = dict(environ)
        env["wsgi.input"] = io.BytesIO(data)
        env["CONTENT_LENGTH"] = str(len(data))
        env["HTTP_X_AMZ_TARGET"] = f"{self.spec.target_prefix}.{operation}"
        env["HTTP_X_MOTO_ACCOUNT_ID"] = self.account_id
        app_iter, status, _headers = run_wsgi_app(self.moto_app, env, buffered=True)
        try:
            raw = b"".join(app_iter)
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        code = int(status.split()[0])
        try:
            parsed = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise internal_error(f"moto answered {operation} with a non-JSON body") from None
        if code >= 400:
            error_type = normalise_error_type(str(parsed.get("__type") or "InternalErrorException"))
            message = parsed.get("message", parsed.get("Message"))
            if error_type == MOTO_BAD_PAGE:
                raise self.bad_page_token(operation, body, environ)
            raise CognitoError(error_type, message, code)
        return parsed if isinstance(parsed, dict) else {}
