"""Recording scenarios into cassettes, and replaying them.

`record()` runs scenarios against the embedded backend (a fresh one per run) or against
AWS (a throw-away pool, client and users with a recognisable prefix, deleted afterwards
even when a scenario fails). Cassettes are written to a staging folder and moved into place
only when every scenario passed, so a failed run leaves the previous cassettes untouched.

Against AWS nothing reads an outbox or moves a clock: codes come from the person running
the recording (a prompt naming the address, for `--email` with a `+tag` per scenario) or
from their mailbox API (`--code-command`); users with sign-in challenges are made through
the admin API (a temporary password, TOTP through AssociateSoftwareToken and codes computed
from its secret); tokens expire for real with a short-lived app client behind `--slow`. What
AWS cannot be made to do on demand is skipped, with the reason (`SKIP_REASONS`).

`replay()` re-runs one scenario against its cassette with no service and no network: every
request the code sends must match a recorded one, in order, and every recorded interaction
must be used.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from contracts.recording.recorder import Scrubber, make_vcr
from contracts.recording.scenarios import SCENARIOS, Credentials, Scenario
from tui.core.auth import Challenge
from tui.core.connection import Connection, ConnectionSettings
from tui.core.session import EditorSession

AWS_PREFIX = "cognito-tui-contracts"
# Any credentials do for the embedded backend and for replay (requests are only signed).
LOCAL_CREDENTIALS = ("AKIDCOGNITOTUILOCAL0", "local-secret-not-a-credential")
EVERYTHING = frozenset({"codes", "clock", "code-expiry", "throttle", "seed", "otp-mfa"})
CAPABILITIES = {"embedded": EVERYTHING, "aws": frozenset({"seed"}), "replay": EVERYTHING}
# Why the aws target lacks a capability, and what (if anything) provides it.
SKIP_REASONS = {
    "codes": "it needs verification codes: give --email you@domain (codes are then typed at "
    "a prompt, or printed by --code-command CMD)",
    "clock": "it needs an access token to expire: add --slow (a 5-minute token validity, "
    "then a real wait of about 6 minutes)",
    "otp-mfa": "it needs a code sent as a second factor, which Cognito sends only from your "
    "own SES identity: give --ses-source-arn ARN (with --email)",
    "code-expiry": "it needs a verification code older than 24 hours; Cognito's code "
    "validity cannot be shortened, so AWS cannot be made to do this on demand",
    "throttle": "it needs Cognito to throttle; AWS cannot be made to throttle on demand (its "
    "quotas are per account, and reaching one would disturb everything else in it)",
}
# The AWS minimum of an app client's AccessTokenValidity (5 minutes), used behind --slow.
SHORT_TOKEN_SECONDS = 5 * 60
EXPIRY_MARGIN_SECONDS = 60
CODE_COMMAND_TIMEOUT = 300.0
_EMAIL = re.compile(r"[A-Za-z0-9._%-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


class RecordError(Exception):
    """A recording run failed; nothing was written."""


def check_email(address: str) -> str:
    """`--email`: a plain address whose local part can take a `+tag` per scenario."""
    if not _EMAIL.fullmatch(address):
        raise RecordError(
            f"--email {address!r} is not an email address like you@example.org (our "
            "validation; a '+' in it is not allowed: the recorder adds one per scenario)"
        )
    return address


def _tagged(base: str, tag: str) -> str:
    """`you@domain` + `verify-good-code.main` -> `you+verify-good-code.main@domain`, with the
    local part kept within 64 characters (RFC 5321)."""
    local, _, domain = base.partition("@")
    if len(local) + 1 + len(tag) > 64:
        tag = tag[: 64 - len(local) - 8] + "-" + hashlib.sha256(tag.encode()).hexdigest()[:6]
    return f"{local}+{tag}@{domain}"


@dataclass
class CodeSource:
    """Where the aws target gets a code that Cognito sent: the person at the terminal, or
    their mailbox API through a command. The code is returned, never logged or stored."""

    command: str | None = None
    prompt: Callable[[str], str] = field(default=lambda text: getpass.getpass(text, sys.stderr))
    timeout: float = CODE_COMMAND_TIMEOUT
    attempts: int = 3

    def read(self, address: str, why: str) -> str:
        if self.command:
            return self._run(address, why)
        for _ in range(self.attempts):
            try:
                code = self.prompt(f"Cognito sent a code to {address} ({why}). Code: ").strip()
            except (EOFError, OSError) as exc:
                raise RecordError(
                    f"no code for {address}: there is no terminal to type it in (our "
                    "recorder); give --code-command CMD, which prints it"
                ) from exc
            if _is_code(code):
                return code
            sys.stderr.write("cognito-contracts: that is not a code (it has no spaces); again:\n")
        raise RecordError(f"no usable code for {address} after {self.attempts} tries")

    def _run(self, address: str, why: str) -> str:
        assert self.command is not None
        argv = [*shlex.split(self.command), address]
        env = {**os.environ, "COGNITO_TUI_CODE_ADDRESS": address, "COGNITO_TUI_CODE_PURPOSE": why}
        shown = f"the code command ({shlex.join(argv)})"
        try:
            done = subprocess.run(
                argv, env=env, capture_output=True, timeout=self.timeout, check=False, text=True
            )
        except FileNotFoundError as exc:
            raise RecordError(f"{shown} cannot be run: {exc.strerror}") from exc
        except subprocess.TimeoutExpired as exc:
            raise RecordError(f"{shown} printed no code within {self.timeout:.0f} s") from exc
        if done.returncode != 0:
            raise RecordError(
                f"{shown} exited with status {done.returncode}; run it yourself to see why"
            )
        lines = [line.strip() for line in done.stdout.splitlines() if line.strip()]
        if not lines or not _is_code(lines[-1]):
            # what it printed is not shown: it may hold a code or other mail content
            raise RecordError(f"{shown} did not end its output with a code on a line")
        return lines[-1]


def _is_code(text: str) -> bool:
    """A code as VerifyUserAttribute's model takes it (ConfirmationCodeType)."""
    from contracts.checker.spec import default_spec

    return bool(text) and default_spec().accepts("ConfirmationCodeType", text)


