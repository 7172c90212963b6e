"""Per-category results: ranking, awards, bootstrap confidence, agreement, JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._base import (
    DEFAULT_ROUNDS,
    DEFAULT_SEED,
    METHODS,
    TOL,
    Options,
    check_method,
    competition_rank,
    py_float,
    py_int,
)
from .agreement import icc, juror_agreement, krippendorff_alpha
from .batch import rank_stacked
from .bootstrap import bootstrap_confidence
from .methods import aggregate_matrix, dense
from .ranking import _INT_TOL, assign_awards, break_ties
from .totals import Prepared, prepare


@dataclass
class CategoryResult:
    """Everything the results page and the rank command show for one category.

    entries: sorted by position; columns entry, n_jurors, aggregate, rank,
    position, tie_break, award, award_pending, p_award, rank_low, rank_high
    (+ rank_<method> for every method when asked). p_award is NaN and the rank
    bounds <NA> when no bootstrap was run. jurors: juror, entries_scored,
    mean_bias, corr_with_others (NaN = not computable), flagged. totals: juror
    totals, entries (position order) x jurors, NaN = no counted sheet.
    """

    category: str
    method: str
    entries: pd.DataFrame
    jurors: pd.DataFrame
    krippendorff_alpha_interval: float | None
    icc: dict[str, float] | None
    incomplete_sheets: pd.DataFrame  # entry, juror, missing (tuple of criteria)
    unresolved_ties: list[list[str]]
    boundary_conflicts: list[dict[str, Any]]
    totals: pd.DataFrame
    unscored_entries: list[str] = field(default_factory=list)
    max_possible: float | None = None
    award_threshold: float | None = None


def _options(
    method: str,
    places: int,
    distinctions: int,
    min_share: float | None,
    bootstrap: int,
    seed: int,
    other_methods: bool,
) -> Options:
    check_method(method)
    if places < 0 or distinctions < 0:
        raise ValueError("places and distinctions must be >= 0")
    if min_share is not None and not 0 <= min_share <= 1:
        raise ValueError("min_share must lie in [0, 1]")
    if bootstrap < 0:
        raise ValueError("bootstrap must be >= 0 rounds")
    return Options(
        method, int(places), int(distinctions), min_share, int(bootstrap), seed, other_methods
    )


def rank(
    scores: pd.DataFrame,
    criteria: pd.DataFrame | None = None,
    *,
    method: str = "mean",
    places: int = 3,
    distinctions: int = 0,
    min_share: float | None = None,
    bootstrap: int = DEFAULT_ROUNDS,
    seed: int = DEFAULT_SEED,
    chair_decisions: Mapping[str, Sequence[str]] | None = None,
    other_methods: bool = False,
) -> list[CategoryResult]:
    """Rank every category of long-format `scores` (see `juror_totals`).

    Ranking: highest aggregate first; aggregates within 1e-9 share a
    competition rank (1, 2, 2, 4). Final positions break ties by, in turn, the
    tie-break criteria (higher mean of w*s over the entry's counted jurors),
    the number of jurors who put the entry first (their highest total, ties
    for a juror's top all count), and the chair's order for the category from
    `chair_decisions` (applied only to a group it names completely). Groups
    still tied are "unresolved", ordered provisionally by entry id.

    Awards: positions 1..places get place_1.., the next `distinctions` get
    "distinction"; with `min_share` only entries whose aggregate reaches
    min_share x the maximum possible aggregate (sum of weight x max score over
    the category's criteria, the observed maximum of all passed scores when
    the table gives none; 1.0 for borda). Unresolved ties across an award
    boundary leave those awards pending (see `assign_awards`).

    Bootstrap (`bootstrap` rounds, 0 = off): jurors resampled with
    replacement, numpy.random.default_rng(seed) anew per category so a
    category's result does not depend on the others.
    """
    opts = _options(method, places, distinctions, min_share, bootstrap, seed, other_methods)
    prep = prepare(scores, criteria)
    ranked = np.flatnonzero(np.diff(prep.ce_bounds) > 0)
    return _rank_many(prep, ranked, opts, chair_decisions or {})


def rank_category(
    scores: pd.DataFrame,
    criteria: pd.DataFrame | None = None,
    category: str | None = None,
    *,
    method: str = "mean",
    places: int = 3,
    distinctions: int = 0,
    min_share: float | None = None,
    bootstrap: int = DEFAULT_ROUNDS,
    seed: int = DEFAULT_SEED,
    chair_decision: Sequence[str] | None = None,
    other_methods: bool = False,
) -> CategoryResult:
    """Rank one category; same result as that category's entry of `rank`.

    `category` may be omitted when the scores hold a single category.
    """
    opts = _options(method, places, distinctions, min_share, bootstrap, seed, other_methods)
    prep = prepare(scores, criteria)
    names = [str(n) for n in prep.categories]
    if category is None:
        if len(names) != 1:
            raise ValueError(f"scores hold {len(names)} categories; name one")
        category = names[0]
    if str(category) not in names:
        raise ValueError(f"no scores for category {category!r}")
    c = names.index(str(category))
    [result] = _rank_many(prep, np.array([c]), opts, {str(category): chair_decision})
    return result


def _rank_many(
    prep: Prepared,
    cats: np.ndarray,
    opts: Options,
    decisions: Mapping[str, Sequence[str] | None],
) -> list[CategoryResult]:
    """Results for the category codes `cats` (sorted), in that order."""
    incomplete = _split_incomplete(prep, cats)
    scored = np.diff(prep.sheet_bounds)[cats] > 0
    stacked = rank_stacked(prep, cats[scored], opts, decisions, incomplete, _empty_incomplete())
    results = []
    for c in cats.tolist():
        if c in stacked:
            results.append(CategoryResult(**stacked[c]))
        else:
            # No counted sheet at all: nothing to stack; the plain
            # per-category path gives the (empty) result.
            name = str(prep.categories[c])
            results.append(_rank_prepared(prep, c, opts, decisions.get(name), incomplete))
    return results


def _split_incomplete(prep: Prepared, cats: np.ndarray) -> dict[str, pd.DataFrame]:
    frame = prep.incomplete
    if frame.empty:
        return {}
    if len(cats) < len(prep.categories):
        frame = frame[frame["category"].isin([str(prep.categories[c]) for c in cats])]
    return {
        str(name): part.drop(columns="category").reset_index(drop=True)
        for name, part in frame.groupby("category", sort=False)
    }


def _rank_prepared(
    prep: Prepared,
    c: int,
    opts: Options,
    chair: Sequence[str] | None,
    incomplete: Mapping[str, pd.DataFrame],
) -> CategoryResult:
    name = str(prep.categories[c])
    lo, hi = prep.sheet_bounds[c], prep.sheet_bounds[c + 1]
    e_codes, j_codes, matrix = dense(
        prep.sheet_entry[lo:hi], prep.sheet_juror[lo:hi], prep.sheet_total[lo:hi]
    )
    entry_ids = prep.entries[e_codes]
    juror_ids = prep.jurors[j_codes]
    ce = slice(prep.ce_bounds[c], prep.ce_bounds[c + 1])
    scored = prep.ce_jurors[ce] > 0
    unscored = [str(e) for e in prep.entries[prep.ce_entry[ce][~scored]]]
    # Rows of the matrix and scored (category, entry) pairs are both in entry-code order.
    tb_means = prep.ce_tiebreak_mean[ce][scored]

    mask = ~np.isnan(matrix)
    n_jurors = mask.sum(axis=1).astype(np.int64)
    agg, values = aggregate_matrix(matrix, opts.method)

    steps: list[tuple[str, np.ndarray, float]] = []
    for k, crit in enumerate(prep.tiebreak_criteria):
        if prep.applicable[c, crit]:
            steps.append((f"criterion:{prep.criteria['criterion'][crit]}", tb_means[:, k], TOL))
    top = np.where(mask, matrix, -np.inf).max(axis=0, initial=-np.inf)
    first_places = (mask & (matrix >= top - TOL)).sum(axis=1)
    steps.append(("first_places", first_places.astype(float), _INT_TOL))
    chair_rank = None
    if chair is not None:
        chair_list = pd.unique(pd.Series([str(e) for e in chair], dtype=object))
        chair_rank = pd.Index(chair_list).get_indexer(entry_ids).astype(float)
    ties = break_ties(agg, steps, chair_rank)

    max_possible, threshold, eligible = _threshold(prep, c, opts, agg)
    award, pending, conflicts = assign_awards(
        ties.position, eligible, ties.unresolved, entry_ids, opts.places, opts.distinctions
    )

    o = ties.order
    n = len(o)
    if opts.bootstrap and n:
        p_award, rank_low, rank_high = bootstrap_confidence(
            matrix[o],
            opts.method,
            opts.places,
            rounds=opts.bootstrap,
            seed=opts.seed,
            values=None if values is None else values[o],
        )
        low_col = pd.array(rank_low, dtype="Int64")
        high_col = pd.array(rank_high, dtype="Int64")
    else:
        p_award = np.full(n, np.nan)
        low_col = pd.array([pd.NA] * n, dtype="Int64")
        high_col = pd.array([pd.NA] * n, dtype="Int64")

    columns: dict[str, Any] = {
        "entry": entry_ids[o],
        "n_jurors": n_jurors[o],
        "aggregate": agg[o],
        "rank": competition_rank(agg)[o],
        "position": ties.position[o],
        "tie_break": pd.Series(ties.tie_break[o], dtype=object),
        "award": pd.Series(award[o], dtype=object),
        "award_pending": pending[o],
        "p_award": p_award,
        "rank_low": low_col,
        "rank_high": high_col,
    }
    if opts.other_methods:
        for other in METHODS:
            other_agg = agg if other == opts.method else aggregate_matrix(matrix, other)[0]
            columns[f"rank_{other}"] = competition_rank(other_agg)[o]
    entries = pd.DataFrame(columns)

    totals = pd.DataFrame(
        matrix[o],
        index=pd.Index(entry_ids[o], name="entry"),
        columns=pd.Index(juror_ids, name="juror"),
    )
    return CategoryResult(
        category=name,
        method=opts.method,
        entries=entries,
        jurors=juror_agreement(matrix, juror_ids),
        krippendorff_alpha_interval=krippendorff_alpha(matrix, "interval"),
        icc=icc(matrix),
        incomplete_sheets=incomplete.get(name, _empty_incomplete()),
        unresolved_ties=[[str(entry_ids[i]) for i in g] for g in ties.unresolved],
        boundary_conflicts=conflicts,
        totals=totals,
        unscored_entries=unscored,
        max_possible=max_possible,
        award_threshold=threshold,
    )


def _threshold(
    prep: Prepared, c: int, opts: Options, agg: np.ndarray
) -> tuple[float | None, float | None, np.ndarray]:
    """(max possible aggregate, award threshold, eligible per entry)."""
    if opts.method == "borda":
        max_possible: float | None = 1.0
    else:
        crits = np.flatnonzero(prep.applicable[c])
        weights = prep.criteria["weight"].to_numpy()[crits]
        total = float((weights * prep.max_score[crits]).sum())
        max_possible = None if np.isnan(total) else total
    if opts.min_share is None:
        return max_possible, None, np.ones(len(agg), dtype=bool)
    if max_possible is None:
        # No maximum known or observed for some criterion: nothing to measure
        # the share against, so the threshold cannot exclude anyone.
        return None, None, np.ones(len(agg), dtype=bool)
    threshold = opts.min_share * max_possible
    return max_possible, threshold, agg >= threshold - TOL


def _empty_incomplete() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "entry": pd.Series(dtype=object),
            "juror": pd.Series(dtype=object),
            "missing": pd.Series(dtype=object),
        }
    )


def to_json(results: Sequence[CategoryResult], method: str) -> dict[str, Any]:
    """JSON-ready dict (Python scalars only) of `rank` results.

    Entries are in position order with the unrounded aggregate. Beyond the
    agreed keys each category also carries unscored_entries, unresolved_ties,
    boundary_conflicts and incomplete_sheets, and each entry award_pending
    (and rank_<method> when computed). p_award and rank_interval are null when
    no bootstrap was run.
    """
    return {"method": method, "categories": [_category_json(r) for r in results]}


def _category_json(result: CategoryResult) -> dict[str, Any]:
    e = result.entries
    entries = []
    other_cols = [col for col in e.columns if col.startswith("rank_") and col[5:] in METHODS]
    for row in e.to_dict("records"):
        low, high = py_int(row["rank_low"]), py_int(row["rank_high"])
        item = {
            "entry": str(row["entry"]),
            "n_jurors": int(row["n_jurors"]),
            "aggregate": float(row["aggregate"]),
            "rank": int(row["rank"]),
            "position": int(row["position"]),
            "tie_break": row["tie_break"],
            "award": row["award"],
            "award_pending": bool(row["award_pending"]),
            "p_award": py_float(row["p_award"]),
            "rank_interval": None if low is None else [low, high],
        }
        item.update({col: int(row[col]) for col in other_cols})
        entries.append(item)
    jurors = [
        {
            "juror": str(row["juror"]),
            "entries_scored": int(row["entries_scored"]),
            "mean_bias": float(row["mean_bias"]),
            "corr_with_others": py_float(row["corr_with_others"]),
            "flagged": bool(row["flagged"]),
        }
        for row in result.jurors.to_dict("records")
    ]
    return {
        "category": result.category,
        "krippendorff_alpha_interval": py_float(result.krippendorff_alpha_interval),
        "icc": None
        if result.icc is None
        else {key: float(value) for key, value in result.icc.items()},
        "jurors": jurors,
        "entries": entries,
        "unscored_entries": list(result.unscored_entries),
        "unresolved_ties": [list(g) for g in result.unresolved_ties],
        "boundary_conflicts": [dict(c) for c in result.boundary_conflicts],
        "incomplete_sheets": [
            {"entry": str(r["entry"]), "juror": str(r["juror"]), "missing": list(r["missing"])}
            for r in result.incomplete_sheets.to_dict("records")
        ],
    }
