"""Recorded scenarios: the editor's own code path (`tui.core`) against Cognito.

Each scenario has an optional `setup` (run before recording starts, never recorded: it
creates the users the scenario needs with admin calls) and a `run` (recorded). In replay
there is no service at all: `run` executes again against the cassette, with stand-in
credentials, so a change in the code that alters what is sent fails the replay.

A scenario states what it needs from the environment: `codes` (reading verification codes),
`clock` (time past an access token's validity), `code-expiry` (time past a verification
code's 24 hours), `throttle` (a rate limit), `seed` (users with sign-in challenges: the
embedded demo users, or users made through the admin API), `otp-mfa` (a second factor
delivered by message: SMS or email OTP). Recording skips what its target cannot provide,
saying why (record.py).

Scenarios assert on structure and error codes, never on values: in replay the values are
the cassette's placeholders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from tui.core.auth import Authenticator, Challenge, Tokens
from tui.core.connection import Connection
from tui.core.errors import CognitoError
from tui.core.service import PoolAdmin, UserAttributes
from tui.core.session import EditorSession


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)
    totp_secret: str | None = field(default=None, repr=False)


class Env(Protocol):
    """What a scenario may use; implemented for the embedded backend, AWS and replay."""

    mode: str  # "embedded", "aws" or "replay"
    region: str
    pool_id: str
    client_id: str

    def connection(self, validate: bool = True) -> Connection: ...

    def user(self, role: str) -> Credentials: ...

    def create_user(self, role: str, attributes: dict[str, str]) -> Credentials: ...

    def seed_user(self, role: str) -> Credentials: ...

    def code(self, username: str, attribute: str) -> str: ...

    def mfa_code(self, credentials: Credentials, challenge: Challenge) -> str: ...

    def advance_clock(self, seconds: float) -> None: ...

    def set_rate_limit(self, category: str, per_second: float | None) -> None: ...

    def editor_session(self) -> EditorSession: ...

    def email(self, address: str) -> str: ...


@dataclass(frozen=True)
class Scenario:
    name: str
    doc: str
    run: Callable[[Env, dict[str, Any]], None]
    setup: Callable[[Env], dict[str, Any]] | None = None
    needs: frozenset[str] = frozenset()
    # The scenario sends a request that breaks the model on purpose (to record Cognito's
    # answer): the checker must find exactly those violations in it, no more, no fewer.
    invalid: bool = False


Run = Callable[[Env, dict[str, Any]], None]
SCENARIOS: dict[str, Scenario] = {}


def scenario(
    name: str,
    *,
    needs: tuple[str, ...] = (),
    setup: Callable[[Env], dict[str, Any]] | None = None,
    invalid: bool = False,
) -> Callable[[Run], Run]:
    def register(fn: Run) -> Run:
        doc = (fn.__doc__ or "").strip()
        SCENARIOS[name] = Scenario(name, doc, fn, setup, frozenset(needs), invalid)
        return fn

    return register


class ScenarioFailed(AssertionError):
    """A scenario saw something other than what it documents."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise ScenarioFailed(message)


def expect_error(code: str, call: Callable[[], Any]) -> CognitoError:
    try:
        call()
    except CognitoError as exc:
        expect(exc.code == code, f"expected {code}, got {exc.code}: {exc.aws_message}")
        return exc
    raise ScenarioFailed(f"expected {code}, the call succeeded")


# -- helpers -----------------------------------------------------------------------------------


def sign_in(env: Env, creds: Credentials, srp: bool = False) -> tuple[Connection, Tokens]:
    conn = env.connection()
    auth = Authenticator(conn, env.pool_id, env.client_id)
    result = auth.sign_in_srp(*_pw(creds)) if srp else auth.sign_in_password(*_pw(creds))
    expect(isinstance(result, Tokens), f"expected tokens, got challenge {result}")
    assert isinstance(result, Tokens)
    return conn, result


def _pw(creds: Credentials) -> tuple[str, str]:
    return creds.username, creds.password


def attributes_of(env: Env, role: str, *, srp: bool = False) -> tuple[UserAttributes, Tokens]:
    conn, tokens = sign_in(env, env.user(role), srp)
    return UserAttributes(conn, lambda: tokens.access_token), tokens