def _password() -> str:
    # Upper, lower, digit and symbol, as the demo pool's (and most pools') policy wants.
    return "Ct-" + secrets.token_urlsafe(12) + "9a!"


# -- environments ------------------------------------------------------------------------------


# Which factors each seeded role has enabled, and which one it prefers.
SEED_FACTORS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "new-password": ((), None),
    "totp": (("SOFTWARE_TOKEN_MFA",), "SOFTWARE_TOKEN_MFA"),
    "otp": (("EMAIL_OTP",), "EMAIL_OTP"),
    "select-mfa": (("SOFTWARE_TOKEN_MFA", "EMAIL_OTP"), None),
}
_MFA_SETTINGS = {"SOFTWARE_TOKEN_MFA": "SoftwareTokenMfaSettings", "EMAIL_OTP": "EmailMfaSettings"}


@dataclass
class _BaseEnv:
    mode: str
    region: str
    pool_id: str
    client_id: str
    endpoint_url: str | None = None
    credentials: tuple[str, str] | None = None
    created: dict[str, Credentials] = field(default_factory=dict)
    scenario: str = ""
    password_factory: Callable[[], str] = _password
    progress: Callable[[str], None] = lambda _msg: None
    _serial: int = 0
    _journals: str | None = None
    # the address each user was given, and the newest address handed out in this scenario
    _addresses: dict[str, str] = field(default_factory=dict)
    _latest_address: str | None = None
    _totp_steps: dict[str, int] = field(default_factory=dict)

    def capabilities(self) -> frozenset[str]:
        return CAPABILITIES[self.mode]

    def begin(self, scenario: Scenario) -> None:
        """Before a scenario's setup: users of the previous one are not reused."""
        self.reset()
        self.scenario = scenario.name

    def aliases(self) -> dict[str, str]:
        """Real values that stand for a scenario's own (a person's addresses for the
        example.com ones): the cassette gets the scenario's, as replay sends them."""
        return {}

    def substitutions(self) -> dict[str, str]:
        """Text inside answers that names the account, and its stand-in."""
        return {}

    def email(self, address: str) -> str:
        """An address unique to the scenario, the same in recording and replay: scenarios
        share one pool, and verified emails are aliases that must not collide."""
        local, _, domain = address.partition("@")
        out = f"{local}+{self.scenario}@{domain}" if self.scenario else address
        self._latest_address = out
        return out

    def connection(self, validate: bool = True) -> Connection:
        settings = ConnectionSettings(region=self.region, endpoint_url=self.endpoint_url)
        return Connection(settings, credentials=self.credentials, validate=validate)

    def editor_session(self) -> EditorSession:
        settings = ConnectionSettings(
            region=self.region,
            endpoint_url=self.endpoint_url,
            pool_id=self.pool_id,
            client_id=self.client_id,
        )
        if self._journals is None:  # one folder per environment, removed by close()
            self._journals = tempfile.mkdtemp(prefix="cognito-tui-journal-")
        return EditorSession(settings, credentials=self.credentials, journal_folder=self._journals)

    def _username(self, role: str) -> str:
        self._serial += 1
        return f"{AWS_PREFIX}-{role}-{self._serial}-{secrets.token_hex(3)}"

    def _admin_create(
        self, username: str, attributes: dict[str, str], temporary_password: str
    ) -> None:
        attributes = {k: self.email(v) if k == "email" else v for k, v in attributes.items()}
        if "email" in attributes:
            self._addresses[username] = attributes["email"]
        self.connection().call(
            "AdminCreateUser",
            UserPoolId=self.pool_id,
            Username=username,
            TemporaryPassword=temporary_password,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
        )

    def create_user(self, role: str, attributes: dict[str, str]) -> Credentials:
        username = self._username(role)
        password = self.password_factory()
        self._admin_create(username, attributes, _password())
        self.connection().call(
            "AdminSetUserPassword",
            UserPoolId=self.pool_id,
            Username=username,
            Password=password,
            Permanent=True,
        )
        self.created[role] = Credentials(username, password)
        return self.created[role]

    def seed_user(self, role: str) -> Credentials:
        """A user with the sign-in challenge `role` names, made with the admin API alone:
        a temporary password (NEW_PASSWORD_REQUIRED), or a confirmed user whose factors are
        set up as a person would (TOTP registered with a code computed from its secret)."""
        if role not in SEED_FACTORS:
            raise RecordError(f"no seeded user for role {role!r}")
        factors, preferred = SEED_FACTORS[role]
        attributes = _demo_attributes(role)
        if role == "new-password":
            username, temporary = self._username(role), self.password_factory()
            self._admin_create(username, attributes, temporary)
            self.created[role] = Credentials(username, temporary)
            return self.created[role]
        creds = self.create_user(role, attributes)
        secret = None
        if "SOFTWARE_TOKEN_MFA" in factors:
            from tui.core.auth import Authenticator, Tokens

            conn = self.connection()
            signed = Authenticator(conn, self.pool_id, self.client_id).sign_in_password(
                creds.username, creds.password
            )
            if not isinstance(signed, Tokens):
                raise RecordError(f"setting up TOTP: the sign-in asked for {signed.name}")
            secret = conn.call("AssociateSoftwareToken", AccessToken=signed.access_token)[
                "SecretCode"
            ]
            conn.call(
                "VerifySoftwareToken",
                AccessToken=signed.access_token,
                UserCode=self._totp(secret),
                FriendlyDeviceName="cognito-tui-recorder",
            )
        settings = {
            _MFA_SETTINGS[factor]: {"Enabled": True, "PreferredMfa": factor == preferred}
            for factor in factors
        }
        self.connection().call(
            "AdminSetUserMFAPreference",
            UserPoolId=self.pool_id,
            Username=creds.username,
            **settings,
        )
        self.created[role] = Credentials(creds.username, creds.password, secret)
        return self.created[role]

    def _totp(self, secret: str) -> str:
        """The authenticator's code now; never the code of a time step already used with
        this secret (Cognito accepts each one once), so it may wait for the next step."""
        from tui.embedded.mfa import TOTP_STEP, totp

        step = int(time.time() // TOTP_STEP)
        if self._totp_steps.get(secret) == step:
            time.sleep((step + 1) * TOTP_STEP - time.time() + 0.5)
            step += 1
        self._totp_steps[secret] = step
        return totp(secret, step * TOTP_STEP)

    def user(self, role: str) -> Credentials:
        try:
            return self.created[role]
        except KeyError:
            raise RecordError(f"no user for role {role!r} in {self.mode}") from None

    def advance_clock(self, seconds: float) -> None:
        raise RecordError(f"{self.mode} cannot move the clock")

    def set_rate_limit(self, category: str, per_second: float | None) -> None:
        raise RecordError(f"{self.mode} has no rate-limit knob")

    def code(self, username: str, attribute: str) -> str:
        raise RecordError(f"{self.mode} cannot read verification codes")

    def mfa_code(self, credentials: Credentials, challenge: Challenge) -> str:
        if challenge.name == "SOFTWARE_TOKEN_MFA":
            if not credentials.totp_secret:
                raise RecordError(f"{credentials.username} has no TOTP secret")
            return self._totp(credentials.totp_secret)
        return self.delivered_code(credentials, challenge)

    def delivered_code(self, credentials: Credentials, challenge: Challenge) -> str:
        raise RecordError(f"{self.mode} cannot answer {challenge.name}")

    def reset(self) -> None:
        """Between scenarios: users of the previous one are not reused."""
        self.created.clear()
        self._latest_address = None

    def close(self) -> None:
        if self._journals is not None:
            shutil.rmtree(self._journals, ignore_errors=True)
            self._journals = None


class EmbeddedEnv(_BaseEnv):
    """A fresh embedded backend with the demo seed; its Python API reads codes and moves
    its clock in-process, so those calls are never recorded."""

    # Which demo user shows which challenge: matched against SeedUser.note.
    SEED_ROLES: ClassVar[dict[str, str]] = {
        "new-password": "NEW_PASSWORD_REQUIRED",
        "totp": "SOFTWARE_TOKEN_MFA",
        "otp": "EMAIL_OTP",
        "select-mfa": "SELECT_MFA_TYPE",
    }

    def __init__(self) -> None:
        from tui.embedded import EmbeddedCognito

        self.backend = EmbeddedCognito(seed="demo", strict=True)
        self.backend.start()
        pool_id, client_id = self.backend.user_pool_id, self.backend.client_id
        if pool_id is None or client_id is None:
            raise RuntimeError("the embedded backend started without its seeded pool")
        super().__init__(
            mode="embedded",
            region=self.backend.region,
            pool_id=pool_id,
            client_id=client_id,
            endpoint_url=self.backend.endpoint_url,
            credentials=LOCAL_CREDENTIALS,
        )

    def seed_user(self, role: str) -> Credentials:
        return self.user(role)  # the demo seed has them all

    def user(self, role: str) -> Credentials:
        if role in self.created:
            return self.created[role]
        marker = self.SEED_ROLES.get(role)
        for seeded in self.backend.users:
            if marker and marker in (seeded.note or ""):
                return Credentials(seeded.username, seeded.password, seeded.totp_secret)
        return super().user(role)

    def advance_clock(self, seconds: float) -> None:
        self.backend.advance_clock(seconds)

    def set_rate_limit(self, category: str, per_second: float | None) -> None:
        self.backend.set_rate_limit(category, per_second)

    def code(self, username: str, attribute: str) -> str:
        return str(self.backend.latest_code(username, attribute))

    def _totp(self, secret: str) -> str:
        from tui.embedded.mfa import totp

        # authenticator apps use real time, not the backend's movable clock
        return totp(secret, time.time())

    def delivered_code(self, credentials: Credentials, challenge: Challenge) -> str:
        deliveries = [d for d in self.backend.outbox() if d.username == credentials.username]
        if not deliveries:
            raise RecordError(f"no {challenge.name} code was delivered")
        return str(deliveries[-1].code)

    def close(self) -> None:
        super().close()
        self.backend.stop()


class AwsEnv(_BaseEnv):
    """A throw-away pool in the AWS account of the standard credential chain. Everything it
    creates carries the AWS_PREFIX and is deleted in close(), also after a failure.

    `email`: the person's address; each scenario's users get `+tag` variants of it, codes
    Cognito sends there come from `codes` (the prompt, or the code command). `slow`: an
    extra app client with `short_token_seconds` of access-token validity, and real waits.
    `ses_source_arn`: the pool sends email from that SES identity, which Cognito requires
    before it sends one-time sign-in codes by email (EMAIL_OTP)."""

    def __init__(
        self,
        region: str | None = None,
        profile: str | None = None,
        *,
        email: str | None = None,
        codes: CodeSource | None = None,
        slow: bool = False,
        ses_source_arn: str | None = None,
        short_token_seconds: int = SHORT_TOKEN_SECONDS,
        expiry_margin: float = EXPIRY_MARGIN_SECONDS,
    ) -> None:
        from tui.embedded.seed import client_config, pool_config

        self.person = check_email(email) if email else None
        self.codes = codes or CodeSource()
        self.slow = slow
        self.ses_source_arn = ses_source_arn
        self.short_token_seconds = short_token_seconds
        self.expiry_margin = expiry_margin
        self._short_client: str | None = None
        self._client: str = ""
        self._aliases: dict[str, str] = {}
        settings = ConnectionSettings(region=region, profile=profile)
        self._admin = Connection(settings)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        # The demo pool's schema and settings, without what needs account-specific setup
        # (an SES identity unless given, an SNS role): Cognito's default email and no SMS.
        # MFA is turned on after creation (SetUserPoolMfaConfig), with TOTP and, given an
        # SES identity, email codes.
        params = pool_config("000000000000", self._admin.region)
        for key in ("EmailConfiguration", "SmsConfiguration"):
            params.pop(key, None)
        if ses_source_arn:
            params["EmailConfiguration"] = _ses_configuration(ses_source_arn)
        params["MfaConfiguration"] = "OFF"
        params["UserPoolTags"] = {"project": "cognito-tui", "purpose": "contract-recording"}
        pool = self._admin.call("CreateUserPool", PoolName=f"{AWS_PREFIX}-{stamp}", **params)
        self._pool_created = pool["UserPool"]["Id"]
        self._account = str(pool["UserPool"].get("Arn", "")).split(":")[4:5]
        try:
            mfa: dict[str, Any] = {"SoftwareTokenMfaConfiguration": {"Enabled": True}}
            if ses_source_arn:
                mfa["EmailMfaConfiguration"] = {"Subject": "cognito-tui recording: sign-in code"}
            self._admin.call(
                "SetUserPoolMfaConfig",
                UserPoolId=self._pool_created,
                MfaConfiguration="OPTIONAL",
                **mfa,
            )
            client = self._admin.call(
                "CreateUserPoolClient", UserPoolId=self._pool_created, **client_config()
            )["UserPoolClient"]
        except BaseException:
            self._admin.call("DeleteUserPool", UserPoolId=self._pool_created)
            raise
        super().__init__(
            mode="aws",
            region=self._admin.region,
            pool_id=self._pool_created,
            client_id=client["ClientId"],
        )
        self._client = self.client_id

    def capabilities(self) -> frozenset[str]:
        can = set(CAPABILITIES["aws"])
        if self.person:
            can.add("codes")
            if self.ses_source_arn:
                can.add("otp-mfa")
        if self.slow:
            can.add("clock")
        return frozenset(can)

    def begin(self, scenario: Scenario) -> None:
        super().begin(scenario)
        self.client_id = self._client
        if "clock" in scenario.needs:
            self.client_id = self._short_lived_client()

    def _short_lived_client(self) -> str:
        """An app client like the main one whose access tokens expire soon (made once)."""
        from tui.embedded.seed import client_config

        if self._short_client is None:
            config = client_config()
            seconds = self.short_token_seconds
            minutes = seconds % 60 == 0
            config["ClientName"] = f"{config['ClientName']}-short"
            config["AccessTokenValidity"] = seconds // 60 if minutes else seconds
            config["TokenValidityUnits"] = {
                **config["TokenValidityUnits"],
                "AccessToken": "minutes" if minutes else "seconds",
            }
            self._short_client = self._admin.call(
                "CreateUserPoolClient", UserPoolId=self.pool_id, **config
            )["UserPoolClient"]["ClientId"]
        return self._short_client

    def email(self, address: str) -> str:
        stand_in = super().email(address)
        if not self.person:
            return stand_in
        local = address.partition("@")[0]
        real = _tagged(self.person, f"{self.scenario}.{local}" if self.scenario else local)
        self._aliases[real] = stand_in
        self._latest_address = real
        return real

    def aliases(self) -> dict[str, str]:
        return self._aliases  # live: the scrubber sees addresses handed out later

    def substitutions(self) -> dict[str, str]:
        """The account id (in ARNs) and an SES domain identity, as the demo pool's."""
        from tui.embedded.server import DEFAULT_ACCOUNT_ID

        out = {account: DEFAULT_ACCOUNT_ID for account in self._account if account}
        identity = (self.ses_source_arn or "").rpartition("identity/")[2]
        if identity and "@" not in identity:
            out[identity] = "example.com"
        return out

    def advance_clock(self, seconds: float) -> None:
        """Real time instead: wait until the short-lived client's access tokens issued so
        far have expired (or `seconds`, when that is shorter)."""
        if not self.slow:
            raise RecordError("waiting for an access token to expire needs --slow")
        wait = min(float(seconds), self.short_token_seconds + self.expiry_margin)
        self.progress(f"waiting {wait:.0f} s for the access token to expire (--slow)")
        time.sleep(wait)

    def code(self, username: str, attribute: str) -> str:
        address = self._latest_address or self._addresses.get(username)
        if not address or not self.person:
            raise RecordError("a verification code needs --email")
        return self.codes.read(address, f"verify {attribute}")

    def delivered_code(self, credentials: Credentials, challenge: Challenge) -> str:
        address = self._addresses.get(credentials.username)
        if not address or not self.person:
            raise RecordError(f"a {challenge.name} code needs --email")
        return self.codes.read(address, f"sign-in, {challenge.name}")

    def connection(self, validate: bool = True) -> Connection:
        return Connection(self._admin.settings.with_(region=self.region), validate=validate)

    def close(self) -> None:
        super().close()
        with contextlib.suppress(Exception):
            self._admin.call("DeleteUserPool", UserPoolId=self._pool_created)


def _demo_attributes(role: str) -> dict[str, str]:
    """The attributes of the demo user who has this role's challenge, so that a recording
    against AWS differs from the embedded one only where Cognito does."""
    from tui.embedded.seed import NAMED, named_values

    marker = EmbeddedEnv.SEED_ROLES[role]
    for index, spec in enumerate(NAMED, 1):
        if marker in spec["note"]:
            return named_values(spec, index)
    raise RecordError(f"the demo seed has no user for role {role!r}")


def _ses_configuration(source_arn: str) -> dict[str, str]:
    """EmailConfiguration sending from the person's SES identity (an address, or a domain:
    then from no-reply@ that domain)."""
    identity = source_arn.rpartition("identity/")[2]
    if not source_arn.startswith("arn:") or not identity:
        raise RecordError(
            f"--ses-source-arn {source_arn!r} is not an SES identity ARN like "
            "arn:aws:ses:REGION:ACCOUNT:identity/example.org (our validation)"
        )
    config = {"EmailSendingAccount": "DEVELOPER", "SourceArn": source_arn}
    if "@" not in identity:
        config["From"] = f"cognito-tui recorder <no-reply@{identity}>"
    return config


class ReplayEnv(_BaseEnv):
    """Stand-ins for everything secret: distinct per role and per call, as the real values
    were, so the scrubbed requests come out as they were recorded."""

    def __init__(self, metadata: dict[str, Any]) -> None:
        super().__init__(
            mode="replay",
            region=str(metadata.get("region", "us-east-1")),
            pool_id=str(metadata.get("pool_id", "us-east-1_replay")),
            client_id="replayclient",
            credentials=LOCAL_CREDENTIALS,
        )
        self._codes = 0

    def create_user(self, role: str, attributes: dict[str, str]) -> Credentials:
        return self.user(role)

    def seed_user(self, role: str) -> Credentials:
        return self.user(role)

    def user(self, role: str) -> Credentials:
        return self.created.setdefault(
            role, Credentials(f"replay-{role}", f"Replay-{role}-Pa55!", "JBSWY3DPEHPK3PXP")
        )

    def advance_clock(self, seconds: float) -> None:
        return None

    def set_rate_limit(self, category: str, per_second: float | None) -> None:
        return None

    def code(self, username: str, attribute: str) -> str:
        self._codes += 1
        return f"{900000 + self._codes}"

    def mfa_code(self, credentials: Credentials, challenge: Challenge) -> str:
        return self.code(credentials.username, challenge.name)


# -- recording ---------------------------------------------------------------------------------


def select(names: list[str] | None) -> list[Scenario]:
    if not names:
        return list(SCENARIOS.values())
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        raise RecordError(f"unknown scenario {', '.join(unknown)} (see --list)")
    return [SCENARIOS[n] for n in names]


@dataclass
class RecordResult:
    written: list[Path]
    skipped: list[tuple[str, str]]


def record(
    names: list[str] | None,
    target: str,
    out_dir: Path,
    *,
    keep_pii: bool = False,
    region: str | None = None,
    profile: str | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
    env_factory: Callable[[], _BaseEnv] | None = None,
    email: str | None = None,
    code_command: str | None = None,
    slow: bool = False,
    ses_source_arn: str | None = None,
) -> RecordResult:
    chosen = select(names)
    if email:
        check_email(email)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".recording-", dir=out_dir))
    env: _BaseEnv | None = None
    try:
        if env_factory is not None:
            env = env_factory()
        elif target == "embedded":
            env = EmbeddedEnv()
        elif target == "aws":
            env = AwsEnv(
                region=region,
                profile=profile,
                email=email,
                codes=CodeSource(command=code_command),
                slow=slow,
                ses_source_arn=ses_source_arn,
            )
        else:
            raise RecordError(f"unknown target {target!r} (embedded or aws)")
        env.progress = progress
        can = env.capabilities()
        staged: list[Path] = []
        skipped: list[tuple[str, str]] = []
        for sc in chosen:
            missing = sc.needs - can
            if missing:
                why = "; ".join(SKIP_REASONS.get(m, f"it needs {m}") for m in sorted(missing))
                skipped.append((sc.name, why))
                progress(f"skip {sc.name}: {why}")
                continue
            progress(f"record {sc.name}")
            staged.append(_record_one(env, sc, staging, target, keep_pii))
        written = []
        for path in staged:
            final = out_dir / path.name
            os.replace(path, final)
            written.append(final)
        return RecordResult(written, skipped)
    finally:
        if env is not None:
            env.close()
        shutil.rmtree(staging, ignore_errors=True)


