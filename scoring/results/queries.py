"""What the results are computed from: the score and criteria frames, the latest decisions."""

from __future__ import annotations

import hashlib
import json
import math

import pandas as pd
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    Sum,
)

from competition.models import Category, Criterion
from entries.models import EntryStatus

from ..models import AwardDecision, Recusal, Score, SheetStatus, TieDecision
from ..rounds.queries import stage_entries, weighting


def scores_frame(categories, round=None) -> pd.DataFrame:
    """Long format from submitted sheets of eligible entries, without recused jurors.

    Ids stay the integers the database gives: the engine codes them without hashing and
    hands them back as strings, while 3M ids turned into `str` here cost seconds.
    """
    recused = Recusal.objects.filter(
        juror=OuterRef("sheet__juror"), entry=OuterRef("sheet__entry"), lifted_at__isnull=True
    )
    rows = (
        Score.objects.filter(
            sheet__entry__category__in=categories,
            sheet__entry__status=EntryStatus.ELIGIBLE,
            sheet__status=SheetStatus.SUBMITTED,
            sheet__round=round,
        )
        .exclude(Exists(recused))
        .values_list(
            "sheet__entry__category_id",
            "sheet__entry_id",
            "sheet__juror_id",
            "criterion_id",
            "value",
        )
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["category", "entry", "juror", "criterion", "score"]
    )
    frame["score"] = frame["score"].astype(float)
    return frame


def criteria_frame(category: Category, round=None) -> pd.DataFrame:
    criteria = Criterion.objects.filter(
        Q(category__isnull=True) | Q(category=category),
        edition_id=category.edition_id,
        round=round,
    )
    return pd.DataFrame(
        [
            {
                "criterion": str(c.pk),
                "weight": float(c.weight),
                "min": float(c.scale_min),
                "max": float(c.scale_max),
                "tiebreak_order": float(c.tiebreak_order) if c.tiebreak_order else math.nan,
            }
            for c in criteria
        ],
        columns=["criterion", "weight", "min", "max", "tiebreak_order"],
    )


def latest_tie_decision(category: Category) -> TieDecision | None:
    return category.tie_decisions.order_by("-decided_at", "-pk").first()


def latest_award_decision(category: Category) -> AwardDecision | None:
    return category.award_decisions.order_by("-confirmed_at", "-pk").first()


def _weighted(field: str) -> ExpressionWrapper:
    return ExpressionWrapper(F("value") * F(field), output_field=FloatField())


def ranking_inputs(category: Category, round=None) -> dict:
    """What the category's ranking is computed from, in a few small queries (see `inputs_digest`).

    Not the scores themselves (reading 90,000 scores to decide whether to recompute would
    cost what the cache saves) but aggregates that change whenever they do: each sheet's
    last save, counts and sums of the submitted scores weighted by their sheet and criterion
    (an edit, a new sheet, a value moved between criteria), the recusals and when they were
    lifted, the eligible entries, the criteria's weights and scales, the chair's latest tie
    decision, the category's and edition's rules and, in a final the pre-selection weighs
    into, the weight and the pre-selection's own inputs.
    """
    scores = Score.objects.filter(
        sheet__entry__category=category,
        sheet__entry__status=EntryStatus.ELIGIBLE,
        sheet__status=SheetStatus.SUBMITTED,
        sheet__round=round,
    ).aggregate(
        n=Count("pk"),
        values=Sum("value"),
        by_sheet=Sum(_weighted("sheet_id")),
        by_criterion=Sum(_weighted("criterion_id")),
        saved=Max("sheet__updated_at"),
    )
    recusals = Recusal.objects.filter(entry__category=category).aggregate(
        n=Count("pk"),
        ids=Sum("pk"),
        created=Max("created_at"),
        lifted=Max("lifted_at"),
        open=Count("pk", filter=Q(lifted_at__isnull=True)),
        pairs=Sum(
            ExpressionWrapper(F("juror_id") * F("entry_id"), output_field=FloatField()),
            filter=Q(lifted_at__isnull=True),
        ),
    )
    entries = stage_entries(category, round).aggregate(n=Count("pk"), ids=Sum("pk"))
    criteria = criteria_frame(category, round).to_dict("records")
    decision = latest_tie_decision(category)
    edition = category.edition
    inputs = {
        "scores": scores,
        "recusals": recusals,
        "entries": entries,
        "criteria": criteria,
        "tie_decision": [decision.pk, decision.order] if decision else None,
        "method": edition.method,
        "places": category.places,
        "distinctions": category.max_distinctions,
        "min_share": category.min_award_share,
    }
    if round is not None:
        inputs["round"] = [round.pk, round.shortlist_size]
    else:
        weighted = weighting(edition)
        if weighted is not None:
            # The pre-selection's weight and result move the final ranking (results.compute).
            pre = ranking_inputs(category, weighted.round)
            inputs["preselection"] = [
                weighted.weight,
                weighted.refused,
                inputs_digest(pre, bootstrap=0),
            ]
    return inputs


def inputs_digest(inputs: dict, *, bootstrap: int) -> str:
    """SHA-256 of `ranking_inputs` and the number of bootstrap rounds: the results' cache key."""
    text = json.dumps({**inputs, "bootstrap": bootstrap}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
