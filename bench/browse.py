"""Browsing and searching a large pool in the editor's admin mode, in a real terminal.

    .venv/bin/python bench/browse.py [--users 100000] [--keys 300] [--rate 25]

The embedded backend runs as its own process (`cognito-tui embedded --seed empty --users N
--rate-limit UserList=RATE`); the time it takes to seed and start is reported. The editor
runs as `cognito-tui --admin` does (bench/browse_child.py adds a probe on its event loop)
on a pseudo-terminal of 80x24, driven by writing key sequences and reading what it draws,
as a terminal emulator would. Figures, each beside its baseline from the same run:

- keypress-to-frame while scrolling a list of N loaded users (down, page down, up, page
  up, home, end): the time from writing the key to the first bytes of the frame that
  answers it, p50 and p95; baseline: the same keys over the first page only;
- the longest event-loop stall (the probe's 10 ms timer running late) while loading every
  page and while scrolling;
- the editor's resident memory (VmRSS) at 1,000, 10,000 and 100,000 rows loaded, and its
  growth from 1k to 100k (the packed store's own bytes beside it);
- a custom-attribute search (`custom:department=Research`, scanned on the client by
  tui.core.search) over the whole pool, against the same number of raw ListUsers calls
  made by botocore in a loop, both paced by the same token bucket at RATE requests per
  second (the backend throttles at the same rate: the quota).

Writes bench/results/browse.json. Run with `nice`; on a shared machine the ratios, not
the absolute times, are the figures to trust.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import math
import os
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import source_state  # noqa: E402 - bench/ is on sys.path (run as a script)

BIN = Path(sys.executable).parent
LOCAL = ("AKIDCOGNITOTUIBENCH0", "bench-secret-not-a-credential")
COLS, ROWS = 80, 24
KEYS = {
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "pagedown": b"\x1b[6~",
    "pageup": b"\x1b[5~",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
}
TARGET_P95_MS = 50.0
TARGET_STALL_MS = 50.0
TARGET_GROWTH_MB = 30.0
TARGET_SEARCH = 1.1


def start_backend(
    users: int, rate: float, env: dict[str, str]
) -> tuple[Any, dict[str, Any], float]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [
            *(str(BIN / "cognito-tui"), "embedded", "--seed", "empty", "--users", str(users)),
            *("--rate-limit", f"UserList={rate:g}"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        start_new_session=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise SystemExit("the embedded backend did not start")
    return proc, json.loads(line), time.perf_counter() - start


class Terminal:
    """A process on a pseudo-terminal: keys in, frames out."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        actions = [(os.POSIX_SPAWN_DUP2, slave, fd) for fd in (0, 1, 2)]
        self.pid = os.posix_spawn(argv[0], argv, env, file_actions=actions, setsid=True)
        os.close(slave)
        self.seen = bytearray()

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:
            return b""
        self.seen.extend(data)
        del self.seen[: max(0, len(self.seen) - (1 << 20))]
        return data

    def drain(self, quiet: float = 0.03, limit: float = 2.0) -> None:
        end = time.perf_counter() + limit
        while time.perf_counter() < end and self.read(quiet):
            pass

    def press(self, key: str, timeout: float = 5.0) -> float | None:
        """Seconds from writing the key to the first bytes drawn after it."""
        self.drain(quiet=0.005, limit=0.5)
        start = time.perf_counter()
        os.write(self.master, KEYS.get(key, key.encode()))
        end = start + timeout
        while time.perf_counter() < end:
            if self.read(end - time.perf_counter()):
                return time.perf_counter() - start
        return None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self.master, b"q")
        deadline = time.time() + 5
        while time.time() < deadline:
            self.read(0.05)
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(self.pid, os.WNOHANG)[0]:
                    break
        else:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.pid, sig)
                time.sleep(0.2)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
        os.close(self.master)


