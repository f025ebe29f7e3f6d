"""Recording scenarios into cassettes, and replaying them.

`record()` runs scenarios against the embedded backend (a fresh one per run) or against
AWS (a throw-away pool, client and users with a recognisable prefix, deleted afterwards
even when a scenario fails). Cassettes are written to a staging folder and moved into place
only when every scenario passed, so a failed run leaves the previous cassettes untouched.

`replay()` re-runs one scenario against its cassette with no service and no network: every
request the code sends must match a recorded one, in order, and every recorded interaction
must be used.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
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
CAPABILITIES = {
    "embedded": frozenset({"codes", "clock", "throttle", "seed"}),
    "aws": frozenset(),
    "replay": frozenset({"codes", "clock", "throttle", "seed"}),
}


class RecordError(Exception):
    """A recording run failed; nothing was written."""


def _password() -> str:
    # Upper, lower, digit and symbol, as the demo pool's (and most pools') policy wants.
    return "Ct-" + secrets.token_urlsafe(12) + "9a!"


# -- environments ------------------------------------------------------------------------------


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
    _serial: int = 0
    _journals: str | None = None

    def email(self, address: str) -> str:
        """An address unique to the scenario, the same in recording and replay: scenarios
        share one pool, and verified emails are aliases that must not collide."""
        local, _, domain = address.partition("@")
        return f"{local}+{self.scenario}@{domain}" if self.scenario else address

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

    def create_user(self, role: str, attributes: dict[str, str]) -> Credentials:
        self._serial += 1
        username = f"{AWS_PREFIX}-{role}-{self._serial}-{secrets.token_hex(3)}"
        password = self.password_factory()
        attributes = {k: self.email(v) if k == "email" else v for k, v in attributes.items()}
        conn = self.connection()
        conn.call(
            "AdminCreateUser",
            UserPoolId=self.pool_id,
            Username=username,
            TemporaryPassword=_password(),
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
        )
        conn.call(
            "AdminSetUserPassword",
            UserPoolId=self.pool_id,
            Username=username,
            Password=password,
            Permanent=True,
        )
        self.created[role] = Credentials(username, password)
        return self.created[role]

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
        raise RecordError(f"{self.mode} cannot answer {challenge.name}")

    def reset(self) -> None:
        """Between scenarios: users of the previous one are not reused."""
        self.created.clear()

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
        super().__init__(
            mode="embedded",
            region=self.backend.region,
            pool_id=self.backend.user_pool_id,
            client_id=self.backend.client_id,
            endpoint_url=self.backend.endpoint_url,
            credentials=LOCAL_CREDENTIALS,
        )

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

    def mfa_code(self, credentials: Credentials, challenge: Challenge) -> str:
        if challenge.name == "SOFTWARE_TOKEN_MFA":
            if not credentials.totp_secret:
                raise RecordError(f"{credentials.username} has no TOTP secret")
            from tui.embedded.mfa import totp

            # authenticator apps use real time, not the backend's movable clock
            return totp(credentials.totp_secret, time.time())
        deliveries = [d for d in self.backend.outbox() if d.username == credentials.username]
        if not deliveries:
            raise RecordError(f"no {challenge.name} code was delivered")
        return str(deliveries[-1].code)

    def close(self) -> None:
        super().close()
        self.backend.stop()


class AwsEnv(_BaseEnv):
    """A throw-away pool in the AWS account of the standard credential chain. Everything it
    creates carries the AWS_PREFIX and is deleted in close(), also after a failure."""

    def __init__(self, region: str | None = None, profile: str | None = None) -> None:
        from tui.embedded.seed import client_config, pool_config

        settings = ConnectionSettings(region=region, profile=profile)
        self._admin = Connection(settings)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        # The demo pool's schema and settings, without what needs account-specific setup
        # (an SES identity, an SNS role): Cognito's default email and no SMS.
        params = pool_config("000000000000", self._admin.region)
        for key in ("EmailConfiguration", "SmsConfiguration"):
            params.pop(key, None)
        params["MfaConfiguration"] = "OFF"
        params["UserPoolTags"] = {"project": "cognito-tui", "purpose": "contract-recording"}
        pool = self._admin.call("CreateUserPool", PoolName=f"{AWS_PREFIX}-{stamp}", **params)
        self._pool_created = pool["UserPool"]["Id"]
        try:
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

    def connection(self, validate: bool = True) -> Connection:
        return Connection(self._admin.settings.with_(region=self.region), validate=validate)

    def close(self) -> None:
        super().close()
        with contextlib.suppress(Exception):
            self._admin.call("DeleteUserPool", UserPoolId=self._pool_created)


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
) -> RecordResult:
    chosen = select(names)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".recording-", dir=out_dir))
    env: _BaseEnv | None = None
    try:
        if env_factory is not None:
            env = env_factory()
        elif target == "embedded":
            env = EmbeddedEnv()
        elif target == "aws":
            env = AwsEnv(region=region, profile=profile)
        else:
            raise RecordError(f"unknown target {target!r} (embedded or aws)")
        can = CAPABILITIES[env.mode]
        staged: list[Path] = []
        skipped: list[tuple[str, str]] = []
        for sc in chosen:
            missing = sc.needs - can
            if missing:
                skipped.append((sc.name, f"needs {', '.join(sorted(missing))}"))
                progress(f"skip {sc.name}: {target} cannot provide {', '.join(sorted(missing))}")
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


def _record_one(env: _BaseEnv, sc: Scenario, staging: Path, target: str, keep_pii: bool) -> Path:
    import botocore
    import vcr as vcrpy

    env.reset()
    env.scenario = sc.name
    try:
        ctx = sc.setup(env) if sc.setup else {}
    except Exception as exc:
        raise RecordError(f"setting up scenario {sc.name} failed: {exc}") from exc
    scrubber = Scrubber(keep_pii=keep_pii, region=env.region)
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
