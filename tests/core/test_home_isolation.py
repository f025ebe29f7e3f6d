"""Tests run with folders of their own: the product's config, state and cache paths all
resolve away from the real home, and what the product writes lands there. The session as a
whole is watched too: tests/conftest.py's audit hook fails the run on any write under the
real folders."""

from __future__ import annotations

import contextlib
from pathlib import Path

from tests.isolation import REAL_FOLDERS, REAL_HOME_WRITES


def test_product_paths_resolve_inside_the_test_home(own_home: Path) -> None:
    from contracts.checker.spec import _cache_dir
    from tui.core.bulk.journal import default_journal_path
    from tui.core.config import config_path
    from tui.core.journal import state_dir

    for path in (Path(config_path()), state_dir(), default_journal_path("0" * 64)):
        assert path.is_relative_to(own_home), path
    assert not any(_cache_dir().is_relative_to(real) for real in REAL_FOLDERS)


def test_writing_through_the_product_lands_in_the_test_home(own_home: Path) -> None:
    from tui.core.journal import Journal, JournalKey

    seen = len(REAL_HOME_WRITES)
    journal = Journal(JournalKey("http://127.0.0.1:1", "us-east-1_Probe", "ada"))
    journal.write({"sets": {"nickname": "probe"}, "deletes": []}, {})
    assert journal.path.is_file()
    assert journal.path.is_relative_to(own_home)
    assert len(REAL_HOME_WRITES) == seen


def test_the_watch_notices_a_write_under_the_real_folders(tmp_path: Path) -> None:
    """The audit hook itself: a write under a real folder is noted (the path is opened
    for writing only in a folder that does not exist, so nothing is created)."""
    seen = len(REAL_HOME_WRITES)
    target = REAL_FOLDERS[1] / "no-such-folder-for-tests" / "probe"
    with contextlib.suppress(OSError):
        open(target, "w").close()
    assert REAL_HOME_WRITES[seen:] == [f"open {target}"]
    del REAL_HOME_WRITES[seen:]
