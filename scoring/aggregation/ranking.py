"""Tie-breaking into final positions, and awards that never split a tie silently."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._base import TOL, tol_groups

# Integer-valued keys (first places, chair order) separate at any difference.
_INT_TOL = 0.5


@dataclass
class TieBreak:
    order: np.ndarray  # entry indices in final position order
    position: np.ndarray  # per entry, 1..n unique
    tie_break: np.ndarray  # per entry: None or what separated it
    unresolved: list[np.ndarray]  # entry indices of each still-tied group, in order


def break_ties(
    aggregate: np.ndarray,
    steps: Sequence[tuple[str, np.ndarray, float]],
    chair_rank: np.ndarray | None,
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
    """
    n = len(aggregate)
    groups = tol_groups(np.zeros(n, dtype=np.int64), aggregate, TOL)
    size = np.bincount(groups, minlength=n)[groups] if n else np.zeros(0, dtype=np.int64)
    labels = np.full(n, None, dtype=object)

    def refine(label: str, values: np.ndarray, tol: float) -> None:
        nonlocal groups, size
        new = tol_groups(groups, values, tol)
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
    order = np.lexsort((np.arange(n), groups))
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(1, n + 1)
    tied_order = order[still_tied[order]]
    cuts = np.flatnonzero(np.diff(groups[tied_order])) + 1
    unresolved = [g for g in np.split(tied_order, cuts) if len(g)]
    return TieBreak(order=order, position=position, tie_break=labels, unresolved=unresolved)


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
    n = len(position)
    award = np.full(n, None, dtype=object)
    for i in np.flatnonzero(eligible & (position <= places + distinctions)):
        award[i] = award_label(int(position[i]), places, distinctions)
    pending = np.zeros(n, dtype=bool)
    conflicts: list[dict] = []
    for group in unresolved:
        contested = [award[i] for i in group]
        if len(set(contested)) < 2:
            continue
        boundaries = [
            f"{a or 'none'}/{b or 'none'}" for a, b in itertools.pairwise(contested) if a != b
        ]
        conflicts.append(
            {
                "entries": [str(entry_ids[i]) for i in group],
                "positions": [int(position[group[0]]), int(position[group[-1]])],
                "contested_awards": contested,
                "boundaries": boundaries,
            }
        )
        award[group] = None
        pending[group] = True
    return award, pending, conflicts
