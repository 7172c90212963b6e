from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from competition.models import Award, Category, Competition, Criterion, Edition, Institution
from competition.teryt import validate_terc
from entries.models import Entry
from scoring import results
from scoring.models import Recusal, ResultSnapshot, Score, ScoreSheet

pytestmark = pytest.mark.django_db

MODELS = (
    Competition, Edition, Category, Criterion, Institution, Award, get_user_model(),
    Entry, ScoreSheet, Score, Recusal, ResultSnapshot,
)  # fmt: skip


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def awards_of(edition) -> dict[str, list[tuple]]:
    return {
        category.name: [
            (a.kind, a.place, a.institution.name)
            for a in category.awards.order_by("kind", "place", "institution__name")
        ]
        for category in edition.categories.order_by("sort_order")
    }


def test_load_demo_twice_gives_the_same_counts():
    call_command("load_demo", stdout=StringIO())
    first = counts()

    call_command("load_demo", stdout=StringIO())

    assert counts() == first
    assert first["Competition"] == 2
    assert first["Institution"] >= 226
    assert first["ResultSnapshot"] == 1


@pytest.fixture
def demo(client):
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_load_demo_records_the_published_2019_result(demo):
    edition = Edition.objects.get(competition__slug="samorzadowy-lider-cyfryzacji", year=2019)

    assert edition.phase == "published"
    assert awards_of(edition) == {
        "Samorządowy Lider Cyfryzacji": [
            ("distinction", None, "Stacja Muzeum"),
            ("place", 1, "Urząd Miasta Legionowo"),
            ("place", 2, "Starostwo Powiatowe w Mińsku Mazowieckim"),
            ("place", 3, "Starostwo Powiatowe w Pruszkowie"),
        ]
    }
    assert edition.categories.get().prize_for_place(1) == 15000


def test_load_demo_sixth_edition_is_frozen_with_the_seed_laureates(demo):
    edition = Edition.objects.get(competition__slug="samorzadowy-lider-cyfryzacji", number=6)
    snapshot = edition.snapshots.get()

    assert edition.label == "VI edycja"
    # The demo's announcement is live, so the edition's results are published.
    assert edition.phase == "published"
    assert results.verify(snapshot)
    assert awards_of(edition) == {
        "Poza horyzonty": [
            ("distinction", None, "Urząd Gminy Wiązowna"),
            ("distinction", None, "Urząd Miasta Ostrołęki"),
            ("place", 1, "Urząd Miasta i Gminy Piaseczno"),
            ("place", 2, "Mazowieckie Biuro Planowania Regionalnego w Warszawie"),
            ("place", 3, "Starostwo Powiatowe w Mińsku Mazowieckim"),
        ],
        "Ponad codzienność": [
            ("distinction", None, "Urząd Miasta Pionki"),
            ("place", 1, "Urząd Miasta i Gminy w Białobrzegach"),
            ("place", 2, "Urząd Gminy Michałowice"),
            ("place", 3, "Urząd Miasta Ostrołęki"),
        ],
        "Wbrew przeszkodom": [
            ("distinction", None, "Państwowe Muzeum Etnograficzne w Warszawie"),
            ("distinction", None, "Urząd Gminy Izabelin"),
            ("place", 1, "Urząd Miasta Ostrołęki"),
            ("place", 2, "Urząd Miasta i Gminy Piaseczno"),
            ("place", 3, "Politechnika Warszawska"),
        ],
    }
    snapshot_awards = {
        c["name"]: sorted(r["award"] for r in c["ranking"] if r["award"])
        for c in snapshot.payload["categories"]
    }
    assert snapshot_awards["Ponad codzienność"] == ["distinction", "place_1", "place_2", "place_3"]


def test_load_demo_innowacyjny_samorzad_at_scale_in_deliberation(demo):
    edition = Edition.objects.get(competition__slug="innowacyjny-samorzad")
    sheets = ScoreSheet.objects.filter(entry__edition=edition)

    assert edition.phase == "deliberation"
    assert edition.entries.count() == 396
    assert edition.entries.values("institution").distinct().count() == 226
    assert edition.categories.count() == 5
    assert list(edition.criteria.filter(round=None).values_list("name", flat=True)) == [
        "Nowatorstwo w skali kraju",
        "Rezultaty",
        "Potencjał inspiracji",
    ]
    assert {s.status for s in sheets} == {"draft", "submitted"}
    assert Recusal.objects.filter(entry__edition=edition, kind="automatic").exists()


def test_load_demo_institutions_have_valid_terc_codes(demo):
    for institution in Institution.objects.all():
        validate_terc(institution.terc, institution.kind)


def test_load_demo_prints_the_logins_and_they_work(demo, client):
    assert "organizator" in demo
    response = client.post(
        "/admin/login/", {"username": "organizator", "password": "demo-organizator"}
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("username", "sees", "hidden"),
    [
        ("organizator-slc", "Samorządowy Lider Cyfryzacji", "Innowacyjny Samorząd"),
        ("organizator-is", "Innowacyjny Samorząd", "Samorządowy Lider Cyfryzacji"),
    ],
)
def test_load_demo_organiser_of_one_competition_sees_only_it(demo, client, username, sees, hidden):
    assert f"{username} " in demo
    client.post("/admin/login/", {"username": username, "password": f"demo-{username}"})

    dashboard = client.get("/admin/").content.decode()
    editions = client.get("/admin/editions/").content.decode()

    assert sees in dashboard and sees in editions
    assert hidden not in dashboard and hidden not in editions
