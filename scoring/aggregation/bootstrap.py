"""Bootstrap over jurors, vectorised across rounds.

A round redraws the category's jurors with replacement (as many as there are).
For mean-type methods a round's aggregate is a weighted mean with the draw
counts as weights, so all rounds are one matrix product. Median and trimmed
need each entry's multiset of drawn totals: we gather entries x rounds x jurors
blocks of a few million cells and sort them.

Ties within a round share a rank (see `bootstrap_ranks` and `BOOTSTRAP_TIE_RULE`): a
round only knows the aggregates, not the tie-breaks or the chair's decision,
so entries it cannot tell apart must be treated alike whatever order they were
passed in.
"""

from __future__ import annotations

import numpy as np

from ._base import DEFAULT_ROUNDS, DEFAULT_SEED, TOL, check_method
from .methods import aggregate_matrix, sorted_median, trimmed_from_parts

# The rule for ties inside a bootstrap round, in words for the results page
# (which translates it) and the protocol.
BOOTSTRAP_TIE_RULE = (
    "Entries tied within a bootstrap round share the best position of the tie "
    "(1, 2, 2, 4), so a tie that reaches the award places counts as an award for "
    "every entry in it."
)

# Cells per gathered block for median/trimmed: bounded memory (~32 MB of
# float64) while keeping numpy calls few.
_BLOCK_CELLS = 4_000_000


def bootstrap_aggregates(
    matrix: np.ndarray,
    method: str,
    *,
    rounds: int = DEFAULT_ROUNDS,
    seed: int = DEFAULT_SEED,
    values: np.ndarray | None = None,
) -> np.ndarray:
    """Aggregates (entries x rounds); NaN where no drawn juror scored the entry.

    A juror drawn twice counts twice. For zscore and borda the per-juror
    normalised values of the full data are averaged (`values`, computed here if
    not given); zscore's rescaling to points is left out as it cannot change
    the order.
    """
    check_method(method)
    n_entries, n_jurors = matrix.shape
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_jurors, size=(rounds, n_jurors)) if n_jurors else None
    out = np.full((n_entries, rounds), np.nan)
    if draws is None or n_entries == 0:
        return out
    if method in ("mean", "zscore", "borda"):
        if values is None:
            values = aggregate_matrix(matrix, method)[1]
        weights = np.bincount(
            (draws + np.arange(rounds)[:, None] * n_jurors).ravel(), minlength=rounds * n_jurors
        ).reshape(rounds, n_jurors)
        mask = ~np.isnan(values)
        total = np.where(mask, values, 0.0) @ weights.T
        count = mask.astype(float) @ weights.T
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / count, np.nan)
    step = max(1, _BLOCK_CELLS // max(n_entries * n_jurors, 1))
    for start in range(0, rounds, step):
        block = matrix[:, draws[start : start + step]]  # entries x rounds x draws
        mask = ~np.isnan(block)
        n = mask.sum(axis=-1)
        if method == "median":
            out[:, start : start + step] = sorted_median(np.sort(block, axis=-1), n)
        else:
            total = np.where(mask, block, 0.0).sum(axis=-1)
            hi = np.where(mask, block, -np.inf).max(axis=-1)
            lo = np.where(mask, block, np.inf).min(axis=-1)
            out[:, start : start + step] = trimmed_from_parts(total, n, hi, lo)
    return out


def bootstrap_ranks(aggregates: np.ndarray) -> np.ndarray:
    """Competition ranks (entries x rounds), 1 = best; ties share the best rank.

    Within each round, aggregates closer than TOL to their sorted neighbour are
    tied (chaining, as in the final ranking) and all get the tie's best
    position: 1, 2, 2, 4. Entries that no drawn juror scored share the rank
    after the last scored entry. Nothing depends on the order of the rows.
    """
    n_entries, rounds = aggregates.shape
    key = np.where(np.isnan(aggregates), np.inf, -aggregates)
    # Equal keys get the same rank whatever their order, so an unstable sort is fine.
    order = np.argsort(key, axis=0)
    ordered = np.take_along_axis(key, order, axis=0)
    positions = np.arange(1, n_entries + 1, dtype=np.int32)[:, None]
    starts = np.ones(ordered.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        # inf - inf is NaN, which compares False: unscored entries stay together.
        starts[1:] = (ordered[1:] - ordered[:-1]) >= TOL
    # Each sorted place takes the position where its tie started.
    best = np.maximum.accumulate(np.where(starts, positions, 0), axis=0).astype(np.int32)
    ranks = np.empty((n_entries, rounds), dtype=np.int32)
    np.put_along_axis(ranks, order, best, axis=0)
    return ranks


def bootstrap_confidence(
    matrix: np.ndarray,
    method: str,
    places: int,
    *,
    rounds: int = DEFAULT_ROUNDS,
    seed: int = DEFAULT_SEED,
    values: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(p_award, rank_low, rank_high) per entry (row of `matrix`, any order).

    Each round ranks the entries by their aggregate with competition ranking:
    tied entries (|difference| < 1e-9) all take the best position of the tie
    (1, 2, 2, 4), so exactly tied entries get the same p_award and interval,
    and a tie that touches the award places counts as an award for each of
    them (`BOOTSTRAP_TIE_RULE` says this in words). p_award is the share of rounds in
    which the entry had an aggregate and rank <= places; the rank interval is
    the 5th percentile (method "lower") and 95th percentile (method "higher")
    of the bootstrap ranks, so both ends are ranks actually observed.
    """
    if rounds < 1:
        raise ValueError("bootstrap needs at least one round")
    aggregates = bootstrap_aggregates(matrix, method, rounds=rounds, seed=seed, values=values)
    ranks = bootstrap_ranks(aggregates)
    if ranks.shape[0] == 0:
        return np.empty(0), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    # An entry no drawn juror scored has no result in that round, so no award.
    p_award = ((ranks <= places) & ~np.isnan(aggregates)).mean(axis=1)
    low = np.percentile(ranks, 5, axis=1, method="lower").astype(np.int64)
    high = np.percentile(ranks, 95, axis=1, method="higher").astype(np.int64)
    return p_award, low, high
