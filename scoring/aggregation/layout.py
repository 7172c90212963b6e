"""Many categories at once: stacked juror-total matrices and their statistics.

`rank` used to build one small entries x jurors matrix per category and run
every kernel on it; with hundreds of categories the fixed cost of a few
hundred numpy and pandas calls per category dominated. Here categories with
the same panel size J are stacked into one array (entries x J x categories,
padded with NaN rows; categories whose entry counts round up to the same
power of two share a stack, so padding at most doubles the memory) and every
statistic is computed for the whole stack.

Results are bit for bit those of the per-category code: sums over jurors and
over entries go through methods.sum_jurors / sum_entries, which reproduce
numpy's per-category summation order (padding only appends zeros to sums over
entries; single-juror categories are only stacked with categories of the
same entry count). Statistics that numpy sums pairwise over all of a
category's values (pooled SD, alpha, ICC) go through `segment_sums`, which
repeats exactly that summation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._base import TOL, segment_sums
from .codes import local_codes
from .methods import aggregate_matrix, masked
from .totals import Prepared


@dataclass
class Stack:
    """Categories of one panel size J stacked into `matrix` (E x J x C)."""

    cats: np.ndarray  # category codes, one per slot (last axis)
    matrix: np.ndarray
    rows: np.ndarray  # layout row of each (place, slot) below, in row order
    row_slot: np.ndarray
    row_place: np.ndarray
    cols: np.ndarray  # layout column of each (juror, slot), juror-major
    values: dict[str, np.ndarray | None] = field(default_factory=dict)  # per method


@dataclass
class Layout:
    """Scored entries ("rows") and panel jurors ("cols") of the chosen categories.

    Rows are sorted by (category, entry id), cols by (category, juror id);
    `row_bounds`/`col_bounds` index them by category code.
    """

    cats: np.ndarray  # category codes with at least one counted sheet
    row_cat: np.ndarray
    row_entry: np.ndarray
    row_ce: np.ndarray  # index into prep.ce_*
    row_n: np.ndarray  # counted jurors
    row_bounds: np.ndarray
    col_cat: np.ndarray
    col_juror: np.ndarray
    col_bounds: np.ndarray
    sheet_row: np.ndarray  # layout row of each counted sheet (sheets of `cats`)
    sheet_cat: np.ndarray
    sheet_total: np.ndarray
    sheet_bounds: np.ndarray
    stacks: list[Stack]
    stack_of_cat: dict[int, tuple[int, int]]  # category -> (stack, slot)


def ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Concatenation of arange(start, stop) for each pair, without a Python loop."""
    lengths = stops - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return np.arange(total) + offsets


def build_layout(prep: Prepared, cats: np.ndarray) -> Layout:
    """Layout of the categories `cats` (sorted codes, each with a counted sheet)."""
    n_cat = len(prep.categories)
    sb = prep.sheet_bounds
    if len(cats) == n_cat:
        sheets = slice(None)
    else:
        sheets = ranges(sb[cats], sb[cats + 1])
    s_cat, s_ce = prep.sheet_cat[sheets], prep.sheet_ce[sheets]
    s_juror, s_total = prep.sheet_juror[sheets], prep.sheet_total[sheets]
    # Sheets are sorted by (category, entry, juror): a new row starts where
    # the (category, entry) pair changes.
    new_row = np.ones(len(s_ce), dtype=bool)
    new_row[1:] = s_ce[1:] != s_ce[:-1]
    sheet_row = np.cumsum(new_row) - 1
    row_ce = s_ce[new_row]
    row_cat = prep.ce_cat[row_ce]
    place, col_cat, col_juror, col_first = local_codes(s_cat, s_juror, n_cat, len(prep.jurors))
    row_bounds = np.searchsorted(row_cat, np.arange(n_cat + 1))
    col_bounds = np.concatenate((col_first, [len(col_cat)]))
    layout = Layout(
        cats=cats,
        row_cat=row_cat,
        row_entry=prep.ce_entry[row_ce],
        row_ce=row_ce,
        row_n=prep.ce_jurors[row_ce],
        row_bounds=row_bounds,
        col_cat=col_cat,
        col_juror=col_juror,
        col_bounds=col_bounds,
        sheet_row=sheet_row,
        sheet_cat=s_cat,
        sheet_total=s_total,
        sheet_bounds=np.searchsorted(s_cat, np.arange(n_cat + 1)),
        stacks=[],
        stack_of_cat={},
    )
    _stack(layout, place)
    return layout