def fresh_user(role: str, **attributes: str) -> Callable[[Env], dict[str, Any]]:
    """A setup step: a new confirmed user for this scenario alone."""

    def setup(env: Env) -> dict[str, Any]:
        values = dict(attributes)
        if "email" in values:  # a real user's email is normally verified
            values.setdefault("email_verified", "true")
        env.create_user(role, values)
        return {}

    return setup


def seeded(role: str) -> Callable[[Env], dict[str, Any]]:
    """A setup step: the user with a sign-in challenge named by `role` (new-password,
    totp, otp, select-mfa), made before recording starts."""

    def setup(env: Env) -> dict[str, Any]:
        env.seed_user(role)
        return {}

    return setup


# -- sign-in -----------------------------------------------------------------------------------


@scenario("signin-password", setup=fresh_user("main", email="main@example.com"))
def _signin_password(env: Env, ctx: dict[str, Any]) -> None:
    """USER_PASSWORD_AUTH returns tokens for a confirmed user with no MFA."""
    _, tokens = sign_in(env, env.user("main"))
    expect(tokens.refresh_token is not None, "a refresh token")


@scenario("signin-srp", setup=fresh_user("main", email="main@example.com"))
def _signin_srp(env: Env, ctx: dict[str, Any]) -> None:
    """USER_SRP_AUTH: PASSWORD_VERIFIER answered through pycognito's SRP, then tokens."""
    sign_in(env, env.user("main"), srp=True)


@scenario("signin-srp-wrong-password", setup=fresh_user("main", email="main@example.com"))
def _signin_srp_wrong(env: Env, ctx: dict[str, Any]) -> None:
    """USER_SRP_AUTH with a wrong password fails at the verifier with NotAuthorizedException."""
    creds = env.user("main")
    auth = Authenticator(env.connection(), env.pool_id, env.client_id)
    expect_error("NotAuthorizedException", lambda: auth.sign_in_srp(creds.username, "Wr0ng-pass!"))


@scenario("refresh", setup=fresh_user("main", email="main@example.com"))
def _refresh(env: Env, ctx: dict[str, Any]) -> None:
    """REFRESH_TOKEN_AUTH gives a new access token and keeps the refresh token."""
    conn, tokens = sign_in(env, env.user("main"))
    renewed = Authenticator(conn, env.pool_id, env.client_id).refresh(tokens)
    expect(renewed.refresh_token == tokens.refresh_token, "refresh token kept")
    UserAttributes(conn, lambda: renewed.access_token).get_user()


def _challenge_flow(env: Env, role: str, expected: list[str]) -> None:
    creds = env.user(role)
    conn = env.connection()
    auth = Authenticator(conn, env.pool_id, env.client_id)
    step: Tokens | Challenge = auth.sign_in_srp(creds.username, creds.password)
    seen = []
    while isinstance(step, Challenge):
        seen.append(step.name)
        if step.name == "NEW_PASSWORD_REQUIRED":
            answers = {"NEW_PASSWORD": creds.password + "-New1"}
            for name in step.required_attributes:
                answers[f"userAttributes.{name}"] = env.email(f"{role}@example.com")
        elif step.name == "SELECT_MFA_TYPE":
            expect("SOFTWARE_TOKEN_MFA" in step.mfa_options, f"options {step.mfa_options}")
            answers = {"ANSWER": "SOFTWARE_TOKEN_MFA"}
        else:
            key = {"SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE", "SMS_MFA": "SMS_MFA_CODE"}
            answers = {key.get(step.name, "EMAIL_OTP_CODE"): env.mfa_code(creds, step)}
        step = auth.respond(step, answers)
    expect(seen == expected, f"challenges {seen}, expected {expected}")
    UserAttributes(conn, lambda: step.access_token).get_user()


@scenario("signin-new-password", needs=("seed",), setup=seeded("new-password"))
def _signin_new_password(env: Env, ctx: dict[str, Any]) -> None:
    """A user created by an admin answers NEW_PASSWORD_REQUIRED, then has tokens."""
    _challenge_flow(env, "new-password", ["NEW_PASSWORD_REQUIRED"])


@scenario("signin-totp", needs=("seed",), setup=seeded("totp"))
def _signin_totp(env: Env, ctx: dict[str, Any]) -> None:
    """SRP, then SOFTWARE_TOKEN_MFA answered with the authenticator code."""
    _challenge_flow(env, "totp", ["SOFTWARE_TOKEN_MFA"])


