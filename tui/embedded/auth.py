"""Sign-in: InitiateAuth / AdminInitiateAuth and the challenges that follow.

moto accepts any SRP proof, shares one TOTP secret, never sends SMS or email codes and
does not know EMAIL_OTP or SELECT_MFA_TYPE. This module runs the whole conversation:

    password step   USER_SRP_AUTH (real SRP, see srp.py), USER_PASSWORD_AUTH,
                    ADMIN_USER_PASSWORD_AUTH / ADMIN_NO_SRP_AUTH
    then            NEW_PASSWORD_REQUIRED for FORCE_CHANGE_PASSWORD users
    then            MFA: SMS_MFA / EMAIL_OTP (code in the outbox), SOFTWARE_TOKEN_MFA,
                    SELECT_MFA_TYPE when several are enabled and none preferred,
                    MFA_SETUP when the pool requires MFA and the user has none
    then            tokens (tokens.py); REFRESH_TOKEN_AUTH refreshes them.

Sessions expire after the client's AuthSessionValidity (3 minutes by default) on the
backend clock. The app client's ExplicitAuthFlows and secret (SECRET_HASH) are enforced.
"""

from __future__ import annotations

import json
from typing import Any

from tui.embedded import srp, tokens
from tui.embedded.attributes import check_writes
from tui.embedded.context import DAY, Context, jwt_claims
from tui.embedded.errors import (
    CognitoError,
    code_mismatch,
    invalid_parameter,
    not_authorized,
    user_not_found,
)
from tui.embedded.mfa import pool_methods, totp_matches, user_methods
from tui.embedded.model import (
    Client,
    Pool,
    User,
    UserStatus,
    check_password,
    check_secret_hash,
    find_user,
    required_attributes,
    secret_equal,
    set_attributes,
)
from tui.embedded.outbox import mask_destination, medium_for
from tui.embedded.registry import Call, handles
from tui.embedded.store import AuthSession

