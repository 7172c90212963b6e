"""Demo entries: the 2021 "Innowacyjny Samorząd" at its real scale, and an applicant's own entries.

Titles and texts are illustrative; the counts (396 projects from 226 local governments) are real.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from competition.models import Category, Competition, Edition, Institution

from .models import (
    Answer,
    EditionCounter,
    Entry,
    EntryStatus,
    Membership,
    MembershipStatus,
    Question,
    QuestionKind,
)
from .text import render_description

THEMES = [
    "Elektroniczny obieg dokumentów",
    "Portal e-usług dla mieszkańców",
    "Geoportal i dane przestrzenne",
    "Cyfrowa szkoła",
    "Internetowa rezerwacja wizyt w urzędzie",
    "Inteligentne oświetlenie uliczne",
    "Aplikacja mobilna dla mieszkańców",
    "E-płatności i opłatomat",
    "Budżet obywatelski online",
    "System powiadamiania SMS",
    "Otwarte dane samorządu",
    "Teleopieka dla seniorów",
]
REJECTION_REASONS = [
    "Projekt nie został zakończony przed terminem naboru.",
    "Brak podpisu osoby upoważnionej do reprezentowania samorządu.",
    "Zgłoszenie dotyczy projektu nagrodzonego w poprzedniej edycji.",
]
TARGET_ENTRIES = 396
TARGET_REJECTED = 16


def _number(edition: Edition, sequence: int) -> str:
    return f"{edition.competition.code}-{edition.year}-{sequence:03d}"


@transaction.atomic
def build_innowacyjny_samorzad_entries() -> int:
    """396 entries of 226 institutions, numbered and formally checked (idempotent)."""
    edition = Edition.objects.get(competition__slug="innowacyjny-samorzad", year=2021)
    if edition.entries.count() >= TARGET_ENTRIES:
        return 0
    edition.entries.all().delete()
    categories = list(edition.categories.all())
    by_kind = {kind: c for c in categories for kind in c.eligible_kinds}
    rng = random.Random(2021)
    institutions = [
        i for i in Institution.objects.filter(kind__in=by_kind).order_by("terc") if i.terc
    ][:226]
    picks = institutions + rng.sample(institutions, TARGET_ENTRIES - len(institutions))
    submitted = edition.submission_deadline - dt.timedelta(days=2)
    rejected = set(rng.sample(range(TARGET_ENTRIES), TARGET_REJECTED))
    entries = []
    for sequence, institution in enumerate(picks, start=1):
        theme = rng.choice(THEMES)
        is_rejected = sequence - 1 in rejected
        description = f"{theme}.\n\n- analiza potrzeb mieszkańców\n- wdrożenie\n- szkolenia"
        entries.append(
            Entry(
                edition=edition,
                category=by_kind[institution.kind],
                institution=institution,
                status=EntryStatus.REJECTED if is_rejected else EntryStatus.ELIGIBLE,
                rejection_reason=rng.choice(REJECTION_REASONS) if is_rejected else "",
                number=_number(edition, sequence),
                sequence=sequence,
                title=f"{theme} — {institution.name}",
                summary=f"{theme}: wdrożenie w jednostce {institution.name}.",
                description=description,
                # bulk_create skips Entry.save(), which renders the HTML.
                description_html=render_description(description),
                results=f"{rng.randint(300, 40000)} mieszkańców korzysta z rozwiązania.",
                users_count=rng.randint(300, 40000),
                contact_name="Sekretarz",
                contact_email="sekretariat@example.org",
                consent_to_publish=rng.random() < 0.9,
                submitted_at=submitted,
                checked_at=edition.formal_check_ends_at - dt.timedelta(days=1),
            )
        )
    Entry.objects.bulk_create(entries)
    EditionCounter.objects.update_or_create(edition=edition, defaults={"last_number": len(entries)})
    return len(entries)


@transaction.atomic
def build_open_call(now: dt.datetime | None = None) -> Edition:
    """The VII edition of "Samorządowy Lider Cyfryzacji" with its call open, for applicants."""
    now = now or timezone.now()
    competition = Competition.objects.get(slug="samorzadowy-lider-cyfryzacji")
    sixth = competition.editions.get(number=6)
    day = dt.timedelta(days=1)
    edition, _created = Edition.objects.update_or_create(
        competition=competition,
        number=7,
        defaults={
            "year": now.year,
            "call_opens_at": now - 20 * day,
            "submission_deadline": now + 25 * day,
            "formal_check_ends_at": now + 40 * day,
            "scoring_opens_at": now + 42 * day,
            "scoring_closes_at": now + 80 * day,
            "results_date": now + 100 * day,
            "method": sixth.method,
        },
    )
    for category in sixth.categories.all():
        Category.objects.update_or_create(
            edition=edition,
            name=category.name,
            defaults={
                "description": category.description,
                "eligible_kinds": category.eligible_kinds,
                "places": category.places,
                "max_distinctions": category.max_distinctions,
                "sort_order": category.sort_order,
            },
        )
    for criterion in sixth.criteria.all():
        criterion.pk = None
        criterion.edition = edition
        type(criterion).objects.update_or_create(
            edition=edition,
            name=criterion.name,
            defaults={
                f: getattr(criterion, f)
                for f in ("description", "scale_min", "scale_max", "step", "weight", "order")
            },
        )
    return edition


@transaction.atomic
def build_applicant_entries(*, user, institution_terc: str, edition: Edition) -> None:
    """The demo applicant's entries in several states: draft, submitted, withdrawn."""
    institution = Institution.objects.get(terc=institution_terc)
    Membership.objects.update_or_create(
        user=user, institution=institution, defaults={"status": MembershipStatus.APPROVED}
    )
    categories = list(edition.categories.order_by("sort_order"))
    counter, _created = EditionCounter.objects.get_or_create(edition=edition)
    specs = [
        (categories[0], EntryStatus.DRAFT, "Geoportal Legionowa", None),
        (categories[1], EntryStatus.SUBMITTED, "e-Urząd Legionowo: sprawy bez kolejki", 1),
        (categories[2], EntryStatus.WITHDRAWN, "Legionowska Karta Mieszkańca", 2),
    ]
    for category, status, title, sequence in specs:
        Entry.objects.update_or_create(
            edition=edition,
            category=category,
            institution=institution,
            defaults={
                "status": status,
                "title": title,
                "summary": f"{title} — projekt zgłoszony w konkursie.",
                "description": "Projekt obejmuje:\n\n- analizę potrzeb\n- wdrożenie\n- szkolenia",
                "results": "Skrócenie czasu załatwiania spraw o 40%.",
                "contact_name": "Jan Nowak",
                "contact_email": user.email,
                "sequence": sequence,
                "number": _number(edition, sequence) if sequence else "",
                "submitted_at": timezone.now() if sequence else None,
                "created_by": user,
            },
        )
    counter.last_number = max(counter.last_number, 2)
    counter.save()


