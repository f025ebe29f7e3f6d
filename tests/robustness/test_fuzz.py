"""At least 10,000 distinct generated attribute names and values through the editor's
validation and save path (EditorSession, the pool schema from DescribeUserPool,
Draft.set/delete/problems, the journal, save, GetUser) against the strict embedded backend.
The properties are stated in `hostile.Fuzzer.check_batch`; `bench/robustness.py` runs the
same harness at any scale.

Hypothesis favours simple values (the empty string, the first of a list) and so repeats
some cases; about two in three are distinct, so 18,000 are drawn to run 10,000 distinct."""

from __future__ import annotations

import pytest

from tests.robustness.hostile import Fuzzer, signed_in_session
from tests.tui.support import new_user

DISTINCT = 10_000
CASES = 18_000
SHARDS = 2  # two halves, so that the two xdist workers share the work
BATCH = 24


@pytest.mark.parametrize("shard", range(SHARDS))
def test_generated_names_and_values_are_saved_or_explained(backend, scratch, spec, shard):
    session = signed_in_session(backend, scratch / "journal", new_user)
    fuzzer = Fuzzer(session, backend, spec)
    stats = fuzzer.run(-(-CASES // (SHARDS * BATCH)), size=BATCH, seed=shard)
    assert stats.cases >= CASES // SHARDS
    # each half 5,500 distinct: the halves share a few hundred (the simplest cases, which
    # hypothesis draws in every run), so together they still hold 10,000
    assert stats.distinct >= DISTINCT // SHARDS + 500, f"only {stats.distinct} distinct"
    # the run exercised both outcomes and every hostile class, or it proved little
    assert stats.accepted > stats.cases // 10 and stats.rejected > stats.cases // 10
    assert set(stats.groups) >= {"controls", "combining", "rtl", "astral", "whitespace"}
    assert backend.spec_violations == []
