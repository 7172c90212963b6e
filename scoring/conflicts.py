"""Automatic conflicts of interest from a juror's affiliation and the TERC hierarchy."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction

from competition.models import Category, Institution
from competition.teryt import territory_contains
from entries.models import Entry, EntryStatus

from . import permissions
from .models import JurorProfile, Recusal, RecusalKind


def conflicts(affiliation: Institution | None, institution: Institution) -> bool:
    """Same institution, or one's territory contains the other's (powiat ⊃ its gminy)."""
    if affiliation is None:
        return False
    if affiliation.pk == institution.pk:
        return True
    return territory_contains(affiliation.terc, institution.terc) or territory_contains(
        institution.terc, affiliation.terc
    )


def _reason(affiliation: Institution) -> str:
    return f"{affiliation.name} ({affiliation.terc or '—'})"


# Entries in these states take part in no scoring, so their conflicts are left as they are.
_INACTIVE = (EntryStatus.DRAFT, EntryStatus.WITHDRAWN)


def _reconcile(entries: Iterable[Entry], jurors_by_category: Mapping[int, Sequence]) -> None:
    """Make the automatic recusals of these entries with these jurors match the rule.

    A conflict the rule finds gets an automatic recusal unless the pair already has one
    (of any kind, lifted or not); an automatic recusal the rule no longer finds is dropped
    unless it was lifted (the lifting is on record). Only the given pairs are looked at,
    in a fixed number of queries: the work grows with entries x jurors passed, no more.
    """
    entries = [e for e in entries if e.status not in _INACTIVE]
    juror_ids = {j.pk for jurors in jurors_by_category.values() for j in jurors}
    if not entries or not juror_ids:
        return
    affiliations = {
        profile.user_id: profile.affiliation
        for profile in JurorProfile.objects.filter(user__in=juror_ids).select_related("affiliation")
    }
    existing = {
        (r.juror_id, r.entry_id): r
        for r in Recusal.objects.filter(entry__in=[e.pk for e in entries], juror__in=juror_ids)
    }
    create, stale = [], []
    for entry in entries:
        for juror in jurors_by_category.get(entry.category_id, ()):
            affiliation = affiliations.get(juror.pk)
            recusal = existing.get((juror.pk, entry.pk))
            if conflicts(affiliation, entry.institution):
                if recusal is None:
                    create.append(
                        Recusal(
                            juror=juror,
                            entry=entry,
                            kind=RecusalKind.AUTOMATIC,
                            reason=_reason(affiliation),
                        )
                    )
            elif (
                recusal is not None
                and recusal.kind == RecusalKind.AUTOMATIC
                and recusal.lifted_at is None
            ):
                stale.append(recusal.pk)
    if create:
        # A recusal recorded meanwhile for the same pair wins; the rule would not replace it.
        Recusal.objects.bulk_create(create, ignore_conflicts=True)
    if stale:
        Recusal.objects.filter(pk__in=stale).delete()


def _active_entries(**filters) -> list[Entry]:
    return list(
        Entry.objects.filter(**filters).exclude(status__in=_INACTIVE).select_related("institution")
    )


@transaction.atomic
def apply_for(*, juror, category: Category) -> None:
    """Create the missing automatic recusals of one juror in one category; drop stale ones."""
    _reconcile(_active_entries(category=category), {category.pk: [juror]})


@transaction.atomic
def apply_for_entry(entry: Entry) -> None:
    """One entry against its category's jurors: O(jurors), whatever the category's size."""
    if entry.status in _INACTIVE:
        return
    _reconcile([entry], {entry.category_id: list(permissions.jurors_of(entry.category))})


@transaction.atomic
def apply_for_entries(entries: Iterable[Entry]) -> None:
    """A batch of entries (an import, a bulk formal check) against their juries in one pass."""
    fresh = _active_entries(pk__in=[e.pk for e in entries])
    categories = sorted({e.category_id for e in fresh})
    juries = permissions.juries_of([Category(pk=pk) for pk in categories])
    _reconcile(fresh, {pk: jury.jurors for pk, jury in juries.items()})


@transaction.atomic
def apply_for_juror(juror) -> None:
    """One juror against every entry of their categories: O(entries)."""
    categories = list(permissions.categories_for_juror(juror).values_list("pk", flat=True))
    _reconcile(_active_entries(category__in=categories), {pk: [juror] for pk in categories})


@dataclass(frozen=True)
class Exclusions:
    """How many of a category's entries each juror may not score, out of how many."""

    total: int
    by_juror: dict[int, int]

    def of(self, juror) -> int:
        return self.by_juror.get(juror.pk, 0)


def exclusions(*, jurors: Iterable, category: Category) -> Exclusions:
    """Foresee, without appointing anyone, whom the conflict rules keep from which entries.

    Counted over the entries sent in that are or may become eligible: the affiliation rule
    (unless the organiser lifted it for that entry) and any recusal already declared. A juror
    affiliated with a voivodeship is kept from every entry of a competition held within it.
    """
    jurors = list(jurors)
    entries = list(
        Entry.objects.filter(
            category=category, status__in=[EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE]
        ).select_related("institution")
    )
    affiliations = {
        profile.user_id: profile.affiliation
        for profile in JurorProfile.objects.filter(user__in=jurors).select_related("affiliation")
    }
    lifted, active = set(), set()
    for juror_id, entry_id, lifted_at in Recusal.objects.filter(
        juror__in=jurors, entry__in=entries
    ).values_list("juror_id", "entry_id", "lifted_at"):
        (lifted if lifted_at else active).add((juror_id, entry_id))
    by_juror = {}
    for juror in jurors:
        affiliation = affiliations.get(juror.pk)
        by_juror[juror.pk] = sum(
            1
            for entry in entries
            if (juror.pk, entry.pk) in active
            or ((juror.pk, entry.pk) not in lifted and conflicts(affiliation, entry.institution))
        )
    return Exclusions(total=len(entries), by_juror=by_juror)
