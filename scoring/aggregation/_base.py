"""Shared constants and small array helpers for the aggregation package."""

from __future__ import annotations

import math
from dataclasses import dataclass
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

# Integer ids up to this many times the number of rows (or below _DENSE_ID_MIN)
# are coded through a presence table instead of a hash table.
_DENSE_ID_FACTOR = 4
_DENSE_ID_MIN = 1 << 20

DEFAULT_SEED = 20240101
DEFAULT_ROUNDS = 1000


@dataclass(frozen=True)
class Options:
    """Validated options of `rank` / `rank_category`."""

    method: str
    places: int
    distinctions: int
    min_share: float | None
    bootstrap: int
    seed: int
    other_methods: bool


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
    raw, remap, uniques = raw_codes(values, name=name, fill=fill)
    raw = raw.astype(np.int64, copy=False)
    return (raw if remap is None else remap[raw]), uniques


def raw_codes(
    values: pd.Series, *, name: str, fill: str | None = None
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """(row codes, map from row code to sorted-string code or None if identity,
    sorted string uniques). Callers that map the codes on anyway (criteria to
    table positions) compose the maps and gather the rows once.

    The row codes of a categorical column keep its narrow integer type (int8,
    int16, ...): comparing them is cheaper, but index with them only after
    widening, as numpy gathers with narrow indices much more slowly.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        # Already coded (e.g. CSV read with dtype="category"): skip hashing.
        codes = values.cat.codes.to_numpy()
        uniques = values.cat.categories
        if _sorted_strings(uniques) and not (codes < 0).any():
            # read_csv and PostgreSQL reads give sorted string categories: the
            # codes already follow string order, so skip the re-sort of the uniques.
            return codes, None, np.asarray(uniques, dtype=object)
        codes = codes.astype(np.int64)
    elif (coded := _integer_codes(values)) is not None:
        return coded
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if (codes < 0).any():
        if fill is None:
            raise ValueError(f"column {name!r} has missing values")
        uniques = np.append(np.asarray(uniques, dtype=object), fill)
        codes = np.where(codes < 0, len(uniques) - 1, codes)
    as_str = np.array([str(u) for u in uniques], dtype=object)
    remap, sorted_uniques = pd.factorize(as_str, sort=True)
    return codes, remap.astype(np.int64), np.asarray(sorted_uniques, dtype=object)


def _integer_codes(values: pd.Series) -> tuple[np.ndarray, None, np.ndarray] | None:
    """Sorted-string codes of non-negative integer ids (database keys) without hashing.

    A presence table over the id range finds the distinct ids, only those are
    turned into strings and sorted, and one gather codes the rows: several
    times cheaper than factorising millions of ids. None when the column is not
    plain integers or the ids are too sparse for a table.
    """
    if values.dtype.kind not in "iu" or not len(values):
        return None
    ids = values.to_numpy()
    low, top = int(ids.min()), int(ids.max())
    if low < 0 or top >= max(_DENSE_ID_FACTOR * len(ids), _DENSE_ID_MIN):
        return None
    present = np.zeros(top + 1, dtype=bool)
    present[ids] = True
    distinct = np.flatnonzero(present)
    as_str = np.array([str(i) for i in distinct.tolist()], dtype=object)
    order, sorted_uniques = pd.factorize(as_str, sort=True)
    code_type = np.int32 if len(distinct) < 1 << 31 else np.int64
    lookup = np.zeros(top + 1, dtype=code_type)
    lookup[distinct] = order
    return lookup[ids], None, np.asarray(sorted_uniques, dtype=object)


def _sorted_strings(index: pd.Index) -> bool:
    """True when every label is a str and the labels strictly increase."""
    return (
        pd.api.types.infer_dtype(index, skipna=False) == "string"
        and index.is_monotonic_increasing
        and index.is_unique
    )


def segment_sums(values: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Sum of values[starts[i] : starts[i] + lengths[i]] for each i, bit for bit
    what `values[a:b].sum()` gives.

    numpy sums a 1-D run pairwise, so the rounding depends on the run's length;
    np.add.reduceat does not reproduce it. Runs of equal length are gathered
    into one 2-D block whose row sums take the same pairwise path, so uniform
    categories cost one call and the results stay identical to a per-category
    loop.
    """
    out = np.zeros(len(starts))
    if not len(starts):
        return out
    for length in np.unique(lengths):
        if length == 0:
            continue
        sel = np.flatnonzero(lengths == length)
        if len(sel) == 1:
            s = starts[sel[0]]
            out[sel[0]] = values[s : s + length].sum()
            continue
        out[sel] = values[starts[sel, None] + np.arange(length)].sum(axis=1)
    return out


def stable_argsort(keys: np.ndarray) -> np.ndarray:
    """np.argsort(keys, kind="stable") for non-negative integer keys.

    numpy radix-sorts 16-bit integers, far faster than its stable sort of
    64-bit ones; keys below 2**32 take two 16-bit passes (low half, then high).
    """
    if not len(keys):
        return np.zeros(0, dtype=np.intp)
    top = int(keys.max())
    if keys.dtype.kind not in "iu" or int(keys.min()) < 0 or top >= 1 << 32:
        return np.argsort(keys, kind="stable")
    order = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    if top >= 1 << 16:
        high = (keys[order] >> 16).astype(np.uint16)
        order = order[np.argsort(high, kind="stable")]
    return order


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
    # Sort by (prev, -v). Equal values land in one group whatever their order,
    # so the value sort may be unstable (quicksort, several times faster than
    # a stable float sort); the group ids are then a stable radix sort.
    by_value = np.argsort(-v)
    order = by_value[stable_argsort(prev[by_value])]
    sg, sv = prev[order], v[order]
    new = np.ones(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        gap = sv[:-1] - sv[1:]
    new[1:] = (sg[1:] != sg[:-1]) | (gap >= tol)
    out[order] = np.cumsum(new) - 1
    return out


def competition_rank(values: np.ndarray, within: np.ndarray | None = None) -> np.ndarray:
    """Standard competition ranking (1, 2, 2, 4), highest value first.

    With `within` (group codes, e.g. categories) each group is ranked on its
    own, all groups in one pass.
    """
    n = len(values)
    prev = np.zeros(n, dtype=np.int64) if within is None else np.asarray(within, dtype=np.int64)
    groups = tol_groups(prev, values, TOL)
    # A group's rank is one plus the number of entries in better groups of the
    # same `within` group; tol groups are ordered by `within` first.
    sizes = np.bincount(groups, minlength=groups.max() + 1 if n else 0)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    if within is None:
        return (starts[groups] + 1).astype(np.int64)
    counts = np.bincount(prev) if n else np.zeros(0, dtype=np.int64)
    offset = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return (starts[groups] - offset[prev] + 1).astype(np.int64)


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
