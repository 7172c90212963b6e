from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from competition.models import PreselectionRound
from competition.teryt import InstitutionKind
from scoring import services
from tests.factories import (
    BASE,
    CategoryFactory,
    CriterionFactory,
    EntryFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
)

DURING_SCORING = BASE + dt.timedelta(days=50)
# The factories' pre-selection round (rounds fixtures below) runs from day 40 to day 44.
PRESELECTION = BASE + dt.timedelta(days=42)
AFTER_PRESELECTION = BASE + dt.timedelta(days=44, hours=12)
AFTER_SCORING = BASE + dt.timedelta(days=70)


@pytest.fixture
def during_scoring():
    with time_machine.travel(DURING_SCORING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def category(db):
    category = CategoryFactory(name="Ponad codzienność", edition__min_justification_length=10)
    return category


@pytest.fixture
def criteria(category):
    return [
        CriterionFactory(
            edition=category.edition, name="Innowacyjność", weight=Decimal(2), order=1
        ),
        CriterionFactory(edition=category.edition, name="Rezultaty", step=Decimal("0.5"), order=2),
    ]


@pytest.fixture
def entries(category, criteria):
    return [
        EntryFactory(category=category, status="eligible", number=f"T-{n}", sequence=n)
        for n in range(1, 4)
    ]


@pytest.fixture
def entry(entries):
    return entries[0]


@pytest.fixture
def juror(category):
    user = UserFactory(username="juror")
    services.appoint(category=category, user=user)
    return user


@pytest.fixture
def second_juror(category):
    user = UserFactory(username="juror2")
    services.appoint(category=category, user=user)
    return user


@pytest.fixture
def other_juror(db):
    """A juror of another category."""
    user = UserFactory(username="elsewhere")
    services.appoint(category=CategoryFactory(name="Poza horyzonty"), user=user)
    return user


@pytest.fixture
def chair(category):
    user = UserFactory(username="chair")
    services.appoint(category=category, user=user, chair=True)
    return user


@pytest.fixture
def applicant(entry):
    return MembershipFactory(user__username="applicant", institution=entry.institution).user


@pytest.fixture
def other_applicant(db):
    return MembershipFactory(
        user__username="other_applicant",
        institution=InstitutionFactory(kind=InstitutionKind.GMINA_WIEJSKA),
    ).user


def sheet_data(criteria, values, justification="Dobrze uzasadniona ocena.", version=0, **extra):
    data = {f"score_{c.pk}": v for c, v in zip(criteria, values, strict=True)}
    return {**data, "justification": justification, "version": version, **extra}


# The pre-selection round ---------------------------------------------------------------------


@pytest.fixture
def preselection(category):
    edition = category.edition
    return PreselectionRound.objects.create(
        edition=edition,
        opens_at=edition.formal_check_ends_at,
        closes_at=edition.formal_check_ends_at + dt.timedelta(days=4),
        shortlist_size=2,
    )


@pytest.fixture
def pre_criterion(category, preselection):
    return CriterionFactory(edition=category.edition, round=preselection, name="Ocena wstępna")


def score(juror, entry, criteria, values, when):
    with time_machine.travel(when, tick=False):
        return services.save_score_sheet(
            juror=juror,
            entry=entry,
            scores={str(c.pk): str(v) for c, v in zip(criteria, values, strict=True)},
            justification="Uzasadnienie oceny.",
            version=0,
            submit=True,
        )


@pytest.fixture
def pre_scored(entries, juror, chair, pre_criterion):
    """Means: entry0 8.5, entry1 6.5, entry2 6.5 (tied at the cut of 2)."""
    for user, values in [(juror, [9, 7, 7]), (chair, [8, 6, 6])]:
        for entry, value in zip(entries, values, strict=True):
            score(user, entry, [pre_criterion], [value], PRESELECTION)
    return entries
