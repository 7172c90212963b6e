"""Shared constants and small array helpers for the aggregation package."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

METHODS: tuple[str, ...] = ("mean", "median", "trimmed", "zscore", "borda")

# Two aggregates (or criterion means) closer than this are the same result:
# weighted sums of decimal marks pick up float noise far below it, and no
# jury ever separates entries by a billionth of a point.
TOL = 1e-9

# Trimmed mean drops the extreme marks only when enough jurors remain for the
# trimmed mean to still be a panel opinion (ISU practice with 5+ judges).
TRIM_MIN_JURORS = 5

DEFAULT_SEED = 20240101
DEFAULT_ROUNDS = 1000


def check_method(method: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")


def string_codes(
    values: pd.Series, *, name: str, fill: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Factorise identifiers as strings; codes follow the sorted string order.

    Factorising the raw column first and converting only the uniques keeps this
    cheap on millions of rows; the second pass merges ids that only differ by
    type (1 and "1") and sorts, so code order equals string order.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        # Already coded (e.g. CSV read with dtype="category"): skip hashing.
        codes = values.cat.codes.to_numpy()
        uniques = values.cat.categories
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if (codes < 0).any():
        if fill is None:
            raise ValueError(f"column {name!r} has missing values")
        uniques = np.append(np.asarray(uniques, dtype=object), fill)
        codes = np.where(codes < 0, len(uniques) - 1, codes)
    as_str = np.array([str(u) for u in uniques], dtype=object)
    remap, sorted_uniques = pd.factorize(as_str, sort=True)
    return remap[codes].astype(np.int64), np.asarray(sorted_uniques, dtype=object)


def tol_groups(prev: np.ndarray, values: np.ndarray, tol: float) -> np.ndarray:
    """Split groups `prev` (0 = best) by `values` (higher = better).

    Returns new group ids, still 0 = best, that refine `prev`. Values closer than
    `tol` to their sorted neighbour stay together (chaining), so values that are
    equal up to float noise are never split. NaN counts as the worst value.
    """
    n = len(values)
    out = np.empty(n, dtype=np.int64)
    if n == 0:
        return out
    v = np.where(np.isnan(values), -np.inf, values)
    order = np.lexsort((-v, prev))
    sg, sv = prev[order], v[order]
    new = np.ones(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        gap = sv[:-1] - sv[1:]
    new[1:] = (sg[1:] != sg[:-1]) | (gap >= tol)
    out[order] = np.cumsum(new) - 1
    return out


def competition_rank(values: np.ndarray) -> np.ndarray:
    """Standard competition ranking (1, 2, 2, 4), highest value first."""
    n = len(values)
    groups = tol_groups(np.zeros(n, dtype=np.int64), values, TOL)
    # A group's rank is one plus the number of entries in better groups.
    sizes = np.bincount(groups, minlength=groups.max() + 1 if n else 0)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    return (starts[groups] + 1).astype(np.int64)


def py_float(value: Any) -> float | None:
    """JSON-safe float: Python float, or None for missing/NaN."""
    if value is None or value is pd.NA:
        return None
    f = float(value)
    return None if math.isnan(f) else f


def py_int(value: Any) -> int | None:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return int(value)
