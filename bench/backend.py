"""The embedded Cognito backend against plain moto, measured in the same run.

    .venv/bin/python bench/backend.py [--calls 300] [--rounds 10] [--replay-repeat 3]

Latency of GetUser and UpdateUserAttributes (given_name, alternating values) through a real
botocore `cognito-idp` client, signed in with USER_PASSWORD_AUTH, on two servers started in
this process: `EmbeddedCognito(seed="demo")` (moto's app behind the embedded middleware) and
the named baseline, plain `moto.server.ThreadedMotoServer`, holding the same pool, app
client and user (created through the API from the demo seed's own definitions). The calls
are interleaved in rounds (the server measured first alternates) so that drift on a shared,
noisy machine hits both equally; per operation the script prints median, p90 and the ratio
embedded/moto of the medians (target: at most 1.3x), plus the spread of the per-round
ratios. Both servers log nothing per request (moto's werkzeug request log is silenced so
the baseline is not charged for writing to a terminal).

It also times the whole contract suite as subprocesses, best of --replay-repeat runs:
`cognito-contracts replay cassettes` (every scenario re-run against its cassette) and
`cognito-contracts check cassettes` (every recorded exchange checked against the spec),
each run with a private TMPDIR that is removed afterwards (what a run leaves there is
counted in the JSON).

Writes bench/results/backend.json, with the code measured (HEAD and a digest of the
uncommitted product files, at start and end). Timings on a shared machine are noisy:
the ratios, measured seconds apart in one run, are the figures to trust.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import source_state  # noqa: E402 - bench/ is on sys.path (run as a script)

RESULTS = ROOT / "bench" / "results"
TARGET_RATIO = 1.3
CREDENTIALS = ("AKIDTEST", "secret")
OPERATIONS = ("GetUser", "UpdateUserAttributes")
NAMES = ("Maria", "Mariana")  # given_name alternates between these


@dataclass
class Server:
    """One server under test, seen through its own botocore client."""

    label: str
    client: Any
    token: str
    samples: dict[str, list[float]] = field(default_factory=lambda: {op: [] for op in OPERATIONS})
    rounds: dict[str, list[float]] = field(default_factory=lambda: {op: [] for op in OPERATIONS})
    flips: int = 0

    def call(self, operation: str) -> None:
        if operation == "GetUser":
            self.client.get_user(AccessToken=self.token)
        else:
            self.flips += 1
            value = NAMES[self.flips % 2]
            self.client.update_user_attributes(
                AccessToken=self.token, UserAttributes=[{"Name": "given_name", "Value": value}]
            )

    def block(self, operation: str, n: int) -> list[float]:
        out = []
        for _ in range(n):
            start = time.perf_counter()
            self.call(operation)
            out.append(time.perf_counter() - start)
        return out


def client_for(endpoint_url: str, region: str) -> Any:
    """A botocore client built the way the editor builds one (standard retries, timeouts)."""
    from tui.core.connection import Connection, ConnectionSettings

    settings = ConnectionSettings(region=region, endpoint_url=endpoint_url)
    return Connection(settings, credentials=CREDENTIALS).client


def sign_in(client: Any, client_id: str, username: str, password: str) -> str:
    answer = client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(answer["AuthenticationResult"]["AccessToken"])


def moto_pool(client: Any, username: str, password: str, attributes: list[dict[str, str]]) -> str:
    """The demo pool, its app client and one user, created in plain moto through the API
    from the same definitions the embedded seed uses; returns the app client id."""
    from tui.embedded.seed import client_config, pool_config
    from tui.embedded.server import DEFAULT_ACCOUNT_ID, DEFAULT_REGION

    pool = client.create_user_pool(
        PoolName="bench-moto", **pool_config(DEFAULT_ACCOUNT_ID, DEFAULT_REGION)
    )["UserPool"]["Id"]
    app = client.create_user_pool_client(UserPoolId=pool, **client_config())
    client.admin_create_user(
        UserPoolId=pool,
        Username=username,
        UserAttributes=[a for a in attributes if a["Name"] != "sub"],
        MessageAction="SUPPRESS",
    )
    client.admin_set_user_password(
        UserPoolId=pool, Username=username, Password=password, Permanent=True
    )
    return str(app["UserPoolClient"]["ClientId"])


def summary(samples: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples]
    return {
        "n": len(ms),
        "median_ms": statistics.median(ms),
        "p90_ms": statistics.quantiles(ms, n=10)[8],
        "min_ms": min(ms),
        "mean_ms": statistics.fmean(ms),
    }


def measure(servers: list[Server], calls: int, rounds: int, warmup: int) -> None:
    for server in servers:
        for op in OPERATIONS:
            server.block(op, warmup)
    per_round = max(1, calls // rounds)
    for r in range(rounds):
        order = servers if r % 2 == 0 else servers[::-1]
        for op in OPERATIONS:
            for server in order:
                got = server.block(op, per_round)
                server.samples[op].extend(got)
                server.rounds[op].append(statistics.median(got))


def best_wall(argv: list[str], repeat: int) -> dict[str, Any]:
    """Best wall time of `argv` over `repeat` runs (the least disturbed by other load).

    Each run gets its own TMPDIR, removed afterwards: what the command leaves behind in
    the temporary folder is counted (`leaked_temp_entries`), not left on the machine."""
    walls, codes, last, leaked = [], set(), b"", 0
    for _ in range(repeat):
        tmp = tempfile.mkdtemp(prefix="cognito-tui-bench-")
        try:
            env = dict(os.environ, TMPDIR=tmp)
            start = time.perf_counter()
            done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, check=False)
            walls.append(time.perf_counter() - start)
            leaked = max(leaked, len(os.listdir(tmp)))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        codes.add(done.returncode)
        last = done.stdout
        if done.returncode not in (0, 1):
            raise SystemExit(
                f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr.decode()}"
            )
    return {
        "best_s": min(walls),
        "median_s": statistics.median(walls),
        "runs": len(walls),
        "exit_codes": sorted(codes),
        "last_line": last.decode(errors="replace").strip().splitlines()[-1:],
        "leaked_temp_entries": leaked,
    }


def suite(repeat: int) -> dict[str, Any]:
    exe = str(Path(sys.executable).parent / "cognito-contracts")
    cassettes = sorted((ROOT / "cassettes").glob("*.yaml"))
    replay = best_wall([exe, "replay", "cassettes"], repeat)
    check = best_wall([exe, "check", "cassettes"], repeat)
    return {
        "cassettes": len(cassettes),
        "replay": replay,
        "check": check,
        "replay_per_cassette_ms": replay["best_s"] * 1000 / max(1, len(cassettes)),
        "ratio_replay_over_check": replay["best_s"] / check["best_s"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog="Writes bench/results/backend.json.",
    )
    parser.add_argument("--calls", type=int, default=300, help="calls per operation per server")
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds")
    parser.add_argument("--warmup", type=int, default=20, help="untimed calls per op and server")
    parser.add_argument(
        "--replay-repeat", type=int, default=3, help="runs of replay/check (best is kept)"
    )
    parser.add_argument(
        "--skip-suite", action="store_true", help="do not time the replay/check suite"
    )
    args = parser.parse_args()
    source_before = source_state()

    # moto's request handler logs every request through the `werkzeug` logger; a level set
    # before the first request keeps werkzeug from adding its stderr handler.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    from moto.server import ThreadedMotoServer

    from tui.embedded import EmbeddedCognito

    embedded = EmbeddedCognito(seed="demo")
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    stops: list[Callable[[], None]] = []
    try:
        embedded.start()
        stops.append(embedded.stop)
        moto.start()
        stops.append(moto.stop)
        host, port = moto.get_host_and_port()

        user = embedded.users[0]  # signs in with no challenge
        emb_client = client_for(embedded.endpoint_url, embedded.region)
        assert embedded.client_id is not None
        emb_token = sign_in(emb_client, embedded.client_id, user.username, user.password)
        attributes = emb_client.get_user(AccessToken=emb_token)["UserAttributes"]

        moto_client = client_for(f"http://{host}:{port}", embedded.region)
        moto_client_id = moto_pool(moto_client, user.username, user.password, attributes)
        moto_token = sign_in(moto_client, moto_client_id, user.username, user.password)

        servers = [
            Server("embedded", emb_client, emb_token),
            Server("moto", moto_client, moto_token),
        ]
        print(
            f"{args.calls} calls per operation and server in {args.rounds} interleaved rounds "
            f"(+{args.warmup} warm-up), botocore cognito-idp client, one TCP connection per call"
        )
        measure(servers, args.calls, args.rounds, args.warmup)
        for server in servers:
            final = server.client.get_user(AccessToken=server.token)["UserAttributes"]
            given = next(a["Value"] for a in final if a["Name"] == "given_name")
            assert given in NAMES, (server.label, given)
    finally:
        for stop in reversed(stops):
            stop()

    rows: dict[str, Any] = {}
    emb, base = servers
    met_all = True
    for op in OPERATIONS:
        ours, theirs = summary(emb.samples[op]), summary(base.samples[op])
        ratio = ours["median_ms"] / theirs["median_ms"]
        round_ratios = [a / b for a, b in zip(emb.rounds[op], base.rounds[op], strict=True)]
        met = ratio <= TARGET_RATIO
        met_all &= met
        rows[op] = {
            "embedded": ours,
            "moto": theirs,
            "ratio_embedded_over_moto": ratio,
            "ratio_per_round": round_ratios,
            "target_ratio": TARGET_RATIO,
            "met": met,
        }
        print(
            f"{op:21} embedded median {ours['median_ms']:6.2f} ms p90 {ours['p90_ms']:6.2f} ms | "
            f"moto median {theirs['median_ms']:6.2f} ms p90 {theirs['p90_ms']:6.2f} ms | "
            f"ratio {ratio:.2f}x (rounds {min(round_ratios):.2f}-{max(round_ratios):.2f}); "
            f"target <= {TARGET_RATIO}x: {'met' if met else 'MISSED'}"
        )

    out: dict[str, Any] = {
        "benchmark": "backend",
        "baseline": "plain moto ThreadedMotoServer, same pool/client/user, same run",
        "operations": rows,
        "target_met": met_all,
    }
    if not args.skip_suite:
        timed = suite(args.replay_repeat)
        out["suite"] = timed
        r, c = timed["replay"], timed["check"]
        print(
            f"cognito-contracts replay cassettes: best {r['best_s']:.2f} s of {r['runs']} "
            f"({timed['cassettes']} cassettes, {timed['replay_per_cassette_ms']:.0f} ms each; "
            f"exit {r['exit_codes']}; left {r['leaked_temp_entries']} entries in its TMPDIR, "
            "removed)"
        )
        print(
            f"cognito-contracts check cassettes:  best {c['best_s']:.2f} s of {c['runs']} "
            f"(exit {c['exit_codes']}: {' '.join(c['last_line'])}); "
            f"replay/check {timed['ratio_replay_over_check']:.1f}x"
        )
    out["source"] = {"at_start": source_before, "at_end": source_state()}
    if out["source"]["at_start"] != out["source"]["at_end"]:
        print("warning: the product code changed while this benchmark ran (see source)")
    out["cpu_count"] = os.cpu_count()
    out["loadavg"] = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "backend.json").write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {RESULTS / 'backend.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
