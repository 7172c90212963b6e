"""Inter-juror agreement: Krippendorff's alpha, ICC(2,1)/ICC(2,k), juror bias."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._base import TOL, segment_sums
from .layout import Layout, Pooled, col_values, row_values
from .methods import masked, sum_entries, sum_jurors


def _as_matrix(matrix: pd.DataFrame | np.ndarray | list) -> np.ndarray:
    if isinstance(matrix, pd.DataFrame):
        return matrix.to_numpy(dtype=float, na_value=np.nan)
    return np.array(matrix, dtype=float)


def krippendorff_alpha(
    matrix: pd.DataFrame | np.ndarray | list, metric: str = "interval"
) -> float | None:
    """Krippendorff's alpha for a units x coders matrix (rows = units, e.g.
    entries; columns = coders, e.g. jurors; NaN/None = missing).

    Only pairable values count: units with fewer than two values are dropped.
    alpha = 1 - D_o/D_e with, over ordered pairs of values,
    D_o = (1/n) sum_u 1/(m_u - 1) sum_{i != j in u} delta(v_i, v_j) and
    D_e = 1/(n(n - 1)) sum over all pairs of pairable values delta(v, v'),
    n the number of pairable values; delta is (v - v')^2 for "interval" and
    [v != v'] for "nominal". None when fewer than 2 pairable units or when
    there is no variation at all (D_e = 0), where alpha is undefined.
    """
    if metric not in ("interval", "nominal"):
        raise ValueError("metric must be 'interval' or 'nominal'")
    x = _as_matrix(matrix)
    if x.ndim != 2:
        raise ValueError("matrix must be two-dimensional (units x coders)")
    mask = ~np.isnan(x)
    m = mask.sum(axis=1)
    pairable = m >= 2
    if pairable.sum() < 2:
        return None
    x, mask, m = x[pairable], mask[pairable], m[pairable]
    n = int(m.sum())
    if metric == "interval":
        # Sum over ordered pairs of (v_i - v_j)^2 equals 2 * size * sum of
        # squared deviations from the mean, so no coincidence matrix is needed.
        values = x[mask]
        ss_total = float(((values - values.mean()) ** 2).sum())
        if ss_total <= TOL * TOL * n:
            return None
        unit_mean = np.where(mask, x, 0.0).sum(axis=1) / m
        ss_unit = (np.where(mask, x - unit_mean[:, None], 0.0) ** 2).sum(axis=1)
        d_o = (2 * m * ss_unit / (m - 1)).sum() / n
        d_e = 2 * ss_total / (n - 1)
    else:
        unit_idx = np.nonzero(mask)[0]
        _, codes = np.unique(x[mask], return_inverse=True)
        n_values = codes.max() + 1
        per_unit = np.bincount(unit_idx * n_values + codes, minlength=len(m) * n_values)
        per_unit = per_unit.reshape(len(m), n_values)
        # Unequal ordered pairs in a unit: m^2 minus the equal ones.
        d_o = ((m**2 - (per_unit**2).sum(axis=1)) / (m - 1)).sum() / n
        per_value = per_unit.sum(axis=0)
        d_e = (n**2 - (per_value**2).sum()) / (n * (n - 1))
        if d_e <= 0:
            return None
    return float(1 - d_o / d_e)


def icc(matrix: pd.DataFrame | np.ndarray | list) -> dict[str, float] | None:
    """ICC(2,1) and ICC(2,k) (Shrout & Fleiss 1979: two-way random effects,
    absolute agreement) of a complete targets x judges matrix.

    Rows with a missing value are dropped (only targets every judge rated
    count). None with fewer than 2 targets or 2 judges, or when the ratings
    have no variance at all (the coefficients are 0/0).
    """
    x = _as_matrix(matrix)
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if n < 2 or k < 2:
        return None
    grand = x.mean()
    ss_rows = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_err = ((x - grand) ** 2).sum() - ss_rows - ss_cols
    return _icc_from_sums(
        np.array([ss_rows]), np.array([ss_cols]), np.array([ss_err]), np.array([n]), np.array([k])
    )[0]


def juror_agreement(matrix: np.ndarray, jurors: np.ndarray) -> pd.DataFrame:
    """Per juror: entries_scored, mean_bias, corr_with_others, flagged.

    Compared entries are those the juror scored that at least one other juror
    scored too; "others" is the mean of the other jurors' totals on the entry.
    mean_bias is the mean of (own - others) (0.0 with no compared entry);
    corr_with_others the Pearson correlation of own vs others (NaN with fewer
    than 3 compared entries or zero variance on either side). flagged when the
    correlation is negative or |mean_bias| > 2 * SD, SD the sample standard
    deviation (ddof=1) of all counted juror totals of the category, i.e. the
    spread jurors' totals normally have; with fewer than 2 totals only the
    correlation can flag.
    """
    scored, bias, corr = juror_kernel(matrix)
    values = matrix[~np.isnan(matrix)]
    sd = values.std(ddof=1) if len(values) >= 2 else np.nan
    return pd.DataFrame(
        {
            "juror": np.asarray(jurors, dtype=object),
            "entries_scored": scored.astype(np.int64),
            "mean_bias": bias.astype(float),
            "corr_with_others": corr,
            "flagged": juror_flags(bias, corr, sd),
        }
    )


def juror_kernel(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(entries_scored, mean_bias, corr_with_others) per juror column of an
    entries x jurors matrix or of a stack of them (see layout.py)."""
    mask = ~np.isnan(matrix)
    filled = masked(matrix, mask, 0.0)
    row_n = mask.sum(axis=1, keepdims=True)
    row_sum = sum_jurors(filled, keepdims=True)
    compared = mask & (row_n >= 2)
    # Every juror scored every entry (the usual panel): the masks select
    # everything, so skip them; the arithmetic is the same.
    everyone = bool(compared.all())
    with np.errstate(invalid="ignore", divide="ignore"):
        others = (row_sum - filled) / (row_n - 1)
    if not everyone:
        others = np.where(compared, others, 0.0)
    own = filled if everyone else np.where(compared, filled, 0.0)
    cnt = compared.sum(axis=0)
    safe = np.maximum(cnt, 1)
    bias = np.where(cnt > 0, sum_entries(own - others) / safe, 0.0)

    mx = sum_entries(own, keepdims=True) / safe[None]
    my = sum_entries(others, keepdims=True) / safe[None]
    dx, dy = own - mx, others - my
    if not everyone:
        dx, dy = np.where(compared, dx, 0.0), np.where(compared, dy, 0.0)
    vx, vy = sum_entries(dx * dx), sum_entries(dy * dy)
    usable = (cnt >= 3) & (vx > TOL * TOL * safe) & (vy > TOL * TOL * safe)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.where(usable, sum_entries(dx * dy) / np.sqrt(vx * vy), np.nan)
    return mask.sum(axis=0), bias, corr


def juror_flags(bias: np.ndarray, corr: np.ndarray, sd: float | np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        flagged = (np.nan_to_num(corr, nan=0.0) < 0) | (np.abs(bias) > 2 * sd)
    return flagged.astype(bool)


def stacked_agreement(
    layout: Layout, pooled: Pooled
) -> tuple[list[float | None], list[dict[str, float] | None], dict[str, np.ndarray]]:
    """Alpha, ICC per category of layout.cats and the juror columns, all at once.

    Same definitions and, bit for bit, the same figures as
    `krippendorff_alpha(matrix)`, `icc(matrix)` and `juror_agreement` per
    category: whole-category sums go through `segment_sums` in the order the
    per-category code sums them. `pooled` holds the sums over all of each
    category's totals, reused where a statistic runs over all of them.
    """
    cats = layout.cats
    pos = np.full(len(layout.row_bounds), -1)
    pos[cats] = np.arange(len(cats))
    k = np.diff(layout.col_bounds)[cats]
    row_k = np.diff(layout.col_bounds)[layout.row_cat]
    complete = layout.row_n == row_k
    term, row_sum = [], []
    colsum = np.zeros(len(layout.col_cat))
    juror: dict[str, list[np.ndarray]] = {"scored": [], "bias": [], "corr": []}
    for stack in layout.stacks:
        x = stack.matrix
        mask = ~np.isnan(x)
        m = mask.sum(axis=1)
        total = sum_jurors(masked(x, mask, 0.0))
        with np.errstate(invalid="ignore", divide="ignore"):
            unit_mean = total / m
            ss_unit = sum_jurors(masked(x - unit_mean[:, None], mask, 0.0) ** 2)
            term.append(2 * m * ss_unit / (m - 1))
        row_sum.append(total)
        if x.shape[1] >= 2:
            full = np.zeros((x.shape[0], x.shape[2]), dtype=bool)
            full[stack.row_place, stack.row_slot] = complete[stack.rows]
            colsum[stack.cols] = sum_entries(np.where(full[:, None], x, 0.0)).ravel()
        for key, value in zip(("scored", "bias", "corr"), juror_kernel(x), strict=True):
            juror[key].append(value)

    # Krippendorff's alpha over pairable rows (2+ totals).
    pairable = layout.row_n >= 2
    d_o = _category_sums(layout.row_cat[pairable], row_values(layout, term)[pairable], cats)[0]
    if pairable.all():
        # Every entry has 2+ totals: alpha's values are all the totals.
        n, ss_total = pooled.n, pooled.ss
    else:
        p_sheet = pairable[layout.sheet_row]
        s_cat, values = layout.sheet_cat[p_sheet], layout.sheet_total[p_sheet]
        total, n = _category_sums(s_cat, values, cats)
        with np.errstate(invalid="ignore", divide="ignore"):
            dev = values - np.repeat(total / n, n)
        ss_total = _category_sums(s_cat, dev**2, cats)[0]
    units = np.bincount(pos[layout.row_cat[pairable]], minlength=len(cats))
    with np.errstate(invalid="ignore", divide="ignore"):
        # The per-category formula, element by element (same float operations).
        d_e = 2 * ss_total / (n - 1)
        value = 1 - (d_o / n) / d_e
    undefined = (units < 2) | (ss_total <= TOL * TOL * n)
    alpha = [None if u else float(v) for u, v in zip(undefined.tolist(), value, strict=True)]

    # ICC(2,1)/(2,k) over the rows every juror of the category scored.
    everyone = bool(complete.all())
    if everyone:
        # Every juror scored every entry: ICC's values are all the totals.
        grand, size = pooled.mean, pooled.n
    else:
        c_sheet = complete[layout.sheet_row]
        s_cat, values = layout.sheet_cat[c_sheet], layout.sheet_total[c_sheet]
        total, size = _category_sums(s_cat, values, cats)
        with np.errstate(invalid="ignore", divide="ignore"):
            grand = total / size
    with np.errstate(invalid="ignore", divide="ignore"):
        n_rows = size // np.maximum(k, 1)
        row_mean = row_values(layout, row_sum) / row_k
        ss_rows = (
            k
            * _category_sums(
                layout.row_cat[complete],
                ((row_mean - grand[pos[layout.row_cat]]) ** 2)[complete],
                cats,
            )[0]
        )
        if everyone:
            ss_x = pooled.ss
        else:
            ss_x = _category_sums(s_cat, (values - np.repeat(grand, size)) ** 2, cats)[0]
        col_mean = colsum / n_rows[pos[layout.col_cat]]
        col_dev = (col_mean - grand[pos[layout.col_cat]]) ** 2
        # A category's juror columns are contiguous: k-long segments.
        ss_cols = n_rows * segment_sums(col_dev, layout.col_bounds[cats], k)
        icc_all = _icc_from_sums(ss_rows, ss_cols, ss_x - ss_rows - ss_cols, n_rows, k)
    icc_out = [
        None if n_i < 2 or k_i < 2 else icc_i
        for n_i, k_i, icc_i in zip(n_rows.tolist(), k.tolist(), icc_all, strict=True)
    ]

    scored = col_values(layout, juror["scored"], np.int64)
    bias, corr = col_values(layout, juror["bias"]), col_values(layout, juror["corr"])
    flagged = juror_flags(bias, corr, pooled.sample_sd[pos[layout.col_cat]])
    cols = {"scored": scored, "bias": bias, "corr": corr, "flagged": flagged}
    return alpha, icc_out, cols


def _category_sums(
    cat: np.ndarray, values: np.ndarray, cats: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(sum, count) of `values` per category of `cats`; `cat` sorted."""
    bounds = np.searchsorted(cat, np.concatenate((cats, cats + 1)))
    starts, n = bounds[: len(cats)], bounds[len(cats) :] - bounds[: len(cats)]
    return segment_sums(values, starts, n), n


def _icc_from_sums(
    ss_rows: np.ndarray, ss_cols: np.ndarray, ss_err: np.ndarray, n: np.ndarray, k: np.ndarray
) -> list[dict[str, float] | None]:
    """ICC(2,1) and ICC(2,k) from the sums of squares, per category (arrays)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        bms = ss_rows / (n - 1)
        jms = ss_cols / (k - 1)
        ems = ss_err / ((n - 1) * (k - 1))
        single = bms + (k - 1) * ems + k * (jms - ems) / n
        average = bms + (jms - ems) / n
        icc1, icck = (bms - ems) / single, (bms - ems) / average
    degenerate = (np.abs(single) <= TOL) | (np.abs(average) <= TOL)
    return [
        None if bad else {"ICC2_1": float(a), "ICC2_k": float(b)}
        for bad, a, b in zip(degenerate.tolist(), icc1.tolist(), icck.tolist(), strict=True)
    ]
