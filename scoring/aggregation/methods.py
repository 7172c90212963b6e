"""Aggregation methods on a dense entries x jurors matrix of juror totals.

Within a category the matrix is small (entries x jurors, NaN where a juror did
not score an entry), so every method is a handful of vectorised numpy calls.
The same kernels serve `aggregate`, `rank` and the bootstrap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._base import METHODS, TOL, TRIM_MIN_JURORS, check_method, string_codes, tol_groups


def dense(entry: np.ndarray, juror: np.ndarray, values: np.ndarray) -> tuple:
    """Dense matrix from coded long rows: (entry codes, juror codes, matrix)."""
    e_codes, e_loc = np.unique(entry, return_inverse=True)
    j_codes, j_loc = np.unique(juror, return_inverse=True)
    matrix = np.full((len(e_codes), len(j_codes)), np.nan)
    matrix[e_loc, j_loc] = values
    return e_codes, j_codes, matrix


def row_sum_count(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mask = ~np.isnan(matrix)
    return np.where(mask, matrix, 0.0).sum(axis=1), mask.sum(axis=1)


def sorted_median(sorted_rows: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Median of rows sorted ascending with NaN last, n valid values per row."""
    safe = np.maximum(n, 1)
    lo = np.take_along_axis(sorted_rows, ((safe - 1) // 2)[..., None], axis=-1)[..., 0]
    hi = np.take_along_axis(sorted_rows, (safe // 2)[..., None], axis=-1)[..., 0]
    return np.where(n > 0, (lo + hi) / 2, np.nan)


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
    filled = np.where(mask, matrix, 0.0)
    count = mask.sum(axis=0)
    mu = filled.sum(axis=0) / np.maximum(count, 1)
    dev = np.where(mask, matrix - mu, 0.0)
    sd = np.sqrt((dev**2).sum(axis=0) / np.maximum(count, 1))
    # A juror who gave everything the same total (or scored one entry) has no
    # scale to standardise by; z = 0 makes that juror neutral.
    flat = sd <= TOL
    z = dev / np.where(flat, 1.0, sd)
    z[:, flat] = 0.0
    return np.where(mask, z, np.nan)


def borda_scores(matrix: np.ndarray) -> np.ndarray:
    """Per-juror normalised Borda score (n - r)/(n - 1), average ranks for ties.

    r = 1 is the juror's best entry and n the number of entries that juror scored
    in the category; a juror with a single entry gives it the neutral 0.5.
    """
    out = np.full(matrix.shape, np.nan)
    for j in range(matrix.shape[1]):
        rows = np.flatnonzero(~np.isnan(matrix[:, j]))
        n = len(rows)
        if n == 1:
            out[rows, j] = 0.5
            continue
        if n == 0:
            continue
        groups = tol_groups(np.zeros(n, dtype=np.int64), matrix[rows, j], TOL)
        sizes = np.bincount(groups)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        # Average of the 1-based positions start+1 .. start+size.
        avg_rank = starts + (sizes + 1) / 2
        out[rows, j] = (n - avg_rank[groups]) / (n - 1)
    return out


def aggregate_matrix(matrix: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray | None]:
    """Aggregate per entry (row) and, for mean-type methods, the per-juror values
    the bootstrap should average (None for median/trimmed, which need the totals).

    zscore is reported in points: mu + sigma * mean(z), mu and sigma the
    category's pooled mean and population SD (ddof=0) of all juror totals.
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
        s, _ = row_sum_count(values)
        with np.errstate(invalid="ignore", divide="ignore"):
            agg = s / n
        if method == "zscore":
            pooled = matrix[~np.isnan(matrix)]
            mu = pooled.mean() if len(pooled) else 0.0
            sigma = pooled.std() if len(pooled) else 0.0
            agg = mu + sigma * agg
        return agg, values
    if method == "median":
        return sorted_median(np.sort(matrix, axis=1), n), None
    hi = np.where(np.isnan(matrix), -np.inf, matrix).max(axis=1, initial=-np.inf)
    lo = np.where(np.isnan(matrix), np.inf, matrix).min(axis=1, initial=np.inf)
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
