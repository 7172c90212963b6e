"""The frozen snapshot's payload, built from the computed results (typed reading: `snapshot`)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

import pandas as pd

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


def build_payload(edition: Edition) -> dict:
    categories = list(edition.categories.order_by("sort_order", "name"))
    criteria = list(Criterion.objects.filter(edition=edition).order_by("order", "pk"))
    scores = scores_frame(categories)
    return {
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
