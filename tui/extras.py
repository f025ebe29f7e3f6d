"""Which optional part of the install a command needs, and the one line that says so.

The base install is the editor; `cognito-tui[embedded]` adds the embedded Cognito backend
(moto), `cognito-tui[contracts]` the recorder and YAML cassettes (vcrpy, PyYAML). Standard
library only: this runs before anything heavy is imported.
"""

from __future__ import annotations

import importlib.util
import sys

EXTRAS: dict[str, tuple[str, ...]] = {
    "embedded": ("moto", "werkzeug"),
    "contracts": ("vcr", "yaml"),
}


def missing_extra(*extras: str) -> str | None:
    """The first of `extras` whose modules are not importable, or None."""
    for extra in extras:
        for module in EXTRAS[extra]:
            if importlib.util.find_spec(module) is None:
                return extra
    return None


def message(what: str, extra: str) -> str:
    install = f"pip install 'cognito-tui[{extra}]'"
    return f"{what} needs the {extra} extra, which is not installed: {install}"


def require(what: str, *extras: str, prog: str = "cognito-tui") -> int | None:
    """Exit status 2 with one line on stderr when an extra is missing, else None."""
    extra = missing_extra(*extras)
    if extra is None:
        return None
    sys.stderr.write(f"{prog}: {message(what, extra)}\n")
    return 2
