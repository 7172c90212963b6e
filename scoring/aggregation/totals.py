"""Score sheets: completeness check and juror totals T(e,j) = sum_c w(c)*s(e,j,c).

Everything here works on integer codes with numpy.bincount so that the
3-million-row benchmark stays well under a second or two; identifiers are only
turned back into strings for the output frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._base import string_codes

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
        cat, categories = string_codes(scores["category"], name="category", fill="")
    else:
        cat, categories = np.zeros(n_rows, dtype=np.int64), np.array([""], dtype=object)
    entry, entries = string_codes(scores["entry"], name="entry")
    juror, jurors = string_codes(scores["juror"], name="juror")
    crit_raw, crit_seen = string_codes(scores["criterion"], name="criterion")
    score = pd.to_numeric(scores["score"]).to_numpy(dtype=float, na_value=np.nan)

    table = normalise_criteria(criteria, crit_seen)
    n_crit = len(table)
    table_pos = pd.Index(table["criterion"]).get_indexer(crit_seen)
    crit = table_pos[crit_raw]
    # Rows for criteria outside the table are not part of any score sheet.
    keep = crit >= 0
    if not keep.all():
        cat, entry, juror, crit, score = (a[keep] for a in (cat, entry, juror, crit, score))

    n_cat, n_entries, n_jurors = len(categories), len(entries), len(jurors)
    applicable = np.zeros((n_cat, n_crit), dtype=bool)
    applicable[cat, crit] = True
    n_applicable = applicable.sum(axis=1)

    ce_codes, ce_keys = pd.factorize(cat * n_entries + entry, sort=True)
    ce_keys = np.asarray(ce_keys, dtype=np.int64)
    sheet_codes, sheet_keys = pd.factorize(ce_codes * np.int64(n_jurors) + juror, sort=True)
    sheet_keys = np.asarray(sheet_keys, dtype=np.int64)
    n_ce, n_sheets = len(ce_keys), len(sheet_keys)

    cells = np.bincount(sheet_codes * n_crit + crit, minlength=n_sheets * n_crit)
    if n_rows and cells.max(initial=0) > 1:
        dup = int(np.argmax(cells > 1))
        raise ValueError(
            "duplicate score rows for one sheet and criterion "
            f"(e.g. category {categories[cat[sheet_codes == dup // n_crit][0]]!r}, "
            f"criterion {table['criterion'][dup % n_crit]!r})"
        )

    valid = ~np.isnan(score)
    weighted = table["weight"].to_numpy()[crit] * np.where(valid, score, 0.0)
    sheet_ce = sheet_keys // n_jurors
    s_juror = sheet_keys % n_jurors
    s_entry = ce_keys[sheet_ce] % n_entries
    s_cat = ce_keys[sheet_ce] // n_entries
    valid_count = np.bincount(sheet_codes, weights=valid, minlength=n_sheets)
    complete = valid_count == n_applicable[s_cat]
    total = np.bincount(sheet_codes, weights=weighted, minlength=n_sheets)

    ce_jurors = np.bincount(sheet_ce[complete], minlength=n_ce).astype(np.int64)

    tb = table["tiebreak_order"].to_numpy()
    tiebreak = np.flatnonzero(~np.isnan(tb))
    tiebreak = tiebreak[np.argsort(tb[tiebreak], kind="stable")]
    tb_pos = np.full(n_crit, -1)
    tb_pos[tiebreak] = np.arange(len(tiebreak))
    n_tb = len(tiebreak)
    ce_tb = np.zeros((n_ce, n_tb))
    if n_tb:
        m = valid & complete[sheet_codes] & (tb_pos[crit] >= 0)
        sums = np.bincount(
            ce_codes[m] * n_tb + tb_pos[crit[m]], weights=weighted[m], minlength=n_ce * n_tb
        ).reshape(n_ce, n_tb)
        with np.errstate(invalid="ignore", divide="ignore"):
            ce_tb = sums / ce_jurors[:, None]

    table_max = table["max"].to_numpy()
    max_score = table_max.copy()
    if np.isnan(table_max).any():
        # fmax ignores NaN scores; criteria never scored stay NaN (unknown).
        np.fmax.at(max_score, crit, score)
        max_score = np.where(np.isnan(table_max), max_score, table_max)

    incomplete = _incomplete_frame(
        ~complete,
        sheet_codes,
        crit,
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

    ce_cat = ce_keys // n_entries
    done = np.flatnonzero(complete)
    return Prepared(
        categories=categories,
        entries=entries,
        jurors=jurors,
        criteria=table,
        applicable=applicable,
        max_score=max_score,
        sheet_cat=s_cat[done],
        sheet_entry=s_entry[done],
        sheet_juror=s_juror[done],
        sheet_total=total[done],
        sheet_bounds=np.searchsorted(s_cat[done], np.arange(n_cat + 1)),
        ce_cat=ce_cat,
        ce_entry=ce_keys % n_entries,
        ce_jurors=ce_jurors,
        ce_tiebreak_mean=ce_tb,
        ce_bounds=np.searchsorted(ce_cat, np.arange(n_cat + 1)),
        tiebreak_criteria=tiebreak,
        incomplete=incomplete,
    )


def _incomplete_frame(
    incomplete: np.ndarray,
    sheet_codes: np.ndarray,
    crit: np.ndarray,
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
    n_crit = len(table)
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
