"""One botocore session and `cognito-idp` client per connection.

Region, profile and endpoint URL follow the AWS CLI's habits: explicit values win, then
botocore's own configuration (AWS_PROFILE, AWS_REGION / AWS_DEFAULT_REGION, the config
file, and the service-specific `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER` or the global
`AWS_ENDPOINT_URL`, which botocore reads itself). A pool id carries its region
(`eu-west-1_AbC`), so the region can be left out when the pool is known.

Retries use botocore's `standard` mode; every retry is reported to an optional callback so
the UI can show that it is waiting out throttling instead of appearing to hang.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

SERVICE = "cognito-idp"
DEFAULT_READ_TIMEOUT = 15
DEFAULT_CONNECT_TIMEOUT = 5
MAX_ATTEMPTS = 4
MAX_POOL_CONNECTIONS = 10  # botocore's own default


@dataclass(frozen=True)
class RetryNotice:
    operation: str
    attempt: int  # the attempt that failed, 1-based
    max_attempts: int
    code: str  # error code or exception name
    answered: bool = True  # Cognito answered with `code`; False: botocore's exception


@dataclass(frozen=True)
class ConnectionSettings:
    """Where to connect. Never holds a secret except the client secret, which is only
    ever taken from the environment or a prompt and is never written anywhere."""

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    pool_id: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    read_timeout: float = DEFAULT_READ_TIMEOUT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    max_attempts: int = MAX_ATTEMPTS
    # HTTP connections kept open: as many as threads sharing the client (bulk workers).
    max_pool_connections: int = MAX_POOL_CONNECTIONS

    @property
    def pool_region(self) -> str | None:
        if self.pool_id and "_" in self.pool_id:
            return self.pool_id.split("_", 1)[0]
        return None

    def with_(self, **changes: Any) -> ConnectionSettings:
        return replace(self, **changes)


def settings_problems(settings: ConnectionSettings) -> list[str]:
    """What is wrong with connection values a person typed, before anything is sent: the
    pool and client ids against the service model's length and pattern, the pool id's
    region prefix against --region, and the endpoint URL's form. One sentence each."""
    import re
    from urllib.parse import urlsplit

    problems: list[str] = []
    checks = [("--pool-id", settings.pool_id, "UserPoolIdType", "e.g. eu-west-1_AbC123")]
    checks.append(("--client-id", settings.client_id, "ClientIdType", "letters, digits, + and _"))
    wanted = [shape for _, value, shape, _ in checks if value is not None]
    if wanted:
        from contracts.checker.shapes import shape_schemas

        schemas = shape_schemas(*sorted(set(wanted)))
        for option, value, shape, example in checks:
            if value is None:
                continue
            rule = schemas[shape]
            if not rule["minLength"] <= len(value) <= rule["maxLength"]:
                problems.append(
                    f"{option} {value!r}: must be {rule['minLength']} to {rule['maxLength']} "
                    f"characters long (got {len(value)})"
                )
            elif not re.fullmatch(rule["pattern"], value):
                problems.append(
                    f"{option} {value!r}: not a valid {option[2:].replace('-', ' ')} "
                    f"({example}; the service model's pattern is {rule['x-java-pattern']})"
                )
    pool_region = settings.pool_region
    if settings.region and pool_region and not problems and pool_region != settings.region:
        problems.append(
            f"--pool-id {settings.pool_id!r} belongs to region {pool_region}, not "
            f"{settings.region}: leave --region out or make them agree"
        )
    if settings.endpoint_url is not None:
        url = urlsplit(settings.endpoint_url)
        try:
            port_ok = url.port is None or url.port > 0
        except ValueError:
            port_ok = False
        if url.scheme not in ("http", "https") or not url.hostname or not port_ok:
            problems.append(
                f"--endpoint-url {settings.endpoint_url!r}: not an http(s) URL with a host, "
                "e.g. https://cognito-idp.eu-west-1.amazonaws.com or http://127.0.0.1:9229"
            )
    return problems


