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
from competition.models import Category, Criterion, Edition, Institution, PreselectionRound
from entries.models import EditionCounter, Entry, EntryStatus

from . import permissions, results
from .assignment import services as assignment_services
from .conflicts import apply_for
from .models import (
    Assignment,
    AssignmentRule,
    AwardDecision,
    JurorProfile,
    Recusal,
    Score,
    ScoreSheet,
    SheetStatus,
    Shortlist,
)
from .rounds import services as round_services

JURORS = ["juror1", "juror2", "juror3"]
# "Innowacyjny Samorząd" reads 396 projects: a jury of nine per category (the chair and eight
# jurors) pre-selects with three jurors per entry; ten finalists per category go to the final,
# which the whole jury scores.
IS_JURORS = [*JURORS, "juror4", "juror5", "juror6", "juror7", "juror8"]
IS_JURORS_PER_ENTRY = 3
IS_FINALISTS = 10
CHAIR = "przewodniczaca"
# Non-awarded entrants of the VI edition: 13 institutions took part, 11 were awarded.
SLC_2024_OTHERS = {"Poza horyzonty": ("legionowo", "Geoportal Legionowa"),
                   "Ponad codzienność": ("pruszkow", "e-Starostwo Pruszków")}  # fmt: skip
LENIENCY = {
    "juror1": Decimal("0.5"),
    "juror2": Decimal("-0.5"),
    "juror3": Decimal("0"),
    "juror4": Decimal("0.3"),
    "juror5": Decimal("-0.3"),
    "juror6": Decimal("0.8"),
    "juror7": Decimal("-0.8"),
    "juror8": Decimal("0"),
    CHAIR: Decimal("0"),
}


def _users() -> dict[str, object]:
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__in=[*IS_JURORS, CHAIR])}


def _appoint(categories, users, jurors=JURORS) -> None:
    for category in categories:
        for name in jurors:
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


def _is_sheets(edition, users, pairs, criteria, round, quality, *, when, share, rng):
    """Sheets for (juror name, entry) pairs, in two bulk inserts; `share` of them submitted."""
    sheets, scores = [], []
    for name, entry in pairs:
        submitted = rng.random() < share
        sheets.append(
            ScoreSheet(
                juror=users[name],
                entry=entry,
                round=round,
                status=SheetStatus.SUBMITTED if submitted else SheetStatus.DRAFT,
                justification="Ocena przykładowa (dane demonstracyjne).",
                version=1,
                submitted_at=when if submitted else None,
            )
        )
        scores.append(
            [
                Decimal(round_half(quality[entry.pk] + rng.gauss(float(LENIENCY[name]), 1.2)))
                for _criterion in criteria
            ]
        )
    created = ScoreSheet.objects.bulk_create(sheets)
    Score.objects.bulk_create(
        Score(sheet=sheet, criterion=criterion, value=value)
        for sheet, values in zip(created, scores, strict=True)
        for criterion, value in zip(criteria, values, strict=True)
    )


def round_half(value: float) -> float:
    """On the 0–10 scale in steps of 0.5."""
    return round(min(10, max(0, value)) * 2) / 2


@transaction.atomic
def build_innowacyjny_samorzad_jury(now: dt.datetime | None = None) -> None:
    """A jury of nine per category; the pre-selection (three jurors per entry) scored, closed
    and its shortlists of ten confirmed; the final partly scored; the edition in deliberation.
    """
    now = now or timezone.now()
    edition = Edition.objects.get(competition__slug="innowacyjny-samorzad")
    day = dt.timedelta(days=1)
    Edition.objects.filter(pk=edition.pk).update(
        formal_check_ends_at=now - 40 * day,
        scoring_opens_at=now - 20 * day,
        scoring_closes_at=now - 2 * day,
        results_date=now + 30 * day,
    )
    edition.refresh_from_db()
    users = _users()
    organiser = get_user_model().objects.get(username="organizator")
    preselection, _created = PreselectionRound.objects.update_or_create(
        edition=edition,
        defaults={
            "opens_at": now - 38 * day,
            "closes_at": now - 22 * day,
            "shortlist_size": IS_FINALISTS,
            "threshold": None,
            "closed_at": now - 22 * day,
            "closed_by": organiser,
        },
    )
    pre_criteria = []
    for final in edition.criteria.filter(round__isnull=True).order_by("order"):
        criterion, _created = Criterion.objects.update_or_create(
            edition=edition,
            round=preselection,
            name=final.name,
            defaults={
                "description": final.description,
                "scale_min": final.scale_min,
                "scale_max": final.scale_max,
                "step": final.step,
                "weight": final.weight,
                "order": final.order,
            },
        )
        pre_criteria.append(criterion)
    # juror2 works for the Mazovian regional office: every Mazovian entrant conflicts.
    JurorProfile.objects.update_or_create(
        user=users["juror2"], defaults={"affiliation": Institution.objects.get(terc="14")}
    )
    categories = list(edition.categories.all())
    _appoint(categories, users, IS_JURORS)
    for category in categories:
        for user in users.values():
            apply_for(juror=user, category=category)
    _assign(categories, organiser)
    if ScoreSheet.objects.filter(entry__edition=edition).exists():
        return
    rng = random.Random(2021)
    entries = list(
        Entry.objects.filter(edition=edition, status=EntryStatus.ELIGIBLE).order_by("sequence")
    )
    quality = {entry.pk: rng.uniform(3, 9) for entry in entries}
    by_pk = {entry.pk: entry for entry in entries}
    recused = set(
        Recusal.objects.filter(entry__edition=edition, lifted_at__isnull=True).values_list(
            "juror_id", "entry_id"
        )
    )
    names = {user.pk: name for name, user in users.items()}
    # The pre-selection: every assigned pair scored and submitted before the round closed.
    pairs = [
        (names[juror], by_pk[entry])
        for juror, entry in Assignment.objects.filter(entry__edition=edition)
        .order_by("entry__sequence", "juror_id")
        .values_list("juror_id", "entry_id")
        if (juror, entry) not in recused and entry in by_pk
    ]
    _is_sheets(edition, users, pairs, pre_criteria, preselection, quality,
               when=preselection.closes_at - 2 * day, share=1.0, rng=rng)  # fmt: skip
    # The chairs confirmed the proposed shortlists soon after the round closed.
    finalists = []
    for category in categories:
        proposed = round_services.proposal(category, preselection)
        shortlist = Shortlist.objects.create(
            round=preselection,
            category=category,
            proposal=[int(pk) for pk in proposed.entries],
            tied=[int(pk) for pk in proposed.tied],
            confirmed_by=users[CHAIR],
            confirmed_at=preselection.closes_at + 2 * day,
        )
        shortlist.entries.set([int(pk) for pk in proposed.entries])
        finalists += [by_pk[int(pk)] for pk in proposed.entries]
    # The final: the whole jury scores each finalist on a fresh sheet; most sheets are in.
    pairs = [
        (name, entry)
        for entry in finalists
        for name in [*IS_JURORS, CHAIR]
        if (users[name].pk, entry.pk) not in recused and rng.random() < 0.9
    ]
    _is_sheets(edition, users, pairs, list(edition.criteria.filter(round__isnull=True).order_by("order")),
               None, quality, when=now - 5 * day, share=0.9, rng=rng)  # fmt: skip
