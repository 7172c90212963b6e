"""Integer coding of score rows into sheets (category, entry, juror).

`prepare` needs, for 3 million rows, the sheet each row belongs to and the
sorted list of sheets and (category, entry) pairs. Hashing composite keys with
pd.factorize took most of a ranking's time; these helpers get the same codes
from presence tables, a per-entry owner lookup, or, for rows that arrive
grouped by sheet (a database ORDER BY, a sorted export), from the places
where the key changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._base import stable_argsort

# A dense lookup table for pairs of codes is cheaper than hashing the pairs as
# long as the table is not much larger than the rows being coded.
_DENSE_FACTOR = 2
_DENSE_MIN = 1 << 20


def pair_codes(
    a: np.ndarray, b: np.ndarray, n_a: int, n_b: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Code the pairs (a, b) in sorted (a, b) order: (codes, a of each code, b of each code).

    Same result as pd.factorize(a * n_b + b, sort=True), without hashing
    millions of keys: a presence table when the key space is small, or, when
    every b belongs to one a (entries to one category), a per-b lookup.
    """
    n = len(a)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty.copy()
    size = n_a * n_b
    if size <= max(_DENSE_FACTOR * n, _DENSE_MIN):
        key = a * n_b + b
        present = np.zeros(size, dtype=bool)
        present[key] = True
        rank = np.cumsum(present) - 1
        keys = np.flatnonzero(present)
        return rank[key], keys // n_b, keys % n_b
    owner = np.full(n_b, -1, dtype=np.int64)
    owner[b] = a
    if (owner[b] == a).all():
        seen = np.flatnonzero(owner >= 0)
        seen = seen[np.argsort(owner[seen], kind="stable")]
        code_of = np.full(n_b, -1, dtype=np.int64)
        code_of[seen] = np.arange(len(seen))
        return code_of[b], owner[seen], seen
    codes, keys = pd.factorize(a * np.int64(n_b) + b, sort=True)
    keys = np.asarray(keys, dtype=np.int64)
    return codes.astype(np.int64), keys // n_b, keys % n_b


