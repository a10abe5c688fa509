"""The lookalike search skips only pairs whose windows are disjoint: on any set of visits it reports exactly
the pairs that comparing every pair reports."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from belarus_china.contract.registry import load_registry
from belarus_china.curate.lookalikes import _alike, _candidate_pairs, _Row

REGISTRY = load_registry()
VISITS = REGISTRY["visits"]

days = st.one_of(st.none(), st.integers(min_value=0, max_value=60).map(lambda n: date(2023, 1, 1) + timedelta(days=n)))


@st.composite
def visit(draw) -> dict:
    earliest, latest = draw(days), draw(days)
    if earliest and latest and earliest > latest:
        earliest, latest = latest, earliest
    return {VISITS.window.earliest: earliest, VISITS.window.latest: latest,
            "guest_id": "lukashenko", "city": draw(st.sampled_from([None, "Beijing", "Hangzhou"]))}


@settings(max_examples=300, deadline=None)
@given(st.lists(visit(), max_size=12))
def test_the_sweep_finds_every_pair_that_comparing_all_pairs_finds(values):
    members = [_Row(f"v{i}", row, ()) for i, row in enumerate(values)]
    every_pair = [(i, j) for i in range(len(members)) for j in range(i + 1, len(members))
                  if _alike(VISITS, members[i].values, members[j].values)]
    swept = [(i, j) for i, j in _candidate_pairs(VISITS, members) if _alike(VISITS, members[i].values, members[j].values)]
    assert swept == every_pair


def test_the_sweep_does_not_pair_a_long_run_of_separate_visits():
    members = [_Row(f"v{i}", {VISITS.window.earliest: date(2000, 1, 1) + timedelta(days=7 * i),
                              VISITS.window.latest: date(2000, 1, 3) + timedelta(days=7 * i), "guest_id": "g"}, ())
               for i in range(2_000)]
    assert _candidate_pairs(VISITS, members) == []
