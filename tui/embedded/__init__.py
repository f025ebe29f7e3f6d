"""The embedded Cognito backend: moto's cognito-idp server, completed where it diverges.

Used by the demo, by cassette recording and by tests. It never imports Textual. The names
below load lazily so that `cognito-tui --help` does not pay for moto.

    from tui.embedded import EmbeddedCognito
    with EmbeddedCognito(seed="demo", strict=True) as backend:
        ...  # botocore client with endpoint_url=backend.endpoint_url
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.embedded.outbox import Delivery
    from tui.embedded.seed import SeedUser
    from tui.embedded.server import EmbeddedCognito

__all__ = ["Delivery", "EmbeddedCognito", "SeedUser"]


def __getattr__(name: str) -> Any:
    if name == "EmbeddedCognito":
        from tui.embedded.server import EmbeddedCognito

        return EmbeddedCognito
    if name == "SeedUser":
        from tui.embedded.seed import SeedUser

        return SeedUser
    if name == "Delivery":
        from tui.embedded.outbox import Delivery

        return Delivery
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
