"""Tie-breaking into final positions, and awards that never split a tie silently."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._base import TOL, stable_argsort, tol_groups

# Integer-valued keys (first places, chair order) separate at any difference.
_INT_TOL = 0.5


@dataclass
class TieBreak:
    order: np.ndarray  # entry indices in final position order
    position: np.ndarray  # per entry, 1..n unique
    tie_break: np.ndarray  # per entry: None or what separated it
    unresolved: list[np.ndarray]  # entry indices of each still-tied group, in order
    # Competition rank (1, 2, 2, 4) by aggregate alone, within each category;
    # a by-product of the first grouping.
    rank: np.ndarray | None = None
    # The unresolved groups flat: their entries in order, and where each starts.
    tied: np.ndarray | None = None
    tied_starts: np.ndarray | None = None


def break_ties(
    aggregate: np.ndarray,
    steps: Sequence[tuple[str, np.ndarray, float]],
    chair_rank: np.ndarray | None,
    within: np.ndarray | None = None,
    *,
    split_unresolved: bool = True,
) -> TieBreak:
    """Order entries by aggregate, then by each tie-break step, then the chair.

    `steps` are (label, values, tolerance) with higher values better, applied
    only inside groups still tied. `chair_rank` gives each entry's index in the
    chair's list (-1 if absent); the chair orders a remaining tied group only
    if the list names every entry of it, since ordering part of a group would
    rank the unnamed ones by a decision nobody took. Entry indices must follow
    the entry-id order, which is then the provisional order of unresolved
    groups. An entry's label names the step at which it became separate from
    all others; entries never tied get None.

    With `within` (category codes, entries sorted by them) every category is
    ordered on its own in the same pass: entries of different categories are
    never tied, `order` runs category by category and `position` counts on
    across categories (subtract each category's first position). With
    split_unresolved=False, `unresolved` stays empty and only the flat
    `tied`/`tied_starts` describe the groups (thousands of small arrays cost
    more than the caller needs).
    """
    n = len(aggregate)
    start = np.zeros(n, dtype=np.int64) if within is None else np.asarray(within, dtype=np.int64)
    groups = tol_groups(start, aggregate, TOL)
    counts = np.bincount(groups, minlength=n)
    size = counts[groups] if n else np.zeros(0, dtype=np.int64)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    offset = np.concatenate(([0], np.cumsum(np.bincount(start))[:-1])) if n else start
    rank = (first[groups] - offset[start] + 1).astype(np.int64)
    labels = np.full(n, None, dtype=object)

    def refine(label: str, values: np.ndarray, tol: float) -> None:
        nonlocal groups, size
        new = _refine_tied(groups, size, values, tol)
        new_size = np.bincount(new, minlength=n)[new]
        labels[(size > 1) & (new_size == 1)] = label
        groups, size = new, new_size

    for label, values, tol in steps:
        if not (size > 1).any():
            break
        refine(label, np.asarray(values, dtype=float), tol)

    if chair_rank is not None and (size > 1).any():
        unlisted = np.bincount(groups, weights=chair_rank < 0, minlength=n)
        covered = (size > 1) & (unlisted[groups] == 0)
        if covered.any():
            refine("chair", np.where(covered, -chair_rank, 0.0).astype(float), _INT_TOL)

    still_tied = size > 1
    labels[still_tied] = "unresolved"
    # Stable sort: ties in the group id keep entry order, as lexsort with
    # arange as the second key would.
    order = stable_argsort(groups)
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(1, n + 1)
    tied_order = order[still_tied[order]]
    cuts = np.flatnonzero(np.diff(groups[tied_order])) + 1
    unresolved = [g for g in np.split(tied_order, cuts) if len(g)] if split_unresolved else []
    return TieBreak(
        order=order,
        position=position,
        tie_break=labels,
        unresolved=unresolved,
        rank=rank,
        tied=tied_order,
        tied_starts=np.concatenate(([0], cuts)) if len(tied_order) else cuts,
    )


def _refine_tied(
    groups: np.ndarray, size: np.ndarray, values: np.ndarray, tol: float
) -> np.ndarray:
    """tol_groups(groups, values, tol), sorting only the entries still tied.

    Usually few entries are tied after the aggregate; an entry alone in its
    group keeps one group, so only the tied ones need the sort. Group ids come
    out exactly as tol_groups numbers them: by old group, then best first.
    """
    tied = np.flatnonzero(size > 1)
    n_old = int(groups.max()) + 1 if len(groups) else 0
    old = groups[tied]
    sub = tol_groups(old, values[tied], tol)
    # Sub-groups are numbered by old group first, so each old group's parts
    # are a contiguous run of sub ids.
    old_of_sub = np.zeros(int(sub.max()) + 1 if len(sub) else 0, dtype=np.int64)
    old_of_sub[sub] = old
    parts = np.maximum(np.bincount(old_of_sub, minlength=n_old), 1)
    base = np.cumsum(parts) - parts
    first_sub = np.zeros(n_old, dtype=np.int64)
    if len(old_of_sub):
        starts = np.flatnonzero(np.concatenate(([True], old_of_sub[1:] != old_of_sub[:-1])))
        first_sub[old_of_sub[starts]] = starts
    new = base[groups]
    new[tied] = base[old] + (sub - first_sub[old])
    return new


def award_label(position: int, places: int, distinctions: int) -> str | None:
    if position <= places:
        return f"place_{position}"
    if position <= places + distinctions:
        return "distinction"
    return None


def assign_awards(
    position: np.ndarray,
    eligible: np.ndarray,
    unresolved: list[np.ndarray],
    entry_ids: np.ndarray,
    places: int,
    distinctions: int,
) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """Awards by position; (award, award_pending, boundary_conflicts).

    An unresolved tie group whose provisional positions carry different awards
    (place_1/place_2, place_3/distinction, distinction/none, ...) gets none of
    them: its entries are award None with award_pending True until the chair
    decides, and the conflict is listed. Entries below min_share (not
    `eligible`) get no award; tied entries share an aggregate, hence
    eligibility, so that cannot split a group either.
    """
    award = award_labels(position, eligible, places, distinctions)
    pending, conflicts = settle_contested(award, position, unresolved, entry_ids)
    return award, pending, [c for _, c in conflicts]


def award_labels(
    position: np.ndarray, eligible: np.ndarray, places: int, distinctions: int
) -> np.ndarray:
    """Award by position (object array, None = no award), before tie checks."""
    table = np.array(
        [None]
        + [award_label(p, places, distinctions) for p in range(1, places + distinctions + 1)],
        dtype=object,
    )
    return table[np.where(eligible & (position <= places + distinctions), position, 0)]


def settle_contested(
    award: np.ndarray,
    position: np.ndarray,
    unresolved: list[np.ndarray],
    entry_ids: np.ndarray,
) -> tuple[np.ndarray, list[tuple[int, dict]]]:
    """Withdraw the awards of unresolved groups that straddle an award boundary
    (in place); (pending, [(index of group in `unresolved`, conflict)])."""
    pending = np.zeros(len(position), dtype=bool)
    conflicts: list[tuple[int, dict]] = []
    for g, group in enumerate(unresolved):
        contested = [award[i] for i in group]
        if len(set(contested)) < 2:
            continue
        boundaries = [
            f"{a or 'none'}/{b or 'none'}" for a, b in itertools.pairwise(contested) if a != b
        ]
        conflicts.append(
            (
                g,
                {
                    "entries": [str(entry_ids[i]) for i in group],
                    "positions": [int(position[group[0]]), int(position[group[-1]])],
                    "contested_awards": contested,
                    "boundaries": boundaries,
                },
            )
        )
        award[group] = None
        pending[group] = True
    return pending, conflicts
