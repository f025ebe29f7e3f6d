"""pytest plugin: every recorded interaction becomes a test, and every cassette is replayed.

    pytest --cognito-cassettes cassettes/

For each cassette (`*.yaml` under the given folders) it adds one item per interaction,
named `scenario/index/Operation`, that checks the request and the response against the spec,
and one `scenario/replay` item that re-runs the scenario against the cassette with every
network connection refused, so code and cassette cannot silently diverge.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contracts.checker.exchange import Exchange, check_exchange
from contracts.checker.sources import SourceError, read_exchanges
from contracts.checker.spec import default_spec


class NetworkBlocked(OSError):
    pass


@contextlib.contextmanager
def no_network() -> Iterator[None]:
    """Refuse every socket connection (replay needs none; a leak would be a real call)."""
    original = socket.socket.connect

    def refuse(self: object, address: Any, /) -> None:
        raise NetworkBlocked(f"network blocked during replay: connect to {address!r}")

    # replaced on the class for the replay's duration, restored below
    socket.socket.connect = refuse  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect = original  # type: ignore[method-assign]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("cognito-contracts")
    group.addoption(
        "--cognito-cassettes",
        action="append",
        default=[],
        metavar="DIR",
        help="check and replay the Cognito cassettes under DIR (repeatable)",
    )
    group.addoption(
        "--cognito-no-replay",
        action="store_true",
        help="only check the recorded interactions, do not re-run the scenarios",
    )


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    folders = config.getoption("cognito_cassettes") or []
    for folder in folders:
        base = Path(folder)
        if not base.is_absolute():
            base = Path(config.rootpath) / base
        for path in sorted(base.rglob("*.yaml")):
            cassette = CassetteFile.from_parent(session, path=path)
            items.extend(cassette.collect())


class CassetteFile(pytest.File):
    def collect(self) -> list[pytest.Item]:
        scenario = self.path.stem
        try:
            exchanges = read_exchanges(self.path)
        except SourceError as exc:
            name = f"{scenario}/unreadable"
            return [BrokenCassette.from_parent(self, name=name, problem=str(exc))]
        from contracts.recording.record import expected_violations

        expected: dict[int, set[tuple[str, str, str]]] = {}
        for index, where, path, rule in expected_violations(self.path):
            expected.setdefault(index, set()).add((where, path, rule))
        out: list[pytest.Item] = []
        for ex in exchanges:
            target = ex.target or ""
            op = target.rsplit(".", 1)[-1] if target else "unknown"
            out.append(
                InteractionItem.from_parent(
                    self,
                    name=f"{scenario}/{ex.index}/{op}",
                    exchange=ex,
                    expected=expected.get(ex.index, set()),
                )
            )
        if not self.config.getoption("cognito_no_replay"):
            out.append(ReplayItem.from_parent(self, name=f"{scenario}/replay"))
        return out


class ContractViolation(AssertionError):
    pass


class InteractionItem(pytest.Item):
    def __init__(
        self, *, exchange: Exchange, expected: set[tuple[str, str, str]], **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.exchange = exchange
        self.expected = expected

    def runtest(self) -> None:
        """Valid, or broken in exactly the way the cassette says it was sent on purpose."""
        result = check_exchange(default_spec(), self.exchange)
        found = {(v.where, v.path, v.rule) for v in result.violations}
        unexpected = [
            v for v in result.violations if (v.where, v.path, v.rule) not in self.expected
        ]
        missing = sorted(self.expected - found)
        if unexpected or missing:
            lines = [f"  {v}  [{v.rule}]" for v in unexpected]
            lines += [f"  expected but not found: {w} {p} [{r}]" for w, p, r in missing]
            raise ContractViolation(f"{self.name} breaks the spec:\n" + "\n".join(lines))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ContractViolation):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.exchange.index, self.name


class ReplayItem(pytest.Item):
    def runtest(self) -> None:
        from contracts.recording.record import replay

        with no_network():
            replay(self.path)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, self.name


class BrokenCassette(pytest.Item):
    def __init__(self, *, problem: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problem = problem

    def runtest(self) -> None:
        raise ContractViolation(self.problem)
