"""Demo jury: the VI edition of "Samorządowy Lider Cyfryzacji" frozen with the published awards,
and "Innowacyjny Samorząd" 2021 in deliberation with a seeded-random, partly scored jury.

The individual scores are illustrative (the site says so); the published outcome is real: each
juror's scores follow the published order, shifted by a personal leniency, so every method agrees.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from competition.demo import SLC_2024_CATEGORIES, SLC_INSTITUTIONS
from competition.models import Category, Criterion, Edition, Institution
from entries.models import EditionCounter, Entry, EntryStatus

from . import permissions, results
from .assignment import services as assignment_services
from .conflicts import apply_for
from .models import (
    Assignment,
    AssignmentRule,
    AwardDecision,
    JurorProfile,
    Score,
    ScoreSheet,
    SheetStatus,
)

JURORS = ["juror1", "juror2", "juror3"]
# "Innowacyjny Samorząd" reads 396 projects: each entry is scored by three of the jury.
IS_JURORS_PER_ENTRY = 3
CHAIR = "przewodniczaca"
# Non-awarded entrants of the VI edition: 13 institutions took part, 11 were awarded.
SLC_2024_OTHERS = {"Poza horyzonty": ("legionowo", "Geoportal Legionowa"),
                   "Ponad codzienność": ("pruszkow", "e-Starostwo Pruszków")}  # fmt: skip
LENIENCY = {
    "juror1": Decimal("0.5"),
    "juror2": Decimal("-0.5"),
    "juror3": Decimal("0"),
    CHAIR: Decimal("0"),
}


def _users() -> dict[str, object]:
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__in=[*JURORS, CHAIR])}


def _appoint(categories, users) -> None:
    for category in categories:
        for name in JURORS:
            permissions.appoint_juror(category=category, user=users[name])
        permissions.appoint_juror(category=category, user=users[CHAIR], chair=True)


def _sheet(juror, entry: Entry, criteria: list[Criterion], base: Decimal, *, submitted: bool, when):
    sheet, _created = ScoreSheet.objects.update_or_create(
        juror=juror,
        entry=entry,
        defaults={
            "status": SheetStatus.SUBMITTED if submitted else SheetStatus.DRAFT,
            "justification": "Ocena przykładowa (dane demonstracyjne).",
            "version": 1,
            "submitted_at": when if submitted else None,
        },
    )
    for criterion in criteria:
        value = min(max(base, criterion.scale_min), criterion.scale_max)
        Score.objects.update_or_create(sheet=sheet, criterion=criterion, defaults={"value": value})
    return sheet


@transaction.atomic
def build_lider_cyfryzacji_results() -> None:
    edition = Edition.objects.get(competition__slug="samorzadowy-lider-cyfryzacji", number=6)
    if edition.snapshots.exists():
        return
    users = _users()
    organiser = get_user_model().objects.get(username="organizator")
    institutions = {
        key: Institution.objects.get(name=row[0]) for key, row in SLC_INSTITUTIONS.items()
    }
    criteria = list(edition.criteria.order_by("order"))
    categories = {c.name: c for c in edition.categories.all()}
    _appoint(categories.values(), users)
    sequence = 0
    for name, _description, awards in SLC_2024_CATEGORIES:
        category = categories[name]
        distinctions = sum(1 for a in awards if a.place is None)
        Category.objects.filter(pk=category.pk).update(max_distinctions=distinctions)
        lineup = [
            # A distinction without a named project is announced by its institution alone.
            (a.institution, a.title or SLC_INSTITUTIONS[a.institution][0])
            for a in awards
        ]
        if name in SLC_2024_OTHERS:
            lineup.append(SLC_2024_OTHERS[name])
        for position, (key, title) in enumerate(lineup):
            sequence += 1
            entry, _created = Entry.objects.update_or_create(
                edition=edition,
                category=category,
                institution=institutions[key],
                defaults={
                    "status": EntryStatus.ELIGIBLE,
                    "number": f"SLC-2024-{sequence:03d}",
                    "sequence": sequence,
                    "title": title,
                    "summary": title,
                    "description": f"{title}.\n\nOpis przykładowy (dane demonstracyjne).",
                    "results": "Rezultaty przykładowe.",
                    "consent_to_publish": True,
                    "submitted_at": edition.submission_deadline - dt.timedelta(days=3),
                },
            )
            base = Decimal("9.5") - Decimal(position)
            for juror_name, offset in LENIENCY.items():
                _sheet(users[juror_name], entry, criteria, base + offset, submitted=True,
                       when=edition.scoring_closes_at - dt.timedelta(days=2))  # fmt: skip
    EditionCounter.objects.update_or_create(edition=edition, defaults={"last_number": sequence})
    for category in edition.categories.all():
        computed = results.compute(category, bootstrap=0)
        AwardDecision.objects.create(
            category=category,
            proposal=computed.proposal,
            awards=computed.proposal,
            confirmed_by=users[CHAIR],
        )
    # The jury confirmed and froze after scoring closed, not when the demo was loaded.
    decided = min(edition.scoring_closes_at + dt.timedelta(days=3), edition.results_date)
    AwardDecision.objects.filter(category__edition=edition).update(confirmed_at=decided)
    results.snapshot_and_freeze(edition=edition, by=organiser, previous=None, reason="", at=decided)


def _assign(categories, organiser) -> None:
    """Three jurors per entry, assigned by the solver as the organiser would before scoring.

    The edition is past its scoring window, so the life cycle's check (which the organiser's
    screen meets) is not asked: the demo records what was done then.
    """
    for category in categories:
        AssignmentRule.objects.update_or_create(
            category=category, defaults={"jurors_per_entry": IS_JURORS_PER_ENTRY}
        )
        if Assignment.objects.filter(entry__category=category).exists():
            continue
        category = Category.objects.select_related("assignment_rule").get(pk=category.pk)
        proposal = assignment_services.propose(category=category)
        assignment_services.save_pairs(category=category, proposal=proposal, by=organiser)


@transaction.atomic
def build_innowacyjny_samorzad_jury(now: dt.datetime | None = None) -> None:
    """Appointed jury, automatic conflicts, partial scoring; the edition in deliberation."""
    now = now or timezone.now()
    edition = Edition.objects.get(competition__slug="innowacyjny-samorzad")
    day = dt.timedelta(days=1)
    Edition.objects.filter(pk=edition.pk).update(
        formal_check_ends_at=now - 40 * day,
        scoring_opens_at=now - 38 * day,
        scoring_closes_at=now - 2 * day,
        results_date=now + 30 * day,
    )
    users = _users()
    # juror2 works for the Mazovian regional office: every Mazovian entrant conflicts.
    JurorProfile.objects.update_or_create(
        user=users["juror2"], defaults={"affiliation": Institution.objects.get(terc="14")}
    )
    categories = list(edition.categories.all())
    _appoint(categories, users)
    for category in categories:
        for user in users.values():
            apply_for(juror=user, category=category)
    _assign(categories, get_user_model().objects.get(username="organizator"))
    if ScoreSheet.objects.filter(entry__edition=edition).exists():
        return
    assigned = set(
        Assignment.objects.filter(entry__edition=edition).values_list("juror_id", "entry_id")
    )
    rng = random.Random(2021)
    criteria = list(edition.criteria.order_by("order"))
    share = {"juror1": 1.0, "juror2": 0.7, "juror3": 0.45, CHAIR: 0.9}
    recused = set(
        users["juror2"].recusals.filter(entry__edition=edition).values_list("entry_id", flat=True)
    )
    entries = Entry.objects.filter(edition=edition, status=EntryStatus.ELIGIBLE).order_by(
        "sequence"
    )
    sheets, scores = [], []
    for entry in entries:
        quality = rng.uniform(3, 9)
        for name, fraction in share.items():
            if name == "juror2" and entry.pk in recused:
                continue
            if (users[name].pk, entry.pk) not in assigned:
                continue
            if rng.random() > fraction:
                continue
            submitted = rng.random() < 0.9
            sheets.append(
                ScoreSheet(
                    juror=users[name],
                    entry=entry,
                    status=SheetStatus.SUBMITTED if submitted else SheetStatus.DRAFT,
                    justification="Ocena przykładowa (dane demonstracyjne).",
                    version=1,
                    submitted_at=now - 5 * day if submitted else None,
                )
            )
            scores.append(
                [
                    Decimal(
                        round(min(10, max(0, quality + rng.gauss(float(LENIENCY[name]), 1.2))) * 2)
                        / 2
                    )
                    for _criterion in criteria
                ]
            )
    created = ScoreSheet.objects.bulk_create(sheets)
    Score.objects.bulk_create(
        Score(sheet=sheet, criterion=criterion, value=value)
        for sheet, values in zip(created, scores, strict=True)
        for criterion, value in zip(criteria, values, strict=True)
    )