@scenario("signin-otp", needs=("seed", "codes", "otp-mfa"), setup=seeded("otp"))
def _signin_otp(env: Env, ctx: dict[str, Any]) -> None:
    """SRP, then an SMS or email one-time code from the delivery."""
    role = "otp"
    creds = env.user(role)
    auth = Authenticator(env.connection(), env.pool_id, env.client_id)
    step = auth.sign_in_srp(creds.username, creds.password)
    expect(isinstance(step, Challenge) and step.name in ("SMS_MFA", "EMAIL_OTP"), f"{step}")
    assert isinstance(step, Challenge)
    expect(bool(step.destination), "a masked destination")
    key = "SMS_MFA_CODE" if step.name == "SMS_MFA" else "EMAIL_OTP_CODE"
    done = auth.respond(step, {key: env.mfa_code(creds, step)})
    expect(isinstance(done, Tokens), "tokens after the code")


@scenario("signin-select-mfa", needs=("seed", "otp-mfa"), setup=seeded("select-mfa"))
def _signin_select_mfa(env: Env, ctx: dict[str, Any]) -> None:
    """SELECT_MFA_TYPE offers the user's methods; choosing TOTP leads to its code."""
    _challenge_flow(env, "select-mfa", ["SELECT_MFA_TYPE", "SOFTWARE_TOKEN_MFA"])


# -- reading and updating ----------------------------------------------------------------------


@scenario("get-user", setup=fresh_user("main", email="main@example.com", given_name="Ada"))
def _get_user(env: Env, ctx: dict[str, Any]) -> None:
    """GetUser returns the username and every attribute, sub included."""
    attrs, _ = attributes_of(env, "main")
    user = attrs.get_user()
    expect("sub" in user.attributes and "email" in user.attributes, f"{list(user.attributes)}")


@scenario("update-plain", setup=fresh_user("main", email="main@example.com"))
def _update_plain(env: Env, ctx: dict[str, Any]) -> None:
    """UpdateUserAttributes of a standard attribute needs no verification."""
    attrs, _ = attributes_of(env, "main")
    expect(attrs.update({"given_name": "Grace", "family_name": "Hopper"}) == [], "no delivery")
    expect(attrs.get_user().attributes.get("given_name") is not None, "given_name set")


@scenario("update-custom", setup=fresh_user("main", email="main@example.com"))
def _update_custom(env: Env, ctx: dict[str, Any]) -> None:
    """A mutable custom attribute (string and number) is updated like a standard one."""
    attrs, _ = attributes_of(env, "main")
    attrs.update({"custom:department": "Research", "custom:level": "4"})
    got = attrs.get_user().attributes
    expect("custom:department" in got and "custom:level" in got, f"{list(got)}")


@scenario(
    "update-email-verification",
    needs=("codes",),
    setup=fresh_user("main", email="main@example.com"),
)
def _update_email(env: Env, ctx: dict[str, Any]) -> None:
    """Changing the email sends a code (CodeDeliveryDetailsList with a masked address); with
    verification required before update, GetUser still shows the old, verified email."""
    attrs, _ = attributes_of(env, "main")
    before = attrs.get_user().attributes
    deliveries = attrs.update({"email": env.email("main.new@example.com")})
    expect(len(deliveries) == 1 and deliveries[0].attribute == "email", f"{deliveries}")
    expect(deliveries[0].medium == "EMAIL" and "***" in deliveries[0].destination, "masked")
    after = attrs.get_user().attributes
    expect(after.get("email") == before.get("email"), "old email still active")


@scenario("update-client-metadata", setup=fresh_user("main", email="main@example.com"))
def _update_metadata(env: Env, ctx: dict[str, Any]) -> None:
    """ClientMetadata travels with UpdateUserAttributes (for the pool's Lambda triggers)."""
    attrs, _ = attributes_of(env, "main")
    attrs.update({"nickname": "amazing"}, {"source": "cognito-tui", "ticket": "OPS-1234"})


def _raw_update(env: Env, tokens: Tokens, attributes: list[dict[str, str]]) -> None:
    """Send what the editor would refuse, to record Cognito's own answer."""
    conn = env.connection(validate=False)
    conn.call("UpdateUserAttributes", AccessToken=tokens.access_token, UserAttributes=attributes)


