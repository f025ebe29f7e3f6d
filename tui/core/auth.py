"""Signing in to a user pool: SRP, password and refresh flows, and the challenges.

Each step returns either `Tokens` or the next `Challenge`; the caller (a screen, or a
recorded scenario) answers a challenge with `respond`. SRP uses pycognito's maintained
implementation of Cognito's SRP variant; no SRP arithmetic lives here. SECRET_HASH is added
to every request when the app client has a secret.

Tokens, passwords, sessions and codes live only in memory: their dataclass fields are
excluded from `repr`, so they cannot leak through a log line or a traceback.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

from tui.core.connection import Connection
from tui.core.errors import CognitoError

ADMIN_SCOPE = "aws.cognito.signin.user.admin"
# Challenges this editor can answer; anything else is reported as unsupported.
SUPPORTED_CHALLENGES = (
    "NEW_PASSWORD_REQUIRED",
    "SOFTWARE_TOKEN_MFA",
    "SMS_MFA",
    "EMAIL_OTP",
    "SELECT_MFA_TYPE",
)
# The response key that carries the user's answer, per challenge.
ANSWER_KEYS = {
    "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE",
    "SMS_MFA": "SMS_MFA_CODE",
    "EMAIL_OTP": "EMAIL_OTP_CODE",
    "SELECT_MFA_TYPE": "ANSWER",
    "NEW_PASSWORD_REQUIRED": "NEW_PASSWORD",
}


def jwt_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified (Cognito verifies; this only reads exp and scope).
    An opaque or malformed token gives {}."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, json.JSONDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


@dataclass
class Tokens:
    access_token: str = field(repr=False)
    id_token: str | None = field(default=None, repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None
    username: str | None = None

    @classmethod
    def from_result(
        cls, result: dict[str, Any], refresh_token: str | None = None, now: float | None = None
    ) -> Tokens:
        auth = result["AuthenticationResult"]
        access = auth["AccessToken"]
        claims = jwt_claims(access)
        expires = claims.get("exp")
        if not isinstance(expires, int | float):
            issued = now if now is not None else time.time()
            expires = issued + float(auth.get("ExpiresIn") or 3600)
        return cls(
            access_token=access,
            id_token=auth.get("IdToken"),
            refresh_token=auth.get("RefreshToken") or refresh_token,
            expires_at=float(expires),
            username=claims.get("username"),
        )

    @classmethod
    def from_access_token(cls, token: str) -> Tokens:
        """A token obtained elsewhere (--access-token): no refresh is possible."""
        claims = jwt_claims(token)
        exp = claims.get("exp")
        return cls(
            access_token=token,
            expires_at=float(exp) if isinstance(exp, int | float) else None,
            username=claims.get("username"),
        )

    @property
    def scopes(self) -> set[str] | None:
        """The access token's scopes, or None when the token cannot be read."""
        claims = jwt_claims(self.access_token)
        if not claims:
            return None
        return set(str(claims.get("scope", "")).split())

    @property
    def can_write_attributes(self) -> bool | None:
        """Whether the token carries the scope attribute writes need (None: unknown)."""
        scopes = self.scopes
        return None if scopes is None else ADMIN_SCOPE in scopes

    def seconds_left(self, now: float | None = None) -> float | None:
        if self.expires_at is None:
            return None
        return self.expires_at - (now if now is not None else time.time())


@dataclass
class Challenge:
    name: str
    parameters: dict[str, str]
    session: str | None = field(repr=False)
    username: str
    flow: str = ""

    @property
    def supported(self) -> bool:
        return self.name in SUPPORTED_CHALLENGES

    @property
    def destination(self) -> str | None:
        return self.parameters.get("CODE_DELIVERY_DESTINATION")

    @property
    def medium(self) -> str | None:
        return self.parameters.get("CODE_DELIVERY_DELIVERY_MEDIUM")

    @property
    def mfa_options(self) -> list[str]:
        raw = self.parameters.get("MFAS_CAN_CHOOSE")
        return _json_list(raw)

    @property
    def required_attributes(self) -> list[str]:
        """Attributes a NEW_PASSWORD_REQUIRED answer must supply (without `userAttributes.`)."""
        names = _json_list(self.parameters.get("requiredAttributes"))
        return [n.removeprefix("userAttributes.") for n in names]


def _json_list(raw: str | None) -> list[str]:
    if not raw:
        return []
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return [raw]
    return [str(x) for x in data] if isinstance(data, list) else [str(data)]


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


