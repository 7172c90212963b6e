"""Bootstrap over jurors: determinism, sanity of p_award and rank intervals, speed."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from scoring.aggregation import (
    BOOTSTRAP_TIE_RULE,
    METHODS,
    aggregate_matrix,
    bootstrap_aggregates,
    bootstrap_confidence,
    bootstrap_ranks,
    rank,
)


def panel(n_entries: int, n_jurors: int, seed: int, recused: float = 0.0) -> pd.DataFrame:
    """Synthetic single-category panel: entry quality plus juror noise, 0-10 marks."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(5, 1.5, n_entries)
    rows = [
        (f"E{e:03d}", f"J{j:02d}", "score", float(np.clip(round(quality[e] + rng.normal()), 0, 10)))
        for e in range(n_entries)
        for j in range(n_jurors)
        if rng.random() >= recused
    ]
    return pd.DataFrame(rows, columns=["entry", "juror", "criterion", "score"])


def naive_round(matrix: np.ndarray, values: np.ndarray | None, draw: np.ndarray, method: str):
    """One bootstrap round the slow way: each entry's multiset of drawn values."""
    out = []
    for e in range(matrix.shape[0]):
        source = matrix if values is None else values
        marks = sorted(source[e, j] for j in draw if not np.isnan(source[e, j]))
        if not marks:
            out.append(np.nan)
        elif method == "median":
            out.append(float(np.median(marks)))
        elif method == "trimmed" and len(marks) >= 5:
            out.append(float(np.mean(marks[1:-1])))
        else:
            out.append(float(np.mean(marks)))
    return np.array(out)


@pytest.mark.parametrize("method", METHODS)
def test_bootstrap_aggregates_match_naive_resampling(method):
    scores = panel(12, 6, seed=3, recused=0.2)
    [result] = rank(scores, None, method=method, bootstrap=0)
    matrix = result.totals.to_numpy()
    values = aggregate_matrix(matrix, method)[1]

    fast = bootstrap_aggregates(matrix, method, rounds=40, seed=11)

    draws = np.random.default_rng(11).integers(0, matrix.shape[1], size=(40, matrix.shape[1]))
    slow = np.column_stack([naive_round(matrix, values, d, method) for d in draws])
    np.testing.assert_allclose(fast, slow, equal_nan=True)


def test_bootstrap_ranks_put_entries_without_drawn_juror_last():
    aggregates = np.array([[np.nan, 3.0], [1.0, 3.0], [2.0, np.nan]])

    ranks = bootstrap_ranks(aggregates)

    # round 1: 2.0 > 1.0 > missing; round 2: the tie shares rank 1, missing last
    assert ranks.tolist() == [[3, 1], [2, 1], [1, 3]]


def test_bootstrap_ranks_ties_share_the_best_position():
    aggregates = np.array([[5.0], [7.0], [5.0 + 1e-12], [7.0], [np.nan], [1.0], [np.nan]])

    ranks = bootstrap_ranks(aggregates)

    assert ranks[:, 0].tolist() == [3, 1, 3, 1, 6, 5, 6]


def test_bootstrap_exactly_tied_entries_get_identical_confidence():
    # A and B get the same marks from every juror: no round can tell them apart.
    marks = {"A": [9, 8, 9, 7, 8], "B": [9, 8, 9, 7, 8], "C": [9, 9, 6, 8, 9], "D": [5, 6, 4, 9, 5]}
    rows = [(e, f"J{j}", "score", v) for e, vs in marks.items() for j, v in enumerate(vs)]
    scores = pd.DataFrame(rows, columns=["entry", "juror", "criterion", "score"])

    [result] = rank(scores, None, method="mean", bootstrap=500, places=2)

    e = result.entries.set_index("entry")
    assert e.loc["A", "p_award"] == e.loc["B", "p_award"]
    assert (e.loc["A", "rank_low"], e.loc["A", "rank_high"]) == (
        e.loc["B", "rank_low"],
        e.loc["B", "rank_high"],
    )
    # the tie reaches the award places in some rounds, so both count as awarded there
    assert 0 < e.loc["A", "p_award"]
    assert e.loc["A", "rank_low"] == 1


@pytest.mark.parametrize("method", METHODS)
def test_bootstrap_confidence_does_not_depend_on_row_order(method):
    scores = panel(20, 7, seed=21, recused=0.15)
    [result] = rank(scores, None, method=method, bootstrap=0)
    matrix = result.totals.to_numpy()
    # duplicate two rows so that exact ties are certain
    matrix = np.vstack([matrix, matrix[[3, 11]]])
    values = aggregate_matrix(matrix, method)[1]
    permutation = np.random.default_rng(4).permutation(len(matrix))

    straight = bootstrap_confidence(matrix, method, 3, rounds=300, seed=9, values=values)
    permuted = bootstrap_confidence(
        matrix[permutation],
        method,
        3,
        rounds=300,
        seed=9,
        values=None if values is None else values[permutation],
    )

    for a, b in zip(straight, permuted, strict=True):
        np.testing.assert_array_equal(a[permutation], b)
    for got in straight:
        assert got[20] == got[3] and got[21] == got[11]