def _stack(layout: Layout, place: np.ndarray) -> None:
    n_rows = np.diff(layout.row_bounds)
    n_cols = np.diff(layout.col_bounds)
    keys: dict[tuple[int, int], list[int]] = {}
    for c in layout.cats.tolist():
        e, j = int(n_rows[c]), int(n_cols[c])
        # Sums over entries are pairwise (length-dependent) for J = 1: no padding.
        keys.setdefault((j, e if j == 1 else 1 << (e - 1).bit_length()), []).append(c)
    single = len(keys) == 1
    for (j, _), members in keys.items():
        cats = np.array(members, dtype=np.int64)
        c_rows = n_rows[cats]
        first_row = layout.row_bounds[cats]
        if single:
            sheets: slice | np.ndarray = slice(None)
        else:
            sheets = ranges(layout.sheet_bounds[cats], layout.sheet_bounds[cats + 1])
        e_max = int(c_rows.max())
        totals = layout.sheet_total[sheets]
        if len(totals) == len(cats) * e_max * j:
            # Every juror scored every entry and the categories are equally
            # long: the sheets, sorted by (category, entry, juror), are the
            # stack already, transposed.
            matrix = np.ascontiguousarray(totals.reshape(len(cats), e_max, j).transpose(1, 2, 0))
        else:
            slot = np.zeros(len(layout.row_bounds), dtype=np.int64)
            slot[cats] = np.arange(len(cats))
            s_cat = layout.sheet_cat[sheets]
            at_row = layout.sheet_row[sheets] - layout.row_bounds[s_cat]
            matrix = np.full((e_max, j, len(cats)), np.nan)
            # One flat index: numpy scatters faster than with three index arrays.
            flat = (at_row * j + place[sheets]) * len(cats) + slot[s_cat]
            matrix.reshape(-1)[flat] = totals
        rows = ranges(first_row, first_row + c_rows)
        row_slot = np.repeat(np.arange(len(cats)), c_rows)
        stack = Stack(
            cats=cats,
            matrix=matrix,
            rows=rows,
            row_slot=row_slot,
            row_place=rows - first_row[row_slot],
            cols=(layout.col_bounds[cats] + np.arange(j)[:, None]).ravel(),
        )
        for i, c in enumerate(members):
            layout.stack_of_cat[c] = (len(layout.stacks), i)
        layout.stacks.append(stack)


def category_matrix(layout: Layout, c: int) -> tuple[np.ndarray, Stack, int]:
    """(entries x jurors matrix of category c in row order, its stack, its slot)."""
    s, slot = layout.stack_of_cat[c]
    stack = layout.stacks[s]
    n = layout.row_bounds[c + 1] - layout.row_bounds[c]
    return stack.matrix[:n, :, slot], stack, slot


def totals_in_order(layout: Layout, order: np.ndarray) -> dict[int, np.ndarray]:
    """Each category's entries x jurors totals with rows in `order` (layout
    rows, category by category), gathered with one fancy index per stack
    rather than one per category."""
    n = len(layout.row_cat)
    place, slot, which = (np.zeros(n, dtype=np.int64) for _ in range(3))
    for s, stack in enumerate(layout.stacks):
        place[stack.rows], slot[stack.rows], which[stack.rows] = stack.row_place, stack.row_slot, s
    out: dict[int, np.ndarray] = {}
    in_stack = which[order]
    for s, stack in enumerate(layout.stacks):
        rows = order[in_stack == s]
        block = stack.matrix[place[rows], :, slot[rows]]
        cuts = np.searchsorted(layout.row_cat[rows], np.concatenate((stack.cats, stack.cats + 1)))
        for i, c in enumerate(stack.cats.tolist()):
            out[c] = block[cuts[i] : cuts[i + len(stack.cats)]]
    return out


def _segments(cat: np.ndarray, cats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, length) of each category's run in `cat` (sorted codes)."""
    bounds = np.searchsorted(cat, np.concatenate((cats, cats + 1)))
    starts, stops = bounds[: len(cats)], bounds[len(cats) :]
    return starts, stops - starts


@dataclass
class Pooled:
    """Per category of layout.cats, over all its counted juror totals: the
    count, sum, mean and sum of squared deviations, and the population and
    sample SD, exactly as numpy's sum / mean / std (ddof 0 and 1) of the
    category's totals give them (sample SD NaN below 2 totals)."""

    n: np.ndarray
    total: np.ndarray
    mean: np.ndarray
    ss: np.ndarray
    pop_sd: np.ndarray
    sample_sd: np.ndarray


def pooled_moments(layout: Layout) -> Pooled:
    cat, values = layout.sheet_cat, layout.sheet_total
    starts, n = _segments(cat, layout.cats)
    total = segment_sums(values, starts, n)
    mean = total / n
    dev = values - np.repeat(mean, n)
    ss = segment_sums(dev * dev, starts, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        sample = np.where(n >= 2, np.sqrt(ss / np.maximum(n - 1, 1)), np.nan)
    return Pooled(n, total, mean, ss, np.sqrt(ss / n), sample)


def row_values(layout: Layout, per_stack: list[np.ndarray], dtype: type = float) -> np.ndarray:
    """Gather per-(slot, place) stack results into one array over layout rows."""
    out = np.empty(len(layout.row_cat), dtype=dtype)
    for stack, values in zip(layout.stacks, per_stack, strict=True):
        out[stack.rows] = values[stack.row_place, stack.row_slot]
    return out


def col_values(layout: Layout, per_stack: list[np.ndarray], dtype: type = float) -> np.ndarray:
    out = np.empty(len(layout.col_cat), dtype=dtype)
    for stack, values in zip(layout.stacks, per_stack, strict=True):
        out[stack.cols] = values.ravel()
    return out


def aggregates(layout: Layout, method: str, pooled: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Aggregate per layout row; keeps each stack's per-juror values for the bootstrap."""
    where = np.full(len(layout.row_bounds), -1)
    where[layout.cats] = np.arange(len(layout.cats))
    per_stack = []
    for stack in layout.stacks:
        idx = where[stack.cats]
        agg, values = aggregate_matrix(
            stack.matrix, method, pooled=(pooled[0][idx], pooled[1][idx])
        )
        stack.values[method] = values
        per_stack.append(agg)
    return row_values(layout, per_stack)


def first_places(layout: Layout) -> np.ndarray:
    """Per row: jurors whose highest total (within 1e-9) went to that entry."""
    per_stack = []
    for stack in layout.stacks:
        x = stack.matrix
        mask = ~np.isnan(x)
        top = masked(x, mask, -np.inf).max(axis=0, keepdims=True, initial=-np.inf)
        per_stack.append((mask & (x >= top - TOL)).sum(axis=1))
    return row_values(layout, per_stack, np.int64)