@scenario("update-invalid-name", setup=fresh_user("main", email="main@example.com"), invalid=True)
def _update_invalid_name(env: Env, ctx: dict[str, Any]) -> None:
    """A name outside the model's pattern is refused by Cognito (and by the editor, before
    sending: the scenario bypasses that check to record the service's answer)."""
    _, tokens = attributes_of(env, "main")
    expect_error(
        "InvalidParameterException",
        lambda: _raw_update(env, tokens, [{"Name": "bad\u0000name", "Value": "x"}]),
    )


@scenario("update-value-too-long", setup=fresh_user("main", email="main@example.com"))
def _update_too_long(env: Env, ctx: dict[str, Any]) -> None:
    """A value over 2048 characters: InvalidParameterException with AWS's validation wording."""
    _, tokens = attributes_of(env, "main")
    err = expect_error(
        "InvalidParameterException",
        lambda: _raw_update(env, tokens, [{"Name": "nickname", "Value": "x" * 2049}]),
    )
    expect("2048" in err.aws_message, err.aws_message)


@scenario("update-unknown-attribute", setup=fresh_user("main", email="main@example.com"))
def _update_unknown(env: Env, ctx: dict[str, Any]) -> None:
    """An attribute the pool does not define is refused."""
    attrs, _ = attributes_of(env, "main")
    expect_error("InvalidParameterException", lambda: attrs.update({"custom:nope": "x"}))


@scenario("update-immutable", setup=fresh_user("main", email="main@example.com"))
def _update_immutable(env: Env, ctx: dict[str, Any]) -> None:
    """An immutable custom attribute cannot change after the user is created."""
    attrs, _ = attributes_of(env, "main")
    expect_error("InvalidParameterException", lambda: attrs.update({"custom:employee_id": "E1"}))


def _two_users(env: Env) -> dict[str, Any]:
    env.create_user("main", {"email": "main@example.com"})
    env.create_user("other", {"email": "taken@example.com", "email_verified": "true"})
    return {}


@scenario("update-alias-collision", setup=_two_users)
def _update_alias(env: Env, ctx: dict[str, Any]) -> None:
    """An email another user already has as a verified alias: in an alias pool AWS moves it
    to the user now marked verified, and the previous holder's flag turns false (evidence
    corpus: no AliasExistsException)."""
    admin = PoolAdmin(env.connection(), env.pool_id)
    main, other = env.user("main"), env.user("other")
    taken = env.email("taken@example.com")
    admin.update(main.username, {"email": taken, "email_verified": "true"})
    moved = admin.get_user(other.username).attributes
    expect(
        (moved.get("email"), moved.get("email_verified")) == (taken, "false"),
        f"the previous holder keeps the email, unverified: {moved}",
    )


@scenario("expired-token", needs=("clock",), setup=fresh_user("main", email="main@example.com"))
def _expired(env: Env, ctx: dict[str, Any]) -> None:
    """An access token past its expiry: NotAuthorizedException, 'Access Token has expired'."""
    attrs, _ = attributes_of(env, "main")
    attrs.get_user()
    env.advance_clock(2 * 3600)
    err = expect_error("NotAuthorizedException", attrs.get_user)
    expect(err.needs_sign_in, f"a sign-in cures it: {err.aws_message}")


@scenario("revoked-token", setup=fresh_user("main", email="main@example.com"))
def _revoked(env: Env, ctx: dict[str, Any]) -> None:
    """After GlobalSignOut the old access token is refused."""
    conn, tokens = sign_in(env, env.user("main"))
    Authenticator(conn, env.pool_id, env.client_id).global_sign_out(tokens)
    attrs = UserAttributes(conn, lambda: tokens.access_token)
    err = expect_error("NotAuthorizedException", attrs.get_user)
    expect(err.needs_sign_in, err.aws_message)


# -- verification ------------------------------------------------------------------------------


@scenario("resend-code", needs=("codes",), setup=fresh_user("main", email="main@example.com"))
def _resend(env: Env, ctx: dict[str, Any]) -> None:
    """GetUserAttributeVerificationCode sends a fresh code to the (masked) address."""
    attrs, _ = attributes_of(env, "main")
    delivery = attrs.send_code("email", {"source": "cognito-tui"})
    expect(delivery.medium == "EMAIL" and "***" in delivery.destination, f"{delivery}")


@scenario("verify-good-code", needs=("codes",), setup=fresh_user("main", email="main@example.com"))
def _verify_good(env: Env, ctx: dict[str, Any]) -> None:
    """Change the email, verify with the delivered code: the new email is active, verified."""
    attrs, _ = attributes_of(env, "main")
    attrs.update({"email": env.email("main.verified@example.com")})
    attrs.verify("email", env.code(env.user("main").username, "email"))
    got = attrs.get_user().attributes
    expect(got.get("email_verified") == "true", f"verified: {got.get('email_verified')}")


