"""A fault-injecting HTTP proxy on loopback, between botocore and the embedded backend.

botocore keeps connections alive, so faults are decided per request, not per connection:
the proxy reads each HTTP/1.1 request (headers and Content-Length body), names it by its
`X-Amz-Target` operation, and either relays it to the backend over a connection of its
own or answers with the next fault queued for that operation:

- `reset`: the client connection is closed with an RST (SO_LINGER 0);
- `stall`: nothing is answered for `seconds` (longer than the client's read timeout), then
  the connection is closed; `None` holds it until `release()` or `stop()`;
- `status`: an HTTP 500 or 503 with an awsJson error body;
- `throttle`: HTTP 400 `TooManyRequestsException`, as Cognito throttles.

`forward=True` delivers the request to the backend first and then applies the fault to
the answer: the change was applied, but the client never hears so. That is the case that
decides whether anything is applied twice.

Every request is recorded (`exchanges`), so a test counts what reached the backend
(`forwarded`) per operation: the retry bound and the "nothing applied twice" properties
are counted at the wire, not inferred from the client.

Used by the fault tests, the interruption tests and `bench/robustness.py`; it knows nothing
about the product.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import IO, Literal
from urllib.parse import urlsplit

FaultKind = Literal["reset", "stall", "status", "throttle"]
LOOPBACK = "127.0.0.1"
ANY = "*"


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    status: int = 0
    seconds: float | None = 0.0
    forward: bool = False  # deliver the request to the backend first; lose the answer

    @classmethod
    def reset(cls, forward: bool = False) -> Fault:
        return cls("reset", forward=forward)

    @classmethod
    def stall(cls, seconds: float | None, forward: bool = False) -> Fault:
        return cls("stall", seconds=seconds, forward=forward)

    @classmethod
    def error(cls, status: int) -> Fault:
        return cls("status", status=status)

    @classmethod
    def throttle(cls) -> Fault:
        return cls("throttle", status=400)

    @property
    def label(self) -> str:
        if self.kind == "status":
            return f"http-{self.status}"
        return self.kind + ("-after-apply" if self.forward else "")


@dataclass
class Exchange:
    """One request the proxy saw, and what became of it."""

    operation: str
    fault: str | None  # the fault's label, or None when relayed untouched
    forwarded: bool  # the backend received it
    status: int | None  # what the client was answered (None: no answer)
    at: float = field(default_factory=time.monotonic)


_BODIES = {
    500: {"__type": "InternalErrorException", "message": "injected: internal error"},
    503: {"__type": "ServiceUnavailable", "message": "injected: service unavailable"},
    400: {"__type": "TooManyRequestsException", "message": "Rate exceeded"},
}
_REASONS = {400: "Bad Request", 500: "Internal Server Error", 503: "Service Unavailable"}


class _Closed(Exception):
    """The peer closed the connection between requests."""


def _read_message(stream: IO[bytes], *, response: bool) -> tuple[bytes, dict[str, str]]:
    """One HTTP/1.1 message, raw, and its headers (lower-case names)."""
    start = stream.readline()
    if not start:
        raise _Closed
    raw = bytearray(start)
    headers: dict[str, str] = {}
    while True:
        line = stream.readline()
        if not line:
            raise _Closed
        raw += line
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size_line = stream.readline()
            raw += size_line
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            chunk = stream.read(size + 2)
            raw += chunk
            if size == 0:
                break
    elif "content-length" in headers:
        length = int(headers["content-length"])
        body = stream.read(length)
        if len(body) < length:
            raise _Closed
        raw += body
    elif response and start.split(b" ")[1:2] not in ([b"204"], [b"304"]):
        raw += stream.read()  # no length: the body runs to the end of the connection
    return bytes(raw), headers


def _operation(raw: bytes, headers: dict[str, str]) -> str:
    target = headers.get("x-amz-target", "")
    if target:
        return target.rpartition(".")[2]
    body = raw.partition(b"\r\n\r\n")[2]
    for part in body.split(b"&"):
        if part.startswith(b"Action="):
            return part[len(b"Action=") :].decode("ascii", "replace")
    return "(other)"


def _answer(status: int) -> bytes:
    body = json.dumps(_BODIES.get(status, {"__type": "InternalErrorException"})).encode()
    head = (
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
        "Content-Type: application/x-amz-json-1.1\r\n"
        f"Content-Length: {len(body)}\r\n"
        "x-amzn-RequestId: 00000000-0000-4000-8000-000000000000\r\n"
        "\r\n"
    )
    return head.encode() + body


def _reset(sock: socket.socket) -> None:
    """Close with an RST instead of a FIN: the client sees 'connection reset by peer'."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class FaultProxy:
    """`with FaultProxy(backend.endpoint_url) as proxy:` then point the client at
    `proxy.endpoint_url` and queue faults with `proxy.inject(operation, *faults)`."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream if "://" in upstream else f"http://{upstream}")
        self.upstream = (parts.hostname or LOOPBACK, int(parts.port or 80))
        self.exchanges: list[Exchange] = []
        self._plans: dict[str, deque[Fault]] = {}
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._stopped = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._listener = socket.create_server((LOOPBACK, 0), backlog=64)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, name="fault-proxy", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._release.set()
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def endpoint_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    # -- the plan --------------------------------------------------------------------------

    def inject(self, operation: str, *faults: Fault) -> None:
        """Queue faults for the next requests of `operation` (`*` for any), in order."""
        with self._lock:
            self._plans.setdefault(operation, deque()).extend(faults)

    def clear(self) -> None:
        """Drop every queued fault and let held stalls go."""
        with self._lock:
            self._plans.clear()
        self.release()

    def release(self) -> None:
        """End every stall now (its connection is closed unanswered)."""
        self._release.set()
        self._release = threading.Event()

    def pending(self) -> int:
        with self._lock:
            return sum(len(q) for q in self._plans.values())

    def _next_fault(self, operation: str) -> Fault | None:
        with self._lock:
            for key in (operation, ANY):
                queue = self._plans.get(key)
                if queue:
                    return queue.popleft()
        return None

    # -- what happened ---------------------------------------------------------------------

    def count(self, operation: str, *, forwarded: bool | None = None) -> int:
        """Requests of `operation` seen (or, with `forwarded`, that did or did not reach
        the backend)."""
        with self._lock:
            return sum(
                1
                for e in self.exchanges
                if e.operation == operation and (forwarded is None or e.forwarded == forwarded)
            )

    @property
    def faults_injected(self) -> int:
        with self._lock:
            return sum(1 for e in self.exchanges if e.fault is not None)

    def _record(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    # -- serving ---------------------------------------------------------------------------

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._sockets.add(client)
            threading.Thread(
                target=self._serve, args=(client,), name="fault-proxy-conn", daemon=True
            ).start()

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        up_stream: IO[bytes] | None = None
        stream = client.makefile("rb")
        try:
            while not self._stopped.is_set():
                try:
                    raw, headers = _read_message(stream, response=False)
                except (_Closed, OSError, ValueError):
                    return
                operation = _operation(raw, headers)
                fault = self._next_fault(operation)
                answer: bytes | None = None
                forwarded = False
                if fault is None or fault.forward:
                    if upstream is None:
                        upstream = socket.create_connection(self.upstream, timeout=30)
                        with self._lock:
                            self._sockets.add(upstream)
                        up_stream = upstream.makefile("rb")
                    assert up_stream is not None
                    upstream.sendall(raw)
                    answer, answer_headers = _read_message(up_stream, response=True)
                    forwarded = True
                    if answer_headers.get("connection", "").lower() == "close":
                        upstream.close()
                        upstream = up_stream = None
                if fault is None:
                    assert answer is not None
                    client.sendall(answer)
                    status = int(answer.split(b" ", 2)[1])
                    self._record(Exchange(operation, None, forwarded, status))
                    continue
                if fault.kind in ("status", "throttle"):
                    client.sendall(_answer(fault.status))
                    self._record(Exchange(operation, fault.label, forwarded, fault.status))
                    continue
                self._record(Exchange(operation, fault.label, forwarded, None))
                if fault.kind == "stall":
                    self._release.wait(fault.seconds)
                    return  # closed unanswered (FIN) in `finally`
                _reset(client)
                return
        except OSError:
            return
        finally:
            with self._lock:
                self._sockets.discard(client)
                if upstream is not None:
                    self._sockets.discard(upstream)
            for sock in (client, upstream):
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.close()
