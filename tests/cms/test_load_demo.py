from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from competition.models import Award, Category, Competition, Criterion, Edition, Institution
from competition.teryt import validate_terc

pytestmark = pytest.mark.django_db

MODELS = (Competition, Edition, Category, Criterion, Institution, Award, get_user_model())


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_load_demo_twice_gives_the_same_counts():
    call_command("load_demo", stdout=StringIO())
    first = counts()

    call_command("load_demo", stdout=StringIO())

    assert counts() == first
    assert first["Competition"] == 2
    assert first["Institution"] >= 226


def test_load_demo_records_the_published_2019_result():
    call_command("load_demo", stdout=StringIO())

    edition = Edition.objects.get(competition__slug="samorzadowy-lider-cyfryzacji", year=2019)
    awards = [
        (a.kind, a.place, a.institution.name)
        for a in Award.objects.filter(category__edition=edition).order_by("kind", "place")
    ]

    assert edition.phase == "published"
    assert awards == [
        ("distinction", None, "Stacja Muzeum"),
        ("place", 1, "Urząd Miasta Legionowo"),
        ("place", 2, "Starostwo Powiatowe w Mińsku Mazowieckim"),
        ("place", 3, "Starostwo Powiatowe w Pruszkowie"),
    ]
    assert edition.categories.get().prize_for_place(1) == 15000


def test_load_demo_sixth_edition_has_the_seed_laureates():
    call_command("load_demo", stdout=StringIO())

    edition = Edition.objects.get(competition__slug="samorzadowy-lider-cyfryzacji", number=6)
    firsts = dict(
        Award.objects.filter(category__edition=edition, place=1).values_list(
            "category__name", "institution__name"
        )
    )

    assert edition.label == "VI edycja"
    assert firsts == {
        "Poza horyzonty": "Urząd Miasta i Gminy Piaseczno",
        "Ponad codzienność": "Urząd Miasta i Gminy w Białobrzegach",
        "Wbrew przeszkodom": "Urząd Miasta Ostrołęki",
    }
    assert Award.objects.filter(category__edition=edition, kind="distinction").count() == 5


def test_load_demo_innowacyjny_samorzad_is_at_scale_and_scoring():
    call_command("load_demo", stdout=StringIO())

    edition = Edition.objects.get(competition__slug="innowacyjny-samorzad")

    assert edition.phase == "scoring"
    assert edition.categories.count() == 5
    assert list(edition.criteria.values_list("name", flat=True)) == [
        "Nowatorstwo w skali kraju",
        "Rezultaty",
        "Potencjał inspiracji",
    ]


def test_load_demo_institutions_have_valid_terc_codes():
    call_command("load_demo", stdout=StringIO())

    for institution in Institution.objects.all():
        validate_terc(institution.terc, institution.kind)


def test_load_demo_prints_the_logins_and_they_work(client):
    out = StringIO()

    call_command("load_demo", stdout=out)

    assert "organizator" in out.getvalue()
    assert client.login(username="organizator", password="demo-organizator")
