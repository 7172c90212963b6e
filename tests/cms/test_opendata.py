"""Open data of laureates: CSV, JSON and XLSX read back, the DCAT-AP catalogue, who sees what."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from competition.models import Award, Prize
from tests.factories import CategoryFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

KEYS = [
    "competition",
    "edition",
    "year",
    "category",
    "award",
    "place",
    "institution",
    "terc",
    "institution_kind",
    "voivodeship",
    "project_title",
    "laureate_page",
    "prize_pln",
]


def laureates(count: int = 2, *, published: bool = True):
    category = CategoryFactory(name="Poza horyzonty", edition__year=2024)
    edition = category.edition
    edition.frozen_at = timezone.now()
    edition.published_at = timezone.now() if published else None
    edition.save(update_fields=["frozen_at", "published_at"])
    Prize.objects.create(category=category, place=1, amount=Decimal("15000.00"))
    for n in range(count):
        institution = InstitutionFactory(name=f"Gmina Laureatka {n}", kind="gmina_wiejska")
        Award.objects.create(
            category=category,
            institution=institution,
            kind="place" if n < 3 else "distinction",
            place=n + 1 if n < 3 else None,
            project_title=f"e-Urząd {n}",
        )
    return edition


def edition_url(edition, fmt: str) -> str:
    return f"/dane/{edition.competition.slug}/{edition.year}-{edition.number}/laureaci.{fmt}"


def test_csv_lists_every_published_award_with_stable_columns(client):
    edition = laureates(4)

    response = client.get("/dane/laureaci.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == KEYS
    assert [(r["award"], r["institution"], r["prize_pln"]) for r in rows] == [
        ("I miejsce", "Gmina Laureatka 0", "15000.00"),
        ("II miejsce", "Gmina Laureatka 1", ""),
        ("III miejsce", "Gmina Laureatka 2", ""),
        ("Wyróżnienie", "Gmina Laureatka 3", ""),
    ]
    assert rows[0]["competition"] == edition.competition.name
    assert rows[0]["year"] == "2024"
    assert rows[0]["voivodeship"] == "mazowieckie"
    assert rows[0]["institution_kind"] == "gmina wiejska"


def test_json_carries_the_licence_and_the_same_rows(client):
    laureates(2)

    document = json.loads(client.get("/dane/laureaci.json").content)

    assert document["license"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert [c["key"] for c in document["columns"]] == KEYS
    assert document["count"] == 2
    assert document["laureates"][0]["place"] == 1
    assert document["laureates"][1]["project_title"] == "e-Urząd 1"


def test_xlsx_reads_back_with_polish_headers(client):
    laureates(2)

    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/dane/laureaci.xlsx").content))

    rows = list(workbook["Laureaci"].iter_rows(values_only=True))
    assert rows[0][:5] == ("konkurs", "edycja", "rok", "kategoria", "nagroda")
    assert rows[1][4:7] == ("I miejsce", 1, "Gmina Laureatka 0")
    assert workbook["O danych"]["B2"].value.startswith("CC BY 4.0")


def test_results_not_yet_published_are_not_open_data(client):
    edition = laureates(2, published=False)

    assert client.get(edition_url(edition, "csv")).status_code == 404
    text = client.get("/dane/laureaci.csv").content.decode("utf-8-sig")
    assert "Gmina Laureatka" not in text


def test_edition_file_holds_only_that_edition(client):
    edition = laureates(1)
    other = laureates(1)

    rows = json.loads(client.get(edition_url(edition, "json")).content)["laureates"]

    assert len(rows) == 1
    assert rows[0]["competition"] == edition.competition.name
    assert other.competition.name not in client.get(edition_url(edition, "csv")).content.decode()


def test_unknown_format_is_404(client):
    edition = laureates(1)

    assert client.get("/dane/laureaci.pdf").status_code == 404
    assert client.get(edition_url(edition, "exe")).status_code == 404


def test_dcat_catalogue_lists_each_dataset_with_its_files(client):
    edition = laureates(1)

    response = client.get("/dane/katalog.jsonld")

    assert response["Content-Type"] == "application/ld+json"
    catalogue = json.loads(response.content)
    assert catalogue["@type"] == "dcat:Catalog"
    titles = [d["dct:title"] for d in catalogue["dcat:dataset"]]
    assert titles[0] == "Laureaci wszystkich opublikowanych edycji"
    urls = [
        d["dcat:downloadURL"]
        for dataset in catalogue["dcat:dataset"]
        for d in dataset["dcat:distribution"]
    ]
    assert f"http://testserver{edition_url(edition, 'xlsx')}" in urls
    assert all(
        d["dct:license"] == "https://creativecommons.org/licenses/by/4.0/"
        for d in catalogue["dcat:dataset"]
    )


@pytest.mark.parametrize("role", ["anonymous", "applicant", "organiser"])
def test_open_data_page_is_public_in_both_languages(client, role, request):
    laureates(1)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    polish = client.get("/dane/")
    english = client.get("/en/dane/")

    assert polish.status_code == english.status_code == 200
    assert "Dane otwarte: laureaci" in polish.content.decode()
    assert "Open data: laureates" in english.content.decode()
    assert 'href="http://testserver/dane/laureaci.csv"' in polish.content.decode()


def test_open_data_queries_do_not_grow_with_the_laureates(client):
    laureates(1)

    def counted() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/dane/laureaci.json").status_code == 200
        return len(captured.captured_queries)

    one = counted()
    category = Award.objects.first().category
    for n in range(50):
        Award.objects.create(
            category=category,
            institution=InstitutionFactory(),
            kind="distinction",
            project_title=f"Projekt {n}",
        )

    assert counted() == one


def test_archive_counts_laureates_by_voivodeship_and_kind(client, home):
    from cms.models import ArchivePage

    archive = ArchivePage(title="Archiwum", slug="archiwum")
    home.add_child(instance=archive)
    archive.save_revision().publish()
    laureates(3)
    category = Award.objects.first().category
    Award.objects.create(
        category=category,
        institution=InstitutionFactory(name="Powiat Śląski", kind="powiat", terc="2401"),
        kind="distinction",
    )

    page = client.get("/archiwum/")

    regions = page.context["regions"]
    assert regions.kinds == ["gmina wiejska", "powiat"]
    assert regions.rows == [("mazowieckie", [3, 0]), ("śląskie", [0, 1])]
    assert regions.totals == [3, 1]
    body = page.content.decode()
    assert 'aria-label="Wykres słupkowy wymienionych laureatów' in body
    assert '<span class="tag tag-info">I miejsce</span>' in body
