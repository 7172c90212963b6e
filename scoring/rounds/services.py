"""Round actions: close the pre-selection, confirm a category's shortlist, the weighted final."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from competition import lifecycle
from competition.lifecycle import RoundAction
from competition.models import Category, Duty, PreselectionRound, RoundMode

from .. import permissions
from ..aggregation.rounds import ShortlistProposal, combine, propose_shortlist
from ..models import Shortlist
from ..results.compute import compute
from .queries import stage_entries, weighting

# At least this many characters justify a shortlist that differs from the proposal.
MIN_JUSTIFICATION = 10


def _ranked(category: Category, round: PreselectionRound | None):
    """The round's engine result for the category, or None before any submitted sheet."""
    return compute(category, bootstrap=0, entries=False, round=round).result


def proposal(category: Category, round: PreselectionRound) -> ShortlistProposal:
    """What the round's rule gives for the category: top N (ties at the cut kept together)
    or everyone reaching the threshold, in ranking order."""
    result = _ranked(category, round)
    if result is None:
        return ShortlistProposal([], [])
    return propose_shortlist(
        result.entries[["entry", "aggregate"]],
        size=round.shortlist_size,
        threshold=float(round.threshold) if round.threshold is not None else None,
    )


def _check_rule(round: PreselectionRound, categories: list[Category]) -> None:
    """N within the eligible entries, the threshold within the scale, per category; a pass/fail
    round marks on one criterion from 0 (does not qualify) to 1 (qualifies)."""
    errors = []
    if round.mode == RoundMode.PASS_FAIL:
        scales = list(round.criteria.values_list("scale_min", "scale_max", "step"))
        if scales != [(0, 1, 1)]:
            errors.append(
                _(
                    "A pass/fail round has one criterion on the scale from 0 (does not qualify) "
                    "to 1 (qualifies) in steps of 1."
                )
            )
    for category in categories:
        eligible = stage_entries(category, round).count()
        if round.shortlist_size is not None and 0 < eligible < round.shortlist_size:
            errors.append(
                ngettext(
                    "“%(category)s” has %(count)d eligible entry: a shortlist of %(n)d would "
                    "take them all. Lower the number of finalists.",
                    "“%(category)s” has %(count)d eligible entries: a shortlist of %(n)d would "
                    "take them all. Lower the number of finalists.",
                    eligible,
                )
                % {"category": category.name, "count": eligible, "n": round.shortlist_size}
            )
        if round.threshold is not None:
            result = _ranked(category, round)
            top = result.max_possible if result is not None else None
            if top is not None and not 0 <= float(round.threshold) <= top:
                errors.append(
                    _(
                        "The threshold %(value)s lies outside the scale of “%(category)s” "
                        "(0–%(max)s)."
                    )
                    % {"value": round.threshold, "category": category.name, "max": f"{top:g}"}
                )
    if errors:
        raise ValidationError(errors, code="shortlist_rule")


@transaction.atomic
def close_round(*, round: PreselectionRound, by) -> PreselectionRound:
    """The organiser closes the pre-selection (early, or records its end): scoring in it stops
    and each category's chair sees the proposed shortlist."""
    round = PreselectionRound.objects.select_for_update().select_related("edition").get(pk=round.pk)
    # The organisers who see the edition's results, where the round is closed.
    if not permissions.is_organiser(by, round.edition.competition_id, Duty.RESULTS):
        raise ValidationError(_("Only an organiser closes the round."), code="forbidden")
    lifecycle.round_verdict(RoundAction.CLOSE_ROUND, round).require()
    _check_rule(round, list(round.edition.categories.all()))
    round.closed_at = timezone.now()
    round.closed_by = by
    round.save(update_fields=["closed_at", "closed_by"])
    return round


@transaction.atomic
def confirm_shortlist(
    *,
    round: PreselectionRound,
    category: Category,
    entries: Collection[int | str],
    justification: str = "",
    by,
) -> Shortlist:
    """The chair (or an organiser with the results duty) confirms the finalists once.

    A list other than the proposal needs a written justification; the finalists then get
    fresh sheets in the final, the others are "not qualified for the final".
    """
    round = PreselectionRound.objects.select_for_update().select_related("edition").get(pk=round.pk)
    if category.edition_id != round.edition_id:
        raise ValidationError(_("The category belongs to another edition."), code="invalid")
    if not (
        permissions.is_chair(by, category)
        or permissions.is_organiser(by, round.edition.competition_id, Duty.RESULTS)
    ):
        raise ValidationError(
            _("Only the chair or an organiser confirms the shortlist."), code="forbidden"
        )
    lifecycle.round_verdict(RoundAction.CONFIRM_SHORTLIST, round).require()
    if Shortlist.objects.filter(round=round, category=category).exists():
        raise ValidationError(
            _("The shortlist of this category is already confirmed."), code="confirmed"
        )
    chosen = {int(pk) for pk in entries}
    eligible = set(stage_entries(category, round).values_list("pk", flat=True))
    if not chosen or not chosen <= eligible:
        raise ValidationError(
            _("Choose the finalists among the category's eligible entries."), code="invalid"
        )
    if round.weight:
        # The weight adds each finalist's pre-selection share to the final (results.compute):
        # an entry the pre-selection did not rank would have none.
        result = _ranked(category, round)
        ranked = set() if result is None else {int(e) for e in result.entries["entry"]}
        if chosen - ranked:
            raise ValidationError(
                _(
                    "The pre-selection weighs into the final ranking, so every finalist needs "
                    "a result in the pre-selection."
                ),
                code="unranked",
            )
    proposed = proposal(category, round)
    justification = (justification or "").strip()
    if chosen != {int(pk) for pk in proposed.entries} and len(justification) < MIN_JUSTIFICATION:
        raise ValidationError(
            {
                "justification": _(
                    "A shortlist that differs from the proposal needs a written justification."
                )
            },
            code="justification",
        )
    shortlist = Shortlist.objects.create(
        round=round,
        category=category,
        proposal=[int(pk) for pk in proposed.entries],
        tied=[int(pk) for pk in proposed.tied],
        justification=justification,
        confirmed_by=by,
    )
    shortlist.entries.set(sorted(chosen))
    return shortlist


@dataclass(frozen=True)
class FinalRanking:
    """The final ranking weighted with the pre-selection, as `results.compute` ranks it."""

    weight: float
    rows: pd.DataFrame  # entry, preselection_share, final_share, combined, rank
    # Why the weight cannot apply (the edition's method): rows are then empty and the
    # final's own ranking stands.
    refused: str = ""


def final_ranking(category: Category) -> FinalRanking | None:
    """combined = w × pre-selection share + (1 − w) × final share (a share is the round's
    aggregate over the most its method gives); None when the organiser chose no weight, the
    pre-selection is open or a round has no result yet: the final's own ranking stands.

    The same numbers drive the final's places and awards (`results.compute._rank`), which
    adds the pre-selection to the final's engine run; this table shows both shares apart.
    """
    weighted = weighting(category.edition)
    if weighted is None:
        return None
    if not weighted.applies:
        return FinalRanking(weighted.weight, pd.DataFrame(), weighted.refused)
    pre, fin = _ranked(category, weighted.round), _ranked(category, None)
    if pre is None or fin is None or not pre.max_possible or not fin.max_possible:
        return None
    rows = combine(pre.entries, pre.max_possible, fin.entries, fin.max_possible, weighted.weight)
    return FinalRanking(weighted.weight, rows)