class Authenticator:
    """The user-pool sign-in flows, over one Connection."""

    def __init__(self, connection: Connection, pool_id: str, client_id: str) -> None:
        self.connection = connection
        self.pool_id = pool_id
        self.client_id = client_id

    @property
    def _client_secret(self) -> str | None:
        return self.connection.settings.client_secret

    def _with_secret(self, params: dict[str, str], username: str) -> dict[str, str]:
        if self._client_secret:
            params["SECRET_HASH"] = secret_hash(username, self.client_id, self._client_secret)
        return params

    # -- flows -------------------------------------------------------------------------------

    def sign_in_srp(self, username: str, password: str) -> Tokens | Challenge:
        """USER_SRP_AUTH: the password never leaves this process, only a proof of it."""
        from pycognito.aws_srp import AWSSRP

        # SRP's proof is computed from the pool id's second half: a malformed id would
        # fail inside the SRP library, so it is refused here in our own words.
        self._check_pool_id()

        srp = AWSSRP(
            username=username,
            password=password,
            pool_id=self.pool_id,
            client_id=self.client_id,
            client=self.connection.client,
            client_secret=self._client_secret,
        )
        auth_params = srp.get_auth_params()
        result = self.connection.call(
            "InitiateAuth",
            AuthFlow="USER_SRP_AUTH",
            ClientId=self.client_id,
            AuthParameters=auth_params,
        )
        if result.get("ChallengeName") != "PASSWORD_VERIFIER":
            return self._outcome(result, username, "USER_SRP_AUTH")
        try:
            answers = srp.process_challenge(result["ChallengeParameters"], auth_params)
        except (KeyError, ValueError) as exc:
            raise CognitoError(
                "InvalidChallenge", f"PASSWORD_VERIFIER challenge is incomplete: {exc}"
            ) from exc
        params: dict[str, Any] = {
            "ClientId": self.client_id,
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeResponses": answers,
        }
        if result.get("Session"):
            params["Session"] = result["Session"]
        user_id = result["ChallengeParameters"].get("USER_ID_FOR_SRP", username)
        return self._outcome(
            self.connection.call("RespondToAuthChallenge", **params), user_id, "USER_SRP_AUTH"
        )

    def _check_pool_id(self) -> None:
        import re

        from tui.core.errors import VALIDATION_ERROR

        shape = self.connection.client.meta.service_model.shape_for("UserPoolIdType")
        pattern = shape.metadata["pattern"]
        # the model's patterns are Java regexes, whose \w is ASCII-only
        if not self.pool_id or not re.fullmatch(pattern, self.pool_id, re.ASCII):
            raise CognitoError(
                VALIDATION_ERROR,
                f"the pool id {self.pool_id!r} is not of the form REGION_ID (e.g. "
                "eu-west-1_AbC123): check --pool-id or the config's pool_id",
                "InitiateAuth",
            )

    def sign_in_password(self, username: str, password: str) -> Tokens | Challenge:
        """USER_PASSWORD_AUTH, for app clients that allow it."""
        params = self._with_secret({"USERNAME": username, "PASSWORD": password}, username)
        result = self.connection.call(
            "InitiateAuth",
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=self.client_id,
            AuthParameters=params,
        )
        return self._outcome(result, username, "USER_PASSWORD_AUTH")

    def refresh(self, tokens: Tokens) -> Tokens:
        """REFRESH_TOKEN_AUTH: new access and ID tokens; the refresh token is kept."""
        if not tokens.refresh_token:
            raise CognitoError("NotAuthorizedException", "No refresh token: sign in again.")
        params = {"REFRESH_TOKEN": tokens.refresh_token}
        if self._client_secret:
            # Cognito computes the secret hash for refresh from the user's sub/username.
            params["SECRET_HASH"] = secret_hash(
                tokens.username or "", self.client_id, self._client_secret
            )
        result = self.connection.call(
            "InitiateAuth",
            AuthFlow="REFRESH_TOKEN_AUTH",
            ClientId=self.client_id,
            AuthParameters=params,
        )
        if "AuthenticationResult" not in result:
            raise CognitoError("NotAuthorizedException", "Refresh did not return tokens.")
        return Tokens.from_result(result, refresh_token=tokens.refresh_token)

    def respond(self, challenge: Challenge, answers: dict[str, str]) -> Tokens | Challenge:
        """Answer a challenge. `answers` holds the challenge's answer under its key
        (see ANSWER_KEYS) and, for a new password, `userAttributes.<name>` entries."""
        if not challenge.supported:
            raise CognitoError(
                "UnsupportedChallenge",
                f"{challenge.name} cannot be answered in this editor: sign in with the "
                "hosted UI or the AWS CLI first.",
            )
        responses = {"USERNAME": challenge.username, **answers}
        self._with_secret(responses, challenge.username)
        params: dict[str, Any] = {
            "ClientId": self.client_id,
            "ChallengeName": challenge.name,
            "ChallengeResponses": responses,
        }
        if challenge.session:
            params["Session"] = challenge.session
        result = self.connection.call("RespondToAuthChallenge", **params)
        return self._outcome(result, challenge.username, challenge.flow)

    def global_sign_out(self, tokens: Tokens) -> None:
        self.connection.call("GlobalSignOut", AccessToken=tokens.access_token)

    # -- results -----------------------------------------------------------------------------

    def _outcome(self, result: dict[str, Any], username: str, flow: str) -> Tokens | Challenge:
        if "AuthenticationResult" in result:
            return Tokens.from_result(result)
        name = result.get("ChallengeName")
        if not name:
            raise CognitoError(
                "InvalidResponse", "Cognito returned neither tokens nor a challenge."
            )
        params = dict(result.get("ChallengeParameters") or {})
        user = params.get("USER_ID_FOR_SRP") or params.get("USERNAME") or username
        return Challenge(str(name), params, result.get("Session"), user, flow)
