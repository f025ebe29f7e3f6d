"""Robustness figures, measured in one run: fuzzed cases, faults injected and survived, the
longest event-loop stall, canaries found.

    .venv/bin/python bench/robustness.py [--cases 18000] [--rounds 3]

1. Fuzz: `--cases` generated attribute names and values (hypothesis; strategies from the
   compiled spec and the pool's schema, plus hostile text) through the editor's validation
   and save path (EditorSession, Draft, journal, save, GetUser) against a strict embedded
   backend: how many were distinct (hypothesis repeats simple values), accepted and saved,
   refused with an explanation (and why), the spec violations the backend recorded, and
   failures of a property (any is a bug).
2. Faults: the editor under Textual's pilot, its botocore client behind `FaultProxy`, the
   backend a `cognito-tui embedded` process of its own (so the editor's process holds the
   editor, not the backend's heap): each single fault `--rounds` times (retried once, then
   saved), each storm `--rounds` times (stopped at max_attempts with every edit kept, then
   saved once), and a quit while a save is stuck. Faults injected (served by the proxy)
   and survived (every property of the scenario held), the most requests one call made,
   the longest event-loop stall while a scenario ran (each watched on its own, see
   tests/robustness/loopwatch.py) and, apart, during the sign-in.
3. Secrets: the scripted session of the secrets audit (pilot, cassettes, export,
   screenshots, journal, captured output) searched for the canary password and for every
   secret the backends issued: files, bytes, canaries found.
4. Interruptions: the signal tests with every pairing (SIGHUP/SIGTERM, the update applied
   or not; `make test` runs two of the four), the bulk run hung up on, and the secrets
   audit of the installed editor's terminal output: pytest in a subprocess.

The same scenarios run once each in `make test` (tests/robustness/). Prints the figures and
writes bench/results/robustness.json.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
BATCH = 24


def fuzz(cases: int) -> dict[str, Any]:
    from contracts.checker.spec import default_spec
    from tests.robustness.hostile import Fuzzer, signed_in_session
    from tests.tui.conftest import new_user
    from tui.embedded import EmbeddedCognito

    started = time.perf_counter()
    failure = None
    with (
        EmbeddedCognito(seed="demo", strict=True) as backend,
        tempfile.TemporaryDirectory() as folder,
    ):
        session = signed_in_session(backend, Path(folder), new_user)
        fuzzer = Fuzzer(session, backend, default_spec())
        try:
            fuzzer.run(-(-cases // BATCH), size=BATCH)
        except Exception as exc:  # a property failed: the figure to report, not a crash here
            failure = f"{type(exc).__name__}: {exc}"[:2000]
        violations = list(backend.spec_violations)
    out = fuzzer.stats.as_dict()
    out.update(
        {
            "backend_spec_violations": len(violations),
            "property_failures": 0 if failure is None else 1,
            "failure": failure,
            "seconds": round(time.perf_counter() - started, 1),
        }
    )
    return out


@contextlib.contextmanager
def served() -> Iterator[SimpleNamespace]:
    """`cognito-tui embedded` in a process of its own, so that the editor's process holds
    the editor (and this harness), not the backend's heap: a garbage collection of the
    backend's objects is not a pause the editor would have."""
    import subprocess

    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "cognito-tui"), "embedded", "--seed", "demo"],
            stdout=subprocess.PIPE,
            stderr=err,  # the codes it delivers: not read
            text=True,
        )
        try:
            assert proc.stdout is not None
            yield SimpleNamespace(**json.loads(proc.stdout.readline()))
        finally:
            proc.terminate()
            proc.wait(timeout=10)


