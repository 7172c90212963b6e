"""`rank` for many categories in one pass over stacked arrays (see layout.py).

Aggregates, competition ranks, tie-breaks and awards are computed for all
entries of all categories at once: tie groups never cross a category because
every grouping starts from the category code. Only what is per category by
nature stays in a Python loop: the bootstrap (its random stream is seeded per
category), and cutting the finished columns into each category's frames.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._base import METHODS, TOL, Options, competition_rank
from .agreement import stacked_agreement
from .bootstrap import bootstrap_confidence
from .layout import (
    Layout,
    aggregates,
    build_layout,
    category_matrix,
    first_places,
    pooled_moments,
    totals_in_order,
)
from .ranking import _INT_TOL, award_labels, break_ties, settle_contested
from .totals import Prepared


def rank_stacked(
    prep: Prepared,
    cats: np.ndarray,
    opts: Options,
    decisions: Mapping[str, Sequence[str] | None],
    incomplete: Mapping[str, pd.DataFrame],
    empty_incomplete: pd.DataFrame,
) -> dict[int, dict[str, Any]]:
    """CategoryResult fields for each category code in `cats` (sorted; every one
    with at least one counted sheet), keyed by category code."""
    layout = build_layout(prep, cats)
    pooled = pooled_moments(layout)
    methods = METHODS if opts.other_methods else (opts.method,)
    aggs = {m: aggregates(layout, m, (pooled.mean, pooled.pop_sd)) for m in methods}
    agg = aggs[opts.method]
    row_cat = layout.row_cat
    entry_ids = prep.entries[layout.row_entry]

    chair_rank = _chair_rank(prep, layout, decisions)
    ties = break_ties(agg, _steps(prep, layout), chair_rank, row_cat, split_unresolved=False)
    first_row = layout.row_bounds[row_cat]
    position = ties.position - first_row
    max_possible, threshold = _thresholds(prep, cats, opts)
    eligible = np.ones(len(agg), dtype=bool)
    if opts.min_share is not None:
        where = np.full(len(prep.categories), np.nan)
        where[cats] = [np.nan if t is None else t for t in threshold]
        limit = where[row_cat]
        with np.errstate(invalid="ignore"):
            eligible = np.isnan(limit) | (agg >= limit - TOL)
    award = award_labels(position, eligible, opts.places, opts.distinctions)
    # The same awards as numbers (0 = none, then place_1.., then distinction).
    award_code = np.where(
        eligible & (position <= opts.places + opts.distinctions),
        np.minimum(position, opts.places + 1),
        0,
    )
    unresolved, contested, pending = _unresolved(
        ties.tied, ties.tied_starts, row_cat, entry_ids, award, award_code, position
    )

    o = ties.order
    n = len(o)
    p_award = np.full(n, np.nan)
    rank_low = np.zeros(n, dtype=np.int64)
    rank_high = np.zeros(n, dtype=np.int64)
    no_bounds = np.ones(n, dtype=bool)  # the mask of the nullable Int64 columns
    if opts.bootstrap:
        for c in cats.tolist():
            lo, hi = layout.row_bounds[c], layout.row_bounds[c + 1]
            matrix, stack, slot = category_matrix(layout, c)
            local = o[lo:hi] - lo
            values = stack.values[opts.method]
            p, low, high = bootstrap_confidence(
                matrix[local],
                opts.method,
                opts.places,
                rounds=opts.bootstrap,
                seed=opts.seed,
                values=None if values is None else values[: hi - lo, :, slot][local],
            )
            p_award[lo:hi] = p
            rank_low[lo:hi] = low
            rank_high[lo:hi] = high
            no_bounds[lo:hi] = False

    columns: dict[str, Any] = {
        # Typed up front: the frame then skips inferring 100,000 strings.
        "entry": pd.array(entry_ids[o], dtype="str"),
        "n_jurors": layout.row_n[o],
        "aggregate": agg[o],
        "rank": ties.rank[o],
        "position": position[o],
        "tie_break": pd.Series(ties.tie_break[o], dtype=object, copy=False),
        "award": pd.Series(award[o], dtype=object, copy=False),
        "award_pending": pending[o],
        "p_award": p_award,
        "rank_low": pd.arrays.IntegerArray(rank_low, no_bounds.copy()),
        "rank_high": pd.arrays.IntegerArray(rank_high, no_bounds),
    }
    if opts.other_methods:
        for other in METHODS:
            ranks = ties.rank if other == opts.method else competition_rank(aggs[other], row_cat)
            columns[f"rank_{other}"] = ranks[o]
    entries = pd.DataFrame(columns)

    alpha, icc, juror_cols = stacked_agreement(layout, pooled)
    juror_ids = prep.jurors[layout.col_juror]
    jurors = pd.DataFrame(
        {
            "juror": juror_ids,
            "entries_scored": juror_cols["scored"],
            "mean_bias": juror_cols["bias"],
            "corr_with_others": juror_cols["corr"],
            "flagged": juror_cols["flagged"],
        }
    )
    # From the frames' own columns: already typed, so no second string inference.
    entry_index = pd.Index(entries["entry"], name="entry")
    juror_index = pd.Index(jurors["juror"], name="juror")
    unscored = _unscored(prep)
    totals = totals_in_order(layout, o)

    out: dict[int, dict[str, Any]] = {}
    for i, c in enumerate(cats.tolist()):
        name = str(prep.categories[c])
        lo, hi = layout.row_bounds[c], layout.row_bounds[c + 1]
        j_lo, j_hi = layout.col_bounds[c], layout.col_bounds[c + 1]
        out[c] = {
            "category": name,
            "method": opts.method,
            "entries": _cut(entries, lo, hi),
            "jurors": _cut(jurors, j_lo, j_hi),
            "krippendorff_alpha_interval": alpha[i],
            "icc": icc[i],
            "incomplete_sheets": incomplete[name]
            if name in incomplete
            else empty_incomplete.copy(),
            "unresolved_ties": unresolved.get(c, []),
            "boundary_conflicts": contested.get(c, []),
            "totals": pd.DataFrame(
                totals[c],
                index=entry_index[lo:hi],
                columns=juror_index[j_lo:j_hi],
            ),
            "unscored_entries": unscored.get(c, []),
            "max_possible": max_possible[i],
            "award_threshold": threshold[i],
        }
    return out


def _unresolved(
    flat: np.ndarray,
    starts: np.ndarray,
    row_cat: np.ndarray,
    entry_ids: np.ndarray,
    award: np.ndarray,
    award_code: np.ndarray,
    position: np.ndarray,
) -> tuple[dict[int, list[list[str]]], dict[int, list[dict]], np.ndarray]:
    """Unresolved tie groups and boundary conflicts per category; award_pending.

    The groups come flat (entries in order, each group's start). Only groups
    whose provisional awards differ can conflict; finding them with one
    reduction spares a Python pass over the (often thousands of) groups that
    sit below the award places.
    """
    unresolved: dict[int, list[list[str]]] = {}
    contested: dict[int, list[dict]] = {}
    if not len(flat):
        return unresolved, contested, np.zeros(len(award), dtype=bool)
    stops = np.append(starts[1:], len(flat))
    code = award_code[flat]
    mixed = np.minimum.reduceat(code, starts) != np.maximum.reduceat(code, starts)
    candidates = [flat[starts[g] : stops[g]] for g in np.flatnonzero(mixed)]
    pending, conflicts = settle_contested(award, position, candidates, entry_ids)
    for g, conflict in conflicts:
        contested.setdefault(int(row_cat[candidates[g][0]]), []).append(conflict)
    ids = entry_ids[flat].tolist()
    cats = row_cat[flat[starts]].tolist()
    for cat, start, stop in zip(cats, starts.tolist(), stops.tolist(), strict=True):
        unresolved.setdefault(cat, []).append(ids[start:stop])
    return unresolved, contested, pending


def _cut(frame: pd.DataFrame, lo: int, hi: int) -> pd.DataFrame:
    """Rows lo..hi as a frame of its own, indexed from 0 like a fresh frame."""
    part = frame.iloc[lo:hi]
    part.index = pd.RangeIndex(hi - lo)
    return part


def _steps(prep: Prepared, layout: Layout) -> list[tuple[str, np.ndarray, float]]:
    """Tie-break steps for all rows. A criterion a category does not use stays
    constant (0) there, which cannot separate anything, as if skipped."""
    steps: list[tuple[str, np.ndarray, float]] = []
    means = prep.ce_tiebreak_mean[layout.row_ce]
    for k, crit in enumerate(prep.tiebreak_criteria):
        applies = prep.applicable[layout.row_cat, crit]
        if applies.any():
            label = f"criterion:{prep.criteria['criterion'][crit]}"
            steps.append((label, np.where(applies, means[:, k], 0.0), TOL))
    steps.append(("first_places", first_places(layout).astype(float), _INT_TOL))
    return steps


def _chair_rank(
    prep: Prepared, layout: Layout, decisions: Mapping[str, Sequence[str] | None]
) -> np.ndarray | None:
    """Each row's index in its category's chair list, -1 if absent; None if no list."""
    chair_rank = None
    for c in layout.cats.tolist():
        chair = decisions.get(str(prep.categories[c]))
        if chair is None:
            continue
        if chair_rank is None:
            chair_rank = np.full(len(layout.row_cat), -1.0)
        lo, hi = layout.row_bounds[c], layout.row_bounds[c + 1]
        chair_list = pd.unique(pd.Series([str(e) for e in chair], dtype=object))
        ids = prep.entries[layout.row_entry[lo:hi]]
        chair_rank[lo:hi] = pd.Index(chair_list).get_indexer(ids).astype(float)
    return chair_rank


def _thresholds(
    prep: Prepared, cats: np.ndarray, opts: Options
) -> tuple[list[float | None], list[float | None]]:
    """(max possible aggregate, award threshold) per category of `cats`."""
    weights = prep.criteria["weight"].to_numpy()
    cache: dict[bytes, float | None] = {}
    max_possible: list[float | None] = []
    threshold: list[float | None] = []
    for c in cats.tolist():
        if opts.method == "borda":
            best: float | None = 1.0
        else:
            key = prep.applicable[c].tobytes()
            if key not in cache:
                crits = np.flatnonzero(prep.applicable[c])
                total = float((weights[crits] * prep.max_score[crits]).sum())
                cache[key] = None if np.isnan(total) else total
            best = cache[key]
        max_possible.append(best)
        # No maximum known for some criterion: nothing to measure the share
        # against, so there is no threshold (see results._threshold).
        share = None if opts.min_share is None or best is None else opts.min_share * best
        threshold.append(share)
    return max_possible, threshold


def _unscored(prep: Prepared) -> dict[int, list[str]]:
    idx = np.flatnonzero(prep.ce_jurors == 0)
    out: dict[int, list[str]] = {}
    for c, e in zip(prep.ce_cat[idx].tolist(), prep.entries[prep.ce_entry[idx]], strict=True):
        out.setdefault(c, []).append(str(e))
    return out
