"""Checker throughput against schemathesis, measured in the same run.

    .venv/bin/python bench/validate.py [--seconds 1.0] [--lines 200000]

Bodies per second for realistic GetUser, ListUsers (60 users) and UpdateUserAttributes
bodies: in-process (`Spec.validate`), through `cognito-contracts validate --jsonl` (one
process, one core), and schemathesis's `validate_response` on the same bodies (the named
baseline). Also the cost of loading the checker at start-up. Prints the ratios and writes
bench/results/validate.json. Timings on a shared machine are noisy: the ratios, measured
seconds apart in one run, are the figures to trust.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"


def attributes(i: int) -> list[dict[str, str]]:
    return [
        {"Name": "sub", "Value": f"5f0c1e2a-0b1c-4d2e-8f3a-{i:012d}"},
        {"Name": "email", "Value": f"user{i}@example.com"},
        {"Name": "email_verified", "Value": "true"},
        {"Name": "phone_number", "Value": f"+1555{i:07d}"},
        {"Name": "phone_number_verified", "Value": "false"},
        {"Name": "given_name", "Value": "Ada"},
        {"Name": "family_name", "Value": "Lovelace"},
        {"Name": "locale", "Value": "en-GB"},
        {"Name": "custom:department", "Value": "Engineering"},
        {"Name": "custom:employee_id", "Value": str(10000 + i)},
    ]


def bodies() -> dict[str, tuple[str, str, dict[str, Any]]]:
    user = {
        "Username": "5f0c1e2a-0b1c-4d2e-8f3a-000000000001",
        "UserAttributes": attributes(1),
        "PreferredMfaSetting": "SOFTWARE_TOKEN_MFA",
        "UserMFASettingList": ["SOFTWARE_TOKEN_MFA"],
    }
    users = {
        "Users": [
            {
                "Username": f"user-{i}",
                "Attributes": attributes(i),
                "UserCreateDate": 1700000000.123 + i,
                "UserLastModifiedDate": 1710000000.456 + i,
                "Enabled": True,
                "UserStatus": "CONFIRMED",
            }
            for i in range(60)
        ],
        "PaginationToken": "CAISlAIIARLtAQgDEugBAEYp6Y4Ux2Vf",
    }
    update_out = {
        "CodeDeliveryDetailsList": [
            {"Destination": "u***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
        ]
    }
    update_in = {
        "AccessToken": "x" * 1000,
        "UserAttributes": [
            {"Name": "email", "Value": "new@example.com"},
            {"Name": "custom:department", "Value": "Research"},
        ],
        "ClientMetadata": {"source": "cognito-tui", "ticket": "OPS-1234"},
    }
    return {
        "GetUser (output)": ("GetUser", "output", user),
        "ListUsers 60 users (output)": ("ListUsers", "output", users),
        "UpdateUserAttributes (output)": ("UpdateUserAttributes", "output", update_out),
        "UpdateUserAttributes (input)": ("UpdateUserAttributes", "input", update_in),
    }


def rate(fn: Any, seconds: float) -> float:
    """Calls per second, best of three rounds (the least disturbed by other load)."""
    best = 0.0
    for _ in range(3):
        n, start = 0, time.perf_counter()
        deadline = start + seconds / 3
        while True:
            for _ in range(200):
                fn()
            n += 200
            now = time.perf_counter()
            if now >= deadline:
                break
        best = max(best, n / (now - start))
    return best


def startup_ms(repeat: int = 7) -> dict[str, float]:
    code = (
        "import time; t=time.perf_counter();"
        "from contracts.checker.spec import Spec; s=Spec.load();"
        "s.validate('GetUser','output',{'Username':'a','UserAttributes':[]});"
        "print((time.perf_counter()-t)*1000)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # warm cache
    samples = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(repeat)
    ]
    return {"median_ms": statistics.median(samples), "min_ms": min(samples)}


def jsonl_rate(lines: int) -> dict[str, float]:
    exe = shutil.which("cognito-contracts") or str(
        Path(sys.executable).parent / "cognito-contracts"
    )
    op, kind, body = bodies()["GetUser (output)"]
    line = json.dumps({"operation": op, "kind": kind, "body": body}) + "\n"
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        fh.write(line * lines)
        path = fh.name
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    try:
        best = None
        for _ in range(3):
            start = time.perf_counter()
            done = subprocess.run(
                [*pin, exe, "validate", "--jsonl", path],
                capture_output=True,
                check=False,
            )
            wall = time.perf_counter() - start
            assert done.returncode == 0, done.stderr.decode()
            assert done.stdout.count(b"\n") == lines
            best = wall if best is None else min(best, wall)
    finally:
        os.unlink(path)
    assert best is not None
    return {"lines": lines, "wall_s": best, "bodies_per_s": lines / best, "pinned": bool(pin)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.5, help="time per measurement")
    parser.add_argument("--lines", type=int, default=200_000, help="lines for --jsonl")
    args = parser.parse_args()

    import requests
    from schemathesis.core.transport import Response

    from contracts.checker.openapi import load_schemathesis, operation_path
    from contracts.checker.spec import Spec

    spec = Spec.load()
    schema = load_schemathesis(spec)
    request = requests.Request("POST", "https://cognito-idp.us-east-1.amazonaws.com/").prepare()
    media = {"content-type": ["application/x-amz-json-1.1"]}

    rows: dict[str, Any] = {}
    for label, (op, kind, body) in bodies().items():
        assert spec.validate(op, kind, body) == [], label
        ours = rate(lambda op=op, kind=kind, body=body: spec.validate(op, kind, body), args.seconds)
        row: dict[str, Any] = {"checker_bodies_per_s": ours}
        if kind == "output":
            api_op = schema[operation_path(spec, op)]["POST"]
            response = Response(200, media, json.dumps(body).encode(), request, 0.0, True)
            api_op.validate_response(response)  # valid, and warms its caches
            theirs = rate(lambda a=api_op, r=response: a.validate_response(r), args.seconds)
            row["schemathesis_bodies_per_s"] = theirs
            row["ratio_checker_over_schemathesis"] = ours / theirs
        rows[label] = row
        extra = (
            f"  schemathesis {row['schemathesis_bodies_per_s']:>10,.0f}/s"
            f"  ratio {row['ratio_checker_over_schemathesis']:.2f}x"
            if "schemathesis_bodies_per_s" in row
            else "  (schemathesis validates responses only)"
        )
        print(f"{label:32} checker {ours:>10,.0f}/s ({1e6 / ours:6.1f} us){extra}")

    jsonl = jsonl_rate(args.lines)
    print(
        f"validate --jsonl, GetUser bodies: {jsonl['bodies_per_s']:,.0f}/s "
        f"({jsonl['lines']:,} lines in {jsonl['wall_s']:.2f} s, start-up included"
        f"{', one core' if jsonl['pinned'] else ''}); target 50,000/s"
    )
    start = startup_ms()
    print(
        f"checker start-up (import + load + first validate): median {start['median_ms']:.1f} ms, "
        f"min {start['min_ms']:.1f} ms; target 100 ms"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {
        "benchmark": "validate",
        "baseline": "schemathesis validate_response on the same bodies",
        "botocore": spec.botocore_version,
        "in_process": rows,
        "jsonl": jsonl,
        "startup": start,
        "cpu_count": os.cpu_count(),
        "loadavg": os.getloadavg(),
    }
    (RESULTS / "validate.json").write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {RESULTS / 'validate.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
