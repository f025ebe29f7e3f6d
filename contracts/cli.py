"""`cognito-contracts`: the contract harness's command line.

Exit codes, for every subcommand: 0 valid, 1 violations found, 2 unusable input (the one
line on stderr names the file and what is wrong; never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import orjson

from contracts.checker.exchange import strip_null_members
from contracts.checker.spec import KINDS, Spec, SpecError
from contracts.checker.violations import Violation

EXIT_OK, EXIT_VIOLATIONS, EXIT_UNUSABLE = 0, 1, 2


class Unusable(Exception):
    """Input the command cannot use; the message is the one line shown to the user."""


def _err(message: str) -> None:
    sys.stderr.write(f"cognito-contracts: {message}\n")


def _open_in(name: str) -> IO[bytes]:
    if name == "-":
        return sys.stdin.buffer
    try:
        return open(name, "rb")
    except OSError as exc:
        raise Unusable(f"{name}: cannot read: {exc.strerror or exc}") from exc


def _read_json(name: str) -> Any:
    with _open_in(name) as fh:
        raw = fh.read()
    if not raw.strip():
        raise Unusable(f"{_label(name)}: empty input (expected a JSON object)")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Unusable(f"{_label(name)}: not JSON ({exc})") from exc


def _label(name: str) -> str:
    return "<stdin>" if name == "-" else name


# -- validate ---------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace, spec: Spec) -> int:
    if args.jsonl is not None:
        if args.operation:
            raise Unusable("validate --jsonl takes the operation from each line, not the command")
        with _open_in(args.jsonl) as fh:
            return validate_jsonl(spec, fh, sys.stdout.buffer, _label(args.jsonl))
    if not args.operation:
        raise Unusable("validate needs an OPERATION and --input/--output/--error FILE, or --jsonl")
    chosen = [(k, getattr(args, k)) for k in KINDS if getattr(args, k) is not None]
    if len(chosen) != 1:
        raise Unusable("validate needs exactly one of --input, --output, --error")
    kind, name = chosen[0]
    if args.operation not in spec.operations:
        raise Unusable(f"unknown operation {args.operation!r} (see `cognito-contracts spec`)")
    body = _read_json(name)
    warnings: list[Violation] = []
    if kind == "input":  # a member sent as null is absent to AWS: a warning, not a failure
        body, warnings = strip_null_members(spec, args.operation, body)
    violations = spec.validate(args.operation, kind, body)
    if args.json:
        out: dict[str, Any] = {
            "ok": not violations,
            "violations": [v.as_dict() for v in violations],
        }
        if warnings:
            out["warnings"] = [w.as_dict() for w in warnings]
        sys.stdout.write(orjson.dumps(out).decode() + "\n")
    else:
        for w in warnings:
            sys.stdout.write(f"warning: {w}  [{w.rule}]\n")
        for v in violations:
            sys.stdout.write(f"{v}  [{v.rule}]\n")
        if not violations:
            sys.stdout.write(f"{_label(name)}: valid {args.operation} {kind}\n")
    return EXIT_VIOLATIONS if violations else EXIT_OK


_OK_LINE = b'{"ok":true,"violations":[]}\n'


def validate_jsonl(spec: Spec, stream: Iterable[bytes], out: IO[bytes], label: str) -> int:
    """One output line per input line, in order. A line that cannot be used gets an output
    line with an `error` and a message on stderr; the exit code is then 2."""
    validate = spec.validate
    operations = spec.operations
    loads, dumps = orjson.loads, orjson.dumps
    worst = EXIT_OK
    buffer: list[bytes] = []
    for lineno, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            item = loads(line)
            op, kind, body = item["operation"], item["kind"], item["body"]
            if op not in operations:
                raise ValueError(f"unknown operation {op!r}")
            if kind not in KINDS:
                raise ValueError(f"unknown kind {kind!r} (input, output or error)")
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            problem = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            if isinstance(exc, orjson.JSONDecodeError):
                problem = f"not JSON ({exc})"
            _err(f"{label}:{lineno}: {problem}")
            buffer.append(dumps({"ok": False, "error": f"line {lineno}: {problem}"}) + b"\n")
            worst = EXIT_UNUSABLE
            continue
        warnings: list[Violation] = []
        if kind == "input" and b"null" in line:  # only then: the common line stays cheap
            body, warnings = strip_null_members(spec, op, body)
        violations = validate(op, kind, body)
        if violations:
            if worst == EXIT_OK:
                worst = EXIT_VIOLATIONS
            answer: dict[str, Any] = {
                "ok": False,
                "violations": [v.as_dict() for v in violations],
            }
            if warnings:
                answer["warnings"] = [w.as_dict() for w in warnings]
            buffer.append(dumps(answer) + b"\n")
        elif warnings:
            answer = {"ok": True, "violations": [], "warnings": [w.as_dict() for w in warnings]}
            buffer.append(dumps(answer) + b"\n")
        else:
            buffer.append(_OK_LINE)
        if len(buffer) >= 512:
            out.write(b"".join(buffer))
            buffer.clear()
    out.write(b"".join(buffer))
    out.flush()
    return worst


# -- check ------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace, spec: Spec) -> int:
    from contracts.checker.exchange import check_exchange
    from contracts.checker.sources import SourceError, expand, read_exchanges
    from contracts.recording.record import expected_violations

    try:
        files = expand(args.paths)
        if not files:
            raise Unusable(f"{', '.join(args.paths)}: no cassette or HAR file found")
        batches = [(f, read_exchanges(f)) for f in files]
    except SourceError as exc:
        raise Unusable(str(exc)) from exc
    per_op: dict[str, dict[str, int]] = {}
    rows: list[dict[str, Any]] = []
    allowed: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    expected_rows: list[dict[str, Any]] = []
    interactions = failing = 0
    lines: list[str] = []
    for path, exchanges in batches:
        expected = expected_violations(path)
        for ex in exchanges:
            interactions += 1
            result = check_exchange(spec, ex)
            # a request the scenario sends broken on purpose, as its cassette records
            for v in list(result.violations):
                if (ex.index, v.where, v.path, v.rule) in expected:
                    result.violations.remove(v)
                    expected_rows.append(_row(path, ex.index, result.operation or "?", v))
            name = result.operation or "(unknown operation)"
            counts = per_op.setdefault(name, {"interactions": 0, "violations": 0})
            counts["interactions"] += 1
            counts["violations"] += len(result.violations)
            where = f"{path} #{ex.index} {name}"
            if result.violations:
                failing += 1
            for v in result.violations:
                rows.append(_row(path, ex.index, name, v))
                lines.append(f"{where}: {v}  [{v.rule}]")
            for v in result.allowed:
                allowed.append(_row(path, ex.index, name, v))
            for v in result.warnings:  # shown, never counted as a failure
                warnings.append(_row(path, ex.index, name, v))
                lines.append(f"{where}: warning: {v}  [{v.rule}]")
            if args.verbose and not result.violations:
                lines.append(f"{where}: ok")
    if args.json:
        summary = {
            "ok": not rows,
            "files": len(files),
            "interactions": interactions,
            "valid": interactions - failing,
            "operations": dict(sorted(per_op.items())),
            "violations": rows,
            "allowed": allowed,
            "warnings": warnings,
            "expected": expected_rows,
            "botocore": spec.botocore_version,
        }
        sys.stdout.write(orjson.dumps(summary, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        for line in lines:
            sys.stdout.write(line + "\n")
        note = f", {len(allowed)} accepted by the allow-list" if allowed else ""
        if expected_rows:
            note += f", {len(expected_rows)} sent broken on purpose as the cassette records"
        sys.stdout.write(
            f"{interactions} interactions in {len(files)} files: {interactions - failing} valid, "
            f"{failing} with violations ({len(rows)} violations{note})\n"
        )
        if interactions == 0:
            sys.stdout.write("no Cognito exchange was found in these files\n")
    return EXIT_VIOLATIONS if rows else EXIT_OK


def _row(path: Path, index: int, operation: str, v: Violation) -> dict[str, Any]:
    return {"file": str(path), "index": index, "operation": operation, **v.as_dict()}


# -- record, replay, drift ---------------------------------------------------------------


def cmd_record(args: argparse.Namespace, spec: Spec) -> int:
    from contracts.recording.record import (
        RecordError,
        check_email,
        record,
        select,
        unrecordable,
    )

    if args.list:
        never = unrecordable("aws")
        for sc in select(None):
            needs = f"  [needs {', '.join(sorted(sc.needs))}]" if sc.needs else ""
            if sc.name in never:
                needs += " (never against AWS)"
            sys.stdout.write(f"{sc.name:28} {sc.doc.splitlines()[0]}{needs}\n")
        return EXIT_OK
    aws_only = [
        flag
        for flag, value in (
            ("--email", args.email),
            ("--code-command", args.code_command),
            ("--slow", args.slow),
            ("--ses-source-arn", args.ses_source_arn),
        )
        if value
    ]
    if aws_only and args.target != "aws":
        raise Unusable(f"{', '.join(aws_only)} only apply to --target aws")
    if args.email:
        try:
            check_email(args.email)
        except RecordError as exc:
            raise Unusable(str(exc)) from exc
    if args.code_command and not args.email:
        raise Unusable("--code-command needs --email (the address whose codes it prints)")
    if args.target == "aws" and not args.yes:
        raise Unusable(
            "recording against AWS creates a throw-away user pool, app client and users in "
            "your account (and deletes them afterwards): add --yes to go ahead"
        )
    try:
        result = record(
            args.scenario or None,
            args.target,
            Path(args.out),
            keep_pii=args.keep_pii,
            region=args.region,
            profile=args.profile,
            progress=lambda msg: print(f"cognito-contracts: {msg}", file=sys.stderr),
            email=args.email,
            code_command=args.code_command,
            slow=args.slow,
            ses_source_arn=args.ses_source_arn,
        )
    except RecordError as exc:
        _err(f"{exc}; the cassettes in {args.out} are unchanged")
        return EXIT_VIOLATIONS
    for path in result.written:
        sys.stdout.write(f"wrote {path}\n")
    for name, why in result.skipped:
        sys.stdout.write(f"skipped {name}: {why}\n")
    return EXIT_OK


def cmd_replay(args: argparse.Namespace, spec: Spec) -> int:
    from contracts.checker.sources import SourceError, expand
    from contracts.recording.record import RecordError, replay

    try:
        files = [p for p in expand(args.paths) if p.suffix in (".yaml", ".yml")]
    except SourceError as exc:
        raise Unusable(str(exc)) from exc
    failed = 0
    for path in files:
        try:
            played = replay(path)
        except (RecordError, AssertionError, Exception) as exc:  # report every failure kind
            failed += 1
            sys.stdout.write(f"{path}: FAILED {type(exc).__name__}: {exc}\n")
            continue
        sys.stdout.write(f"{path}: ok ({played} interactions)\n")
    return EXIT_VIOLATIONS if failed else EXIT_OK


def cmd_drift(args: argparse.Namespace, spec: Spec) -> int:
    from contracts.checker.sources import SourceError
    from contracts.recording.drift import compare, compare_recordings

    try:
        calls = compare_recordings(spec, args.old, args.new)
        # per operation over the same scenarios only: one side's extra scenarios would
        # otherwise show up as members that vanished
        report = compare(spec, [str(a) for a, _ in calls.pairs], [str(b) for _, b in calls.pairs])
    except SourceError as exc:
        raise Unusable(str(exc)) from exc
    drifted = report.drifted or calls.drifted
    if args.json:
        out = {
            "drift": drifted,
            "old": calls.old_label,
            "new": calls.new_label,
            "scenarios_compared": calls.compared,
            "scenarios_only_in_old": calls.only_old,
            "scenarios_only_in_new": calls.only_new,
            "differences": [d.as_dict() for d in calls.differences],
            "operations_compared": report.operations,
            "changes": [c.__dict__ for c in report.changes],
            "only_in_old": report.only_old,
            "only_in_new": report.only_new,
        }
        sys.stdout.write(orjson.dumps(out, option=orjson.OPT_INDENT_2).decode() + "\n")
        return EXIT_VIOLATIONS if drifted else EXIT_OK
    for difference in calls.differences:
        sys.stdout.write(f"{difference}\n")
    for name in calls.only_old:
        sys.stdout.write(f"{name}: only recorded in {args.old} (not compared)\n")
    for name in calls.only_new:
        sys.stdout.write(f"{name}: only recorded in {args.new} (not compared)\n")
    if report.changes:
        sys.stdout.write("per operation, over every scenario:\n")
    for change in report.changes:
        sys.stdout.write(f"  {change}\n")
    differing = len({d.scenario for d in calls.differences})
    sys.stdout.write(
        f"{len(calls.compared)} scenarios compared ({calls.new_label} against "
        f"{calls.old_label}): "
        + (
            f"{differing} differ, {len(calls.differences)} differences; "
            if calls.drifted
            else "no difference; "
        )
        + f"{report.operations} operations: "
        + (f"{len(report.changes)} structural changes\n" if report.drifted else "no drift\n")
    )
    return EXIT_VIOLATIONS if drifted else EXIT_OK


# -- spec -------------------------------------------------------------------------------


def cmd_spec(args: argparse.Namespace, spec: Spec) -> int:
    wrote = False
    if args.openapi:
        from contracts.checker.openapi import render

        _write(args.openapi, render(spec, links=args.links, compact=args.compact))
        wrote = True
    if args.json_schema:
        _write(args.json_schema, {**spec.compiled, "defs": dict(spec.defs)})
        wrote = True
    if not wrote:
        errors = {e for op in spec.operations.values() for e in op.errors}
        sys.stdout.write(
            f"cognito-idp spec from botocore {spec.botocore_version}: "
            f"{len(spec.operations)} operations, {len(spec.defs)} schemas, "
            f"{len(errors)} modeled errors, {len(spec.allowlist.entries)} allow-list entries\n"
        )
        if args.operations:
            for name in spec.operations:
                sys.stdout.write(name + "\n")
    return EXIT_OK


def _write(name: str, data: Any) -> None:
    raw = orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
    if name == "-":
        sys.stdout.buffer.write(raw)
        return
    try:
        Path(name).write_bytes(raw)
    except OSError as exc:
        raise Unusable(f"{name}: cannot write: {exc.strerror or exc}") from exc


# -- entry point ------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cognito-contracts",
        description=(
            "Check Amazon Cognito (cognito-idp) exchanges against the spec compiled from "
            "botocore's service model. Exit codes: 0 valid, 1 violations, 2 unusable input."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    v = sub.add_parser(
        "validate",
        help="validate one body, or a JSON Lines stream of bodies",
        description=(
            "Validate one request (--input), response (--output) or error (--error) body, "
            'or with --jsonl a stream of {"operation", "kind", "body"} lines, printing '
            'one {"ok", "violations"} line per input line, in order.'
        ),
    )
    v.add_argument("operation", nargs="?", metavar="OPERATION", help="e.g. GetUser")
    group = v.add_mutually_exclusive_group()
    for kind in KINDS:
        group.add_argument(f"--{kind}", metavar="FILE", help=f"the {kind} body (- for stdin)")
    group.add_argument("--jsonl", metavar="FILE", help="JSON Lines of bodies (- for stdin)")
    v.add_argument("--json", action="store_true", help="print the result as JSON")
    v.set_defaults(func=cmd_validate)

    c = sub.add_parser(
        "check",
        help="check recorded exchanges: cassettes, folders of them, or browser HAR files",
        description=(
            "Check every exchange in vcrpy cassettes (YAML or JSON) and HAR files exported "
            "from a browser (only requests with an AWSCognitoIdentityProviderService target "
            "count). Folders are searched recursively."
        ),
    )
    c.add_argument("paths", nargs="+", metavar="PATH")
    c.add_argument("--json", action="store_true", help="print a machine-readable summary")
    c.add_argument("-v", "--verbose", action="store_true", help="list valid exchanges too")
    c.set_defaults(func=cmd_check)

    r = sub.add_parser(
        "record",
        help="record scenarios into cassettes (embedded backend, or AWS with --yes)",
        description=(
            "Run the recorded scenarios through the editor's own code and write one cassette "
            "per scenario. Secrets are always scrubbed; personal data is replaced by fakes "
            "unless --keep-pii. A failed run leaves the previous cassettes untouched."
        ),
    )
    r.add_argument("--target", choices=("embedded", "aws"), default="embedded")
    r.add_argument("--scenario", action="append", metavar="NAME", help="only these (repeat)")
    r.add_argument("--out", default="cassettes", metavar="DIR", help="default: cassettes")
    r.add_argument("--yes", action="store_true", help="allow creating resources in AWS")
    r.add_argument("--keep-pii", action="store_true", help="keep attribute values and usernames")
    r.add_argument("--region", help="AWS region for --target aws")
    r.add_argument("--profile", help="AWS profile for --target aws")
    r.add_argument(
        "--email",
        metavar="ADDRESS",
        help="--target aws: your address; each scenario's users get ADDRESS+tag variants, "
        "and the codes Cognito sends there are asked for (not echoed)",
    )
    r.add_argument(
        "--code-command",
        metavar="CMD",
        help="--target aws: instead of asking, run CMD with the address as its last argument "
        "(and in COGNITO_TUI_CODE_ADDRESS); its last output line is the code",
    )
    r.add_argument(
        "--slow",
        action="store_true",
        help="--target aws: also record token expiry, with a 5-minute access token and a "
        "real wait (about 6 minutes)",
    )
    r.add_argument(
        "--ses-source-arn",
        metavar="ARN",
        help="--target aws: send the pool's email from this SES identity of yours, which "
        "Cognito requires for email sign-in codes (EMAIL_OTP)",
    )
    r.add_argument("--list", action="store_true", help="list the scenarios and exit")
    r.set_defaults(func=cmd_record)

    rp = sub.add_parser("replay", help="re-run scenarios against their cassettes, offline")
    rp.add_argument("paths", nargs="+", metavar="PATH")
    rp.set_defaults(func=cmd_replay)

    d = sub.add_parser(
        "drift",
        help="what differs between two recordings of the same scenarios (say embedded, AWS)",
        description=(
            "Scenario by scenario (cassettes paired by file name), call by call, in words: "
            "another error or message, members that appeared or vanished, type changes, "
            "attributes returned or not, calls only one side made; then, per operation over "
            "all scenarios, members and error codes. Values (ids, timestamps, tokens) never "
            "count; error messages do. Exit 0 no difference, 1 differences found, 2 unusable "
            "input (a missing folder, no cassette, no scenario in common)."
        ),
    )
    d.add_argument("old", metavar="OLD")
    d.add_argument("new", metavar="NEW")
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_drift)

    s = sub.add_parser("spec", help="write the compiled spec (OpenAPI 3.1 or JSON Schema)")
    s.add_argument(
        "--openapi", metavar="FILE", help="write the OpenAPI 3.1 document (- for stdout)"
    )
    s.add_argument(
        "--links",
        action="store_true",
        help="add OpenAPI links chaining the attribute workflows, for stateful testing",
    )
    s.add_argument(
        "--compact",
        action="store_true",
        help="sample the long Unicode classes of patterns (fast generation; judge answers "
        "with the cognito_conformance check of contracts.schemathesis_hooks)",
    )
    s.add_argument("--json-schema", metavar="FILE", help="write the compiled JSON Schema spec")
    s.add_argument("--operations", action="store_true", help="list the operations")
    s.set_defaults(func=cmd_spec)
    return parser


def _missing_extra(args: argparse.Namespace) -> int | None:
    """Recording, replay and drift need the `contracts` extra (vcrpy, PyYAML); recording
    against the embedded backend also needs `embedded` (moto). One line and exit 2."""
    from tui.extras import require

    func = getattr(args, "func", None)
    if func not in (cmd_record, cmd_replay, cmd_drift) or getattr(args, "list", False):
        return None
    extras = ["contracts"]
    if func is cmd_record and getattr(args, "target", None) == "embedded":
        extras.append("embedded")
    what = f"cognito-contracts {func.__name__.removeprefix('cmd_')}"
    return require(what, *extras, prog="cognito-contracts")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    refused = _missing_extra(args)
    if refused is not None:
        return refused
    try:
        spec = Spec.load()
        return int(args.func(args, spec))
    except Unusable as exc:
        _err(str(exc))
        return EXIT_UNUSABLE
    except SpecError as exc:
        _err(str(exc))
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