class Stats:
    """The probe's JSON lines (bench/browse_child.py)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done = 0

    def lines(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(x) for x in self.path.read_text().splitlines() if x.strip()]

    def exhausted(self) -> dict[str, Any] | None:
        return next((x for x in self.lines() if "exhausted_at" in x), None)

    def marks(self) -> dict[int, dict[str, Any]]:
        return {x["mark"]: x for x in self.lines() if "mark" in x}

    def dump(self, pid: int, timeout: float = 10.0) -> dict[str, Any]:
        before = len([x for x in self.lines() if "stalls" in x])
        self.done += 1
        self.path.with_suffix(".ask").write_text(str(self.done))
        end = time.time() + timeout
        while time.time() < end:
            dumps = [x for x in self.lines() if "stalls" in x]
            if len(dumps) > before:
                return dumps[-1]
            time.sleep(0.02)
        raise SystemExit("the editor's probe did not answer")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def scroll_keys(count: int) -> list[str]:
    """A browsing session: mostly down, some pages, back up, jumps to the ends."""
    pattern = ["down"] * 8 + ["pagedown"] * 3 + ["up"] * 4 + ["pageup"] + ["end", "home"]
    return (pattern * (count // len(pattern) + 1))[:count]


def browse(
    info: dict[str, Any], env: dict[str, str], users: int, keys: int, tmp: Path
) -> dict[str, Any]:
    stats = Stats(tmp / "stats.jsonl")
    argv = [sys.executable, str(ROOT / "bench" / "browse_child.py"), str(stats.path), "--"]
    argv += ["--admin", "--endpoint-url", info["endpoint_url"], "--region", info["region"]]
    argv += ["--pool-id", info["user_pool_id"]]
    term = Terminal(argv, env)
    result: dict[str, Any] = {}
    try:
        start = time.perf_counter()
        while 60 not in stats.marks():
            term.read(0.05)
            if time.perf_counter() - start > 180:
                import re

                text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b" ", bytes(term.seen[-3000:]))
                raise SystemExit(
                    "the users list never showed its first page; the terminal last showed: "
                    + text.decode(errors="replace")
                )
        result["first_page_s"] = time.perf_counter() - start
        term.drain()
        # baseline: the same keys over the first page only (no page is fetched: down and
        # up within 60 rows, page keys inside them)
        base_keys = (["down"] * 8 + ["up"] * 8) * 3
        stats.dump(term.pid)
        baseline = [t for t in (term.press(k) for k in base_keys) if t is not None]
        result["baseline_phase"] = stats.dump(term.pid)
        # load every page: End, page after page (each End near the end fetches the next)
        loading: list[float] = []
        load_start = time.perf_counter()
        while True:
            t = term.press("end", timeout=10)
            if t is not None:
                loading.append(t)
            if stats.exhausted() is not None:
                break
            term.drain(quiet=0.02, limit=1.0)
            if time.perf_counter() - load_start > 3600:
                raise SystemExit("loading every page took more than an hour")
        # wait for the last page in flight, then the stalls of the loading phase
        term.drain(quiet=0.3, limit=10)
        result["load_s"] = time.perf_counter() - load_start
        result["load_phase"] = stats.dump(term.pid)
        result["load_keys_ms"] = {
            "p50": 1000 * statistics.median(loading),
            "p95": 1000 * percentile(loading, 0.95),
            "count": len(loading),
        }
        # scroll the loaded list
        latencies = [t for t in (term.press(k) for k in scroll_keys(keys)) if t is not None]
        result["scroll_phase"] = stats.dump(term.pid)
        result["key_to_frame_ms"] = {
            "p50": 1000 * statistics.median(latencies),
            "p95": 1000 * percentile(latencies, 0.95),
            "max": 1000 * max(latencies),
            "count": len(latencies),
            "baseline_first_page_p50": 1000 * statistics.median(baseline),
            "baseline_first_page_p95": 1000 * percentile(baseline, 0.95),
        }
        result["memory_marks"] = stats.marks()
    finally:
        term.close()
    return result


def marks_of(users: int) -> tuple[int, ...]:
    return tuple(m for m in (1_000, 10_000, 100_000) if m <= users)


def search_vs_raw(info: dict[str, Any], rate: float) -> dict[str, Any]:
    """The scan the editor runs for a custom attribute, against the same number of raw
    ListUsers calls, both behind a token bucket at `rate`."""
    from tui.core.bulk.ratelimit import TokenBucket
    from tui.core.connection import Connection, ConnectionSettings
    from tui.core.search import ScanCache, parse_query, scan
    from tui.core.service import PoolAdmin

    settings = ConnectionSettings(region=info["region"], endpoint_url=info["endpoint_url"])
    conn = Connection(settings, credentials=LOCAL)
    pool = info["user_pool_id"]
    conn.call("ListUsers", UserPoolId=pool, Limit=1)  # warm: client, spec, connection
    time.sleep(1.5)  # let the backend's bucket refill

    def raw(calls: int) -> float:
        bucket = TokenBucket(rate, adaptive=True)
        token = None
        start = time.perf_counter()
        for _ in range(calls):
            bucket.acquire()
            extra = {"PaginationToken": token} if token else {}
            token = conn.call("ListUsers", UserPoolId=pool, Limit=60, **extra).get(
                "PaginationToken"
            )
        return time.perf_counter() - start

    query = parse_query("custom:department=Research")
    assert query is not None
    found = [0]

    def searched() -> tuple[float, Any]:
        start = time.perf_counter()
        outcome = scan(
            PoolAdmin(conn, pool),
            query,
            cache=ScanCache(),
            bucket=TokenBucket(rate, adaptive=True),
            on_matches=lambda users, progress: found.__setitem__(0, progress.matched),
        )
        return time.perf_counter() - start, outcome

    t_scan, outcome = searched()
    if outcome.error is not None:
        raise SystemExit(f"the search failed: {outcome.error.human()}")
    calls = outcome.progress.calls
    time.sleep(1.5)
    t_raw = raw(calls)
    return {
        "query": str(query),
        "users_scanned": outcome.progress.scanned,
        "matches": outcome.progress.matched,
        "list_users_calls": calls,
        "rate_per_s": rate,
        "search_s": t_scan,
        "raw_calls_s": t_raw,
        "ratio": t_scan / t_raw,
        "target": TARGET_SEARCH,
        "met": t_scan / t_raw <= TARGET_SEARCH,
        "calls_at_quota_floor_s": calls / rate,
    }


def child_env(tmp: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "COGNITO_", "TEXTUAL")) and k not in ("NO_COLOR",)
    }
    if "COGNITO_CONTRACTS_CACHE" in os.environ:
        env["COGNITO_CONTRACTS_CACHE"] = os.environ["COGNITO_CONTRACTS_CACHE"]
    env.update(
        TERM="xterm-256color",
        XDG_CONFIG_HOME=str(tmp / "config"),
        XDG_STATE_HOME=str(tmp / "state"),
        AWS_CONFIG_FILE=str(tmp / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp / "aws-credentials"),
        AWS_ACCESS_KEY_ID=LOCAL[0],
        AWS_SECRET_ACCESS_KEY=LOCAL[1],
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def browse_benchmark(
    users: int = 100_000, keys: int = 300, rate: float = 25.0, search: bool = True
) -> dict[str, Any]:
    source_before = source_state()
    tmp = Path(tempfile.mkdtemp(prefix="cognito-tui-browse-"))
    env = child_env(tmp)
    proc = None
    try:
        proc, info, seed_s = start_backend(users, rate, env)
        print(f"{users:,}-user pool seeded and serving in {seed_s:.1f} s", flush=True)
        result = browse(info, env, users, keys, tmp)
        if search:
            result["search"] = search_vs_raw(info, rate)
    finally:
        if proc is not None:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)
    result["users_in_pool"] = users
    result["seed_and_start_s"] = seed_s
    marks = {int(k): v for k, v in result["memory_marks"].items()}
    low, high = marks.get(1_000), marks.get(max(marks_of(users), default=1_000))
    growth = high["rss_mb"] - low["rss_mb"] if low and high else None
    result["memory"] = {
        "rss_mb_at": {str(k): v["rss_mb"] for k, v in sorted(marks.items())},
        "store_bytes_at": {str(k): v["store_bytes"] for k, v in sorted(marks.items())},
        "growth_1k_to_last_mb": growth,
        "target_growth_mb": TARGET_GROWTH_MB,
        "met": None if growth is None else growth <= TARGET_GROWTH_MB,
    }
    k = result["key_to_frame_ms"]
    stall = max(result["scroll_phase"]["max_stall_ms"], result["load_phase"]["max_stall_ms"])
    result["targets"] = {
        "p95_key_to_frame_ms": {
            "value": k["p95"],
            "target": TARGET_P95_MS,
            "met": k["p95"] <= TARGET_P95_MS,
        },
        "longest_stall_ms": {
            "value": stall,
            "target": TARGET_STALL_MS,
            "met": stall <= TARGET_STALL_MS,
        },
    }
    result["source"] = {"at_start": source_before, "at_end": source_state()}
    result["loadavg"] = os.getloadavg()
    result["cpu_count"] = os.cpu_count()
    return result


def report(result: dict[str, Any]) -> None:
    k = result["key_to_frame_ms"]
    growth = result["memory"]["growth_1k_to_last_mb"]
    rows = result["load_phase"]["rows"]
    print(
        f"first page on screen {result['first_page_s']:.2f} s; every page loaded "
        f"({rows:,} rows) in {result['load_s']:.1f} s"
    )
    print(
        f"keypress-to-frame over {rows:,} rows: p50 {k['p50']:.1f} ms, p95 {k['p95']:.1f} ms "
        f"(target {TARGET_P95_MS:.0f}); first page only: p50 "
        f"{k['baseline_first_page_p50']:.1f} ms, p95 {k['baseline_first_page_p95']:.1f} ms"
    )
    print(
        f"longest event-loop stall: {result['scroll_phase']['max_stall_ms']:.1f} ms scrolling, "
        f"{result['load_phase']['max_stall_ms']:.1f} ms loading pages (target "
        f"{TARGET_STALL_MS:.0f}); first page only "
        f"{result['baseline_phase']['max_stall_ms']:.1f} ms"
    )
    print(
        f"  as CPU time of the loop between ticks: {result['scroll_phase']['max_busy_ms']:.1f} ms "
        f"scrolling, {result['load_phase']['max_busy_ms']:.1f} ms loading; first page only "
        f"{result['baseline_phase']['max_busy_ms']:.1f} ms (excludes time given to other "
        "processes)"
    )
    rss = ", ".join(f"{int(m):,} rows {v:.1f} MB" for m, v in result["memory"]["rss_mb_at"].items())
    shown = "n/a" if growth is None else f"{growth:.1f} MB"
    print(
        f"editor memory (VmRSS): {rss}; growth 1k->last {shown} (target {TARGET_GROWTH_MB:.0f} MB)"
    )
    if "search" in result:
        s = result["search"]
        print(
            f"search {s['query']} over {s['users_scanned']:,} users: {s['search_s']:.1f} s, "
            f"{s['matches']:,} matches; {s['list_users_calls']} raw ListUsers calls at "
            f"{s['rate_per_s']:g}/s: {s['raw_calls_s']:.1f} s -> {s['ratio']:.2f}x "
            f"(target {TARGET_SEARCH}x)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=300, help="keys pressed while scrolling")
    parser.add_argument("--rate", type=float, default=25.0, help="ListUsers requests/s (quota)")
    parser.add_argument("--no-search", action="store_true", help="skip the search figure")
    args = parser.parse_args()
    result = browse_benchmark(args.users, args.keys, args.rate, not args.no_search)
    report(result)
    out = ROOT / "bench" / "results" / "browse.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