@scenario("verify-wrong-code", needs=("codes",), setup=fresh_user("main", email="main@example.com"))
def _verify_wrong(env: Env, ctx: dict[str, Any]) -> None:
    """A wrong code: CodeMismatchException, and the pending change stays unverified."""
    attrs, _ = attributes_of(env, "main")
    attrs.update({"email": env.email("main.wrong@example.com")})
    good = env.code(env.user("main").username, "email")
    wrong = "000000" if good != "000000" else "111111"
    expect_error("CodeMismatchException", lambda: attrs.verify("email", wrong))


@scenario(
    "verify-expired-code",
    needs=("codes", "code-expiry"),
    setup=fresh_user("main", email="main@example.com"),
)
def _verify_expired(env: Env, ctx: dict[str, Any]) -> None:
    """A code older than 24 hours: ExpiredCodeException (with a fresh sign-in)."""
    attrs, _ = attributes_of(env, "main")
    attrs.update({"email": env.email("main.late@example.com")})
    code = env.code(env.user("main").username, "email")
    env.advance_clock(25 * 3600)
    fresh, _ = attributes_of(env, "main")
    expect_error("ExpiredCodeException", lambda: fresh.verify("email", code))


# -- deleting ----------------------------------------------------------------------------------


@scenario(
    "delete-allowed",
    setup=fresh_user(
        "main", email="main@example.com", nickname="ada", **{"custom:department": "R&D"}
    ),
)
def _delete_allowed(env: Env, ctx: dict[str, Any]) -> None:
    """DeleteUserAttributes removes optional attributes."""
    attrs, _ = attributes_of(env, "main")
    attrs.delete(["nickname", "custom:department"])
    got = attrs.get_user().attributes
    expect("nickname" not in got and "custom:department" not in got, f"{list(got)}")


@scenario("delete-required", setup=fresh_user("main", email="main@example.com"))
def _delete_required(env: Env, ctx: dict[str, Any]) -> None:
    """A required attribute (email in this pool) cannot be deleted."""
    attrs, _ = attributes_of(env, "main")
    expect_error("InvalidParameterException", lambda: attrs.delete(["email"]))


# -- admin -------------------------------------------------------------------------------------


@scenario("describe-user-pool")
def _describe(env: Env, ctx: dict[str, Any]) -> None:
    """DescribeUserPool lists standard and custom attributes with their constraints."""
    schema = PoolAdmin(env.connection(), env.pool_id).describe_pool()
    expect(schema.known("email") and schema.known("custom:department"), "standard and custom")
    expect(not schema.attributes["custom:employee_id"].mutable, "immutable attribute")


def _listing_users(env: Env) -> dict[str, Any]:
    for i in range(7):
        env.create_user(
            f"listed-{i}", {"email": f"listed.{i}@example.com", "family_name": "Listed"}
        )
    return {}


@scenario("list-users-pages", setup=_listing_users)
def _list_pages(env: Env, ctx: dict[str, Any]) -> None:
    """ListUsers with a filter, two users a page: at least three pages, then no token."""
    admin = PoolAdmin(env.connection(), env.pool_id)
    pages = list(admin.iter_users(filter='family_name = "Listed"', limit=2))
    expect(len(pages) >= 3, f"{len(pages)} pages")
    expect(sum(len(p.users) for p in pages) == 7, "every listed user once")


@scenario("admin-get-user", setup=fresh_user("main", email="main@example.com"))
def _admin_get(env: Env, ctx: dict[str, Any]) -> None:
    """AdminGetUser returns status, enabled flag, dates and attributes."""
    user = PoolAdmin(env.connection(), env.pool_id).get_user(env.user("main").username)
    expect(user.status is not None and user.enabled is not None, f"{user.status}")


@scenario("admin-update-verified-email", setup=fresh_user("main", email="main@example.com"))
def _admin_update(env: Env, ctx: dict[str, Any]) -> None:
    """AdminUpdateUserAttributes may set the email and mark it verified in one request."""
    admin = PoolAdmin(env.connection(), env.pool_id)
    username = env.user("main").username
    admin.update(username, {"email": env.email("main.admin@example.com"), "email_verified": "true"})
    got = admin.get_user(username).attributes
    expect(got.get("email_verified") == "true", f"{got.get('email_verified')}")


