"""Which entries and sheets belong to a round; `round=None` is the final (or the only round)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from competition.lifecycle import preselection_of
from competition.models import Category, Edition, PreselectionRound, weight_refusal
from entries.models import Entry, EntryStatus

from ..models import Shortlist


def in_final() -> Q:
    """For an entry queryset: the entry takes part in the final. In SQL, so editions without a
    pre-selection (every entry is a finalist) cost no query more."""
    return Q(
        ~Exists(PreselectionRound.objects.filter(edition=OuterRef("edition_id")))
        | Exists(Shortlist.entries.through.objects.filter(entry=OuterRef("pk")))
    )


def stage_entries(category: Category, round: PreselectionRound | None) -> QuerySet[Entry]:
    """The eligible entries scored in the round: all of them in the pre-selection, the
    confirmed finalists in the final of an edition that has one."""
    eligible = Entry.objects.filter(category=category, status=EntryStatus.ELIGIBLE)
    return eligible if round is not None else eligible.filter(in_final())


@dataclass(frozen=True)
class Weighting:
    """The organiser's weight of the closed pre-selection in the final ranking."""

    round: PreselectionRound
    weight: float
    refused: str = ""  # why the weight cannot apply (the edition's method): the final stands

    @property
    def applies(self) -> bool:
        return not self.refused


def weighting(edition: Edition) -> Weighting | None:
    """The pre-selection's weight once the round is closed; None without a round, with
    weight 0 or while the round is open (the final ranking is then the final's alone)."""
    round = preselection_of(edition)
    if round is None or not round.weight or not round.is_closed_at(timezone.now()):
        return None
    return Weighting(round, float(round.weight), weight_refusal(edition.method))


def assignment_applies(category: Category, round: PreselectionRound | None) -> bool:
    """k jurors per entry apply to the pre-selection where there is one; its finalists are
    scored by the whole jury of the category."""
    from ..assignment.queries import assigned_only

    if not assigned_only(category):
        return False
    return round is not None or preselection_of(category.edition) is None


def shortlists_of(round: PreselectionRound) -> dict[int, Shortlist]:
    """The confirmed shortlists by category id, with their finalists' ids."""
    return {
        s.category_id: s
        for s in Shortlist.objects.filter(round=round)
        .select_related("confirmed_by")
        .prefetch_related("entries")
    }


def not_qualified_ids(entries) -> set[int]:
    """Of these entries, those an applicant sees as "not qualified for the final": eligible,
    in an edition whose results are published, in a category whose shortlist was confirmed
    without them. One query, and none when no such entry is listed."""
    now = timezone.now()
    ids = [
        e.pk
        for e in entries
        if e.status == EntryStatus.ELIGIBLE
        and e.edition.published_at is not None
        and e.edition.published_at <= now
    ]
    if not ids:
        return set()
    return set(
        Entry.objects.filter(pk__in=ids)
        .filter(Exists(Shortlist.objects.filter(category=OuterRef("category"))))
        .exclude(Exists(Shortlist.entries.through.objects.filter(entry=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )


def not_qualified(entry: Entry) -> bool:
    """The entry was eligible, its category's shortlist is confirmed and it is not on it."""
    round = preselection_of(entry.edition)
    if round is None or entry.status != EntryStatus.ELIGIBLE:
        return False
    shortlist = Shortlist.objects.filter(round=round, category_id=entry.category_id).first()
    return shortlist is not None and not shortlist.entries.filter(pk=entry.pk).exists()
