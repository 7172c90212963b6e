"""Aggregation of jurors' scores into rankings, awards and agreement statistics.

Pure pandas/numpy (no Django): used by the `rank` management command, the
results page and the benchmarks. Input is long format: category (optional),
entry, juror, criterion, score; plus a criteria table (criterion, weight,
optional min, max, tiebreak_order). Identifiers may be categoricals, integers
(database keys: coded through a presence table, no hashing) or strings, and
come out as strings, ordered as strings, whatever type they came in as.

Choices where the rules leave room (the rules themselves are in the
docstrings of `rank`, `aggregate`, `juror_totals`, `krippendorff_alpha`,
`icc`, `juror_agreement`, `bootstrap_confidence`):

- Values closer than 1e-9 are equal (aggregates, criterion means, juror
  totals for Borda ties and first places, sigma_j = 0). Near-equal values
  chain: if a~b and b~c, all three are tied.
- zscore and the agreement SDs: population SD (ddof=0) for sigma_j and the
  pooled sigma; the juror bias flag uses the sample SD (ddof=1) of the
  category's counted totals.
- Unknown criterion max: the maximum observed over all scores passed (all
  categories), so `rank_category` agrees with `rank`.
- tie_break names the step at which the entry became separate from every
  other entry of its tie; the chair's list settles a remaining group only if
  it names all of it. Unresolved groups keep entry-id (string) order.
- An unresolved group whose provisional positions carry different awards,
  including place_1/place_2, gets award None and award_pending for all.
- Bootstrap: numpy.random.default_rng(seed) afresh per category; within a
  round tied aggregates (closer than 1e-9, chaining) share the best
  position of the tie (1, 2, 2, 4), so tied entries get the same p_award
  and interval and a tie touching the award places counts for all of them
  (`BOOTSTRAP_TIE_RULE` says it in a sentence); a round in which no drawn
  juror scored an entry ranks it last and gives it no award; rank interval
  = 5th percentile (method "lower") and 95th (method "higher"). With bootstrap=0, p_award is NaN / JSON null and
  the interval <NA> / null.
- corr_with_others is NaN in the frame and null in JSON when undefined.
- `rank` stacks the dense entries x jurors matrices of all categories with
  the same number of jurors into one array (layout.py) and computes every
  statistic for the whole stack, with the same floating-point summation
  order as one category at a time, so results do not depend on how
  categories are grouped. Memory grows with the juror totals of the edition
  (at most twice, for padding categories to similar sizes).

Typical use::

    results = rank(scores, criteria, method="trimmed", places=3, distinctions=2)
    payload = to_json(results, "trimmed")
"""

from __future__ import annotations

from ._base import METHODS, competition_rank
from .agreement import icc, juror_agreement, krippendorff_alpha
from .bootstrap import (
    BOOTSTRAP_TIE_RULE,
    bootstrap_aggregates,
    bootstrap_confidence,
    bootstrap_ranks,
)
from .methods import aggregate, aggregate_matrix
from .ranking import assign_awards, break_ties
from .results import CategoryResult, rank, rank_category, to_json
from .totals import juror_totals

__all__ = [
    "BOOTSTRAP_TIE_RULE",
    "METHODS",
    "CategoryResult",
    "aggregate",
    "aggregate_matrix",
    "assign_awards",
    "bootstrap_aggregates",
    "bootstrap_confidence",
    "bootstrap_ranks",
    "break_ties",
    "competition_rank",
    "icc",
    "juror_agreement",
    "juror_totals",
    "krippendorff_alpha",
    "rank",
    "rank_category",
    "to_json",
]
