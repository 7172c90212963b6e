"""Demo competitions built from the facts in the seed articles.

The awards of "Samorządowy Lider Cyfryzacji" are the published ones. Edition years are inferred (six
yearly editions from 2019 make the VI edition 2024), criteria and phase dates are illustrative.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .models import (
    AggregationMethod,
    Award,
    AwardKind,
    Category,
    Competition,
    Criterion,
    Edition,
    Institution,
    Prize,
)
from .teryt import InstitutionKind as K

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
WARSAW = dt.timezone(dt.timedelta(hours=1))

# name, kind, TERC: the Mazovian entrants named in the seed articles (TERC from GUS's TERC file).
SLC_INSTITUTIONS = {
    "legionowo": ("Urząd Miasta Legionowo", K.GMINA_MIEJSKA, "1408011"),
    "minsk": ("Starostwo Powiatowe w Mińsku Mazowieckim", K.POWIAT, "1412"),
    "pruszkow": ("Starostwo Powiatowe w Pruszkowie", K.POWIAT, "1421"),
    "stacja": ("Stacja Muzeum", K.OTHER, ""),
    "piaseczno": ("Urząd Miasta i Gminy Piaseczno", K.GMINA_MIEJSKO_WIEJSKA, "1418043"),
    "mbpr": ("Mazowieckie Biuro Planowania Regionalnego w Warszawie", K.OTHER, ""),
    "ostroleka": ("Urząd Miasta Ostrołęki", K.MIASTO_NPP, "1461011"),
    "wiazowna": ("Urząd Gminy Wiązowna", K.GMINA_WIEJSKA, "1417082"),
    "bialobrzegi": ("Urząd Miasta i Gminy w Białobrzegach", K.GMINA_MIEJSKO_WIEJSKA, "1401013"),
    "michalowice": ("Urząd Gminy Michałowice", K.GMINA_WIEJSKA, "1421042"),
    "pionki": ("Urząd Miasta Pionki", K.GMINA_MIEJSKA, "1425011"),
    "pw": ("Politechnika Warszawska", K.OTHER, ""),
    "izabelin": ("Urząd Gminy Izabelin", K.GMINA_WIEJSKA, "1432022"),
    "pme": ("Państwowe Muzeum Etnograficzne w Warszawie", K.OTHER, ""),
    "mazowsze": ("Urząd Marszałkowski Województwa Mazowieckiego", K.WOJEWODZTWO, "14"),
}


@dataclass(frozen=True)
class DemoAward:
    institution: str
    place: int | None
    title: str


SLC_2024_CATEGORIES = [
    (
        "Poza horyzonty",
        "Innowacyjne wdrożenia w zakresie publikacji danych przestrzennych.",
        [
            DemoAward(
                "piaseczno",
                1,
                "Portale informacji przestrzennej: Informator, Mobilność, "
                "Budżet Gminy, Planowanie Przestrzenne i portale dla Straży Pożarnej",
            ),
            DemoAward(
                "mbpr",
                2,
                "Zintegrowany Monitoring Zagospodarowania Przestrzennego Województwa Mazowieckiego",
            ),
            DemoAward("minsk", 3, "System Informacji Przestrzennej"),
            DemoAward("ostroleka", None, ""),
            DemoAward("wiazowna", None, ""),
        ],
    ),
    (
        "Ponad codzienność",
        "Innowacyjne rozwiązania w zakresie e-usług dla mieszkańca.",
        [
            DemoAward(
                "bialobrzegi",
                1,
                "Portal e-Mieszkańca (Portfel e-Mieszkańca, System Qnet, System 4Parent)",
            ),
            DemoAward(
                "michalowice",
                2,
                "Poprawa jakości świadczenia usług publicznych w formie "
                "elektronicznej w Gminie Michałowice",
            ),
            DemoAward("ostroleka", 3, "Usługi elektroniczne Urzędu Miasta Ostrołęki"),
            DemoAward("pionki", None, ""),
        ],
    ),
    (
        "Wbrew przeszkodom",
        "Innowacyjne projekty z dowolnego obszaru tematycznego.",
        [
            DemoAward("ostroleka", 1, "Ostrołęcka Karta Mieszkańca"),
            DemoAward("piaseczno", 2, "System dyspozytorski Urzędu Miasta i Gminy Piaseczno"),
            DemoAward("pw", 3, "Transformacja cyfrowa PW"),
            DemoAward("izabelin", None, ""),
            DemoAward("pme", None, ""),
        ],
    ),
]

SLC_CRITERIA = [
    ("Innowacyjność", "Na ile rozwiązanie jest nowatorskie na tle innych samorządów.", 2),
    ("Korzyści dla mieszkańców", "Realne ułatwienia dla mieszkańców i przedsiębiorców.", 2),
    ("Skala i trwałość wdrożenia", "Zasięg, liczba użytkowników, utrzymanie po wdrożeniu.", 1),
    ("Dostępność", "Zgodność z WCAG i dostępność dla osób z niepełnosprawnościami.", 1),
]

IS_CATEGORIES = [
    ("Gminy wiejskie", [K.GMINA_WIEJSKA], 4, 10),
    ("Gminy miejsko-wiejskie", [K.GMINA_MIEJSKO_WIEJSKA], 4, 10),
    ("Gminy miejskie", [K.GMINA_MIEJSKA], 3, 10),
    ("Miasta na prawach powiatu", [K.MIASTO_NPP], 3, 10),
    ("Powiaty i województwa", [K.POWIAT, K.WOJEWODZTWO], 3, 8),
]
IS_CRITERIA = [
    ("Nowatorstwo w skali kraju", "Czy rozwiązanie jest nowe w skali całego kraju?"),
    ("Rezultaty", "Rezultaty osiągnięte dzięki zastosowanym rozwiązaniom."),
    ("Potencjał inspiracji", "Potencjał do zainspirowania innych samorządów."),
]


def _at(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=WARSAW)


def _institution(name: str, kind: str, terc: str) -> Institution:
    if terc:
        institution, _created = Institution.objects.get_or_create(
            terc=terc, defaults={"name": name, "kind": kind}
        )
    else:
        institution, _created = Institution.objects.get_or_create(
            name=name, terc="", defaults={"kind": kind}
        )
    return institution


def _edition(competition: Competition, number: int, **fields) -> Edition:
    edition, _created = Edition.objects.update_or_create(
        competition=competition, number=number, defaults=fields
    )
    return edition


def _category(edition: Edition, name: str, order: int, **fields) -> Category:
    category, _created = Category.objects.update_or_create(
        edition=edition, name=name, defaults={"sort_order": order, **fields}
    )
    return category


def _prize(category: Category, place: int, amount: int) -> None:
    Prize.objects.update_or_create(
        category=category, place=place, defaults={"amount": Decimal(amount)}
    )


def _award(category: Category, institution: Institution, place: int | None, title: str) -> None:
    Award.objects.update_or_create(
        category=category,
        institution=institution,
        project_title=title,
        defaults={"kind": AwardKind.PLACE if place else AwardKind.DISTINCTION, "place": place},
    )


def _criteria(edition: Edition, rows: list[tuple[str, str, int]]) -> None:
    for order, (name, description, weight) in enumerate(rows, start=1):
        Criterion.objects.update_or_create(
            edition=edition,
            round=None,
            name=name,
            defaults={
                "description": description,
                "scale_min": Decimal(0),
                "scale_max": Decimal(10),
                "step": Decimal("0.5"),
                "weight": Decimal(weight),
                "order": order,
                "tiebreak_order": order if order <= 2 else None,
            },
        )


@transaction.atomic
def build_lider_cyfryzacji() -> Competition:
    competition, _created = Competition.objects.update_or_create(
        slug="samorzadowy-lider-cyfryzacji",
        defaults={
            "name": "Samorządowy Lider Cyfryzacji",
            "code": "SLC",
            "organiser_name": "Samorząd Województwa Mazowieckiego",
            "description": (
                "Konkurs dla samorządów z terenu województwa mazowieckiego, których dokonania w "
                "sferze cyfryzacji wyróżniają się na tle innych: e-usługi dla mieszkańców i "
                "przedsiębiorców, elektroniczne systemy dziedzinowe, elektroniczne zarządzanie "
                "dokumentacją."
            ),
        },
    )
    people = {key: _institution(*row) for key, row in SLC_INSTITUTIONS.items()}

    first = _edition(
        competition,
        1,
        year=2019,
        call_opens_at=_at(2018, 11, 5),
        submission_deadline=_at(2019, 1, 31),
        formal_check_ends_at=_at(2019, 2, 15),
        scoring_opens_at=_at(2019, 2, 18),
        scoring_closes_at=_at(2019, 3, 22),
        results_date=_at(2019, 4, 17),
        method=AggregationMethod.MEAN,
        frozen_at=_at(2019, 4, 1),
        published_at=_at(2019, 4, 17),
    )
    category = _category(
        first,
        "Samorządowy Lider Cyfryzacji",
        1,
        description=(
            "Nowoczesne techniki informacyjne i komunikacyjne, narzędzia i rozwiązania "
            "informatyczne usprawniające pracę urzędu i obsługę mieszkańców."
        ),
        places=3,
        max_distinctions=1,
    )
    _prize(category, 1, 15000)
    _criteria(first, SLC_CRITERIA)
    _award(category, people["legionowo"], 1, "Strona internetowa z e-usługami i formularzami")
    _award(category, people["minsk"], 2, "")
    _award(category, people["pruszkow"], 3, "")
    _award(category, people["stacja"], None, "")

    sixth = _edition(
        competition,
        6,
        year=2024,
        call_opens_at=_at(2024, 3, 1),
        submission_deadline=_at(2024, 5, 31),
        formal_check_ends_at=_at(2024, 6, 14),
        scoring_opens_at=_at(2024, 6, 17),
        scoring_closes_at=_at(2024, 9, 13),
        results_date=_at(2024, 10, 15),
        ceremony_date=dt.date(2024, 10, 22),
        ceremony_place="Warszawa",
        diploma_signatures="Anna Nowicka — przewodnicząca jury\nMarek Kowalczyk — organizator",
        method=AggregationMethod.MEAN,
        frozen_at=_at(2024, 10, 1),
        published_at=None,
    )
    _criteria(sixth, SLC_CRITERIA)
    every_kind = list(K.values)
    for order, (name, description, awards) in enumerate(SLC_2024_CATEGORIES, start=1):
        category = _category(
            sixth,
            name,
            order,
            description=description,
            eligible_kinds=every_kind,
            places=3,
            max_distinctions=2,
        )
        _prize(category, 1, 15000)
        # Once the frozen results exist they are the source of the awards; do not add them twice.
        if category.awards.exists():
            continue
        for award in awards:
            _award(category, people[award.institution], award.place, award.title)
    return competition


@transaction.atomic
def build_innowacyjny_samorzad(now: dt.datetime | None = None) -> Competition:
    """The 2021 edition at its real scale, kept in the scoring phase relative to `now`."""
    now = now or timezone.now()
    competition, _created = Competition.objects.update_or_create(
        slug="innowacyjny-samorzad",
        defaults={
            "name": "Innowacyjny Samorząd",
            "code": "IS",
            "organiser_name": "Serwis Samorządowy Polskiej Agencji Prasowej",
            "description": (
                "Ogólnopolski konkurs dla samorządów: nowatorstwo w skali kraju, osiągnięte "
                "rezultaty i potencjał do zainspirowania innych jednostek."
            ),
        },
    )
    with (DATA_DIR / "institutions_is2021.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            _institution(row["name"], row["kind"], row["terc"])
    day = dt.timedelta(days=1)
    edition = _edition(
        competition,
        1,
        year=2021,
        call_opens_at=now - 90 * day,
        submission_deadline=now - 45 * day,
        formal_check_ends_at=now - 30 * day,
        scoring_opens_at=now - 28 * day,
        scoring_closes_at=now + 14 * day,
        results_date=now + 30 * day,
        method=AggregationMethod.TRIMMED,
        entries_per_institution=2,
    )
    for order, (name, kinds, places, distinctions) in enumerate(IS_CATEGORIES, start=1):
        _category(
            edition,
            name,
            order,
            eligible_kinds=[str(k) for k in kinds],
            places=places,
            max_distinctions=distinctions,
        )
    _criteria(edition, [(name, text, 1) for name, text in IS_CRITERIA])
    return competition
