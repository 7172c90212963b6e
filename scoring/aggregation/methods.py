"""Aggregation methods on a dense entries x jurors matrix of juror totals.

Within a category the matrix is small (entries x jurors, NaN where a juror did
not score an entry), so every method is a handful of vectorised numpy calls.
The same kernels serve `aggregate`, `rank` and the bootstrap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._base import METHODS, TOL, TRIM_MIN_JURORS, check_method, string_codes


def dense(entry: np.ndarray, juror: np.ndarray, values: np.ndarray) -> tuple:
    """Dense matrix from coded long rows: (entry codes, juror codes, matrix)."""
    e_codes, e_loc = np.unique(entry, return_inverse=True)
    j_codes, j_loc = np.unique(juror, return_inverse=True)
    matrix = np.full((len(e_codes), len(j_codes)), np.nan)
    matrix[e_loc, j_loc] = values
    return e_codes, j_codes, matrix


# The kernels below take a matrix entries x jurors (axis 0 = entries, axis 1 =
# jurors), or a stack of them, entries x jurors x categories, padded with NaN
# rows, so that `rank` runs all categories of one panel size in a few numpy
# calls (see layout.py). Entries outermost keeps sums over entries fast (the
# inner loop runs over jurors x categories), and the two helpers make every
# float sum of a stack bit for bit the per-category one.


def sum_jurors(values: np.ndarray, keepdims: bool = False) -> np.ndarray:
    """Row sums over jurors, as numpy sums one category's rows (pairwise).

    A stack sums axis 1 in order, the same as pairwise below 8 jurors; from 8
    on, a copy with jurors last takes numpy's pairwise path itself.
    """
    if values.ndim == 3 and values.shape[1] >= 8 and values.shape[2] > 1:
        out = np.ascontiguousarray(np.moveaxis(values, 1, -1)).sum(axis=-1)
        return out[:, None] if keepdims else out
    return values.sum(axis=1, keepdims=keepdims)


def sum_entries(values: np.ndarray, keepdims: bool = False) -> np.ndarray:
    """Column sums over entries, as numpy sums one category's columns.

    numpy adds rows in order (padding rows add zeros at the end), except for
    a single juror, where it sums the column pairwise: single-juror stacks hold
    categories of equal length only, and are summed from a copy with entries
    last so that they take the same pairwise path.
    """
    if values.ndim == 3 and values.shape[1] == 1 and values.shape[2] > 1:
        out = np.ascontiguousarray(np.moveaxis(values, 0, -1)).sum(axis=-1)
        return out[None] if keepdims else out
    return values.sum(axis=0, keepdims=keepdims)


def masked(values: np.ndarray, mask: np.ndarray, fill: float) -> np.ndarray:
    """np.where(mask, values, fill); `values` itself (do not write to it) when
    nothing is masked, as in a complete panel, which saves a pass."""
    return values if mask.all() else np.where(mask, values, fill)


def row_sum_count(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mask = ~np.isnan(matrix)
    return sum_jurors(masked(matrix, mask, 0.0)), mask.sum(axis=1)


def sorted_median(sorted_rows: np.ndarray, n: np.ndarray, axis: int = -1) -> np.ndarray:
    """Median along `axis` of values sorted ascending with NaN last, n valid each."""
    safe = np.maximum(n, 1)
    lo = np.take_along_axis(sorted_rows, np.expand_dims((safe - 1) // 2, axis), axis=axis)
    hi = np.take_along_axis(sorted_rows, np.expand_dims(safe // 2, axis), axis=axis)
    return np.where(n > 0, (lo.squeeze(axis) + hi.squeeze(axis)) / 2, np.nan)


def trimmed_from_parts(
    total: np.ndarray, n: np.ndarray, hi: np.ndarray, lo: np.ndarray
) -> np.ndarray:
    """Drop one highest and one lowest mark when at least 5 marks, else mean."""
    with np.errstate(invalid="ignore", divide="ignore"):
        trimmed = (total - hi - lo) / (n - 2)
        plain = total / n
    return np.where(n >= TRIM_MIN_JURORS, trimmed, np.where(n > 0, plain, np.nan))


def zscores(matrix: np.ndarray) -> np.ndarray:
    """Per-juror standardised totals, population SD (ddof=0); SD 0 gives z = 0."""
    mask = ~np.isnan(matrix)
    filled = masked(matrix, mask, 0.0)
    count = mask.sum(axis=0, keepdims=True)
    mu = sum_entries(filled, keepdims=True) / np.maximum(count, 1)
    dev = masked(matrix - mu, mask, 0.0)
    sd = np.sqrt(sum_entries(dev**2, keepdims=True) / np.maximum(count, 1))
    # A juror who gave everything the same total (or scored one entry) has no
    # scale to standardise by; z = 0 makes that juror neutral.
    flat = sd <= TOL
    z = np.where(flat, 0.0, dev / np.where(flat, 1.0, sd))
    return masked(z, mask, np.nan)


def borda_scores(matrix: np.ndarray) -> np.ndarray:
    """Per-juror normalised Borda score (n - r)/(n - 1), average ranks for ties.

    r = 1 is the juror's best entry and n the number of entries that juror scored
    in the category; a juror with a single entry gives it the neutral 0.5.
    Totals closer than 1e-9 to a sorted neighbour share a rank (chaining).
    """
    # Every juror column at once, as contiguous rows (one per juror and
    # category): sort best first (unscored last), cut where the gap to the
    # next total reaches TOL, then each tie group's first and last sorted
    # place give its average rank. Equal totals share a group, so the sort
    # need not be stable. Flat indices instead of take/put_along_axis, and
    # int32 places, because this runs over every juror total of an edition.
    if not matrix.size:
        return np.full(matrix.shape, np.nan)
    cols = np.ascontiguousarray(np.moveaxis(matrix, 0, -1))
    n_rows = cols.shape[-1]
    rows = cols.reshape(-1, n_rows)
    mask = ~np.isnan(rows)
    n = mask.sum(axis=1, keepdims=True)
    order = np.argsort(masked(-rows, mask, np.inf), axis=1)
    order += (np.arange(rows.shape[0]) * n_rows)[:, None]
    ranked = rows.reshape(-1)[order]
    place = np.arange(n_rows, dtype=np.int32)
    with np.errstate(invalid="ignore"):
        cut = ranked[:, :-1] - ranked[:, 1:] >= TOL
    starts_group = np.ones(ranked.shape, dtype=bool)
    starts_group[:, 1:] = cut
    ends_group = np.ones(ranked.shape, dtype=bool)
    ends_group[:, :-1] = cut
    ends_group |= place == n - 1
    first = np.maximum.accumulate(place * starts_group, axis=1)
    last = np.where(ends_group, place, np.int32(n_rows))[:, ::-1]
    last = np.minimum.accumulate(last, axis=1)[:, ::-1]
    size = last - first + 1
    avg_rank = first + (size + 1) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        points = np.where(n == 1, 0.5, (n - avg_rank) / (n - 1))
    out = np.empty(rows.size)
    out[order] = np.where(place < n, points, np.nan)
    return np.ascontiguousarray(np.moveaxis(out.reshape(cols.shape), -1, 0))


def aggregate_matrix(
    matrix: np.ndarray, method: str, pooled: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Aggregate per entry (row) and, for mean-type methods, the per-juror values
    the bootstrap should average (None for median/trimmed, which need the totals).

    zscore is reported in points: mu + sigma * mean(z), mu and sigma the
    category's pooled mean and population SD (ddof=0) of all juror totals. For
    a stack of categories the caller passes `pooled` (mu, sigma per category).
    """
    check_method(method)
    total, n = row_sum_count(matrix)
    if method in ("mean", "zscore", "borda"):
        if method == "mean":
            values = matrix
        elif method == "zscore":
            values = zscores(matrix)
        else:
            values = borda_scores(matrix)
        s = total if method == "mean" else row_sum_count(values)[0]
        with np.errstate(invalid="ignore", divide="ignore"):
            agg = s / n
        if method == "zscore":
            if pooled is None:
                values_1d = matrix[~np.isnan(matrix)]
                mu = values_1d.mean() if len(values_1d) else 0.0
                sigma = values_1d.std() if len(values_1d) else 0.0
            else:
                mu, sigma = pooled
            agg = mu + sigma * agg
        return agg, values
    if method == "median":
        # Sort with jurors as the contiguous last axis (a stack has them in the
        # middle, where numpy sorts far more slowly).
        rows = np.moveaxis(matrix, 1, -1).copy(order="C")  # a copy: sorted in place
        rows.sort(axis=-1)
        return sorted_median(rows, n, axis=-1), None
    scored = ~np.isnan(matrix)
    hi = masked(matrix, scored, -np.inf).max(axis=1, initial=-np.inf)
    lo = masked(matrix, scored, np.inf).min(axis=1, initial=np.inf)
    return trimmed_from_parts(total, n, hi, lo), None


