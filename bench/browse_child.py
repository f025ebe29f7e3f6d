"""The editor in admin mode, as `cognito-tui --admin` runs it, plus a probe (bench/browse.py
runs this on a pseudo-terminal; not a product file).

    python bench/browse_child.py STATS.jsonl -- [cognito-tui options]

The probe is a 10 ms timer on the app's event loop: the gap between two ticks beyond
10 ms is time the loop could not run (a stall). It writes JSON lines to STATS.jsonl: the
resident memory (VmRSS) and the users list's size when it first holds 1,000, 10,000 and
100,000 rows (and at the first page), once every page is loaded, and the stalls since the
last such request (as wall-clock lateness of the timer, and as the CPU time the loop's
thread used between two ticks, which excludes time the machine spent on other processes)
(so the driver can measure phase by phase), each time the driver writes a larger number
into STATS.ask.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MARKS = (60, 1_000, 10_000, 100_000)


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    stats_path = Path(sys.argv[1])
    argv = sys.argv[sys.argv.index("--") + 1 :]
    from tui.cli import build_parser
    from tui.launch import build_options, leave_on_signals

    args = build_parser().parse_args(argv)
    options = build_options(args)
    options.freeze_heap = True
    from tui.app import CognitoApp
    from tui.screens.users import UsersScreen
    from tui.widgets.users_table import UsersTable

    out = stats_path.open("a", buffering=1)
    request = stats_path.with_suffix(".ask")  # the driver writes a growing number to it

    def write(record: dict[str, Any]) -> None:
        out.write(json.dumps(record) + "\n")

    class Probed(CognitoApp):
        def on_mount(self) -> None:  # Textual calls CognitoApp.on_mount as well
            self._last = time.perf_counter()
            self._cpu = time.thread_time()
            self._gaps: list[float] = []
            self._busy: list[float] = []
            self._marks = list(MARKS)
            self._told = False
            self._asked = 0
            self.set_interval(0.01, self._tick)

        def _tick(self) -> None:
            now, cpu = time.perf_counter(), time.thread_time()
            self._gaps.append(now - self._last - 0.01)
            # CPU time the loop's thread used since the last tick: its own work, not the
            # time the machine gave to other processes (shared, noisy machines)
            self._busy.append(cpu - self._cpu)
            self._last, self._cpu = now, cpu
            with contextlib.suppress(OSError, ValueError):
                asked = int(request.read_text() or 0)
                if asked > self._asked:
                    self._asked = asked
                    self._dump()
            screen = self.screen
            tables = screen.query(UsersTable)
            if not self._told and isinstance(screen, UsersScreen) and screen.exhausted and tables:
                self._told = True
                rows = tables.first().row_count
                write({"exhausted_at": rows, "rss_mb": rss_mb()})
            if self._marks and isinstance(self.screen, UsersScreen) and tables:
                table = tables.first()
                if table.row_count >= self._marks[0]:
                    mark = self._marks.pop(0)
                    write(
                        {
                            "mark": mark,
                            "rows": table.row_count,
                            "rss_mb": rss_mb(),
                            "store_bytes": table.store.nbytes(),
                        }
                    )

        def _dump(self) -> None:
            gaps = sorted(self._gaps)
            busy = sorted(self._busy)
            rows = None
            if isinstance(self.screen, UsersScreen) and self.screen.query(UsersTable):
                rows = self.screen.query(UsersTable).first().row_count
            write(
                {
                    "stalls": len(gaps),
                    "max_stall_ms": 1000 * gaps[-1] if gaps else None,
                    "p99_stall_ms": 1000 * gaps[int(0.99 * (len(gaps) - 1))] if gaps else None,
                    "over_50ms": sum(g > 0.05 for g in gaps),
                    "max_busy_ms": 1000 * busy[-1] if busy else None,
                    "busy_over_50ms": sum(b > 0.05 for b in busy),
                    "rows": rows,
                    "exhausted": getattr(self.screen, "exhausted", None),
                    "rss_mb": rss_mb(),
                }
            )
            self._gaps, self._busy = [], []

    app = Probed(options)
    leave_on_signals(app)
    app.run()
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
