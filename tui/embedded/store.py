"""What the embedded backend remembers beyond moto's model.

moto keeps pools, clients, users, passwords and its token tables; everything AWS does that
moto does not model lives here: attribute values waiting for verification, verification
codes with their issue time, per-user MFA settings (moto shares one TOTP secret across all
users), sign-in sessions with their challenge state, and every secret the backend handed
out (for tests that check secrets never leak).

Users are keyed by `(pool id, internal username)`, moto's own key for a user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

UserKey = tuple[str, str]


@dataclass(slots=True)
class IssuedCode:
    """A code sent to the user: what it proves (`purpose`), for which attribute and value."""

    code: str
    attribute: str
    value: str
    issued_at: float
    purpose: str


@dataclass(slots=True)
class MfaSettings:
    """A user's MFA state: a verified TOTP secret (and one being set up), which factors
    are enabled and the preferred one (`SOFTWARE_TOKEN_MFA`, `SMS_MFA` or `EMAIL_OTP`)."""

    totp_secret: str | None = None
    pending_totp_secret: str | None = None
    totp_enabled: bool = False
    sms_enabled: bool = False
    email_enabled: bool = False
    preferred: str | None = None
    used_totp: str | None = None  # the last code accepted: AWS refuses it a second time

    def enabled(self) -> list[str]:
        out = []
        if self.sms_enabled:
            out.append("SMS_MFA")
        if self.totp_enabled:
            out.append("SOFTWARE_TOKEN_MFA")
        if self.email_enabled:
            out.append("EMAIL_OTP")
        return out


@dataclass(slots=True)
class SrpState:
    """The server half of one SRP exchange (b, B, the verifier and what the proof binds)."""

    small_b: int
    big_b: int
    big_a: int
    verifier: int
    salt_hex: str
    secret_block: str
    user_id_for_srp: str


@dataclass(slots=True)
class AuthSession:
    """A sign-in in progress: which challenge the client must answer next, until when."""

    session: str
    pool_id: str
    client_id: str
    username: str
    challenge: str
    expires_at: float
    srp: SrpState | None = None
    code: str | None = None
    attempts: int = 0
    totp_verified: bool = False


@dataclass
class Store:
    pending: dict[UserKey, dict[str, str]] = field(default_factory=dict)
    codes: dict[tuple[str, str, str], IssuedCode] = field(default_factory=dict)
    spent: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    mfa: dict[UserKey, MfaSettings] = field(default_factory=dict)
    sessions: dict[str, AuthSession] = field(default_factory=dict)
    secret_blocks: dict[str, str] = field(default_factory=dict)
    temp_passwords: dict[UserKey, float] = field(default_factory=dict)
    refresh_expiry: dict[str, float] = field(default_factory=dict)
    email_mfa: dict[str, dict[str, Any]] = field(default_factory=dict)
    issued: set[str] = field(default_factory=set)

    def pending_for(self, key: UserKey) -> dict[str, str]:
        return self.pending.setdefault(key, {})

    def mfa_for(self, key: UserKey) -> MfaSettings:
        return self.mfa.setdefault(key, MfaSettings())

    def forget_user(self, key: UserKey) -> None:
        """Drop everything kept for a deleted user (its codes, pending values, MFA)."""
        self.pending.pop(key, None)
        self.mfa.pop(key, None)
        self.temp_passwords.pop(key, None)
        for code_key in [k for k in self.codes if (k[0], k[1]) == key]:
            del self.codes[code_key]
        for code_key in [k for k in self.spent if (k[0], k[1]) == key]:
            del self.spent[code_key]
        for sid in [s for s, v in self.sessions.items() if (v.pool_id, v.username) == key]:
            self.drop_session(sid)

    def drop_session(self, session_id: str) -> None:
        session = self.sessions.pop(session_id, None)
        if session is not None and session.srp is not None:
            self.secret_blocks.pop(session.srp.secret_block, None)