def aggregate(totals: pd.DataFrame, method: str) -> pd.DataFrame:
    """Aggregate juror totals per entry with one of METHODS.

    `totals` is long (category optional, entry, juror, total), e.g. the first
    frame of `juror_totals`; rows with a missing total are ignored.

    - mean: mean of T(e,j) over the jurors who scored e.
    - median: median of those totals.
    - trimmed: with 5+ jurors drop the single highest and single lowest total
      and average the rest; with fewer, plain mean.
    - zscore: per juror and category z = (T - mu_j)/sigma_j over the entries the
      juror scored (population SD, ddof=0; sigma_j = 0 gives z = 0); the mean z
      is reported in points as mu + sigma * mean(z) with the category's pooled
      mean and population SD of all totals.
    - borda: per juror average-tie ranks r (1 = best) turned into (n - r)/(n - 1),
      n the number of entries the juror scored (n = 1 gives 0.5); mean over
      jurors, so the aggregate lies in [0, 1].

    Returns category, entry, n_jurors, aggregate sorted by category and entry.
    """
    check_method(method)
    frame = totals[totals["total"].notna()]
    if "category" in frame.columns:
        cat, cats = string_codes(frame["category"], name="category", fill="")
    else:
        cat, cats = np.zeros(len(frame), dtype=np.int64), np.array([""], dtype=object)
    entry, entries = string_codes(frame["entry"], name="entry")
    juror, _ = string_codes(frame["juror"], name="juror")
    value = frame["total"].to_numpy(dtype=float)
    order = np.argsort(cat, kind="stable")
    bounds = np.searchsorted(cat[order], np.arange(len(cats) + 1))
    parts = []
    for c in range(len(cats)):
        rows = order[bounds[c] : bounds[c + 1]]
        if not len(rows):
            continue
        e_codes, _, matrix = dense(entry[rows], juror[rows], value[rows])
        agg, _ = aggregate_matrix(matrix, method)
        parts.append(
            pd.DataFrame(
                {
                    "category": cats[c],
                    "entry": entries[e_codes],
                    "n_jurors": (~np.isnan(matrix)).sum(axis=1).astype(np.int64),
                    "aggregate": agg,
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            {
                "category": pd.Series(dtype=str),
                "entry": pd.Series(dtype=str),
                "n_jurors": pd.Series(dtype=np.int64),
                "aggregate": pd.Series(dtype=float),
            }
        )
    return pd.concat(parts, ignore_index=True)


__all__ = ["METHODS", "aggregate", "aggregate_matrix"]