def unrecordable(target: str = "aws") -> dict[str, str]:
    """Scenarios the target cannot record whatever options are given, with the reason."""
    if target != "aws":
        return {}
    never = {"code-expiry", "throttle"}
    return {
        sc.name: "; ".join(SKIP_REASONS[m] for m in sorted(sc.needs & never))
        for sc in SCENARIOS.values()
        if sc.needs & never
    }


def _record_one(env: _BaseEnv, sc: Scenario, staging: Path, target: str, keep_pii: bool) -> Path:
    import botocore
    import vcr as vcrpy

    env.begin(sc)
    try:
        ctx = sc.setup(env) if sc.setup else {}
    except Exception as exc:
        raise RecordError(f"setting up scenario {sc.name} failed: {exc}") from exc
    # the aliases fill while the scenario runs: the scrubber reads the live table
    scrubber = Scrubber(
        keep_pii=keep_pii,
        region=env.region,
        aliases=env.aliases(),
        substitutions=env.substitutions(),
    )
    path = staging / f"{sc.name}.yaml"
    with make_vcr(scrubber, "all").use_cassette(str(path)) as cassette:
        for key, value in {
            "scenario": sc.name,
            "description": sc.doc,
            "target": target,
            "region": env.region,
            "pool_id": env.pool_id,
            "botocore": botocore.__version__,
            "vcrpy": vcrpy.__version__,
            "recorded_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "keep_pii": keep_pii,
        }.items():
            cassette.get_metadata(key, value)
        try:
            sc.run(env, ctx)
        except Exception as exc:
            raise RecordError(f"scenario {sc.name} failed: {exc}") from exc
    if not path.exists():
        raise RecordError(f"scenario {sc.name} made no Cognito call")
    if sc.invalid:
        _mark_expected_violations(path, sc.name)
    return path