def local_codes(
    a: np.ndarray, b: np.ndarray, n_a: int, n_b: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Place of each row's b among the b seen with its a, in b order.

    Returns (place per row, a and b of every pair seen sorted by (a, b),
    first[a] = index of a's first pair), e.g. a juror's place in the panel of
    a category.
    """
    size = n_a * n_b
    if len(a) and size <= max(_DENSE_FACTOR * len(a), _DENSE_MIN):
        # Row-wise cumsum of the presence table numbers each a's pairs from 0,
        # so one gather per row gives the place.
        key = a * n_b + b
        present = np.zeros(size, dtype=bool)
        present[key] = True
        place = (np.cumsum(present.reshape(n_a, n_b), axis=1) - 1).ravel()[key]
        keys = np.flatnonzero(present)
        pair_a, pair_b = keys // n_b, keys % n_b
    else:
        codes, pair_a, pair_b = pair_codes(a, b, n_a, n_b)
        place = codes - np.searchsorted(pair_a, np.arange(n_a))[a]
    return place, pair_a, pair_b, np.searchsorted(pair_a, np.arange(n_a))


@dataclass
class Sheets:
    """Sheet coding of the rows; every array of sheets is in (category, entry,
    juror) order and every array of pairs in (category, entry) order."""

    grouped: bool  # rows come sheet by sheet, sheets in order
    row_start: np.ndarray | None  # first row of each sheet when `grouped`
    row_ce: np.ndarray | None  # per row; None when `grouped` (not needed then)
    sheet_ce: np.ndarray
    sheet_cat: np.ndarray
    sheet_entry: np.ndarray
    sheet_juror: np.ndarray
    ce_cat: np.ndarray
    ce_entry: np.ndarray
    n_rows: int
    _row_sheet: np.ndarray | None = None
    # When set, the sheets describe the rows taken in this order (the caller reorders).
    row_order: np.ndarray | None = None

    @property
    def row_sheet(self) -> np.ndarray:
        """Sheet of each row; for grouped rows built on first use only, since
        a regular export never needs it (see totals._regular_pattern)."""
        if self._row_sheet is None:
            assert self.row_start is not None
            lengths = np.diff(np.append(self.row_start, self.n_rows))
            # np.repeat of the run lengths: cumsum over millions of bools is slower.
            self._row_sheet = np.repeat(np.arange(len(self.row_start)), lengths)
        return self._row_sheet


def code_sheets(
    cat: np.ndarray, entry: np.ndarray, juror: np.ndarray, n_cat: int, n_entries: int, n_jurors: int
) -> Sheets:
    """Code rows into sheets, sorted as pd.factorize(..., sort=True) would.

    The codes may be any integer type (narrow ones are cheaper to compare).
    """
    n = len(cat)
    if n and n_cat * n_entries * n_jurors < 1 << 62:
        # Rows grouped by sheet in sorted order (an export, an ORDER BY): a
        # sheet starts wherever a code changes, and then the sheets' keys must
        # strictly increase, which is checked on the sheets alone.
        new = np.empty(n, dtype=bool)
        new[0] = True
        np.not_equal(cat[1:], cat[:-1], out=new[1:])
        new[1:] |= entry[1:] != entry[:-1]
        new[1:] |= juror[1:] != juror[:-1]
        starts = np.flatnonzero(new)
        s_cat, s_entry, s_juror = (a[starts].astype(np.int64) for a in (cat, entry, juror))
        key = (s_cat * n_entries + s_entry) * n_jurors + s_juror
        if (key[1:] > key[:-1]).all():
            return _grouped_sheets(starts, s_cat, s_entry, s_juror, n)
        if len(starts) * 2 <= n:
            # Rows grouped by sheet, sheets in another order (a database read
            # without ORDER BY, ids whose string order is not their numeric
            # order): sorting the sheets and taking the rows in that order is
            # far cheaper than coding the rows, and the rows of each sheet keep
            # their order, so every sum is the same.
            runs = _sheet_runs(starts, key, s_cat, s_entry, s_juror, n)
            if runs is not None:
                return runs
    cat, entry, juror = (np.asarray(a, dtype=np.int64) for a in (cat, entry, juror))
    ce_codes, ce_cat, ce_entry = pair_codes(cat, entry, n_cat, n_entries)
    # Sheets are (ce, juror) pairs. Coding the juror by its place among the
    # category's jurors keeps the pair table small (entries x panel size), and
    # that place follows the juror code, so the order is (ce, juror) as before.
    local, cj_cat, cj_juror, cj_first = local_codes(cat, juror, n_cat, n_jurors)
    width = max(int(np.bincount(cj_cat, minlength=1).max()), 1)
    row_sheet, sheet_ce, sheet_local = pair_codes(ce_codes, local, len(ce_cat), width)
    s_cat = ce_cat[sheet_ce]
    return Sheets(
        grouped=False,
        row_start=None,
        row_ce=ce_codes,
        sheet_ce=sheet_ce,
        sheet_cat=s_cat,
        sheet_entry=ce_entry[sheet_ce],
        sheet_juror=cj_juror[cj_first[s_cat] + sheet_local],
        ce_cat=ce_cat,
        ce_entry=ce_entry,
        n_rows=n,
        _row_sheet=row_sheet,
    )


def _sheet_runs(
    starts: np.ndarray,
    key: np.ndarray,
    s_cat: np.ndarray,
    s_entry: np.ndarray,
    s_juror: np.ndarray,
    n_rows: int,
) -> Sheets | None:
    """Sheets of rows that come in one run per sheet, runs in any order, as the rows
    would be with the runs sorted (`row_order` says how to take them); None when a
    sheet's rows are split over several runs."""
    # Three 16-bit radix passes (juror, then entry, then category) sort the sheets
    # several times faster than a comparison sort of the composite keys.
    order = stable_argsort(s_juror)
    order = order[stable_argsort(s_entry[order])]
    order = order[stable_argsort(s_cat[order])]
    sorted_key = key[order]
    if not (sorted_key[1:] > sorted_key[:-1]).all():
        return None
    lengths = np.diff(np.append(starts, n_rows))[order]
    new_starts = np.zeros(len(order), dtype=np.int64)
    np.cumsum(lengths[:-1], out=new_starts[1:])
    # Row i of the sorted layout is row (old start - new start of its run) + i.
    row_order = np.repeat(starts[order] - new_starts, lengths) + np.arange(n_rows)
    sheets = _grouped_sheets(new_starts, s_cat[order], s_entry[order], s_juror[order], n_rows)
    sheets.row_order = row_order
    return sheets


def _grouped_sheets(
    starts: np.ndarray, s_cat: np.ndarray, s_entry: np.ndarray, s_juror: np.ndarray, n_rows: int
) -> Sheets:
    """Sheets of rows grouped by sheet, given each sheet's first row and codes."""
    new_ce = np.empty(len(starts), dtype=bool)
    new_ce[0] = True
    np.not_equal(s_entry[1:], s_entry[:-1], out=new_ce[1:])
    new_ce[1:] |= s_cat[1:] != s_cat[:-1]
    ce_starts = np.flatnonzero(new_ce)
    sheet_ce = np.repeat(np.arange(len(ce_starts)), np.diff(np.append(ce_starts, len(starts))))
    return Sheets(
        grouped=True,
        row_start=starts,
        row_ce=None,
        sheet_ce=sheet_ce,
        sheet_cat=s_cat,
        sheet_entry=s_entry,
        sheet_juror=s_juror,
        ce_cat=s_cat[ce_starts],
        ce_entry=s_entry[ce_starts],
        n_rows=n_rows,
    )
