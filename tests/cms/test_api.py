"""The public read-only API: published laureates and editions, filters, pages, the schema."""

from __future__ import annotations

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from competition.models import Award
from tests.cms.test_opendata import laureates
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_laureates_are_listed_with_the_open_data_fields(client):
    laureates(2)

    body = client.get("/api/v1/laureaci/").json()

    assert body["count"] == 2
    first = body["results"][0]
    assert (first["award"], first["place"], first["prize_pln"]) == ("I miejsce", 1, "15000.00")
    assert first["voivodeship"] == "mazowieckie"


def test_laureates_filter_by_year_kind_and_voivodeship(client):
    laureates(2)
    category = Award.objects.first().category
    Award.objects.create(
        category=category,
        institution=InstitutionFactory(name="Powiat Śląski", kind="powiat", terc="2401"),
        kind="distinction",
    )

    def names(**query) -> list[str]:
        return [r["institution"] for r in client.get("/api/v1/laureaci/", query).json()["results"]]

    assert names(kind="powiat") == ["Powiat Śląski"]
    assert names(voivodeship="24") == ["Powiat Śląski"]
    assert len(names(year=2024)) == 3
    assert names(year=1999) == []


def test_a_filter_that_does_not_validate_is_a_400_with_the_reason(client):
    response = client.get("/api/v1/laureaci/", {"year": "dwa tysiące"})

    assert response.status_code == 400
    assert "year" in response.json()


def test_laureates_come_in_pages_of_fifty(client):
    laureates(51)

    first = client.get("/api/v1/laureaci/").json()
    second = client.get("/api/v1/laureaci/", {"page": 2}).json()

    assert len(first["results"]) == 50
    assert first["next"].endswith("/api/v1/laureaci/?page=2")
    assert len(second["results"]) == 1


def test_unpublished_results_are_not_in_the_api(client):
    laureates(2, published=False)

    assert client.get("/api/v1/laureaci/").json()["count"] == 0
    assert client.get("/api/v1/edycje/").json()["count"] == 0


def test_editions_link_their_data_files(client):
    edition = laureates(1)

    result = client.get("/api/v1/edycje/").json()["results"][0]

    assert result["year"] == 2024
    assert result["laureates"]["csv"].endswith(
        f"/dane/{edition.competition.slug}/2024-{edition.number}/laureaci.csv"
    )


def test_the_api_is_read_only(client, organiser):
    client.force_login(organiser)

    assert client.post("/api/v1/laureaci/", {}).status_code == 405
    assert client.delete("/api/v1/edycje/").status_code == 405


def test_openapi_schema_describes_only_the_public_api(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)

    assert sorted(schema["paths"]) == ["/api/v1/edycje/", "/api/v1/laureaci/"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/laureaci/"]["get"]["parameters"]}
    assert {"year", "category", "kind", "voivodeship", "page"} <= parameters


def test_laureates_page_queries_do_not_grow_with_its_rows(client):
    laureates(1)

    def counted() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/laureaci/").status_code == 200
        return len(captured.captured_queries)

    one = counted()
    laureates(49)

    assert counted() == one