def _mark_expected_violations(path: Path, name: str) -> None:
    """Store, in the cassette's metadata, the request violations the scenario sends on
    purpose; the replay check then demands exactly those."""
    import yaml

    from contracts.checker.exchange import check_exchange
    from contracts.checker.sources import read_exchanges
    from contracts.checker.spec import default_spec

    expected = [
        {"index": ex.index, "where": v.where, "path": v.path, "rule": v.rule}
        for ex in read_exchanges(path)
        for v in check_exchange(default_spec(), ex).violations
    ]
    if not expected or any(e["where"] != "request" for e in expected):
        raise RecordError(
            f"scenario {name} should send exactly one deliberately invalid request; "
            f"the checker found {expected or 'nothing'}"
        )
    data = yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    data.setdefault("metadata", {})["expected_violations"] = expected
    path.write_text(yaml.dump(data, Dumper=getattr(yaml, "CDumper", yaml.Dumper)))


# -- replay ------------------------------------------------------------------------------------


def read_metadata(path: Path) -> dict[str, Any]:
    import yaml

    with open(path, "rb") as fh:
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    meta = data.get("metadata") if isinstance(data, dict) else None
    return dict(meta or {})


def expected_violations(path: Path) -> set[tuple[int, str, str, str]]:
    """(index, where, path, rule) of the violations a cassette records as deliberate: the
    requests its scenario sends broken on purpose to record Cognito's answer."""
    if path.suffix not in (".yaml", ".yml"):
        return set()
    try:
        items = read_metadata(path).get("expected_violations") or []
        return {(int(i["index"]), i["where"], i["path"], i["rule"]) for i in items}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return set()  # no usable metadata: every violation counts