class Connection:
    """A botocore session and client, created once and shared by the service calls."""

    def __init__(
        self,
        settings: ConnectionSettings,
        on_retry: Callable[[RetryNotice], None] | None = None,
        credentials: tuple[str, str] | None = None,
        validate: bool = True,
    ) -> None:
        """`credentials` (access key, secret key) replace the standard chain: used for
        the embedded backend and cassette replay, which accept any. `validate=False` sends
        requests the spec would refuse (only recorded scenarios that capture Cognito's own
        answer to bad input do that)."""
        import botocore.session
        from botocore.config import Config

        self.settings = settings
        self.on_retry = on_retry
        self.validate = validate
        self._lock = threading.Lock()
        self.session = botocore.session.Session(profile=settings.profile)
        if credentials is not None:
            self.session.set_credentials(*credentials)
        region = (
            settings.region or settings.pool_region or self.session.get_config_variable("region")
        )
        self.region: str = region or "us-east-1"
        config = Config(
            # `total_max_attempts`, not `max_attempts`: in a client Config botocore reads
            # the latter as retries *after* the first attempt (one attempt more than the
            # bound this class and the status line report).
            retries={"mode": "standard", "total_max_attempts": settings.max_attempts},
            read_timeout=settings.read_timeout,
            connect_timeout=settings.connect_timeout,
            max_pool_connections=settings.max_pool_connections,
            # botocore takes it (since 1.31); botocore-stubs 1.43 does not list it yet
            user_agent_appid="cognito-tui",  # type: ignore[call-arg]
        )
        self.client: Any = self.session.create_client(
            SERVICE,
            region_name=self.region,
            endpoint_url=settings.endpoint_url,
            config=config,
        )
        from botocore.retries.standard import RetryEventAdapter, StandardRetryConditions

        self._retry_adapter = RetryEventAdapter()
        self._retry_conditions = StandardRetryConditions(max_attempts=settings.max_attempts)
        # Runs before botocore's own retry handler, which decides; this one only reports.
        self.client.meta.events.register_first(f"needs-retry.{SERVICE}", self._observe_retry)

    @property
    def endpoint_url(self) -> str:
        return str(self.client.meta.endpoint_url)

    def _observe_retry(self, **kwargs: Any) -> None:
        """Report a retry botocore is about to make; botocore's own handler decides it.

        The decision is botocore's standard retry conditions applied to the same event, so
        what is reported is what botocore will do, not a guess kept here.
        """
        if self.on_retry is None:
            return None
        context = self._retry_adapter.create_retry_context(**kwargs)
        if not self._retry_conditions.is_retryable(context):
            return None
        code = ""
        if context.caught_exception is not None:
            code = type(context.caught_exception).__name__
        elif context.parsed_response:
            code = str(context.parsed_response.get("Error", {}).get("Code", ""))
        name = getattr(context.operation_model, "name", "")
        notice = RetryNotice(
            name,
            context.attempt_number,
            self.settings.max_attempts,
            code,
            answered=context.caught_exception is None,
        )
        self.on_retry(notice)
        return None

    def max_of(self, operation: str, member: str) -> int:
        """A request member's maximum as the service model states it (the largest page
        ListUsers or ListUserPools returns)."""
        shape = self.client.meta.service_model.operation_model(operation).input_shape
        return int(shape.members[member].metadata["max"])

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Call one operation by its model name; failures raise CognitoError.

        The parameters are checked against the spec first: a request that breaks the model
        (length, pattern, enum, required member) is never sent, and the error names the
        member and the rule, in the checker's words.
        """
        from botocore import xform_name

        from contracts.checker.spec import default_spec
        from tui.core.errors import VALIDATION_ERROR, CognitoError, from_botocore

        violations = default_spec().validate(operation, "input", params) if self.validate else []
        if violations:
            raise CognitoError(
                VALIDATION_ERROR,
                "; ".join(str(v) for v in violations),
                operation,
                violations=violations,
            )
        method = getattr(self.client, xform_name(operation))
        try:
            result: dict[str, Any] = method(**params)
        except Exception as exc:
            raise from_botocore(exc, operation) from exc
        result.pop("ResponseMetadata", None)
        return result

    def close(self) -> None:
        self.client.close()
