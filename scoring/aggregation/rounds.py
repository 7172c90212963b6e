"""Two rounds: the shortlist a pre-selection proposes, and the weighted final ranking.

Pure pandas like the rest of the engine: the services hand in a round's ranked entries
(`CategoryResult.entries`: entry, aggregate, rank in position order).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ._base import TOL, competition_rank


@dataclass(frozen=True)
class ShortlistProposal:
    entries: list[str]  # in ranking order
    tied: list[str]  # entries tied at the cut, all kept (so `entries` may hold more than N)


def propose_shortlist(
    ranked: pd.DataFrame, *, size: int | None = None, threshold: float | None = None
) -> ShortlistProposal:
    """Top `size` by rank, or every entry whose aggregate reaches `threshold`.

    Equal aggregates share a rank (1, 2, 2, 4), so "rank ≤ N" keeps an entry tied with the
    N-th together with it; those tied at the cut are named so the chair sees why the list is
    longer than N. Tie-breaks are for places, not for the cut: the jury decides a tied cut.
    """
    if (size is None) == (threshold is None):
        raise ValueError("give either size or threshold")
    if ranked.empty:
        return ShortlistProposal([], [])
    rows = ranked.dropna(subset=["aggregate"])
    if threshold is not None:
        kept = rows[rows["aggregate"] >= threshold - TOL]
        return ShortlistProposal([str(e) for e in kept["entry"]], [])
    if size < 1:
        raise ValueError("size must be at least 1")
    ranks = competition_rank(rows["aggregate"].to_numpy())
    kept = rows[ranks <= size]
    tied: list[str] = []
    if len(kept) > size:
        last = ranks[ranks <= size].max()
        tied = [str(e) for e, r in zip(rows["entry"], ranks, strict=True) if r == last]
    return ShortlistProposal([str(e) for e in kept["entry"]], tied)


def combine(
    preselection: pd.DataFrame,
    pre_max: float,
    final: pd.DataFrame,
    final_max: float,
    weight: float,
) -> pd.DataFrame:
    """combined = w × pre-selection share + (1 − w) × final share, for the finalists.

    A share is the round's aggregate over the most its method can give (Σ weight × highest
    score; 1 for borda), so rounds on different criteria and scales add up fairly. Columns:
    entry, preselection_share, final_share, combined, rank (equal combined values share one).
    """
    if not 0 <= weight < 1:
        raise ValueError("weight must lie in [0, 1)")
    if not pre_max or not final_max:
        raise ValueError("both rounds need a known maximum")
    pre = preselection.set_index(preselection["entry"].astype(str))["aggregate"] / pre_max
    fin = final.set_index(final["entry"].astype(str))["aggregate"] / final_max
    frame = pd.DataFrame({"final_share": fin})
    frame["preselection_share"] = pre.reindex(frame.index)
    frame["combined"] = weight * frame["preselection_share"] + (1 - weight) * frame["final_share"]
    frame = frame.dropna(subset=["combined"]).sort_values("combined", ascending=False)
    frame["rank"] = competition_rank(frame["combined"].to_numpy())
    frame.index.name = "entry"
    return frame.reset_index()[["entry", "preselection_share", "final_share", "combined", "rank"]]
