"""The chair's and organiser's actions on results: tie decisions, confirmation, freezing."""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from competition import lifecycle
from competition.lifecycle import Action
from competition.models import Award, AwardKind, Category, Duty, Edition

from .. import permissions
from ..models import AwardDecision, ResultSnapshot, TieDecision
from .compute import compute
from .payload import build_payload
from .queries import latest_award_decision
from .snapshot import AWARD_CHOICES, Snapshot, canonical_json, digest_of

logger = logging.getLogger("judging.scoring")


@transaction.atomic
def record_tie_decision(
    *, category: Category, by, order: list[str], justification: str
) -> TieDecision:
    lifecycle.lock(Action.BREAK_TIE, category.edition_id)
    if not permissions.is_chair(by, category):
        raise ValidationError(_("Only the chair of the jury breaks ties."), code="not_chair")
    justification = (justification or "").strip()
    if not justification:
        raise ValidationError({"justification": _("Explain the decision in writing.")})
    current = compute(category, bootstrap=0)
    groups = current.result.unresolved_ties if current.result else []
    known = {entry for group in groups for entry in group}
    if not groups or set(order) != known or len(order) != len(known):
        raise ValidationError(
            _("Order exactly the entries that are tied and awaiting your decision."), code="order"
        )
    return TieDecision.objects.create(
        category=category, order=list(order), justification=justification, decided_by=by
    )


@transaction.atomic
def confirm_awards(
    *, category: Category, by, awards: dict[str, str | None], justification: str = ""
) -> AwardDecision:
    """Confirm the proposal; any difference from it needs a written justification."""
    lifecycle.lock(Action.CONFIRM_AWARDS, category.edition_id)
    if not (
        permissions.is_chair(by, category)
        or permissions.is_organiser(by, category.edition.competition_id, Duty.RESULTS)
    ):
        raise ValidationError(
            _("Only the chair or an organiser confirms awards."), code="forbidden"
        )
    current = compute(category, bootstrap=0)
    if current.result is None:
        raise ValidationError(_("No submitted score sheets yet."), code="empty")
    if current.result.unresolved_ties and any(
        current.result.entries["award_pending"].fillna(False)
    ):
        raise ValidationError(
            _("A tie at an award boundary awaits the chair's decision."), code="pending_tie"
        )
    proposal = current.proposal
    unknown = set(awards) - set(proposal)
    bad_values = {v for v in awards.values() if v not in (None, *AWARD_CHOICES)}
    if unknown or bad_values:
        raise ValidationError(_("The awards name unknown entries or awards."), code="invalid")
    final = {entry: awards.get(entry, proposal[entry]) for entry in proposal}
    justification = (justification or "").strip()
    if final != proposal and not justification:
        raise ValidationError(
            {"justification": _("A change to the proposed awards needs a written justification.")}
        )
    return AwardDecision.objects.create(
        category=category,
        proposal=proposal,
        awards=final,
        justification=justification,
        confirmed_by=by,
    )


def confirmation_matches(category: Category) -> bool:
    """True when the category has a confirmation made on the ranking it has now."""
    computed = compute(category, bootstrap=0)
    return computed.award_decision is not None and not computed.confirmation_stale


@transaction.atomic
def freeze_results(*, edition: Edition, by, reason: str = "") -> ResultSnapshot:
    """Freeze the confirmed results; freezing again supersedes the last snapshot, with a reason."""
    if not permissions.is_organiser(by, edition.competition_id, Duty.RESULTS):
        raise ValidationError(_("Only an organiser freezes results."), code="forbidden")
    previous = ResultSnapshot.objects.filter(edition=edition, superseded_by__isnull=True).first()
    edition = lifecycle.lock(Action.FREEZE if previous is None else Action.CORRECT, edition.pk)
    # The lock was taken after reading `previous`: read it again under the lock.
    previous = edition.snapshots.filter(superseded_by__isnull=True).first()
    if previous is not None and not (reason or "").strip():
        raise ValidationError(
            {"reason": _("A correction of frozen results needs a written reason.")}
        )
    categories = list(edition.categories.all())
    unconfirmed = [c.name for c in categories if latest_award_decision(c) is None]
    if unconfirmed:
        raise ValidationError(
            _("The awards of these categories are not confirmed yet: %(names)s.")
            % {"names": ", ".join(unconfirmed)},
            code="unconfirmed",
        )
    stale = [c.name for c in categories if not confirmation_matches(c)]
    if stale:
        raise ValidationError(
            _(
                "The ranking of these categories changed after their awards were confirmed; "
                "confirm them again: %(names)s."
            )
            % {"names": ", ".join(stale)},
            code="stale_confirmation",
        )
    snapshot = snapshot_and_freeze(edition=edition, by=by, previous=previous, reason=reason)
    logger.info(
        "results frozen",
        extra={
            "edition_id": edition.pk,
            "snapshot_id": snapshot.pk,
            "digest": snapshot.digest,
            "correction": previous is not None,
            "by": by.pk,
        },
    )
    return snapshot


def snapshot_and_freeze(
    *,
    edition: Edition,
    by,
    previous: ResultSnapshot | None,
    reason: str,
    at: dt.datetime | None = None,
):
    """Build, hash and store the snapshot; callers have checked who and when."""
    payload = build_payload(edition)
    text = canonical_json(payload)
    digest = digest_of(payload)
    if previous is not None and previous.digest == digest:
        raise ValidationError(
            _("Nothing changed since the last snapshot; there is nothing to correct."),
            code="unchanged",
        )
    at = at or timezone.now()
    snapshot = ResultSnapshot.objects.create(
        created_at=at,
        edition=edition,
        payload=json.loads(text),
        digest=digest,
        created_by=by,
        supersedes=previous,
        reason=(reason or "").strip(),
    )
    edition.frozen_at = edition.frozen_at or at
    edition.save(update_fields=["frozen_at"])
    _record_awards(snapshot)
    return snapshot


def _record_awards(snapshot: ResultSnapshot) -> None:
    """Project the snapshot's awards into the competition's award table (archive, pages).

    Written in the freeze's transaction from the snapshot itself; the snapshot stays the
    record, and a test checks the table against it.
    """
    for category in Snapshot.of(snapshot).categories:
        Award.objects.filter(category_id=category.id).delete()
        Award.objects.bulk_create(
            Award(
                category_id=category.id,
                institution_id=row.ranked.institution_id,
                kind=AwardKind.DISTINCTION if row.award.is_distinction else AwardKind.PLACE,
                place=row.award.place,
                project_title=row.ranked.title,
            )
            for row in category.laureates
        )
