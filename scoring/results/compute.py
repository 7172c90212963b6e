"""The category's ranking from the engine, computed once per change of its inputs."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd
from django.core.cache import cache

from competition.models import Category, Criterion
from entries.models import Entry

from .. import aggregation
from ..aggregation.rounds import with_preselection
from ..models import AwardDecision, TieDecision
from ..rounds.queries import stage_entries, weighting
from .queries import (
    criteria_frame,
    inputs_digest,
    latest_award_decision,
    latest_tie_decision,
    ranking_inputs,
    scores_frame,
)

BOOTSTRAP_ROUNDS = 1000


@dataclass
class CategoryResults:
    category: Category
    result: aggregation.CategoryResult | None
    entries: dict[str, Entry]
    criteria: dict[str, Criterion]
    tie_decision: TieDecision | None
    award_decision: AwardDecision | None
    digest: str = ""  # of the inputs the result was computed from (queries.inputs_digest)

    @property
    def proposal(self) -> dict[str, str | None]:
        if self.result is None:
            return {}
        return {row.entry: row.award for row in self.result.entries.itertuples()}

    @property
    def confirmation_stale(self) -> bool:
        """The last confirmation was made on another ranking than the category has now.

        A confirmation records the proposal it was made on; anything that moved the ranking
        since (a late conflict, reopened criteria) makes it stale, and the category must be
        confirmed again before the freeze.
        """
        return self.award_decision is not None and self.award_decision.proposal != self.proposal


# Long enough to outlive a jury's working week; the key changes with every input anyway.
CACHE_SECONDS = 7 * 24 * 3600


def _rank(category: Category, *, bootstrap: int, round=None) -> aggregation.CategoryResult | None:
    frame = scores_frame([category], round)
    if frame.empty:
        return None
    # The chair breaks ties between places, which the final decides.
    decision = latest_tie_decision(category) if round is None else None
    options = {
        "method": category.edition.method,
        # In a pre-selection the "places" are the shortlist's: P(award place) is then the
        # probability of reaching the final, and a tie at the cut is named as such.
        "places": category.places if round is None else (round.shortlist_size or 0),
        "distinctions": category.max_distinctions if round is None else 0,
        "min_share": None
        if round is not None or category.min_award_share is None
        else float(category.min_award_share),
        "bootstrap": bootstrap,
        "chair_decision": decision.order if decision else None,
        "other_methods": True,
    }
    scores, criteria = frame.drop(columns=["category"]), criteria_frame(category, round)
    own = aggregation.rank_category(scores, criteria, **options)
    weighted = weighting(category.edition) if round is None else None
    if weighted is None or not weighted.applies or not own.max_possible:
        return own
    _, pre = ranking(category, bootstrap=0, round=weighted.round)
    if isinstance(pre, str) or not pre.max_possible:
        return own
    shares = pre.entries.set_index("entry")["aggregate"] / pre.max_possible
    combined = aggregation.rank_category(
        *with_preselection(
            scores, criteria, shares, weight=weighted.weight, final_max=own.max_possible
        ),
        **options,
    )
    return _combined_result(own, combined, weight=weighted.weight)


def _combined_result(
    own: aggregation.CategoryResult, combined: aggregation.CategoryResult, *, weight: float
) -> aggregation.CategoryResult:
    """The final's result whose ranking is the weighted combination.

    The places, awards, ties, P(award) and rank intervals come from the run with the
    pre-selection as a criterion (`with_preselection`); the aggregate shown stays the final's
    own, beside `combined` on the 0–1 share scale. The agreement, the jurors, their totals and
    the other methods' ranks describe the final's jury, so they come from the final's own run.
    """
    entries = combined.entries.copy()
    ids = pd.Index(entries["entry"], name=own.totals.index.name)
    mine = own.entries.set_index("entry")
    entries["combined"] = entries["aggregate"] * (1 - weight) / own.max_possible
    entries["aggregate"] = mine["aggregate"].reindex(ids).to_numpy()
    for method in aggregation.METHODS:
        column = f"rank_{method}"
        if column in entries.columns and column in mine.columns:
            entries[column] = mine[column].reindex(ids).to_numpy()
    return dataclasses.replace(
        own,
        entries=entries,
        unresolved_ties=combined.unresolved_ties,
        boundary_conflicts=combined.boundary_conflicts,
        totals=own.totals.reindex(ids),
    )


def cache_key(digest: str) -> str:
    return f"results:{digest}"


def ranking(
    category: Category, *, bootstrap: int = BOOTSTRAP_ROUNDS, round=None
) -> tuple[str, object]:
    """The engine's result for the category and the digest of its inputs.

    Stored in the shared cache under the digest, so the results page, the chair's and the
    organiser's actions, the freeze and the protocol reuse one computation until a score,
    a recusal, an entry's eligibility, a criterion or a decision changes. An action that
    does not need the bootstrap (bootstrap=0) takes the full computation when it is there:
    the ranking and the awards do not depend on the bootstrap.
    """
    inputs = ranking_inputs(category, round)
    digest = inputs_digest(inputs, bootstrap=bootstrap)
    if bootstrap == 0:
        full = cache.get(cache_key(inputs_digest(inputs, bootstrap=BOOTSTRAP_ROUNDS)))
        if full is not None:
            return digest, full
    stored = cache.get(cache_key(digest))
    if stored is None:
        stored = _rank(category, bootstrap=bootstrap, round=round) or _EMPTY
        cache.set(cache_key(digest), stored, CACHE_SECONDS)
    return digest, stored


# Stands in the cache for "no submitted sheets", which is a result too.
_EMPTY = "empty"


def load_entries(
    category: Category, ids: Collection[str] | None = None, round=None
) -> dict[str, Entry]:
    """The round's entries by id (as the engine names them), or only `ids`."""
    entries = stage_entries(category, round)
    if ids is not None:
        entries = entries.filter(pk__in=[int(pk) for pk in ids])
    return {str(e.pk): e for e in entries.select_related("institution")}


def compute(
    category: Category, *, bootstrap: int = BOOTSTRAP_ROUNDS, entries: bool = True, round=None
) -> CategoryResults:
    """The category's ranking under the edition's method, with the other methods beside it.

    With entries=False the entries are left for the caller to load (`load_entries`): a page
    showing 100 of 2,000 rows need not build 2,000 model instances.
    """
    digest, result = ranking(category, bootstrap=bootstrap, round=round)
    return CategoryResults(
        category=category,
        result=None if isinstance(result, str) else result,
        entries=load_entries(category, round=round) if entries else {},
        criteria={
            str(c.pk): c for c in Criterion.objects.filter(edition=category.edition, round=round)
        },
        # Ties and awards are decided in the final; a round's results have neither.
        tie_decision=latest_tie_decision(category) if round is None else None,
        award_decision=latest_award_decision(category) if round is None else None,
        digest=digest,
    )
