"""The frozen snapshot's payload, built from the computed results (typed reading: `snapshot`)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

import pandas as pd

from competition.lifecycle import preselection_of
from competition.models import Criterion, Edition

from ..models import Recusal
from ..queries import jury_of_record
from .compute import CategoryResults, compute
from .queries import scores_frame


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    if value is pd.NA:
        return None
    return value


def feminine_titles(user) -> bool:
    profile = getattr(user, "juror_profile", None)
    return bool(profile and profile.feminine_titles)


def _full_name(user) -> str:
    """How the protocol names a person: the full name, the login only when there is none."""
    return user.get_full_name() or user.get_username()


def _category_payload(results: CategoryResults) -> dict:
    category, result, decision = results.category, results.result, results.award_decision
    jury = jury_of_record(category)
    ranking = []
    totals = result.totals if result is not None else pd.DataFrame()
    # One dict for the category: a `.loc` per entry and juror was most of the freeze at 2,000.
    totals_by_entry = totals.to_dict("index")
    for row in result.entries.to_dict("records") if result is not None else []:
        entry = results.entries[row["entry"]]
        ranking.append(
            {
                "entry": row["entry"],
                "number": entry.number,
                "title": entry.title,
                "institution": entry.institution.name,
                "institution_id": entry.institution_id,
                "aggregate": _clean(row["aggregate"]),
                "rank": _clean(row["rank"]),
                "position": _clean(row["position"]),
                "tie_break": _clean(row["tie_break"]),
                "proposed_award": _clean(row["award"]),
                "award": decision.awards.get(row["entry"]) if decision else _clean(row["award"]),
                "p_award": _clean(row["p_award"]),
                # Only where the pre-selection weighs into the ranking (results.compute).
                **({"combined": _clean(row["combined"])} if "combined" in row else {}),
                "rank_interval": [_clean(row["rank_low"]), _clean(row["rank_high"])],
                "juror_totals": {
                    str(j): _clean(value)
                    for j, value in totals_by_entry.get(row["entry"], {}).items()
                    if not pd.isna(value)
                },
            }
        )
    recusals = Recusal.objects.filter(entry__category=category, lifted_at__isnull=True).values_list(
        "juror_id", "entry_id", "kind", "reason", "entry__number", "entry__title"
    )
    # A juror whose every entry was recused (or who sent no sheet) is on the jury but scored none.
    scored = {str(juror) for juror in totals.columns if totals[juror].notna().any()}
    return {
        "id": category.pk,
        "name": category.name,
        "places": category.places,
        "max_distinctions": category.max_distinctions,
        "prizes": {str(p.place): str(p.amount) for p in category.prizes.all()},
        "jury": [
            {
                "id": m.user.pk,
                "name": _full_name(m.user),
                "chair": m.chair,
                "feminine": feminine_titles(m.user),
                "dismissed": m.dismissed,
                "scored": str(m.user.pk) in scored,
            }
            for m in jury
        ],
        # The entry's number and title too: the protocol names an entry nobody scored as well.
        "recusals": [
            {"juror": j, "entry": str(e), "kind": k, "reason": r, "number": n, "title": t}
            for j, e, k, r, n, t in recusals
        ],
        "agreement": {
            "krippendorff_alpha_interval": _clean(result.krippendorff_alpha_interval)
            if result
            else None,
            "icc": result.icc if result else None,
        },
        "ranking": ranking,
        "decisions": {
            "tie": {
                "order": results.tie_decision.order,
                "justification": results.tie_decision.justification,
                "by": results.tie_decision.decided_by.get_username(),
                "by_name": _full_name(results.tie_decision.decided_by),
                "at": results.tie_decision.decided_at.isoformat(),
            }
            if results.tie_decision
            else None,
            "awards": {
                "changed": decision.changed,
                "justification": decision.justification,
                "by": decision.confirmed_by.get_username(),
                "by_name": _full_name(decision.confirmed_by),
                "at": decision.confirmed_at.isoformat(),
            }
            if decision
            else None,
        },
    }


def _criteria_payload(criteria) -> list[dict]:
    return [
        {
            "id": c.pk,
            "name": c.name,
            "weight": str(c.weight),
            "min": str(c.scale_min),
            "max": str(c.scale_max),
            "category": c.category_id,
            "tiebreak_order": c.tiebreak_order,
        }
        for c in criteria
    ]


def _scores_payload(categories, criteria, round=None) -> list[dict]:
    scores = scores_frame(categories, round)
    return scores_payload(
        (
            (int(r.category), int(r.entry), int(r.juror), int(r.criterion), float(r.score))
            for r in scores.itertuples()
        ),
        categories=[c.pk for c in categories],
        criteria=[c.pk for c in criteria],
    )


RANKING_KEYS = ("entry", "number", "title", "institution", "aggregate", "rank", "rank_interval")


def _preselection_payload(round, categories) -> dict:
    """The pre-selection as the jury closed it: its rule, each category's ranking with its
    agreement and confidence, the shortlist (proposal, ties at the cut, finalists, the
    justification of changes) and, with a weight, the combined final ranking."""
    from ..rounds.queries import shortlists_of, weighting
    from ..rounds.services import final_ranking

    criteria = list(Criterion.objects.filter(round=round).order_by("order", "pk"))
    shortlists = shortlists_of(round)
    weighted = weighting(round.edition)
    blocks = []
    for category in categories:
        computed = _category_payload(compute(category, round=round))
        shortlist = shortlists.get(category.pk)
        finalists = {str(e.pk) for e in shortlist.entries.all()} if shortlist else set()
        combined = final_ranking(category)
        blocks.append(
            {
                "id": category.pk,
                "name": category.name,
                "agreement": computed["agreement"],
                "ranking": [
                    {key: row[key] for key in RANKING_KEYS}
                    | {"finalist": row["entry"] in finalists}
                    for row in computed["ranking"]
                ],
                "shortlist": {
                    "proposal": [str(pk) for pk in shortlist.proposal],
                    "tied": [str(pk) for pk in shortlist.tied],
                    "finalists": sorted(finalists, key=int),
                    "justification": shortlist.justification,
                    "by": shortlist.confirmed_by.get_username(),
                    "by_name": _full_name(shortlist.confirmed_by),
                    "at": shortlist.confirmed_at.isoformat(),
                }
                if shortlist
                else None,
                # The combination that ranked the final (None without a weight that applies).
                "combined": [
                    {k: _clean(v) for k, v in row.items()}
                    for row in combined.rows.to_dict("records")
                ]
                if combined and not combined.refused
                else None,
            }
        )
    return {
        "opens_at": round.opens_at.isoformat(),
        "closes_at": round.closes_at.isoformat(),
        "closed_at": round.closed_at.isoformat() if round.closed_at else None,
        "mode": round.mode,
        "shortlist_size": round.shortlist_size,
        "threshold": str(round.threshold) if round.threshold is not None else None,
        "weight": str(round.weight),
        # Why the weight did not apply (the edition's method), "" when it did or was 0.
        "weight_refused": weighted.refused if weighted else "",
        "criteria": _criteria_payload(criteria),
        "categories": blocks,
        "scores": _scores_payload(categories, criteria, round),
    }


def build_payload(edition: Edition) -> dict:
    categories = list(edition.categories.order_by("sort_order", "name"))
    criteria = list(Criterion.objects.filter(edition=edition, round=None).order_by("order", "pk"))
    scores = scores_frame(categories)
    payload = {
        "competition": edition.competition.name,
        "edition": {
            "id": edition.pk,
            "number": edition.number,
            "label": str(edition.label),
            "year": edition.year,
        },
        "method": edition.method,
        "criteria": [
            {
                "id": c.pk,
                "name": c.name,
                "weight": str(c.weight),
                "min": str(c.scale_min),
                "max": str(c.scale_max),
                "category": c.category_id,
                "tiebreak_order": c.tiebreak_order,
            }
            for c in criteria
        ],
        "categories": [_category_payload(compute(c)) for c in categories],
        "scores": scores_payload(
            (
                (int(r.category), int(r.entry), int(r.juror), int(r.criterion), float(r.score))
                for r in scores.itertuples()
            ),
            categories=[c.pk for c in categories],
            criteria=[c.pk for c in criteria],
        ),
    }
    # Only an edition with a pre-selection gets the key: other snapshots read as before.
    round = preselection_of(edition)
    if round is not None:
        payload["preselection"] = _preselection_payload(round, categories)
    return payload


ScoreRow = tuple[int, int, int, int, float]


MISSING = "-"


def scores_payload(
    rows: Iterable[ScoreRow], *, categories: Sequence[int], criteria: Sequence[int]
) -> list[dict]:
    """Every score of the snapshot, one text line per score sheet, a block per category.

    `rows` are (category, entry, juror, criterion, value). Each block is
    `{"category": id, "criteria": [ids], "sheets": "entry juror v1 v2 ...\\n..."}`: a line
    per sheet with its values in the block's criteria order ("-" where a criterion was
    not scored), sorted by entry and juror. One string per category, not a JSON number
    per score, because the protocol task parses the whole payload: 3M scores as JSON
    numbers take several hundred MB as Python objects, as text a few dozen. The text is
    still canonical (floats in `repr` form, which reads back exactly) and under the
    digest. `scoring.results.protocol.iter_scores` reads it back.
    """
    category_order = {pk: i for i, pk in enumerate(categories)}
    criterion_order = {pk: i for i, pk in enumerate(criteria)}
    unknown = len(criterion_order)

    def criterion_key(pk: int) -> tuple[int, int]:
        return criterion_order.get(pk, unknown), pk

    ordered = sorted(
        rows,
        key=lambda r: (category_order.get(r[0], len(category_order)), r[0], r[1], r[2]),
    )
    blocks = []
    for category, group in groupby(ordered, key=itemgetter(0)):
        sheet_rows = list(group)
        used = sorted({r[3] for r in sheet_rows}, key=criterion_key)
        lines = []
        for (entry, juror), sheet in groupby(sheet_rows, key=itemgetter(1, 2)):
            values = {r[3]: r[4] for r in sheet}
            texts = [repr(float(values[c])) if c in values else MISSING for c in used]
            lines.append(" ".join([str(entry), str(juror), *texts]))
        blocks.append({"category": category, "criteria": used, "sheets": "\n".join(lines)})
    return blocks
