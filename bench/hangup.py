"""Terminals closed under running programs, hundreds of times: how many programs did not
exit, before the fix of tui/terminal_close.py and after, measured in one run.

    .venv/bin/python bench/hangup.py [--runs 300] [--editor-runs 60] [--parallel 2]

Two programs, each in a pty of its own closed at a random moment of its drawing and input
(the moments and the harness: tests/robustness/hangup.py):

- `drawing`: tests/robustness/drawing_app.py, a Textual app redrawing its whole screen 60
  times a second, run as the editor runs (`tui.launch.run_app`);
- `editor`: the real editor (`tui.cli.main`) against an embedded backend in this process,
  signed in with an access token (COGNITO_ACCESS_TOKEN in its environment), with one more
  moment: an attribute edited and saved, the terminal closed while the save may be in
  flight.

And three arms, the same seeds: `textual` (Textual 8.2.8's own output thread, no hang_up()
on SIGHUP: the code before the fix), `writer` (the writer thread, with its SIGHUP on a
failed write, and hang_up(), without the SIGCONT guard) and `fixed` (everything install()
does). The watchdog is disarmed in every arm (COGNITO_TUI_NO_WATCHDOG=1): a run is *hung*
when its program is still there `wait` + `confirm` seconds after the close, *late* when it
left after `wait` but before that.

Prints and writes bench/results/hangup.json: per program and arm, the runs, exits, late
and hung counts per moment, where the hung programs' main threads waited (their stacks
dumped by SIGUSR1), exit times (median, 95th percentile, max), the children's CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ROOT, source_state

sys.path.insert(0, str(ROOT))

from tests.robustness.hangup import (
    ARMS,
    DRAWING_APP,
    MOMENTS,
    Outcome,
    Program,
    python_program,
    run_many,
)

RESULTS = ROOT / "bench" / "results"
ARMED = {"textual": (), "writer": ("writer", "hangup"), "fixed": ARMS}
# given_name is the second row of the demo user's table; edit it and save (y confirms)
SAVE = (
    (b"\x1b[B", 0.3),
    (b"\r", 0.5),
    (b"\x15", 0.1),
    (b"Ada Hangup", 0.3),
    (b"\r", 0.4),
    (b"\x13", 0.5),
    (b"y", 0.3),
)


def environment() -> dict[str, str]:
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    return env


def drawing(armed: tuple[str, ...]) -> Program:
    return python_program(DRAWING_APP, b"drawing frame", environment(), sys.executable, ROOT, armed)


def editor_factory() -> tuple[Any, Any]:
    """An embedded backend (demo seed) and a function making the editor's Program for an
    arm, signed in as the first demo user with a token from the environment."""
    from tests.tui.conftest import LOCAL, settings_for
    from tui.core.session import EditorSession
    from tui.embedded import EmbeddedCognito

    backend = EmbeddedCognito(seed="demo").start()
    session = EditorSession(settings_for(backend), credentials=LOCAL)
    user = backend.users[0]
    session.sign_in(user.username, user.password)
    assert session.tokens is not None
    env = {**environment(), "COGNITO_ACCESS_TOKEN": session.tokens.access_token}
    argv = [
        "--endpoint-url",
        backend.endpoint_url,
        "--region",
        backend.region,
        "--pool-id",
        backend.user_pool_id,
        "--client-id",
        backend.client_id,
    ]
    code = f"from tui.cli import main\nsys.exit(main({argv!r}))"

    def make(armed: tuple[str, ...]) -> Program:
        return python_program(code, b"No pending", env, sys.executable, ROOT, armed, save=SAVE)

    return backend, make


def exit_times(outcomes: list[Outcome]) -> dict[str, float | None]:
    times = sorted(o.exited_after for o in outcomes if o.exited_after is not None)
    if not times:
        return {"median": None, "p95": None, "max": None}
    return {
        "median": round(statistics.median(times), 3),
        "p95": round(times[min(len(times) - 1, int(len(times) * 0.95))], 3),
        "max": round(times[-1], 3),
    }


def measure(name: str, program: Program, runs: int, moments: list[str], args: Any) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cognito-tui-hangup-") as folder:
        tally, outcomes = run_many(
            program,
            runs,
            Path(folder),
            seed=args.seed,
            moments=moments,
            parallel=args.parallel,
            wait=args.wait,
            confirm=args.confirm,
        )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = tally.as_dict()
    result["example_stacks"] = result["example_stacks"][:6000]
    result["exit_seconds"] = exit_times(outcomes)
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    result["children_cpu_seconds"] = round(
        after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1
    )
    print(
        f"{name:>18}: {tally.runs} runs, {tally.hung} hung, {tally.late} late, "
        f"{tally.errors} errors; exit {result['exit_seconds']}; "
        f"{result['wall_seconds']} s",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=300, help="runs of the drawing app per arm")
    parser.add_argument("--editor-runs", type=int, default=60, help="runs of the editor per arm")
    parser.add_argument("--arms", default=",".join(ARMED), help="of " + ", ".join(ARMED))
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--wait", type=float, default=2.0)
    parser.add_argument("--confirm", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--out", default="hangup.json", help="file name under bench/results")
    args = parser.parse_args()
    arms = [a for a in args.arms.split(",") if a]

    report: dict[str, Any] = {
        "source": source_state(),
        "runs": {"drawing": args.runs, "editor": args.editor_runs},
        "parallel": args.parallel,
        "wait_seconds": args.wait,
        "confirm_seconds": args.confirm,
        "seed": args.seed,
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "results": {},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / args.out

    def save(name: str, result: dict[str, Any]) -> None:  # after each arm: a long run
        report["results"][name] = result
        report["load_average_at_end"] = os.getloadavg()
        out.write_text(json.dumps(report, indent=2) + "\n")

    drawing_moments = [m for m in MOMENTS if m != "save-close"]
    if args.runs:
        for arm in arms:
            name = f"drawing/{arm}"
            save(name, measure(name, drawing(ARMED[arm]), args.runs, drawing_moments, args))
    if args.editor_runs:
        backend, make = editor_factory()
        try:
            for arm in arms:
                name = f"editor/{arm}"
                save(name, measure(name, make(ARMED[arm]), args.editor_runs, list(MOMENTS), args))
        finally:
            backend.stop()
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
