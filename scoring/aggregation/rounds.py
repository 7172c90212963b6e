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


# The synthetic criterion that carries the pre-selection into the final's engine run.
PRESELECTION_CRITERION = "preselection"
# The methods for which adding a constant to every juror's total of an entry adds exactly that
# constant to the entry's aggregate: only for them can the pre-selection ride along as a criterion.
LOCATION_EQUIVARIANT = ("mean", "median", "trimmed")


def with_preselection(
    scores: pd.DataFrame,
    criteria: pd.DataFrame,
    shares: pd.Series,
    *,
    weight: float,
    final_max: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The final's scores and criteria with the pre-selection added as one more criterion.

    The final ranking with a weight w is combined_e = w × pre_e + (1 − w) × fin_e, where
    pre_e is the entry's pre-selection share (`shares`, aggregate over the most the round
    gives) and fin_e = agg_e / final_max its final share. Every juror's sheet of entry e gets
    one more row, criterion "preselection" with weight 1 and score

        c_e = w / (1 − w) × final_max × pre_e,

    so each of the entry's juror totals t_je grows by c_e. The mean, the median and the
    trimmed mean are location-equivariant: m(t_1 + c, …, t_n + c) = m(t_1, …, t_n) + c. So
    the engine's aggregate becomes

        agg'_e = agg_e + c_e = final_max / (1 − w) × ((1 − w) × fin_e + w × pre_e)
               = final_max / (1 − w) × combined_e,

    a positive multiple of combined_e: ranking by agg' is ranking by the combination. A
    bootstrap replicate redraws the final's jurors, each carrying the same c_e, so its
    aggregate is the replicate's agg_e + c_e too: P(award) and the rank intervals are those
    of the combined ranking with the pre-selection taken as fixed and the final jury redrawn.

    The criterion's scale runs from 0 to w / (1 − w) × final_max (the c of a full share), so
    the engine's maximum becomes final_max / (1 − w) and a minimum award share applies to
    combined_e. It has no tie-break role. z-score and Borda normalise each juror's totals
    (or rank them), which a constant per entry does not pass through: the caller refuses them.
    """
    if not 0 < weight < 1:
        raise ValueError("weight must lie in (0, 1)")
    if not final_max:
        raise ValueError("the final needs a known maximum")
    shares = pd.Series(shares, dtype=float)
    shares.index = shares.index.astype(str)
    entries = scores["entry"].astype(str)
    missing = sorted(set(entries) - set(shares.dropna().index))
    if missing:
        raise ValueError(
            f"entries without a pre-selection result cannot be combined: {', '.join(missing)}"
        )
    factor = weight / (1 - weight) * final_max
    sheets = scores.loc[~scores.duplicated(["entry", "juror"])].copy()
    sheets["criterion"] = PRESELECTION_CRITERION
    sheets["score"] = factor * shares.reindex(sheets["entry"].astype(str)).to_numpy()
    added = pd.concat(
        [scores.assign(criterion=scores["criterion"].astype(str)), sheets], ignore_index=True
    )
    low = min(0.0, float(sheets["score"].min())) if len(sheets) else 0.0
    high = max(factor, float(sheets["score"].max())) if len(sheets) else factor
    row = pd.DataFrame(
        [
            {
                "criterion": PRESELECTION_CRITERION,
                "weight": 1.0,
                "min": low,
                "max": high,
                "tiebreak_order": float("nan"),
            }
        ]
    )
    frame = criteria.assign(criterion=criteria["criterion"].astype(str))
    return added, pd.concat([frame, row], ignore_index=True)
