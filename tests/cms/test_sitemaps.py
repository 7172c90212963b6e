from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, PageViewRestriction

from cms.models import StandardPage

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
BASE = "http://localhost"


def add_page(parent, slug: str, *, publish: bool = True) -> StandardPage:
    page = StandardPage(title=slug.capitalize(), slug=slug, live=publish)
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return page


def translate(page):
    return page.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True, alias=True
    )


def sitemap(client) -> dict[str, dict[str, str]]:
    """loc → {hreflang: href} of sitemap.xml."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.find("s:loc", NS).text: {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
        }
        for url in root.findall("s:url", NS)
    }


def head_alternates(client, path: str) -> dict[str, str]:
    body = client.get(path).content.decode()
    head = body.split("</head>")[0]
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head))


@pytest.fixture
def translated_site(home):
    about = add_page(home, "o-konkursie")
    translate(home)
    translate(about)
    return about


def test_sitemap_lists_both_languages_with_alternates(client, translated_site):
    pairs = {
        "pl": f"{BASE}/o-konkursie/",
        "en": f"{BASE}/en/o-konkursie/",
        "x-default": f"{BASE}/o-konkursie/",
    }

    urls = sitemap(client)

    assert urls[f"{BASE}/o-konkursie/"] == pairs
    assert urls[f"{BASE}/en/o-konkursie/"] == pairs
    assert urls[f"{BASE}/en/"] == {"pl": f"{BASE}/", "en": f"{BASE}/en/", "x-default": f"{BASE}/"}


def test_sitemap_lists_an_untranslated_page_alone(client, translated_site, home):
    add_page(home, "tylko-po-polsku")

    urls = sitemap(client)

    assert urls[f"{BASE}/tylko-po-polsku/"] == {}
    assert f"{BASE}/en/tylko-po-polsku/" not in urls


def test_sitemap_leaves_out_drafts_and_private_pages_in_every_language(
    client, translated_site, home
):
    translate(add_page(home, "szkic", publish=False))
    private = add_page(home, "dla-jury")
    english_private = translate(private)
    PageViewRestriction.objects.create(page=english_private, restriction_type="login")

    urls = sitemap(client)

    assert not any("szkic" in loc for loc in urls)
    assert f"{BASE}/en/dla-jury/" not in urls
    assert urls[f"{BASE}/dla-jury/"] == {}


def test_sitemap_queries_do_not_grow_with_pages(
    client, translated_site, home, django_assert_num_queries
):
    client.get("/sitemap.xml")  # Wagtail caches the site's root paths on the first request
    with CaptureQueriesContext(connection) as one_page:
        client.get("/sitemap.xml")
    # Read now: the log is cleared by the next request, and the context reads it lazily.
    queries_for_one_page = len(one_page)
    for number in range(10):
        translate(add_page(home, f"strona-{number}"))
    client.get("/sitemap.xml")

    with django_assert_num_queries(queries_for_one_page):
        urls = sitemap(client)

    assert len(urls) == 2 * 12
    assert queries_for_one_page > 0


def test_polish_page_head_links_its_english_translation(client, translated_site):
    links = head_alternates(client, "/o-konkursie/")

    assert links == {
        "pl": f"{BASE}/o-konkursie/",
        "en": f"{BASE}/en/o-konkursie/",
        "x-default": f"{BASE}/o-konkursie/",
    }


def test_english_page_head_links_its_polish_original(client, translated_site):
    links = head_alternates(client, "/en/o-konkursie/")

    assert links["pl"] == f"{BASE}/o-konkursie/"
    assert links["en"] == f"{BASE}/en/o-konkursie/"
    assert links["x-default"] == f"{BASE}/o-konkursie/"


def test_untranslated_page_head_has_no_alternates(client, home):
    add_page(home, "tylko-po-polsku")

    assert head_alternates(client, "/tylko-po-polsku/") == {}