@scenario(
    "admin-delete-attributes",
    setup=fresh_user("main", email="main@example.com", nickname="nick"),
)
def _admin_delete(env: Env, ctx: dict[str, Any]) -> None:
    """AdminDeleteUserAttributes removes an attribute; a required one is refused."""
    admin = PoolAdmin(env.connection(), env.pool_id)
    username = env.user("main").username
    admin.delete(username, ["nickname"])
    expect("nickname" not in admin.get_user(username).attributes, "nickname gone")
    expect_error("InvalidParameterException", lambda: admin.delete(username, ["email"]))


@scenario(
    "throttled-retry", needs=("throttle",), setup=fresh_user("main", email="main@example.com")
)
def _throttled(env: Env, ctx: dict[str, Any]) -> None:
    """Over the rate limit Cognito answers TooManyRequestsException; botocore's standard
    retry mode waits and the call succeeds."""
    attrs, _ = attributes_of(env, "main")
    env.set_rate_limit("UserRead", 1.0)
    try:
        for _ in range(3):
            attrs.get_user()
    finally:
        env.set_rate_limit("UserRead", None)


# -- the editor's own session, step for step as the screens drive it ---------------------------
# The UI tests replay these cassettes through the real screens, so the calls below must be
# exactly what a person's keystrokes make the editor send.

EDITOR_ROLE = "main"


@scenario("editor-open", setup=fresh_user(EDITOR_ROLE, email="ada@example.com", given_name="Ada"))
def _editor_open(env: Env, ctx: dict[str, Any]) -> None:
    """The editor starting: SRP sign-in, then GetUser for the attribute table."""
    creds = env.user(EDITOR_ROLE)
    session = env.editor_session()
    expect(isinstance(session.sign_in(creds.username, creds.password), Tokens), "signed in")
    session.load()


@scenario(
    "editor-save-verify",
    needs=("codes",),
    setup=fresh_user(EDITOR_ROLE, email="ada@example.com", given_name="Ada"),
)
def _editor_save_verify(env: Env, ctx: dict[str, Any]) -> None:
    """The editor saving a name and a new email, reloading, then verifying the email with
    the delivered code and reloading again."""
    creds = env.user(EDITOR_ROLE)
    session = env.editor_session()
    session.sign_in(creds.username, creds.password)
    session.load()
    session.draft.set("given_name", "Augusta")
    session.draft.set("email", env.email("augusta@example.com"))
    result = session.save()
    expect(result.ok and len(result.deliveries) == 1, f"{result}")
    session.load()
    session.verify("email", env.code(creds.username, "email"))
    session.load()


@scenario(
    "editor-save-rejected",
    setup=fresh_user(EDITOR_ROLE, email="ada@example.com", given_name="Ada"),
)
def _editor_save_rejected(env: Env, ctx: dict[str, Any]) -> None:
    """The editor saving an immutable attribute: Cognito refuses, the edit stays pending."""
    creds = env.user(EDITOR_ROLE)
    session = env.editor_session()
    session.sign_in(creds.username, creds.password)
    session.load()
    session.draft.set("custom:employee_id", "E-0001")
    result = session.save()
    expect(result.error is not None and result.error.code == "InvalidParameterException", "refused")
    expect(session.draft.sets == {"custom:employee_id": "E-0001"}, "the edit is still pending")


@scenario(
    "admin-editor-save",
    setup=fresh_user("main", email="main@example.com", nickname="nick", given_name="Ada"),
)
def _admin_editor_save(env: Env, ctx: dict[str, Any]) -> None:
    """The editor's admin mode on one user: the pool's schema, AdminGetUser, a new email
    marked verified in the same AdminUpdateUserAttributes, a deletion, and the reload."""
    session = env.editor_session()
    session.open_user(env.pool_id, env.user("main").username)
    schema = session.load_pool_schema()
    expect(schema is not None and schema.known("custom:level"), "the pool's schema")
    session.load()
    session.draft.set("email", env.email("main.admin-editor@example.com"))
    session.draft.delete("nickname")
    session.mark_verified = {"email"}
    result = session.save()
    expect(
        result.ok and result.updated == ["email"] and result.deleted == ["nickname"], f"{result}"
    )
    got = session.load().attributes
    expect(got.get("email_verified") == "true" and "nickname" not in got, f"{got}")
