"""The command around the core: options, exit codes for unusable input, the progress bar."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from tests.bulk.support import cli_args, write_csv
from tui import bulk_cli
from tui.cli import build_parser, main
from tui.core.bulk import Progress
from tui.core.bulk import runner as core


def test_the_commands_defaults_are_the_cores():
    assert bulk_cli.DEFAULT_RATE == core.DEFAULT_RATE < 25  # below Cognito's UserUpdate quota
    assert bulk_cli.DEFAULT_READ_RATE == core.DEFAULT_READ_RATE < 120  # below UserRead's
    assert bulk_cli.DEFAULT_WORKERS == core.DEFAULT_WORKERS
    assert bulk_cli.MAX_WORKERS == core.MAX_WORKERS


def test_options_given_before_the_command_are_kept():
    args = build_parser().parse_args(
        ["--region", "eu-west-1", "bulk", "apply", "f.csv", "--pool-id", "eu-west-1_A"]
    )
    assert args.region == "eu-west-1" and args.pool_id == "eu-west-1_A"
    assert args.rate == 20.0 and args.workers == 8 and not args.dry_run
    args = build_parser().parse_args(["bulk", "apply", "f.csv", "--region", "us-west-2"])
    assert args.region == "us-west-2"


@pytest.mark.parametrize(
    "bad", [["--rate", "0"], ["--rate", "fast"], ["--workers", "0"], ["--workers", "65"]]
)
def test_nonsense_options_are_refused(bad, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["bulk", "apply", "f.csv", "--pool-id", "us-east-1_A", *bad])
    assert caught.value.code == 2


def test_bulk_alone_prints_its_usage(capsys):
    assert main(["bulk"]) == 2
    assert "apply" in capsys.readouterr().err


def test_unusable_input_exits_2_with_one_line(backend, tmp_path, capsys):
    missing = tmp_path / "missing.csv"
    assert main(cli_args(backend, missing)) == 2
    assert f"{missing}: cannot be read" in capsys.readouterr().err
    headerless = write_csv(tmp_path / "h.csv", ["user00001,nickname,x"], header="user00001,a,b")
    assert main(cli_args(backend, headerless)) == 2
    assert "the first row must be the header" in capsys.readouterr().err
    assert main(["bulk", "apply", str(headerless)]) == 2
    assert "--pool-id is required" in capsys.readouterr().err


def test_an_unknown_pool_exits_2(backend, tmp_path, capsys):
    path = write_csv(tmp_path / "c.csv", ["user00001,nickname,x"])
    args = cli_args(backend, path)
    args[args.index("--pool-id") + 1] = "us-east-1_doesnotexist"
    assert main(args) == 2
    assert "cannot read pool us-east-1_doesnotexist" in capsys.readouterr().err


def test_help_does_not_load_botocore():
    code = "import sys, tui.bulk_cli; print('botocore' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def progress(done: int, total: int = 300, elapsed: float = 10.0, **kw) -> Progress:
    return Progress(
        done, total, kw.get("failed", 0), kw.get("retries", 0), elapsed, kw.get("final", False)
    )


def test_the_progress_line_shows_done_total_rate_and_eta():
    line = bulk_cli.format_progress(progress(120, retries=3, failed=1))
    assert line.startswith("[######----------] 120/300 rows")
    assert "12.0/s" in line and "ETA 0:15" in line
    assert "retries 3" in line and "failed 1" in line
    assert "ETA --:--" in bulk_cli.format_progress(progress(0, elapsed=0.0))
    assert "ETA 1:00:00" in bulk_cli.format_progress(progress(1, total=3601, elapsed=1.0))
    assert len(bulk_cli.format_progress(progress(12345, 99999, retries=999, failed=99))) < 80


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_without_a_terminal_a_line_every_few_seconds():
    out, clock = io.StringIO(), Clock()
    bar = bulk_cli.ProgressBar(out, tty=False, clock=clock)
    for second in range(12):
        clock.now = float(second)
        bar(progress(second * 10, elapsed=clock.now or 0.1))
    bar(progress(300, final=True))
    lines = out.getvalue().splitlines()
    assert [line.split()[1] for line in lines] == ["0/300", "50/300", "100/300", "300/300"]
    assert "\r" not in out.getvalue()


def test_on_a_terminal_the_line_is_redrawn_in_place():
    out, clock = io.StringIO(), Clock()
    bar = bulk_cli.ProgressBar(out, tty=True, clock=clock)
    bar(progress(5, retries=12))
    clock.now = 1.0
    bar(progress(6))
    bar(progress(300, final=True))
    text = out.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n") and text.count("\n") == 1
    second = text.split("\r")[2]
    assert "retries" not in second and second.endswith(" ")  # the longer line is blanked


@pytest.mark.parametrize(
    "option, value, said",
    [
        ("--pool-id", "eu-west-1", "--pool-id 'eu-west-1': not a valid pool id"),
        ("--endpoint-url", "localhost:9229", "--endpoint-url 'localhost:9229': not an http(s)"),
        ("--region", "us-west-2", "belongs to region us-east-1, not us-west-2"),
    ],
)
def test_connection_options_are_checked_at_the_door(option, value, said, tmp_path, capsys):
    """bulk apply and users refuse what the editor refuses, before any request is sent."""
    path = write_csv(tmp_path / "c.csv", ["user00001,nickname,x"])
    base = ["--pool-id", "us-east-1_AbC123", "--endpoint-url", "http://127.0.0.1:9"]
    for command in (["bulk", "apply", str(path)], ["users", "--where", "email~=x"]):
        args = [*command, *base]
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
        assert main(args) == 2
        err = capsys.readouterr().err
        assert said in err and len(err.splitlines()) == 1, err
