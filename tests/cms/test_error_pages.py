"""The production 404 and 500 pages: in the site's language and look, the 500 needing nothing."""

from __future__ import annotations

import pytest
from django.template import loader
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "language", "heading", "home_link"),
    [
        ("/nie-ma-takiej-strony/", "pl", "Nie znaleziono strony", 'href="/"'),
        ("/en/no-such-page/", "en", "Page not found", 'href="/en/"'),
        ("/zgloszenia/999999/", "pl", "Nie znaleziono strony", 'href="/"'),
    ],
)
def test_missing_page_is_404_in_the_site_layout_and_language(
    client, home, path, language, heading, home_link
):
    client.force_login(UserFactory(username="anna"))

    response = client.get(path)

    body = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}">' in body
    assert f"<h1>{heading}</h1>" in body
    assert 'class="site-header"' in body
    assert 'href="#main"' in body
    assert f"<li><a {home_link}>" in body


def test_missing_page_is_404_for_anonymous_visitor(client, home):
    response = client.get("/nie-ma-takiej-strony/")

    assert response.status_code == 404
    assert "<h1>Nie znaleziono strony</h1>" in response.content.decode()


def test_server_error_page_needs_no_database_nor_context(django_assert_num_queries):
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = server_error(request)
        template = loader.get_template("500.html").render()

    body = response.content.decode()
    assert response.status_code == 500
    assert body == template
    assert "<h1>Błąd serwera</h1>" in body
    assert '<div lang="en">' in body and "<h2>Server error</h2>" in body
    assert 'href="/static/css/site.css"' in body
    assert "{%" not in body and "{{" not in body


def test_every_page_links_the_favicon(client, home):
    response = client.get("/")

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in (
        response.content.decode()
    )


def test_favicon_ico_redirects_to_the_svg(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