@contextlib.contextmanager
def _no_backoff() -> Iterator[None]:
    """Replayed throttling needs no real waiting: botocore's backoff sleeps 0 s."""
    from botocore.retries import standard

    original = standard.ExponentialBackoff.delay_amount
    # botocore's method replaced on purpose for the replay, restored below
    standard.ExponentialBackoff.delay_amount = lambda self, context: 0.0  # type: ignore[method-assign]
    try:
        yield
    finally:
        standard.ExponentialBackoff.delay_amount = original  # type: ignore[method-assign]


@contextlib.contextmanager
def playback(path: Path) -> Iterator[tuple[dict[str, Any], Any]]:
    """Serve Cognito calls from a cassette, in order, with the recording's scrubbing; yields
    the cassette's metadata and the vcrpy cassette. Also used by the editor's UI tests."""
    meta = read_metadata(path)
    scrubber = Scrubber(
        keep_pii=bool(meta.get("keep_pii")),
        region=str(meta.get("region", "us-east-1")),
        passthrough=True,
    )
    instance = make_vcr(scrubber, "none")
    with instance.use_cassette(str(path), allow_playback_repeats=False) as cassette, _no_backoff():
        scrubber.passthrough = False  # loading is over: live requests get scrubbed
        yield meta, cassette


def replay(path: Path) -> int:
    """Run the cassette's scenario against it; returns the number of interactions played."""
    meta = read_metadata(path)
    name = meta.get("scenario") or path.stem
    if name not in SCENARIOS:
        raise RecordError(f"{path}: scenario {name!r} no longer exists")
    sc = SCENARIOS[name]
    env = ReplayEnv(meta)
    env.scenario = str(name)
    try:
        with playback(path) as (_meta, cassette):
            sc.run(env, {})
            if not cassette.all_played:
                unplayed = len(cassette) - len(cassette.play_counts)
                raise RecordError(f"{path}: {unplayed} recorded interactions were never requested")
            return len(cassette)
    finally:
        env.close()
