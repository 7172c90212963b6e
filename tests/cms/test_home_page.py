from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.services import ensure_home_page
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def test_home_page_lists_editions_in_polish(client, demo):
    response = client.get("/")

    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="pl">' in body
    assert "Samorządowy Lider Cyfryzacji — VI edycja (2024)" in body
    assert "wyniki opublikowane" in body
    assert "Przejdź do treści" in body


def test_home_page_in_english_under_en_prefix(client, demo):
    response = client.get("/en/")

    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in body
    assert "Samorządowy Lider Cyfryzacji — VI edition (2024)" in body
    assert "Skip to main content" in body


def test_language_switcher_keeps_the_page(client, demo):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_home_page_query_count_is_the_same_for_1_and_50_editions(client):
    ensure_home_page(title="Start")
    EditionFactory()
    client.get("/")  # warm the site root cache
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    EditionFactory.create_batch(49)

    with CaptureQueriesContext(connection) as fifty:
        response = client.get("/")

    assert response.content.decode().count('class="card"') == 50
    assert len(fifty) == len(one)