def test_bootstrap_results_do_not_depend_on_input_row_order():
    scores = panel(30, 7, seed=17, recused=0.1)
    shuffled = scores.sample(frac=1.0, random_state=3).reset_index(drop=True)

    [straight] = rank(scores, None, method="median", bootstrap=300, seed=5)
    [permuted] = rank(shuffled, None, method="median", bootstrap=300, seed=5)

    columns = ["p_award", "rank_low", "rank_high"]
    pd.testing.assert_frame_equal(
        straight.entries.set_index("entry")[columns].sort_index(),
        permuted.entries.set_index("entry")[columns].sort_index(),
    )


def test_bootstrap_without_ties_ranks_as_plain_order():
    # Continuous marks: no two entries tie in any round, so the shared-rank rule
    # must give exactly the ordinal ranks the bootstrap gave before it.
    rng = np.random.default_rng(12)
    matrix = rng.normal(6, 1, (15, 6)) + rng.normal(0, 1, (15, 1))
    aggregates = bootstrap_aggregates(matrix, "mean", rounds=300, seed=2)
    assert all(len(np.unique(column)) == 15 for column in aggregates.T)

    ranks = bootstrap_ranks(aggregates)
    p_award, low, high = bootstrap_confidence(matrix, "mean", 3, rounds=300, seed=2)

    ordinal = np.argsort(np.argsort(-aggregates, axis=0), axis=0) + 1
    np.testing.assert_array_equal(ranks, ordinal)
    np.testing.assert_array_equal(p_award, (ordinal <= 3).mean(axis=1))
    np.testing.assert_array_equal(low, np.percentile(ordinal, 5, axis=1, method="lower"))
    np.testing.assert_array_equal(high, np.percentile(ordinal, 95, axis=1, method="higher"))


def test_bootstrap_tie_rule_is_stated():
    assert "share the best position" in BOOTSTRAP_TIE_RULE


def test_bootstrap_same_seed_same_result():
    scores = panel(30, 7, seed=5, recused=0.1)

    [first] = rank(scores, None, method="trimmed", bootstrap=200, seed=42)
    [second] = rank(scores, None, method="trimmed", bootstrap=200, seed=42)

    pd.testing.assert_frame_equal(first.entries, second.entries)


def test_bootstrap_p_award_and_rank_intervals_are_sensible():
    scores = panel(25, 9, seed=8)

    [result] = rank(scores, None, method="mean", bootstrap=500, places=3)

    e = result.entries
    n = len(e)
    assert e["p_award"].between(0, 1).all()
    assert (e["rank_low"] >= 1).all() and (e["rank_high"] <= n).all()
    assert (e["rank_low"] <= e["rank_high"]).all()
    # each entry's own position lies in (or right next to) its interval
    assert ((e["rank_low"] <= e["position"] + 1) & (e["position"] - 1 <= e["rank_high"])).all()
    # at least three awards per round, more when a tie straddles the last place
    assert e["p_award"].sum() >= 3.0


def test_bootstrap_dominant_entry_always_wins():
    marks = {"A": 10, "B": 5, "C": 4, "D": 3}
    rows = [(e, f"J{j}", "score", v - (j % 2)) for e, v in marks.items() for j in range(5)]
    scores = pd.DataFrame(rows, columns=["entry", "juror", "criterion", "score"])

    [result] = rank(scores, None, method="median", bootstrap=300, places=1)

    top = result.entries.iloc[0]
    assert top["entry"] == "A"
    assert top["p_award"] == 1.0
    assert (top["rank_low"], top["rank_high"]) == (1, 1)
    assert result.entries["p_award"].iloc[1:].tolist() == [0.0, 0.0, 0.0]


def test_bootstrap_off_leaves_confidence_empty():
    scores = panel(5, 3, seed=1)

    [result] = rank(scores, None, bootstrap=0)

    assert result.entries["p_award"].isna().all()
    assert result.entries["rank_low"].isna().all()


def test_bootstrap_1000_rounds_400_entries_15_jurors_is_fast():
    scores = panel(400, 15, seed=13, recused=0.1)

    started = time.perf_counter()
    for method in METHODS:
        rank(scores, None, method=method, bootstrap=1000)
    elapsed = time.perf_counter() - started

    # budget is 3 s per ranking on 2 cores; all five methods together stay under it here
    assert elapsed < 3.0 * len(METHODS)