# Which ExplicitAuthFlows entries allow a flow (ALLOW_* and the legacy names).
FLOW_PERMISSIONS = {
    "USER_SRP_AUTH": {"ALLOW_USER_SRP_AUTH"},
    "USER_PASSWORD_AUTH": {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"},
    "ADMIN_USER_PASSWORD_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "ADMIN_NO_SRP_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "REFRESH_TOKEN_AUTH": {"ALLOW_REFRESH_TOKEN_AUTH"},
    "REFRESH_TOKEN": {"ALLOW_REFRESH_TOKEN_AUTH"},
    "CUSTOM_AUTH": {"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"},
    "USER_AUTH": {"ALLOW_USER_AUTH"},
}
# What a client created without ExplicitAuthFlows allows (AWS's default).
DEFAULT_FLOWS = {"ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
PUBLIC_FLOWS = {
    "USER_SRP_AUTH",
    "USER_PASSWORD_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "USER_AUTH",
}
ADMIN_FLOWS = {
    "USER_SRP_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "USER_AUTH",
}
UNSUPPORTED_FLOWS = {"CUSTOM_AUTH", "USER_AUTH"}
CODE_RESPONSES = {
    "SMS_MFA": "SMS_MFA_CODE",
    "EMAIL_OTP": "EMAIL_OTP_CODE",
    "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE",
}
MAX_CODE_ATTEMPTS = 5
WRONG_PASSWORD = "Incorrect username or password."


class SignIn:
    """One sign-in conversation's fixed parts: backend, pool and app client."""

    def __init__(self, ctx: Context, pool: Pool, client: Client) -> None:
        self.ctx = ctx
        self.pool = pool
        self.client = client

    # -- start -----------------------------------------------------------------------------

    def initiate(self, flow: str, params: dict[str, str], *, admin: bool) -> dict[str, Any]:
        if flow not in (ADMIN_FLOWS if admin else PUBLIC_FLOWS):
            raise invalid_parameter("Initiate Auth method not supported.")
        configured = self.client.extended_config.get("ExplicitAuthFlows")
        allowed = set(configured) if configured else DEFAULT_FLOWS
        if not allowed & FLOW_PERMISSIONS[flow]:
            if admin:
                raise invalid_parameter("Auth flow not enabled for this client")
            raise invalid_parameter(f"{flow} flow not enabled for this client")
        if flow in UNSUPPORTED_FLOWS:
            raise invalid_parameter(f"{flow} is not supported by the embedded Cognito backend.")
        if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
            return self.refresh(params)
        name = params.get("USERNAME")
        if not name:
            raise invalid_parameter("Missing required parameter USERNAME")
        user = find_user(self.pool, name)
        check_secret_hash(
            self.client, params.get("SECRET_HASH"), [name] + ([user.username] if user else [])
        )
        if user is None:
            raise self.unknown_user()
        if not user.enabled:
            raise not_authorized("User is disabled.")
        if user.status == UserStatus.RESET_REQUIRED and flow == "USER_SRP_AUTH":
            raise CognitoError(
                "PasswordResetRequiredException", "Password reset required for the user"
            )
        if flow == "USER_SRP_AUTH":
            return self.srp_start(user, params)
        if user.status == UserStatus.UNCONFIRMED:
            # AWS says so before it looks at the password (evidence corpus).
            raise CognitoError("UserNotConfirmedException", "User is not confirmed.")
        if not secret_equal(user.password, params.get("PASSWORD")):
            raise not_authorized(WRONG_PASSWORD)
        return self.after_password(user, srp=False)

    def unknown_user(self) -> CognitoError:
        if self.client.extended_config.get("PreventUserExistenceErrors") == "ENABLED":
            return not_authorized(WRONG_PASSWORD)
        return user_not_found()

    def session(self, user: User, challenge: str) -> AuthSession:
        minutes = float(self.client.extended_config.get("AuthSessionValidity") or 3)
        return self.ctx.new_session(self.pool, self.client.id, user, challenge, minutes)

    def srp_start(self, user: User, params: dict[str, str]) -> dict[str, Any]:
        big_a = srp.valid_public_value(params.get("SRP_A") or "")
        if big_a is None:
            raise invalid_parameter("SRP_A must be a non-zero hexadecimal value modulo N.")
        state = srp.start(self.pool.id, user.username, str(user.password), big_a)
        session = self.session(user, "PASSWORD_VERIFIER")
        session.srp = state
        self.ctx.remember(state.secret_block)
        self.ctx.store.secret_blocks[state.secret_block] = session.session
        # AWS sends no Session here: the SECRET_BLOCK names the exchange.
        return {
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeParameters": srp.challenge_parameters(state, user.username),
        }

    # -- after the password ----------------------------------------------------------------

    def after_password(self, user: User, *, srp: bool = True) -> dict[str, Any]:
        status = UserStatus(user.status)
        if status == UserStatus.UNCONFIRMED:
            raise CognitoError("UserNotConfirmedException", "User is not confirmed.")
        if status == UserStatus.RESET_REQUIRED:
            raise CognitoError(
                "PasswordResetRequiredException", "Password reset required for the user"
            )
        if status == UserStatus.FORCE_CHANGE_PASSWORD:
            issued = self.ctx.store.temp_passwords.get((self.pool.id, user.username))
            policy = (self.pool.extended_config.get("Policies") or {}).get("PasswordPolicy") or {}
            days = float(policy.get("TemporaryPasswordValidityDays", 7))
            if issued is not None and self.ctx.clock.now() - issued > days * DAY:
                raise not_authorized(
                    "Temporary password has expired and must be reset by an administrator."
                )
            return self.new_password_challenge(user, srp=srp)
        return self.after_first_factor(user)

    def new_password_challenge(self, user: User, *, srp: bool) -> dict[str, Any]:
        """The password flows also send USER_ID_FOR_SRP, the SRP path does not (evidence)."""
        attributes = {k: v for k, v in user.attribute_lookup.items() if k != "sub"}
        missing = [a for a in required_attributes(self.pool) if not attributes.get(a)]
        session = self.session(user, "NEW_PASSWORD_REQUIRED")
        return {
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": session.session,
            "ChallengeParameters": {
                **({} if srp else {"USER_ID_FOR_SRP": user.username}),
                "requiredAttributes": json.dumps([f"userAttributes.{a}" for a in missing]),
                "userAttributes": json.dumps(attributes),
            },
        }

    def after_first_factor(self, user: User) -> dict[str, Any]:
        methods = user_methods(self.ctx, self.pool, user)
        if not methods:
            if self.pool.mfa_config == "ON" and "SOFTWARE_TOKEN_MFA" in pool_methods(
                self.ctx, self.pool
            ):
                session = self.session(user, "MFA_SETUP")
                return {
                    "ChallengeName": "MFA_SETUP",
                    "Session": session.session,
                    "ChallengeParameters": {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'},
                }
            return self.signed_in(user)
        preferred = self.ctx.store.mfa_for((self.pool.id, user.username)).preferred
        if preferred in methods:
            return self.mfa_challenge(user, str(preferred))
        if len(methods) == 1:
            return self.mfa_challenge(user, methods[0])
        session = self.session(user, "SELECT_MFA_TYPE")
        return {
            "ChallengeName": "SELECT_MFA_TYPE",
            "Session": session.session,
            "ChallengeParameters": {
                "USER_ID_FOR_SRP": user.username,
                "MFAS_CAN_CHOOSE": json.dumps(methods),
            },
        }

    def mfa_challenge(self, user: User, kind: str) -> dict[str, Any]:
        session = self.session(user, kind)
        params = {"USER_ID_FOR_SRP": user.username}
        if kind in ("SMS_MFA", "EMAIL_OTP"):
            attribute = "phone_number" if kind == "SMS_MFA" else "email"
            destination = user.attribute_lookup.get(attribute)
            if not destination:
                raise invalid_parameter(f"The user has no {attribute} for {kind}.")
            session.code = self.ctx.new_code()
            self.ctx.deliver(user, attribute, destination, session.code, f"sign-in ({kind})")
            params["CODE_DELIVERY_DELIVERY_MEDIUM"] = medium_for(attribute)
            params["CODE_DELIVERY_DESTINATION"] = mask_destination(attribute, destination)
        return {"ChallengeName": kind, "Session": session.session, "ChallengeParameters": params}

    def signed_in(self, user: User) -> dict[str, Any]:
        result = tokens.issue(self.ctx, self.pool, self.client, user)
        return {"ChallengeParameters": {}, "AuthenticationResult": result}

    # -- refresh ---------------------------------------------------------------------------

    def refresh(self, params: dict[str, str]) -> dict[str, Any]:
        token = params.get("REFRESH_TOKEN")
        if not token:
            raise invalid_parameter("Missing required parameter REFRESH_TOKEN")
        if token not in self.pool.refresh_tokens:
            raise not_authorized("Invalid Refresh Token.")
        entry = self.pool.refresh_tokens[token]
        if entry is None:
            raise not_authorized("Refresh Token has been revoked")
        client_id, username, origin = entry
        if client_id != self.client.id:
            raise not_authorized("Invalid Refresh Token.")
        expires = self.ctx.store.refresh_expiry.get(token)
        if expires is not None and self.ctx.clock.now() >= expires:
            raise not_authorized("Refresh Token has expired")
        user = self.pool.users.get(username)
        if user is None:
            raise not_authorized("Invalid Refresh Token.")
        names = [n for n in (params.get("USERNAME"), username, user.id) if n]
        check_secret_hash(self.client, params.get("SECRET_HASH"), names)
        if not user.enabled:
            raise not_authorized("User is disabled.")
        result = tokens.issue(
            self.ctx, self.pool, self.client, user, refresh=False, origin_jti=origin
        )
        return {"ChallengeParameters": {}, "AuthenticationResult": result}

    # -- answers ---------------------------------------------------------------------------

    def respond(self, name: str, session_id: str | None, answers: dict[str, str]) -> dict[str, Any]:
        session = self.find_session(name, session_id, answers)
        user = self.pool.users.get(session.username)
        if user is None:
            raise not_authorized("Invalid session for the user.")
        given = answers.get("USERNAME")
        if not given:
            raise invalid_parameter("Missing required parameter USERNAME")
        if find_user(self.pool, given) is not user:
            raise not_authorized("Invalid session for the user.")
        check_secret_hash(self.client, answers.get("SECRET_HASH"), [given, user.username])
        if name == "PASSWORD_VERIFIER":
            return self.password_verifier(session, user, answers)
        if name == "NEW_PASSWORD_REQUIRED":
            return self.new_password(session, user, answers)
        if name in CODE_RESPONSES:
            return self.mfa_code(session, user, name, answers)
        if name == "SELECT_MFA_TYPE":
            return self.select_mfa(session, user, answers)
        if name == "MFA_SETUP":
            return self.mfa_setup(session, user)
        raise invalid_parameter(f"{name} is not supported by the embedded Cognito backend.")

    def find_session(
        self, name: str, session_id: str | None, answers: dict[str, str]
    ) -> AuthSession:
        store = self.ctx.store
        if not session_id and name == "PASSWORD_VERIFIER":
            # Clients may answer PASSWORD_VERIFIER without the Session; the secret block
            # identifies the exchange (pycognito does this).
            session_id = store.secret_blocks.get(answers.get("PASSWORD_CLAIM_SECRET_BLOCK") or "")
        elif not session_id:
            raise invalid_parameter("Missing required parameter Session")
        session = store.sessions.get(session_id or "")
        if session is None or (session.pool_id, session.client_id) != (
            self.pool.id,
            self.client.id,
        ):
            raise not_authorized("Invalid session for the user.")
        if self.ctx.clock.now() > session.expires_at:
            store.drop_session(session.session)
            raise not_authorized("Invalid session for the user, session is expired.")
        if session.challenge != name:
            raise invalid_parameter(
                f"This session expects a response to {session.challenge}, not {name}."
            )
        return session

    def password_verifier(
        self, session: AuthSession, user: User, answers: dict[str, str]
    ) -> dict[str, Any]:
        for key in ("PASSWORD_CLAIM_SIGNATURE", "PASSWORD_CLAIM_SECRET_BLOCK", "TIMESTAMP"):
            if not answers.get(key):
                raise invalid_parameter(f"Missing required parameter {key}")
        if not srp.TIMESTAMP.match(answers["TIMESTAMP"]):
            raise invalid_parameter("TIMESTAMP is not in the format 'EEE MMM d HH:mm:ss z yyyy'.")
        state = session.srp
        self.ctx.store.drop_session(session.session)  # one proof per exchange
        proven = (
            state is not None
            and secret_equal(state.secret_block, answers["PASSWORD_CLAIM_SECRET_BLOCK"])
            and srp.verify(
                state, self.pool.id, answers["TIMESTAMP"], answers["PASSWORD_CLAIM_SIGNATURE"]
            )
        )
        if not proven:
            raise not_authorized(WRONG_PASSWORD)
        return self.after_password(user)

    def new_password(
        self, session: AuthSession, user: User, answers: dict[str, str]
    ) -> dict[str, Any]:
        password = answers.get("NEW_PASSWORD")
        if not password:
            raise invalid_parameter("Missing required parameter NEW_PASSWORD")
        check_password(self.pool, password)
        prefix = "userAttributes."
        values = {k[len(prefix) :]: v for k, v in answers.items() if k.startswith(prefix)}
        check_writes(self.pool, values, admin=False)
        merged = {**user.attribute_lookup, **values}
        missing = [a for a in required_attributes(self.pool) if not merged.get(a)]
        if missing:
            raise invalid_parameter(
                "Invalid attributes given, " + ", ".join(missing) + " is missing"
            )
        self.ctx.store.drop_session(session.session)
        user.password = password
        user.status = UserStatus.CONFIRMED
        self.ctx.store.temp_passwords.pop((self.pool.id, user.username), None)
        set_attributes(user, values)
        return self.after_first_factor(user)

    def mfa_code(
        self, session: AuthSession, user: User, kind: str, answers: dict[str, str]
    ) -> dict[str, Any]:
        key = CODE_RESPONSES[kind]
        code = answers.get(key)
        if not code:
            raise invalid_parameter(f"Missing required parameter {key}")
        settings = self.ctx.store.mfa_for((self.pool.id, user.username))
        if kind == "SOFTWARE_TOKEN_MFA":
            ok = totp_matches(settings.totp_secret, code)
            if ok and secret_equal(settings.used_totp, code):
                raise CognitoError(
                    "ExpiredCodeException", "Your software token has already been used once."
                )
        else:
            ok = secret_equal(session.code, code)
        if not ok:
            session.attempts += 1
            if session.attempts >= MAX_CODE_ATTEMPTS:
                self.ctx.store.drop_session(session.session)
            raise code_mismatch("Invalid code or auth state for the user.")
        if kind == "SOFTWARE_TOKEN_MFA":
            settings.used_totp = code
        self.ctx.store.drop_session(session.session)
        return self.signed_in(user)

    def select_mfa(
        self, session: AuthSession, user: User, answers: dict[str, str]
    ) -> dict[str, Any]:
        answer = answers.get("ANSWER")
        methods = user_methods(self.ctx, self.pool, user)
        if answer not in methods:
            raise invalid_parameter(f"ANSWER must be one of {', '.join(methods)}.")
        self.ctx.store.drop_session(session.session)
        return self.mfa_challenge(user, str(answer))

    def mfa_setup(self, session: AuthSession, user: User) -> dict[str, Any]:
        if not session.totp_verified:
            raise invalid_parameter(
                "Set up a software token first: AssociateSoftwareToken and "
                "VerifySoftwareToken with this session."
            )
        settings = self.ctx.store.mfa_for((self.pool.id, user.username))
        settings.totp_enabled = True
        settings.preferred = settings.preferred or "SOFTWARE_TOKEN_MFA"
        self.ctx.store.drop_session(session.session)
        return self.signed_in(user)


# ---------------------------------------------------------------------------------------
# Operations


@handles("InitiateAuth")
def initiate_auth(call: Call) -> dict[str, Any]:
    pool, client = call.ctx.moto.client(call.body["ClientId"])
    params = call.body.get("AuthParameters") or {}
    return SignIn(call.ctx, pool, client).initiate(call.body["AuthFlow"], params, admin=False)


@handles("AdminInitiateAuth")
def admin_initiate_auth(call: Call) -> dict[str, Any]:
    pool = call.ctx.moto.require_pool(call.body["UserPoolId"])
    client = call.ctx.moto.pool_client(pool, call.body["ClientId"])
    params = call.body.get("AuthParameters") or {}
    return SignIn(call.ctx, pool, client).initiate(call.body["AuthFlow"], params, admin=True)


@handles("RespondToAuthChallenge")
def respond_to_auth_challenge(call: Call) -> dict[str, Any]:
    pool, client = call.ctx.moto.client(call.body["ClientId"])
    return SignIn(call.ctx, pool, client).respond(
        call.body["ChallengeName"],
        call.body.get("Session"),
        call.body.get("ChallengeResponses") or {},
    )


@handles("AdminRespondToAuthChallenge")
def admin_respond_to_auth_challenge(call: Call) -> dict[str, Any]:
    pool = call.ctx.moto.require_pool(call.body["UserPoolId"])
    client = call.ctx.moto.pool_client(pool, call.body["ClientId"])
    return SignIn(call.ctx, pool, client).respond(
        call.body["ChallengeName"],
        call.body.get("Session"),
        call.body.get("ChallengeResponses") or {},
    )


@handles("RevokeToken")
def revoke_token(call: Call) -> dict[str, Any]:
    """Revoke a refresh token and the access tokens issued from it. As in OAuth token
    revocation (RFC 7009), an unknown token is not an error."""
    pool, client = call.ctx.moto.client(call.body["ClientId"])
    if client.generate_secret and not secret_equal(client.secret, call.body.get("ClientSecret")):
        raise CognitoError("UnauthorizedException", "Invalid client secret.")
    token = call.body["Token"]
    entry = pool.refresh_tokens.get(token)
    if entry is not None and entry[0] != client.id:
        raise CognitoError("UnauthorizedException", "The token was not issued to this client.")
    if token in pool.refresh_tokens:
        pool.refresh_tokens[token] = None
    if entry is not None:
        origin = entry[2]
        for access in [
            t for t in pool.access_tokens if (jwt_claims(t) or {}).get("origin_jti") == origin
        ]:
            pool.access_tokens.pop(access)
    return {}
