"""Score sheets: completeness check and juror totals T(e,j) = sum_c w(c)*s(e,j,c).

Everything here works on integer codes with numpy.bincount so that the
3-million-row benchmark stays well under a second or two; identifiers are only
turned back into strings for the output frames.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._base import raw_codes
from .codes import Sheets, code_sheets
from .methods import masked

SCORE_COLUMNS = ("entry", "juror", "criterion", "score")


def normalise_criteria(criteria: pd.DataFrame | None, seen: np.ndarray) -> pd.DataFrame:
    """Criteria table with columns criterion, weight, min, max, tiebreak_order.

    Without a table every criterion seen in the scores counts with weight 1 and
    no tie-break role. A missing weight means the default weight 1.
    """
    if criteria is None:
        criteria = pd.DataFrame({"criterion": list(seen)})
    if "criterion" not in criteria.columns:
        raise ValueError("criteria table needs a 'criterion' column")
    names = [str(c) for c in criteria["criterion"]]
    if len(set(names)) != len(names):
        raise ValueError("criteria table lists a criterion twice")
    n = len(names)

    def numeric(column: str, default: float) -> np.ndarray:
        if column not in criteria.columns:
            return np.full(n, default, dtype=float)
        return pd.to_numeric(criteria[column]).to_numpy(dtype=float, na_value=np.nan)

    weight = numeric("weight", 1.0)
    weight = np.where(np.isnan(weight), 1.0, weight)
    return pd.DataFrame(
        {
            "criterion": pd.Series(names, dtype=object),
            "weight": weight,
            "min": numeric("min", np.nan),
            "max": numeric("max", np.nan),
            "tiebreak_order": numeric("tiebreak_order", np.nan),
        }
    )


def _codes(
    values: pd.Series, *, name: str, fill: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """string_codes, keeping a categorical's narrow codes when they already are
    the sorted-string codes (code_sheets widens only what it indexes with)."""
    raw, remap, uniques = raw_codes(values, name=name, fill=fill)
    return (raw if remap is None else remap[raw.astype(np.intp, copy=False)]), uniques


@dataclass
class Prepared:
    """Coded score data shared by juror_totals, rank and rank_category."""

    categories: np.ndarray  # category names, sorted
    entries: np.ndarray  # entry ids, sorted (global, codes index into it)
    jurors: np.ndarray  # juror ids, sorted
    criteria: pd.DataFrame  # normalised table, table order
    applicable: np.ndarray  # bool (n_categories x n_criteria)
    max_score: np.ndarray  # per criterion: table max, else observed max
    # Complete sheets, sorted by (category, entry, juror):
    sheet_cat: np.ndarray
    sheet_entry: np.ndarray
    sheet_juror: np.ndarray
    sheet_total: np.ndarray
    sheet_ce: np.ndarray  # index into the ce_* arrays
    sheet_bounds: np.ndarray  # sheets of category c: [bounds[c], bounds[c+1])
    # Every (category, entry) seen in the scores, sorted:
    ce_cat: np.ndarray
    ce_entry: np.ndarray
    ce_jurors: np.ndarray  # number of complete sheets
    ce_tiebreak_mean: np.ndarray  # (n_ce x n_tiebreak) mean of w*s over counted jurors
    ce_bounds: np.ndarray
    tiebreak_criteria: np.ndarray  # table indices, in tie-break order
    incomplete: pd.DataFrame  # category, entry, juror, missing


def prepare(scores: pd.DataFrame, criteria: pd.DataFrame | None) -> Prepared:
    missing_cols = [c for c in SCORE_COLUMNS if c not in scores.columns]
    if missing_cols:
        raise ValueError(f"scores lack columns {missing_cols}")
    n_rows = len(scores)
    if "category" in scores.columns:
        cat, categories = _codes(scores["category"], name="category", fill="")
    else:
        cat, categories = np.zeros(n_rows, dtype=np.int64), np.array([""], dtype=object)
    entry, entries = _codes(scores["entry"], name="entry")
    juror, jurors = _codes(scores["juror"], name="juror")
    crit_raw, crit_remap, crit_seen = raw_codes(scores["criterion"], name="criterion")
    score_col = scores["score"]
    if score_col.dtype != np.float64:
        # to_numeric copies even a float column; only convert what needs it.
        score_col = pd.to_numeric(score_col)
    score = score_col.to_numpy(dtype=float, na_value=np.nan)

    table = normalise_criteria(criteria, crit_seen)
    n_crit = len(table)
    table_pos = pd.Index(table["criterion"]).get_indexer(crit_seen)
    lookup = table_pos if crit_remap is None else table_pos[crit_remap]
    # Each row's criterion as a table position. A regular export never needs
    # it row by row (see _regular_pattern), so gather it only on demand.
    row_crit = _RowCriteria(lookup, crit_raw)
    if (lookup < 0).any():
        # Rows for criteria outside the table are not part of any score sheet.
        keep = row_crit() >= 0
        if not keep.all():
            cat, entry, juror, crit_raw, score = (
                a[keep] for a in (cat, entry, juror, crit_raw, score)
            )
            row_crit = _RowCriteria(lookup, crit_raw)
    n_rows = len(cat)
    n_cat, n_entries, n_jurors = len(categories), len(entries), len(jurors)

    sheets = code_sheets(cat, entry, juror, n_cat, n_entries, n_jurors)
    if sheets.row_order is not None:
        # The sheets describe the rows in sheet order; only criterion and score are
        # read row by row from here on.
        crit_raw, score = crit_raw[sheets.row_order], score[sheets.row_order]
        row_crit = _RowCriteria(lookup, crit_raw)
    sheet_ce = sheets.sheet_ce
    s_cat, s_entry, s_juror = sheets.sheet_cat, sheets.sheet_entry, sheets.sheet_juror
    n_ce, n_sheets = len(sheets.ce_cat), len(sheet_ce)

    valid = ~np.isnan(score)
    all_valid = bool(valid.all())
    marks = score if all_valid else np.where(valid, score, 0.0)
    weights = table["weight"].to_numpy()
    pattern = _regular_pattern(sheets, crit_raw, lookup)
    if pattern is not None:
        # Every sheet holds the same criteria in the same row order (a complete
        # export): the rows already are the dense sheets x criteria array, and
        # each criterion's presence is known without scattering.
        k = len(pattern)
        # Criterion-major (k x sheets): per-criterion rows are contiguous.
        weighted_2d = np.multiply(
            marks.reshape(n_sheets, k).T, weights[pattern][:, None], order="C"
        )
        weighted = None
        present = np.zeros((n_crit, n_sheets), dtype=bool)
        present[pattern] = True
        valid_count = np.full(n_sheets, k) if all_valid else valid.reshape(n_sheets, k).sum(axis=1)
    else:
        # Cells (criterion, sheet), criterion-major so that one criterion's
        # cells are contiguous (per-criterion passes over a strided column are
        # slow).
        crit = row_crit()
        sheet_codes = sheets.row_sheet
        cell = crit * n_sheets + sheet_codes
        flat = np.zeros(n_crit * n_sheets, dtype=bool)
        flat[cell] = True
        if np.count_nonzero(flat) < n_rows:
            # Name the first duplicate in (sheet, criterion) order.
            cells = np.bincount(sheet_codes * n_crit + crit, minlength=n_sheets * n_crit)
            dup = int(np.argmax(cells > 1))
            raise ValueError(
                "duplicate score rows for one sheet and criterion "
                f"(e.g. category {categories[s_cat[dup // n_crit]]!r}, "
                f"criterion {table['criterion'][dup % n_crit]!r})"
            )
        present = flat.reshape(n_crit, n_sheets)
        weighted = weights[crit] * marks
        # With no duplicate cells, a sheet's valid rows are its valid cells.
        if all_valid:
            valid_count = present.sum(axis=0)
        else:
            flat = np.zeros(n_crit * n_sheets, dtype=bool)
            flat[cell[valid]] = True
            valid_count = flat.reshape(n_crit, n_sheets).sum(axis=0)
    applicable = np.zeros((n_cat, n_crit), dtype=bool)
    if n_sheets:
        starts = np.flatnonzero(np.concatenate(([True], s_cat[1:] != s_cat[:-1])))
        applicable[s_cat[starts]] = np.logical_or.reduceat(present, starts, axis=1).T
    n_applicable = applicable.sum(axis=1)
    complete = valid_count == n_applicable[s_cat]
    all_complete = bool(complete.all())
    if pattern is not None:
        # bincount adds a sheet's rows in row order starting from 0.0: the
        # same additions, one criterion (row of weighted_2d) at a time.
        total = np.zeros(n_sheets)
        for row in weighted_2d:
            total += row
    else:
        total = np.bincount(sheet_codes, weights=weighted, minlength=n_sheets)

    counted = sheet_ce if all_complete else sheet_ce[complete]
    ce_jurors = np.bincount(counted, minlength=n_ce).astype(np.int64)

    tb = table["tiebreak_order"].to_numpy()
    tiebreak = np.flatnonzero(~np.isnan(tb))
    tiebreak = tiebreak[np.argsort(tb[tiebreak], kind="stable")]
    if pattern is not None:
        where = np.full(n_crit, -1)
        where[pattern] = np.arange(len(pattern))
        columns = np.zeros((len(tiebreak), n_sheets))
        for k, c in enumerate(tiebreak):
            if where[c] >= 0:
                columns[k] = weighted_2d[where[c]]
    elif sheets.grouped:
        # (Sheet-major here: scattering floats criterion-major is slower.)
        cells = np.zeros(n_sheets * n_crit)
        cells[sheets.row_sheet * n_crit + crit] = weighted
        columns = cells.reshape(n_sheets, n_crit)[:, tiebreak].T
    else:
        columns = None
    ce_tb = _tiebreak_means(
        n_crit, sheets, tiebreak, columns, row_crit, weighted, valid, complete, ce_jurors
    )

    table_max = table["max"].to_numpy()
    max_score = table_max.copy()
    if np.isnan(table_max).any():
        # fmax ignores NaN scores; criteria never scored stay NaN (unknown).
        np.fmax.at(max_score, row_crit(), score)
        max_score = np.where(np.isnan(table_max), max_score, table_max)

    incomplete = _incomplete_frame(
        ~complete,
        sheets,
        row_crit,
        valid,
        applicable,
        s_cat,
        s_entry,
        s_juror,
        table,
        categories,
        entries,
        jurors,
    )

    done = slice(None) if all_complete else np.flatnonzero(complete)
    sheet_cat = s_cat[done]
    return Prepared(
        categories=categories,
        entries=entries,
        jurors=jurors,
        criteria=table,
        applicable=applicable,
        max_score=max_score,
        sheet_cat=sheet_cat,
        sheet_entry=s_entry[done],
        sheet_juror=s_juror[done],
        sheet_total=total[done],
        sheet_ce=sheet_ce[done],
        sheet_bounds=np.searchsorted(sheet_cat, np.arange(n_cat + 1)),
        ce_cat=sheets.ce_cat,
        ce_entry=sheets.ce_entry,
        ce_jurors=ce_jurors,
        ce_tiebreak_mean=ce_tb,
        ce_bounds=np.searchsorted(sheets.ce_cat, np.arange(n_cat + 1)),
        tiebreak_criteria=tiebreak,
        incomplete=incomplete,
    )


class _RowCriteria:
    """Criterion (table position) of each row, gathered on first call."""

    def __init__(self, lookup: np.ndarray, raw: np.ndarray) -> None:
        self.lookup, self.raw = lookup, raw
        self.rows: np.ndarray | None = None

    def __call__(self) -> np.ndarray:
        if self.rows is None:
            self.rows = self.lookup[self.raw.astype(np.intp, copy=False)]
        return self.rows


def _regular_pattern(sheets: Sheets, raw: np.ndarray, lookup: np.ndarray) -> np.ndarray | None:
    """The criteria (table positions) of the first sheet if every sheet has
    exactly those rows in that order (rows grouped by sheet), else None.

    Checked on the raw criterion codes, which are narrow and need no gather.
    """
    n_rows, n_sheets = len(raw), len(sheets.sheet_ce)
    if sheets.row_start is None or not n_sheets or n_rows % n_sheets:
        return None
    k = n_rows // n_sheets
    pattern = lookup[raw[:k].astype(np.intp)]
    if (
        len(np.unique(pattern)) == k
        and bool((pattern >= 0).all())
        and np.array_equal(sheets.row_start, np.arange(0, n_rows, k))
        and bool((raw.reshape(n_sheets, k) == raw[:k]).all())
    ):
        return pattern
    return None


def _tiebreak_means(
    n_crit: int,
    sheets: Sheets,
    tiebreak: np.ndarray,
    columns: np.ndarray | None,
    row_crit: Callable[[], np.ndarray],
    weighted: np.ndarray | None,
    valid: np.ndarray,
    complete: np.ndarray,
    ce_jurors: np.ndarray,
) -> np.ndarray:
    """Mean of w*s per (category, entry) and tie-break criterion over counted sheets.

    `columns` (tie-break criterion x sheet, w*s or 0) when rows come grouped
    by sheet: then a (category, entry)'s rows for one criterion come in sheet
    order, so summing the column sheet by sheet adds the same values in the
    same order as bincount over the rows (absent, invalid and uncounted cells
    add zeros, which change nothing).
    """
    n_ce, n_tb = len(sheets.ce_cat), len(tiebreak)
    sums = np.zeros((n_ce, n_tb))
    if not n_tb:
        return sums
    if columns is not None:
        for k in range(n_tb):
            column = masked(columns[k], complete, 0.0)
            sums[:, k] = np.bincount(sheets.sheet_ce, weights=column, minlength=n_ce)
    else:
        assert sheets.row_ce is not None and weighted is not None
        crit = row_crit()
        tb_pos = np.full(n_crit, -1)
        tb_pos[tiebreak] = np.arange(n_tb)
        m = (tb_pos[crit] >= 0) & valid & complete[sheets.row_sheet]
        sums = np.bincount(
            sheets.row_ce[m] * n_tb + tb_pos[crit[m]], weights=weighted[m], minlength=n_ce * n_tb
        ).reshape(n_ce, n_tb)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / ce_jurors[:, None]


def _incomplete_frame(
    incomplete: np.ndarray,
    sheets: Sheets,
    row_crit: Callable[[], np.ndarray],
    valid: np.ndarray,
    applicable: np.ndarray,
    s_cat: np.ndarray,
    s_entry: np.ndarray,
    s_juror: np.ndarray,
    table: pd.DataFrame,
    categories: np.ndarray,
    entries: np.ndarray,
    jurors: np.ndarray,
) -> pd.DataFrame:
    idx = np.flatnonzero(incomplete)
    if not len(idx):
        # The usual case: skip the per-row work below.
        empty = pd.Series(np.empty(0, dtype=object), dtype=object)
        return pd.DataFrame({"category": empty, "entry": empty, "juror": empty, "missing": empty})
    n_crit = len(table)
    sheet_codes, crit = sheets.row_sheet, row_crit()
    inc_pos = np.full(len(incomplete), -1)
    inc_pos[idx] = np.arange(len(idx))
    present = np.zeros((len(idx), n_crit), dtype=bool)
    rows = valid & (inc_pos[sheet_codes] >= 0)
    present[inc_pos[sheet_codes[rows]], crit[rows]] = True
    missing = applicable[s_cat[idx]] & ~present
    # Sheets usually miss the same few criteria: name each pattern once.
    names = table["criterion"].to_numpy()
    if len(idx):
        patterns, inverse = np.unique(missing, axis=0, return_inverse=True)
        labels = np.empty(len(patterns), dtype=object)
        labels[:] = [tuple(names[p]) for p in patterns]
        missing_col = labels[inverse.ravel()]
    else:
        missing_col = np.empty(0, dtype=object)
    return pd.DataFrame(
        {
            "category": pd.Series(categories[s_cat[idx]], dtype=object),
            "entry": pd.Series(entries[s_entry[idx]], dtype=object),
            "juror": pd.Series(jurors[s_juror[idx]], dtype=object),
            "missing": pd.Series(missing_col, dtype=object),
        }
    )


def totals_frame(prep: Prepared) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": prep.categories[prep.sheet_cat],
            "entry": prep.entries[prep.sheet_entry],
            "juror": prep.jurors[prep.sheet_juror],
            "total": prep.sheet_total,
        }
    )


def juror_totals(
    scores: pd.DataFrame, criteria: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Juror totals of complete score sheets, and the incomplete sheets left out.

    A sheet is (category, entry, juror). It is complete when it has a non-missing
    score for every criterion of the criteria table that occurs in that category;
    otherwise it is left out of everything and listed, with the missing criteria
    (a tuple of names in criteria-table order), in the second frame. Score rows
    for criteria not in the table are ignored. Duplicate rows for one sheet and
    criterion raise ValueError.

    Returns (totals[category, entry, juror, total], incomplete[category, entry,
    juror, missing]), both sorted by category, entry, juror as strings.
    """
    prep = prepare(scores, criteria)
    return totals_frame(prep), prep.incomplete