async def faults(rounds: int) -> dict[str, Any]:
    from tests.robustness import scenarios
    from tests.robustness.loopwatch import LoopWatch
    from tests.robustness.proxy import FaultProxy
    from tests.tui.conftest import admin, new_user
    from tests.tui.test_flows import open_editor

    injected: Counter[str] = Counter()
    survived: Counter[str] = Counter()
    failures: list[str] = []
    most_requests = 0
    stalls: list[tuple[float, str, str]] = []  # (ms blocked, scenario, where)
    clean: list[float] = []  # the baseline: ms blocked during a save with no fault
    late: list[float] = []  # ms late, the OS's run-queue waits included
    started = time.perf_counter()

    async def attempt(kind: str, app: Any, proxy: FaultProxy, run: Any) -> None:
        """One scenario, watched on its own (the heap frozen at its start)."""
        before = proxy.faults_injected
        watch = LoopWatch(app).start()
        try:
            await run()
        except Exception:
            failures.append(f"{kind}: {traceback.format_exc(limit=3)}"[:1500])
            proxy.clear()
        else:
            survived[kind] += proxy.faults_injected - before
        finally:
            await watch.stop()
        injected[kind] += proxy.faults_injected - before
        stalls.append((watch.max_blocked_ms, kind, watch.explain()))
        late.append(watch.max_late_ms)

    with (
        served() as backend,
        FaultProxy(backend.endpoint_url) as proxy,
        tempfile.TemporaryDirectory() as folder,
    ):
        username, password = new_user(backend, given_name="Ada", nickname="ada")
        check = admin(backend)
        app = scenarios.through(proxy, backend, Path(folder))
        async with app.run_test(size=(80, 24)) as pilot:
            signin = LoopWatch(app).start()
            await open_editor(pilot, username, password)
            await signin.stop()
            for n in range(rounds):
                # baseline, same app, same round: an unfaulted save, watched the same way
                watch = LoopWatch(app).start()
                await scenarios.clean_save(pilot, proxy, check, backend, username, n)
                clean.append((await watch.stop()).max_blocked_ms)
                for kind in scenarios.FAULTS:

                    async def fault(k: str = kind) -> None:
                        await scenarios.one_fault(pilot, proxy, check, backend, username, k)

                    await attempt(kind, app, proxy, fault)
                for name in scenarios.STORMS:
                    sent = proxy.count(scenarios.UPDATE)

                    async def storm(n: str = name) -> None:
                        await scenarios.storm(pilot, proxy, check, backend, username, n)

                    await attempt(name, app, proxy, storm)
                    # the storm's failed call: every request it made, counted at the wire
                    most_requests = max(most_requests, proxy.count(scenarios.UPDATE) - sent - 1)
        # the stuck save's worker outlives this function (as it would the editor's process)
        # and writes its journal once the proxy stops: a folder removed at exit takes it
        leftover = Path(tempfile.mkdtemp(prefix="robustness-stuck-"))
        atexit.register(shutil.rmtree, leftover, True)
        stuck = scenarios.through(proxy, backend, leftover, read_timeout=30.0)
        quit_seconds: list[float] = []
        async with stuck.run_test(size=(80, 24)) as pilot:
            await open_editor(pilot, username, password)

            async def quit_stuck() -> None:
                quit_seconds.append(await scenarios.quit_while_stuck(pilot, proxy))

            await attempt("stall, then quit", stuck, proxy, quit_stuck)
    worst = max(stalls)
    return {
        "rounds": rounds,
        "faults_injected": sum(injected.values()),
        "faults_survived": sum(survived.values()),
        "by_kind": {k: {"injected": injected[k], "survived": survived[k]} for k in injected},
        "max_attempts": app.session.settings.max_attempts,
        "most_requests_in_one_call": most_requests,
        "scenarios_watched": len(stalls),
        "max_event_loop_stall_ms": round(worst[0], 1),
        "baseline": "the longest stall during an unfaulted save, same app, same rounds",
        "baseline_stall_ms": round(max(clean), 1),
        "stall_ratio_vs_baseline": round(worst[0] / max(max(clean), 0.1), 2),
        "max_tick_lateness_ms": round(max(late), 1),
        "longest_stall_in": worst[1],
        "longest_stall_where": worst[2].splitlines(),
        "sign_in_event_loop_stall_ms": round(signin.max_blocked_ms, 1),
        "sign_in_stall_where": signin.explain().splitlines(),
        "quit_while_stuck_s": round(quit_seconds[0], 3) if quit_seconds else None,
        "failures": failures,
        "seconds": round(time.perf_counter() - started, 1),
    }


async def secrets() -> dict[str, Any]:
    from tests.robustness.audit import (
        canary_password,
        point_everything_at,
        scripted_session,
        search_checked,
    )
    from tui.embedded import EmbeddedCognito

    started = time.perf_counter()
    password = canary_password()
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    with (
        tempfile.TemporaryDirectory() as folder,
        EmbeddedCognito(seed="demo", strict=True) as backend,
    ):
        root = Path(folder)
        os.environ.update(point_everything_at(root))
        os.chdir(root / "cwd")
        try:
            issued = await scripted_session(backend, root, password)
        finally:
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
        auditor, found = search_checked(root, {password, *issued})
        written = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    return {
        "secrets_searched_for": len(auditor.secrets),
        "files_searched": auditor.files,
        "bytes_searched": auditor.bytes,
        "files": written,
        "canaries_found": len(found),
        "findings": [str(f) for f in found],
        "seconds": round(time.perf_counter() - started, 1),
    }


