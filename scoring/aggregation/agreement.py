"""Inter-juror agreement: Krippendorff's alpha, ICC(2,1)/ICC(2,k), juror bias."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._base import TOL


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
    bms = ss_rows / (n - 1)
    jms = ss_cols / (k - 1)
    ems = ss_err / ((n - 1) * (k - 1))
    single = bms + (k - 1) * ems + k * (jms - ems) / n
    average = bms + (jms - ems) / n
    if abs(single) <= TOL or abs(average) <= TOL:
        return None
    return {"ICC2_1": float((bms - ems) / single), "ICC2_k": float((bms - ems) / average)}


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
    mask = ~np.isnan(matrix)
    filled = np.where(mask, matrix, 0.0)
    row_n = mask.sum(axis=1, keepdims=True)
    row_sum = filled.sum(axis=1, keepdims=True)
    compared = mask & (row_n >= 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        others = np.where(compared, (row_sum - filled) / (row_n - 1), 0.0)
    own = np.where(compared, filled, 0.0)
    cnt = compared.sum(axis=0)
    safe = np.maximum(cnt, 1)
    bias = np.where(cnt > 0, (own - others).sum(axis=0) / safe, 0.0)

    mx = own.sum(axis=0) / safe
    my = others.sum(axis=0) / safe
    dx = np.where(compared, own - mx, 0.0)
    dy = np.where(compared, others - my, 0.0)
    vx, vy = (dx**2).sum(axis=0), (dy**2).sum(axis=0)
    usable = (cnt >= 3) & (vx > TOL * TOL * safe) & (vy > TOL * TOL * safe)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.where(usable, (dx * dy).sum(axis=0) / np.sqrt(vx * vy), np.nan)

    values = matrix[mask]
    sd = values.std(ddof=1) if len(values) >= 2 else np.nan
    with np.errstate(invalid="ignore"):
        flagged = (np.nan_to_num(corr, nan=0.0) < 0) | (np.abs(bias) > 2 * sd)
    return pd.DataFrame(
        {
            "juror": np.asarray(jurors, dtype=object),
            "entries_scored": mask.sum(axis=0).astype(np.int64),
            "mean_bias": bias.astype(float),
            "corr_with_others": corr,
            "flagged": flagged.astype(bool),
        }
    )
