"""Admin-mode benchmarks: bulk apply throughput against a throttled backend, and browsing
a 20,000-user pool (bench/browse.py).

    .venv/bin/python bench/admin.py [--limit 20] [--rows 300] [--factors 1.0,1.1,1.5]
                                    [--browse-users 20000] [--skip-bulk | --skip-browse]

Bulk: the embedded backend limits the UserUpdate category to R requests per second (its
token bucket holds one second's worth, as Cognito's does); `BulkRunner` applies one
`custom:department` row per user (so rows/s equals AdminUpdateUserAttributes calls/s),
each with a unique value, with `--rate` at R times each factor. The backend's burst (a
full bucket) is spent before each run, so what is measured is the sustained rate, never
a head start. Per run: applied rows/s
over the whole run (start-up, initial burst and retry tail included) and sustained
(between 10% and 90% of the rows), each as a ratio of R (target: at least 0.95); retries
and throttled answers; and the proof of no lost update: every user's final value is read
back and every AdminUpdateUserAttributes the backend carried out is counted per user
(exactly one each). Prints the ratios and writes bench/results/admin.json as
{"bulk": {...}, "browse": {...}}.

Browse: see bench/browse.py (first page against one raw ListUsers call, the editor's memory
at each multiple of its row bound, keypress latency while scrolling, event-loop gaps).

Timings on a shared machine are noisy; the ratio to R is the figure to trust, since the
backend's limit is the ceiling.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
CREDENTIALS = ("AKIDBENCHMARK0000000", "bench-secret-not-a-credential")
UPDATE = "AdminUpdateUserAttributes"


def drain(backend: Any, spare: str) -> None:
    """Spend the backend's UserUpdate burst (a full bucket of one second's worth) on a user
    outside the run, so that the run measures the sustained rate and nothing else."""
    from tui.core.connection import Connection, ConnectionSettings
    from tui.core.errors import CognitoError

    settings = ConnectionSettings(
        region=backend.region, endpoint_url=backend.endpoint_url, max_attempts=1
    )
    connection = Connection(settings, credentials=CREDENTIALS)
    values = [{"Name": "custom:department", "Value": "drain"}]
    try:
        for _ in range(10_000):
            connection.call(
                UPDATE, UserPoolId=backend.user_pool_id, Username=spare, UserAttributes=values
            )
    except CognitoError as error:
        assert error.code == "TooManyRequestsException", error
    finally:
        connection.close()


def sustained(samples: list[tuple[float, int]], total: int) -> float:
    """Rows per second between 10% and 90% of the rows, from (seconds, rows done) samples
    (linear interpolation): the rate once the start-up and the tail are left out."""

    def when(target: float) -> float:
        previous = (0.0, 0)
        for t, done in samples:
            if done >= target:
                (t0, d0) = previous
                return t0 + (t - t0) * ((target - d0) / (done - d0) if done > d0 else 0.0)
            previous = (t, done)
        return samples[-1][0]

    low, high = 0.1 * total, 0.9 * total
    span = when(high) - when(low)
    return (high - low) / span if span > 0 else 0.0


def one_run(limit: float, rows: int, factor: float, workers: int) -> dict[str, Any]:
    from tests.bulk.support import CallLog
    from tui.core.bulk import BulkJournal, BulkRunner, build_plan, csv_digest, parse_csv
    from tui.core.connection import Connection, ConnectionSettings
    from tui.core.service import PoolAdmin
    from tui.embedded import EmbeddedCognito

    limits = {"UserUpdate": limit}
    with EmbeddedCognito(seed="empty", users=rows + 1, rate_limits=limits) as backend:
        pool_id = str(backend.user_pool_id)
        expected = {f"user{i:05d}": f"Bench-{i:05d}-{factor:g}" for i in range(1, rows + 1)}
        lines = ["username,attribute,value,action"]
        lines += [f"{user},custom:department,{value},set" for user, value in expected.items()]
        data = ("\n".join(lines) + "\n").encode()
        settings = ConnectionSettings(
            region=backend.region,
            endpoint_url=backend.endpoint_url,
            max_pool_connections=max(10, workers),
        )
        connection = Connection(settings, credentials=CREDENTIALS)
        plan = build_plan(parse_csv(data), PoolAdmin(connection, pool_id).describe_pool())
        assert not plan.invalid, plan.invalid
        drain(backend, f"user{rows + 1:05d}")
        # what the backend carried out, per user (throttled answers never reach it)
        counter = CallLog(backend)
        samples: list[tuple[float, int]] = []
        with tempfile.TemporaryDirectory() as tmp:
            digest = csv_digest(data, pool_id)
            journal = BulkJournal(Path(tmp) / "bench.jsonl", digest, pool_id)
            runner = BulkRunner(
                connection,
                pool_id,
                plan,
                journal=journal,
                rate=limit * factor,
                workers=workers,
                tick=0.05,
                on_progress=lambda p: samples.append((p.elapsed, p.done)),
            )
            report = runner.run()
        counter.close()
        admin = PoolAdmin(connection, pool_id)
        wrong = [
            user
            for user, value in expected.items()
            if admin.get_user(user).attributes.get("custom:department") != value
        ]
        connection.close()
    applied = len(report.applied)
    overall = applied / report.elapsed
    steady = sustained(samples, rows)
    counts = counter.per_user(UPDATE)
    twice = sorted(u for u, n in counts.items() if n > 1)
    missing = sorted(u for u in expected if counts[u] == 0)
    return {
        "client_rate": limit * factor,
        "rate_factor": factor,
        "rows": rows,
        "workers": workers,
        "applied": applied,
        "failed": len(report.failed),
        "seconds": report.elapsed,
        "rows_per_s": overall,
        "ratio_overall": overall / limit,
        "rows_per_s_sustained": steady,
        "ratio_sustained": steady / limit,
        "retries": report.retries,
        "throttled_answers": report.throttled,
        "lost_updates": len(wrong),
        "applied_twice": len(twice),
        "never_applied": len(missing),
    }


def bulk_benchmark(
    limit: float = 20.0,
    rows: int = 300,
    factors: tuple[float, ...] = (1.0, 1.1, 1.5),
    workers: int = 8,
    echo: bool = True,
) -> dict[str, Any]:
    """Bulk apply against a backend limited to `limit` UserUpdate requests/s, one run per
    client rate factor; the "bulk" section of admin.json."""
    runs = []
    for factor in factors:
        run = one_run(limit, rows, factor, workers)
        runs.append(run)
        if echo:
            print(
                f"bulk apply, backend R={limit:g}/s, --rate {run['client_rate']:g} "
                f"({factor:g} R): {run['rows_per_s']:.2f} rows/s = {run['ratio_overall']:.3f} R "
                f"overall, {run['ratio_sustained']:.3f} R sustained; retries {run['retries']} "
                f"({run['throttled_answers']} throttled); lost {run['lost_updates']}, "
                f"applied twice {run['applied_twice']}, never applied {run['never_applied']}"
            )
    worst = min(min(r["ratio_overall"], r["ratio_sustained"]) for r in runs)
    lost = sum(r["lost_updates"] + r["applied_twice"] + r["never_applied"] for r in runs)
    if echo:
        verdict = "met" if worst >= 0.95 and lost == 0 else "NOT met"
        print(f"bulk: worst ratio {worst:.3f} R, {lost} lost or doubled; target {verdict}")
    return {
        "backend_limit_per_s": limit,
        "category": "UserUpdate",
        "target_ratio": 0.95,
        "worst_ratio": worst,
        "lost_or_doubled": lost,
        "runs": runs,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=20.0, help="backend UserUpdate rate R")
    parser.add_argument("--rows", type=int, default=300, help="rows (one per user) per run")
    parser.add_argument("--factors", default="1.0,1.1,1.5", help="client --rate as multiples of R")
    parser.add_argument("--workers", type=int, default=8, help="bulk workers")
    parser.add_argument(
        "--browse-users", type=int, default=20_000, help="pool size for the browsing figures"
    )
    parser.add_argument("--skip-browse", action="store_true", help="only the bulk figures")
    parser.add_argument("--skip-bulk", action="store_true", help="only the browsing figures")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "admin.json"
    try:
        out = json.loads(path.read_text())
    except (OSError, ValueError):
        out = {}
    context = {
        "cpu_count": os.cpu_count(),
        "loadavg": os.getloadavg(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    if not args.skip_bulk:
        factors = tuple(float(f) for f in args.factors.split(","))
        out["bulk"] = {
            **bulk_benchmark(args.limit, args.rows, factors, args.workers),
            **context,
        }
    if not args.skip_browse:
        from browse import browse_benchmark, report

        browse = browse_benchmark(args.browse_users)
        report(browse)
        out["browse"] = {**browse, **context}
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