def interruptions() -> dict[str, Any]:
    """The signal tests (tmux, the installed command, a running `cognito-tui embedded`),
    every pairing of SIGHUP/SIGTERM with an update applied or not, and the bulk run hung
    up on mid-way; and, with them, the secrets audit of the installed editor's terminal
    output (a test that passes found zero canaries): pytest in a subprocess, read back
    from its JUnit report."""
    import subprocess
    import xml.etree.ElementTree as ET

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "junit.xml"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "--cognito-no-replay",
                f"--junitxml={report}",
                "tests/robustness/test_interrupt.py",
                "tests/robustness/test_bulk_signals.py",
                "tests/robustness/test_secrets_audit.py::"
                "test_no_secret_in_what_the_installed_editor_wrote_or_drew",
            ],
            cwd=ROOT,
            env={**os.environ, "COGNITO_TUI_ALL_SIGNALS": "1"},
            capture_output=True,
            timeout=600,
        )
        cases = {}
        for case in ET.parse(report).getroot().iter("testcase"):
            if "robustness" not in case.get("classname", ""):
                continue
            failed = case.find("failure") is not None or case.find("error") is not None
            skipped = case.find("skipped") is not None
            cases[case.get("name", "?")] = "skipped" if skipped else "failed" if failed else "ok"
    audit = "test_no_secret_in_what_the_installed_editor_wrote_or_drew"
    installed = cases.pop(audit, "missing")
    return {
        "runs": len(cases),
        "survived": sum(1 for v in cases.values() if v == "ok"),
        "cases": cases,
        # the secrets audit of the installed editor's terminal output, run alongside
        "installed_editor_audit": installed,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=18_000, help="fuzzed names and values")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every fault scenario")
    args = parser.parse_args()

    import botocore
    import textual.app

    print(f"fuzzing {args.cases:,} attribute names and values…", flush=True)
    fuzzed = fuzz(args.cases)
    print(
        f"fuzz: {fuzzed['cases']:,} cases ({fuzzed['distinct_cases']:,} distinct) in "
        f"{fuzzed['batches']} batches: {fuzzed['accepted_and_saved']:,} accepted and saved, "
        f"{fuzzed['rejected_with_explanation']:,} refused with an explanation, "
        f"{fuzzed['unchanged']:,} unchanged; backend spec violations "
        f"{fuzzed['backend_spec_violations']}, property failures {fuzzed['property_failures']} "
        f"({fuzzed['seconds']} s)",
        flush=True,
    )
    print(f"injecting faults, {args.rounds} round(s) of every scenario…", flush=True)
    faulted = asyncio.run(faults(args.rounds))
    print(
        f"faults: {faulted['faults_survived']} of {faulted['faults_injected']} survived; at most "
        f"{faulted['most_requests_in_one_call']} requests in one call (max_attempts "
        f"{faulted['max_attempts']}); longest event-loop stall during saves "
        f"{faulted['max_event_loop_stall_ms']} ms = {faulted['stall_ratio_vs_baseline']}x "
        f"the baseline, an unfaulted save ({faulted['baseline_stall_ms']} ms; a tick at most "
        f"{faulted['max_tick_lateness_ms']} ms late, the OS's run-queue waits included; sign-in: "
        f"{faulted['sign_in_event_loop_stall_ms']} ms); quit while stuck "
        f"{faulted['quit_while_stuck_s']} s ({faulted['seconds']} s)",
        flush=True,
    )
    print("auditing a scripted session for secrets…", flush=True)
    audited = asyncio.run(secrets())
    print(
        f"secrets: {audited['canaries_found']} canaries found in {audited['files_searched']} "
        f"files ({audited['bytes_searched']:,} bytes), searching for "
        f"{audited['secrets_searched_for']} secrets ({audited['seconds']} s)",
        flush=True,
    )
    print("signals during saves and bulk runs (tmux)…", flush=True)
    signalled = interruptions()
    print(
        f"interruptions: {signalled['survived']} of {signalled['runs']} survived, nothing lost "
        f"or applied twice; installed editor's terminal output audit: "
        f"{signalled['installed_editor_audit']} ({signalled['seconds']} s)",
        flush=True,
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {
        "benchmark": "robustness",
        "fuzz": fuzzed,
        "faults": faulted,
        "secrets": audited,
        "interruptions": signalled,
        "botocore": botocore.__version__,
        "textual": textual.app.__version__ if hasattr(textual.app, "__version__") else None,
        "cpu_count": os.cpu_count(),
        "loadavg": os.getloadavg(),
    }
    (RESULTS / "robustness.json").write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {RESULTS / 'robustness.json'}")
    failed = (
        fuzzed["property_failures"]
        or faulted["failures"]
        or audited["canaries_found"]
        or signalled["survived"] < signalled["runs"]
        or signalled["installed_editor_audit"] != "ok"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