# The editions' own questions ("karta zgłoszeniowa"), from what the seed articles say each
# competition asks about: SLC about e-services and systems, "Innowacyjny Samorząd" about
# novelty on a national scale, results and the potential to inspire others.
SLC_QUESTIONS = [
    {
        "code": "e_uslugi",
        "kind": QuestionKind.LONG_TEXT,
        "label": "Jakie e-usługi dla mieszkańców i przedsiębiorców wprowadzono?",
        "label_en": "Which e-services for residents and businesses were introduced?",
        "help_text": "Wymień usługi i napisz, kto z nich korzysta.",
        "help_text_en": "List the services and say who uses them.",
        "required": True,
        "max_length": 2000,
    },
    {
        "code": "liczba_e_uslug",
        "kind": QuestionKind.NUMBER,
        "label": "Liczba e-usług dostępnych online",
        "label_en": "Number of e-services available online",
        "min_value": 0,
        "max_value": 1000,
    },
    {
        "code": "systemy",
        "kind": QuestionKind.MULTIPLE_CHOICE,
        "label": "Wdrożone systemy",
        "label_en": "Systems implemented",
        "choices": "elektroniczne systemy dziedzinowe\n"
        "elektroniczne zarządzanie dokumentacją (EZD)\n"
        "e-usługi na platformie ePUAP\n"
        "własna platforma e-usług",
        "choices_en": "electronic domain systems\n"
        "electronic document management (EZD)\n"
        "e-services on the ePUAP platform\n"
        "own e-services platform",
        "required": True,
    },
    {
        "code": "data_uruchomienia",
        "kind": QuestionKind.DATE,
        "label": "Data uruchomienia e-usług",
        "label_en": "Date the e-services went live",
    },
    {
        "code": "schemat",
        "kind": QuestionKind.FILE,
        "label": "Schemat systemów (PDF lub obraz)",
        "label_en": "Diagram of the systems (PDF or image)",
    },
    {
        "code": "zgoda_rodo",
        "kind": QuestionKind.CONSENT,
        "label": "Zgadzam się na przetwarzanie danych osób kontaktowych na potrzeby konkursu.",
        "label_en": "I agree to the processing of the contact persons' data for the competition.",
        "required": True,
        "for_jury": False,
    },
]
IS_QUESTIONS = [
    {
        "code": "nowatorstwo",
        "kind": QuestionKind.LONG_TEXT,
        "label": "Na czym polega nowatorstwo projektu w skali kraju?",
        "label_en": "What makes the project novel on a national scale?",
        "required": True,
        "max_length": 3000,
    },
    {
        "code": "rezultaty",
        "kind": QuestionKind.LONG_TEXT,
        "label": "Jakie rezultaty osiągnięto?",
        "label_en": "What results were achieved?",
        "help_text": "Podaj liczby: użytkownicy, sprawy, oszczędności.",
        "help_text_en": "Give figures: users, cases, savings.",
        "required": True,
        "max_length": 3000,
    },
    {
        "code": "inspiracja",
        "kind": QuestionKind.LONG_TEXT,
        "label": "Jak rozwiązanie może zainspirować inne samorządy?",
        "label_en": "How can the solution inspire other local governments?",
        "max_length": 2000,
    },
    {
        "code": "skala",
        "kind": QuestionKind.CHOICE,
        "label": "Zasięg projektu",
        "label_en": "Reach of the project",
        "choices": "gmina\npowiat\nwojewództwo\ncały kraj",
        "choices_en": "municipality\ncounty\nregion\nthe whole country",
        "required": True,
    },
    {
        "code": "strona",
        "kind": QuestionKind.URL,
        "label": "Strona internetowa projektu",
        "label_en": "Project website",
    },
    {
        "code": "email_wdrozenie",
        "kind": QuestionKind.EMAIL,
        "label": "E-mail osoby odpowiedzialnej za wdrożenie",
        "label_en": "E-mail of the person in charge of the implementation",
        "for_jury": False,
    },
]


