from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


def open_edition(**kwargs):
    now = timezone.now()
    return EditionFactory(
        call_opens_at=now - dt.timedelta(days=5),
        submission_deadline=now + dt.timedelta(days=5),
        **kwargs,
    )


def test_home_page_lists_open_calls_in_polish(client, home):
    edition = open_edition(number=7, competition__name="Samorządowy Lider Cyfryzacji")

    response = client.get("/")

    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="pl">' in body
    assert "Samorządowy Lider Cyfryzacji — VII edycja" in body
    assert f'href="/zgloszenia/nowe/{edition.pk}/"' in body
    assert "Przejdź do treści" in body


def test_home_page_in_english_under_en_prefix(client, home):
    from wagtail.models import Locale

    home.copy_for_translation(Locale.objects.get(language_code="en"), alias=True)
    open_edition(number=7, competition__name="Samorządowy Lider Cyfryzacji")

    response = client.get("/en/")

    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in body
    assert "Samorządowy Lider Cyfryzacji — VII edition" in body
    assert "Skip to main content" in body


def test_language_links_keep_the_page(client, home):
    body = client.get("/szukaj/?q=Legionowo").content.decode()

    assert 'href="/en/szukaj/?q=Legionowo" lang="en"' in body


def test_language_setter_keeps_the_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_home_page_query_count_is_the_same_for_1_and_50_open_calls(client, home):
    open_edition()
    client.get("/")
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for _ in range(49):
        open_edition()
    cache.clear()

    with CaptureQueriesContext(connection) as fifty:
        response = client.get("/")

    assert response.content.decode().count('class="card"') == 50
    assert len(fifty) == len(one)


def test_home_page_counts_down_to_each_deadline_in_warsaw_time(client, home):
    now = timezone.now()
    edition = EditionFactory(
        call_opens_at=now - dt.timedelta(days=5),
        submission_deadline=now + dt.timedelta(days=3, hours=2, minutes=30),
    )

    body = client.get("/").content.decode()

    warsaw = timezone.localtime(edition.submission_deadline)
    assert f'data-deadline="{warsaw.isoformat()}"' in body
    assert ">3\u00a0dni, 2\u00a0godziny</time>" in body
    assert 'src="/static/js/countdown.js"' in body
