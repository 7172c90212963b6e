"""Automatic conflicts of interest from a juror's affiliation and the TERC hierarchy."""

from __future__ import annotations

from collections.abc import Iterable
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


@transaction.atomic
def apply_for(*, juror, category: Category) -> None:
    """Create the missing automatic recusals of one juror in one category; drop stale ones."""
    profile = JurorProfile.objects.filter(user=juror).select_related("affiliation").first()
    affiliation = profile.affiliation if profile else None
    entries = (
        Entry.objects.filter(category=category)
        .exclude(status__in=[EntryStatus.DRAFT, EntryStatus.WITHDRAWN])
        .select_related("institution")
    )
    existing = {
        r.entry_id: r
        for r in Recusal.objects.filter(
            juror=juror, entry__category=category, kind=RecusalKind.AUTOMATIC
        )
    }
    for entry in entries:
        hit = conflicts(affiliation, entry.institution)
        recusal = existing.get(entry.pk)
        if hit and recusal is None:
            Recusal.objects.get_or_create(
                juror=juror,
                entry=entry,
                defaults={"kind": RecusalKind.AUTOMATIC, "reason": _reason(affiliation)},
            )
        elif not hit and recusal is not None and recusal.lifted_at is None:
            recusal.delete()


def apply_for_entry(entry: Entry) -> None:
    for juror in permissions.jurors_of(entry.category):
        apply_for(juror=juror, category=entry.category)


def apply_for_juror(juror) -> None:
    for category in permissions.categories_for_juror(juror):
        apply_for(juror=juror, category=category)


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