def _questions(edition: Edition, specs: list[dict]) -> dict[str, Question]:
    found = {}
    for order, spec in enumerate(specs, start=1):
        fields = {"order": order, **spec}
        code = fields.pop("code")
        found[code], _created = Question.objects.update_or_create(
            edition=edition, code=code, defaults=fields
        )
    return found


@transaction.atomic
def build_questions(*, open_call: Edition) -> None:
    """Both competitions' own questions, and answers in the demo's entries (idempotent)."""
    slc = _questions(open_call, SLC_QUESTIONS)
    for entry in open_call.entries.all():
        complete = entry.status != EntryStatus.DRAFT
        answers = {
            "e_uslugi": "Elektroniczne Biuro Obsługi Mieszkańca: 42 formularze, płatności online "
            "i rezerwacja wizyt; korzysta z nich co trzeci mieszkaniec."
            if complete
            else None,
            "liczba_e_uslug": "42",
            "systemy": ["elektroniczne zarządzanie dokumentacją (EZD)"]
            + (["e-usługi na platformie ePUAP"] if complete else []),
            "data_uruchomienia": "2025-09-01" if complete else None,
            "zgoda_rodo": True if complete else None,
        }
        for code, value in answers.items():
            if value is not None:
                Answer.objects.update_or_create(
                    entry=entry, question=slc[code], defaults={"value": value}
                )

    edition = Edition.objects.get(competition__slug="innowacyjny-samorzad", year=2021)
    innovative = _questions(edition, IS_QUESTIONS)
    if Answer.objects.filter(question__in=innovative.values()).exists():
        return
    rng = random.Random(396)
    reach = ["gmina", "powiat", "województwo", "cały kraj"]
    answers = []
    for entry in edition.entries.all():
        theme = entry.title.split(" — ")[0]
        answers += [
            Answer(
                entry=entry,
                question=innovative["nowatorstwo"],
                value=f"{theme}: pierwsze takie wdrożenie w samorządzie tej wielkości w Polsce.",
            ),
            Answer(entry=entry, question=innovative["rezultaty"], value=entry.results),
            Answer(entry=entry, question=innovative["skala"], value=rng.choice(reach)),
        ]
    Answer.objects.bulk_create(answers)
