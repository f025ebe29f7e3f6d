"""The editor's session: everything a screen asks for, behind one Textual-free object.

Screens call these methods from thread workers and receive plain results or `CognitoError`
values; nothing here knows about the UI. The session owns the sign-in state (tokens kept in
memory only, refreshed before they expire), the attribute draft with its journal, the
ClientMetadata pairs sent with every update, and the read-only guard, which refuses writes
at the lowest layer (`Connection.call`), so read-only is enforced, not just hidden.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui.core.attributes import Draft, SaveResult
from tui.core.auth import Authenticator, Challenge, Tokens
from tui.core.connection import Connection, ConnectionSettings, RetryNotice
from tui.core.errors import CognitoError
from tui.core.journal import Journal, JournalKey
from tui.core.schema import VERIFIED_FLAG, PoolSchema
from tui.core.service import CodeDelivery, PoolAdmin, UserAttributes, UserRecord

REFRESH_MARGIN = 300  # refresh tokens this many seconds before they expire
READ_ONLY = "ReadOnlyMode"


def is_write(operation: str, params: dict[str, Any]) -> bool:
    """Whether a call changes anything in the pool or sends a message.

    Reads follow botocore's naming (Get/Describe/List); signing in is allowed, except a
    challenge answer that sets a password. GetUserAttributeVerificationCode sends an email
    or SMS, so it counts as a write.
    """
    if operation == "GetUserAttributeVerificationCode":
        return True
    if operation.startswith(("Get", "Describe", "List", "AdminGet", "AdminList")):
        return False
    if operation in ("InitiateAuth", "AdminInitiateAuth"):
        return False
    if operation in ("RespondToAuthChallenge", "AdminRespondToAuthChallenge"):
        return params.get("ChallengeName") in ("NEW_PASSWORD_REQUIRED", "MFA_SETUP")
    return True


class GuardedConnection(Connection):
    """A Connection that refuses every write in read-only mode, before anything is sent."""

    read_only = False

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        if self.read_only and is_write(operation, params):
            raise CognitoError(
                READ_ONLY,
                f"{operation} would change the pool; the editor was started with --read-only.",
                operation,
            )
        return super().call(operation, **params)


@dataclass
class SessionInfo:
    """What the header shows: never a secret."""

    region: str
    pool_id: str
    username: str | None
    expires_at: float | None
    read_only: bool
    endpoint: str
    can_write: bool | None
    account: str | None = None  # admin mode: the identity's account


@dataclass(frozen=True)
class Identity:
    """Who the IAM credentials are (STS GetCallerIdentity)."""

    account: str
    arn: str


def caller_identity(connection: Connection) -> Identity:
    """Check IAM credentials before using them. The STS call goes to the same endpoint as
    Cognito when one is set (the embedded backend answers it too)."""
    from tui.core.errors import from_botocore

    try:
        # botocore makes a client's methods from the service model at run time
        sts: Any = connection.session.create_client(
            "sts",
            region_name=connection.region,
            endpoint_url=connection.settings.endpoint_url,
        )
        answer = sts.get_caller_identity()
    except Exception as exc:
        raise from_botocore(exc, "GetCallerIdentity") from exc
    return Identity(str(answer["Account"]), str(answer["Arn"]))


class EditorSession:
    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        read_only: bool = False,
        on_retry: Callable[[RetryNotice], None] | None = None,
        credentials: tuple[str, str] | None = None,
        journal_folder: Any = None,
        journal_endpoint: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`journal_endpoint` names the service in journal keys when its URL is not
        stable (the demo's backend listens on a new port every run)."""
        self.settings = settings
        self.read_only = read_only
        self.on_retry = on_retry
        self._credentials = credentials
        self._journal_folder = journal_folder
        self._journal_endpoint = journal_endpoint
        self.clock = clock
        self._connection: GuardedConnection | None = None
        self._lock = threading.RLock()
        self.tokens: Tokens | None = None
        self.username: str | None = None
        self.draft = Draft()
        self.client_metadata: dict[str, str] = {}
        self.pool_schema: PoolSchema | None = None
        self.journal: Journal | None = None
        self.user: UserRecord | None = None
        # Admin mode: IAM credentials checked by STS, and the user being edited.
        self.identity: Identity | None = None
        self.admin_username: str | None = None
        self.mark_verified: set[str] = set()
        # Answers fetched before the session asked (tui.prefetch: a forked child's GetUser
        # at start-up), each taken once by the call it answers; see `_early`.
        self.early: Any = None
        self._known_endpoint: str | None = None
        # Admin mode: what searches fetched of each pool (see tui.core.search.ScanCache).
        self._scan_caches: dict[tuple[str, str], Any] = {}
        # Verification codes Cognito said it sent in this session (by a save or a request
        # for a code), by attribute, with when: "already sent" is said only about these.
        self.codes_sent: dict[str, tuple[CodeDelivery, float]] = {}

    # -- connection ------------------------------------------------------------------------

    @property
    def connection(self) -> GuardedConnection:
        """Created on first use (in a worker thread: building a client takes a while)."""
        with self._lock:
            if self._connection is None:
                conn = GuardedConnection(
                    self.settings, on_retry=self.on_retry, credentials=self._credentials
                )
                conn.read_only = self.read_only
                self._connection = conn
            return self._connection

    def info(self) -> SessionInfo:
        region = (
            self.settings.region
            or self.settings.pool_region
            or (self._connection.region if self._connection else "?")
        )
        return SessionInfo(
            region=region,
            pool_id=self.settings.pool_id or "?",
            username=self.username,
            expires_at=self.tokens.expires_at if self.tokens else None,
            read_only=self.read_only,
            endpoint=self.settings.endpoint_url or "",
            can_write=self.tokens.can_write_attributes if self.tokens else None,
            account=self.identity.account if self.identity else None,
        )

    # -- admin mode ------------------------------------------------------------------------

    @property
    def admin(self) -> bool:
        return self.identity is not None

    def switch_identity(self, settings: ConnectionSettings) -> Identity:
        """Use other IAM credentials (profile, region) only once STS confirms them; a failed
        check leaves the current connection as it was and raises the reason."""
        conn = GuardedConnection(settings, on_retry=self.on_retry, credentials=self._credentials)
        conn.read_only = self.read_only
        identity = caller_identity(conn)
        with self._lock:
            self._connection, self.settings, self.identity = conn, settings, identity
        return identity

    def pool_admin(self, pool_id: str | None = None) -> PoolAdmin:
        pool = pool_id or self.settings.pool_id
        if not pool:
            raise CognitoError("MissingSetting", "No user pool chosen.")
        return PoolAdmin(self.connection, pool)

    def scan_cache(self, pool_id: str) -> Any:
        """The users a search of this pool fetched in this session (and the identity's
        account: another identity may see another pool by the same id)."""
        from tui.core.search import ScanCache

        key = (self.identity.account if self.identity else "", pool_id)
        with self._lock:
            return self._scan_caches.setdefault(key, ScanCache())

    def open_user(self, pool_id: str, username: str) -> None:
        """Edit another user of a pool with the admin calls; a fresh draft and journal."""
        if pool_id != self.settings.pool_id:
            self.settings = self.settings.with_(pool_id=pool_id)
            self.pool_schema = None
        self.admin_username = username
        self.username = username
        self.draft = Draft(admin=True)
        self.journal = None
        self.user = None
        self.mark_verified = set()

    # -- sign-in ---------------------------------------------------------------------------

    def _authenticator(self) -> Authenticator:
        if not self.settings.pool_id or not self.settings.client_id:
            raise CognitoError(
                "MissingSetting",
                "Signing in needs the pool id and the app client id (--pool-id, --client-id).",
            )
        return Authenticator(self.connection, self.settings.pool_id, self.settings.client_id)

    def sign_in(self, username: str, password: str, method: str = "srp") -> Tokens | Challenge:
        early = self._early("SignIn")  # the demo's sign-in, made while the UI loaded
        if early is not None:
            return self._accept(early, username)
        auth = self._authenticator()
        result = (
            auth.sign_in_password(username, password)
            if method == "password"
            else auth.sign_in_srp(username, password)
        )
        return self._accept(result, username)

    def respond(self, challenge: Challenge, answers: dict[str, str]) -> Tokens | Challenge:
        return self._accept(self._authenticator().respond(challenge, answers), challenge.username)

    def use_access_token(self, token: str) -> None:
        """A token obtained elsewhere (--access-token): no refresh is possible."""
        self.tokens = Tokens.from_access_token(token)
        self.username = self.tokens.username

    def _accept(self, result: Tokens | Challenge, username: str) -> Tokens | Challenge:
        if isinstance(result, Tokens):
            self.tokens = result
            self.username = result.username or username
        return result

    def access_token(self) -> str:
        """The current access token, refreshed first when it is about to expire."""
        if self.tokens is None:
            raise CognitoError("NotAuthorizedException", "Not signed in.")
        left = self.tokens.seconds_left(self.clock())
        if left is not None and left < REFRESH_MARGIN and self.tokens.refresh_token:
            # if refreshing fails the call goes ahead; a refused token asks for a sign-in
            with contextlib.suppress(CognitoError):
                self.tokens = self._authenticator().refresh(self.tokens)
        return self.tokens.access_token

    # -- attributes ------------------------------------------------------------------------

    def attributes(self) -> UserAttributes:
        return UserAttributes(self.connection, self.access_token)

    def load(self) -> UserRecord:
        """GetUser (AdminGetUser in admin mode); pending edits survive a reload."""
        if self.admin_username is not None:
            user = self.pool_admin().get_user(self.admin_username)
        else:
            user = self._early("GetUser") or self.attributes().get_user()
        self.user = user
        self.username = user.username
        self.draft.rebase(user.attributes)
        self._open_journal()
        return user

    def load_at_once(self, with_schema: bool = False) -> UserRecord | None:
        """`load()`, when it can return without waiting: the early GetUser has arrived as
        a result (and, `with_schema`, the early DescribeUserPool unless already known).
        None otherwise (still on its way, an error, none at all, admin mode): then `load()`
        in a worker, as ever, waits for it or makes the call and reports its error."""
        early = self.early
        if early is None or self.admin_username is not None or not early.ready("GetUser"):
            return None
        if with_schema and self.pool_schema is None:
            if not early.ready("DescribeUserPool"):
                return None
            self.pool_schema = self._early("DescribeUserPool")
        return self.load()

    def load_pool_schema(self) -> PoolSchema | None:
        """DescribeUserPool when IAM credentials allow it; a signed-in user alone cannot."""
        if not self.settings.pool_id:
            return None
        if self.early is not None and self.early.pending("DescribeUserPool"):
            self.pool_schema = self._early("DescribeUserPool")
            return self.pool_schema  # an early refusal came back as None, as below
        try:
            self.pool_schema = PoolAdmin(self.connection, self.settings.pool_id).describe_pool()
        except CognitoError:
            self.pool_schema = None
        return self.pool_schema

    def _early(self, name: str) -> Any:
        """The early answer to this call (raising the CognitoError it came back as), or
        None when there is none: the caller then makes the call. Early answers are for the
        start only: each is taken once, and then the session asks Cognito itself."""
        early = self.early
        if early is None or not early.pending(name):
            return None
        answer = early.take(name)
        self._known_endpoint = early.endpoint_url or self._known_endpoint
        if not early.pending_any():
            self.early = None
        return answer

    def warm_up(self) -> None:
        """Build this session's own client in a background thread (after an early answer,
        so that the next call does not wait for it)."""
        if self._connection is None:
            threading.Thread(target=lambda: self.connection, daemon=True).start()

    def _open_journal(self) -> None:
        if self.journal is None and self.username:
            key = JournalKey(
                self._journal_endpoint
                or self.settings.endpoint_url
                or self._known_endpoint
                or self.connection.endpoint_url,
                self.settings.pool_id or "",
                self.username,
            )
            self.journal = Journal(key, self._journal_folder)

    def pending_journal(self) -> dict[str, Any] | None:
        self._open_journal()
        return self.journal.read() if self.journal else None

    def restore_journal(self, record: dict[str, Any]) -> None:
        self.draft.restore(record.get("draft") or {})
        self.client_metadata.update(record.get("client_metadata") or {})
        self.persist()

    def persist(self, wait: bool = False) -> None:
        """Write the journal after every change of the draft or the ClientMetadata;
        `wait`: until it is synced to the disk (see Journal.write)."""
        if self.journal is not None:
            self.journal.write(self.draft.to_journal(), self.client_metadata, wait=wait)

    def discard(self) -> None:
        self.draft.clear()
        if self.journal is not None:
            self.journal.clear()

    def save(self) -> SaveResult:
        """Send the draft; what Cognito did not confirm stays pending (and journaled)."""
        if self.read_only:
            return SaveResult(
                error=CognitoError(READ_ONLY, "The editor was started with --read-only.")
            )
        if self.admin_username is not None:
            result = self._admin_save(self.admin_username)
        else:
            attrs = self.attributes()
            result = self.draft.save(
                lambda values: attrs.update(values, self.client_metadata or None),
                attrs.delete,
            )
            for delivery in result.deliveries:
                self.codes_sent[delivery.attribute] = (delivery, self.clock())
        self.persist()
        return result

    def _admin_save(self, username: str) -> SaveResult:
        """AdminUpdateUserAttributes (marking a new email or phone verified in the same
        request when chosen) and AdminDeleteUserAttributes."""
        admin = self.pool_admin()

        def update(values: dict[str, str]) -> list[Any]:
            sent = dict(values)
            for name in self.mark_verified:
                flag = VERIFIED_FLAG.get(name)
                if flag and name in values:
                    sent[flag] = "true"
            admin.update(username, sent, self.client_metadata or None)
            return []

        result = self.draft.save(update, lambda names: admin.delete(username, names))
        if result.ok:
            self.mark_verified.clear()
        return result

    def send_code(self, attribute: str) -> CodeDelivery:
        delivery = self.attributes().send_code(attribute, self.client_metadata or None)
        self.codes_sent[attribute] = (delivery, self.clock())
        return delivery

    def verify(self, attribute: str, code: str) -> None:
        self.attributes().verify(attribute, code)
        self.codes_sent.pop(attribute, None)
