"""Browsing a large pool in the editor's admin mode (used by bench/admin.py).

    .venv/bin/python bench/browse.py [--users 20000] [--keys 300]

The embedded backend runs as its own process (`cognito-tui embedded --users N`), so the
editor's memory is measured without the pool's; the editor runs in this process under
Textual's headless pilot at 80x24. Timings come from an untraced pass, memory from a second,
traced one (tracemalloc slows every allocation). Figures, each with a baseline from the same
run:

- time to the first page on screen, against one raw ListUsers call (Limit 60) by botocore;
- the editor's memory growth while scrolling through many pages (bounded: the table keeps at
  most MAX_ROWS rows), from tracemalloc, against the growth after the first page;
- keypress-to-frame while scrolling (pilot press of `down` until the screen has processed
  and refreshed), 50th and 95th percentile, against the same for a table of the first page
  only (no lazy loading involved); and the event loop's largest gap, with what the screen
  held at each gap over 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LOCAL = ("AKIDCOGNITOTUIBENCH0", "bench-secret-not-a-credential")


def start_backend(users: int) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    exe = Path(sys.executable).parent / "cognito-tui"
    proc = subprocess.Popen(
        [str(exe), "embedded", "--seed", "empty", "--users", str(users)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    return proc, json.loads(proc.stdout.readline())


def raw_list_users(info: dict[str, Any], repeat: int = 7) -> float:
    from tui.core.connection import Connection, ConnectionSettings

    conn = Connection(
        ConnectionSettings(region=info["region"], endpoint_url=info["endpoint_url"]),
        credentials=LOCAL,
    )
    conn.call("ListUsers", UserPoolId=info["user_pool_id"], Limit=60)  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        conn.call("ListUsers", UserPoolId=info["user_pool_id"], Limit=60)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


async def _drive(info: dict[str, Any], keys: int) -> dict[str, Any]:
    """Two passes over the same pool: the timings untraced (tracemalloc slows every
    allocation several times over, which would inflate them), then the memory traced."""
    from textual.widgets import DataTable

    from tui.app import Options, make_app
    from tui.core.connection import ConnectionSettings
    from tui.screens.admin import MAX_ROWS, PoolsScreen, UsersScreen

    settings = ConnectionSettings(region=info["region"], endpoint_url=info["endpoint_url"])
    journal = tempfile.mkdtemp(prefix="cognito-tui-bench-")
    app = make_app(
        # freeze_heap as the command sets it (tests leave it off)
        Options(
            settings=settings,
            credentials=LOCAL,
            admin=True,
            journal_folder=journal,
            freeze_heap=True,
        )
    )
    marks = [MAX_ROWS, 2 * MAX_ROWS, 3 * MAX_ROWS, 4 * MAX_ROWS]
    async with app.run_test(size=(80, 24)) as pilot:
        while not isinstance(app.screen, PoolsScreen):
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()

        async def open_users() -> float:
            start = time.perf_counter()
            app.push_screen(UsersScreen(info["user_pool_id"]))
            while not (isinstance(app.screen, UsersScreen) and app.screen.loaded >= 60):
                await pilot.pause(0.001)
            return time.perf_counter() - start

        async def close_users() -> None:
            await app.workers.wait_for_complete()
            app.pop_screen()
            await pilot.pause()

        async def press_down() -> float:
            t = time.perf_counter()
            await pilot.press("down")
            return time.perf_counter() - t

        async def next_page(screen: Any, table: Any) -> None:
            table.move_cursor(row=table.row_count - 1)
            await pilot.pause(0.01)
            await app.workers.wait_for_complete()
            await pilot.pause()

        # -- pass 1, untraced: first page (best of three openings), keys, loop gaps -------
        untraced = []
        for _ in range(3):
            untraced.append(await open_users())
            await close_users()
        first_page = min(untraced)
        await open_users()
        screen = app.screen
        table = screen.query_one(DataTable)
        # the event loop's largest gap while browsing: a 10 ms tick that records lateness
        gaps: list[float] = []
        last = [time.perf_counter()]

        where: list[tuple[float, str]] = []  # (gap, what the screen held then)

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            if gaps[-1] > 0.05:
                where.append(
                    (
                        gaps[-1],
                        f"loaded {screen.loaded}, rows {table.row_count}, "
                        f"cursor {table.cursor_row}, phase {phase[0]}",
                    )
                )
            last[0] = now

        phase = ["keys"]

        ticker = app.set_interval(0.01, tick)
        # keypresses within the first page: no lazy loading involved (the baseline)
        baseline = [await press_down() for _ in range(40)]
        latencies = []
        for _ in range(keys):
            latencies.append(await press_down())
            if table.cursor_row >= table.row_count - 1:
                await pilot.pause(0.05)  # wait for the next page, as a person would
        phase[0] = "pages"
        while not screen.exhausted and screen.loaded < marks[-1]:
            await next_page(screen, table)
        ticker.stop()
        await close_users()

        # -- pass 2, traced: memory at the first page and page after page past the bound --
        tracemalloc.start()
        first_page_traced = await open_users()
        screen = app.screen
        table = screen.query_one(DataTable)
        memory = {"first_page": tracemalloc.get_traced_memory()[0] / 2**20}
        while not screen.exhausted and marks:
            await next_page(screen, table)
            if screen.loaded >= marks[0]:
                memory[f"at_{marks.pop(0)}_users"] = tracemalloc.get_traced_memory()[0] / 2**20
        memory["peak"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        rows_kept, loaded = table.row_count, screen.loaded
    return {
        "first_page_s": first_page,
        "first_page_untraced_runs_s": untraced,
        "first_page_traced_s": first_page_traced,
        "users_loaded": loaded,
        "rows_kept": rows_kept,
        "max_rows": MAX_ROWS,
        "traced_memory_mb": memory,
        "event_loop_max_gap_ms": 1000 * max(gaps) if gaps else None,
        "event_loop_ticks": len(gaps),
        "event_loop_gaps_over_50ms": [(round(g * 1000), w) for g, w in sorted(where)[-8:]],
        "key_to_frame_ms": {
            "p50": 1000 * statistics.median(latencies),
            "p95": 1000 * sorted(latencies)[int(0.95 * len(latencies)) - 1],
            "baseline_p50": 1000 * statistics.median(baseline),
            "baseline_p95": 1000 * sorted(baseline)[int(0.95 * len(baseline)) - 1],
        },
    }


def browse_benchmark(users: int = 20_000, keys: int = 300) -> dict[str, Any]:
    proc, info = start_backend(users)
    try:
        raw = raw_list_users(info)
        result = asyncio.run(_drive(info, keys))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    result["users_in_pool"] = users
    result["raw_list_users_s"] = raw
    result["first_page_over_raw_call"] = result["first_page_s"] / raw
    with open(f"/proc/{os.getpid()}/status") as fh:
        hwm = next(line for line in fh if line.startswith("VmHWM"))
    result["process_peak_rss_mb"] = int(hwm.split()[1]) / 1024
    return result


def report(result: dict[str, Any]) -> None:
    k, m = result["key_to_frame_ms"], result["traced_memory_mb"]
    print(
        f"{result['users_in_pool']:,}-user pool: first page of the users screen on screen "
        f"{result['first_page_s']:.3f} s after opening it; one raw ListUsers call "
        f"{result['raw_list_users_s']:.3f} s ({result['first_page_over_raw_call']:.1f}x)"
    )
    marks = ", ".join(f"{k2[3:-6]} users {v:.1f} MB" for k2, v in m.items() if k2.startswith("at_"))
    print(
        f"scrolled through {result['users_loaded']:,} users, {result['rows_kept']} rows kept "
        f"(bound {result['max_rows']}); editor memory (tracemalloc): first page "
        f"{m['first_page']:.1f} MB, {marks}"
    )
    print(
        f"keypress-to-frame while scrolling: p50 {k['p50']:.1f} ms, p95 {k['p95']:.1f} ms; "
        f"within the first page p50 {k['baseline_p50']:.1f} ms, p95 {k['baseline_p95']:.1f} ms "
        f"(pilot-driven, so both include Textual's test harness); event loop's largest gap "
        f"{result['event_loop_max_gap_ms']:.0f} ms over {result['event_loop_ticks']} ticks"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--keys", type=int, default=300, help="down keys pressed while scrolling")
    args = parser.parse_args()
    result = browse_benchmark(args.users, args.keys)
    report(result)
    out = ROOT / "bench" / "results" / "browse.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
