"""Journey 6: a visitor finds the announcement, a laureate page and an institution, by keyboard."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser.conftest import check_axe, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PUBLIC_PATHS = [
    "/",
    "/samorzadowy-lider-cyfryzacji/",
    "/samorzadowy-lider-cyfryzacji/2024-6/",
    "/samorzadowy-lider-cyfryzacji/2024-6/laureaci/",
    "/samorzadowy-lider-cyfryzacji/2024-6/laureaci/slc-2024-001/",
    "/aktualnosci/",
    "/aktualnosci/mazowieccy-liderzy-cyfryzacji-wybrani/",
    "/archiwum/",
    "/deklaracja-dostepnosci/",
    "/szukaj/?q=Ostro%C5%82%C4%99ka",
    "/konto/login/",
    "/konto/signup/",
]


@pytest.fixture
def demo(live_server):
    call_command("load_demo", stdout=StringIO())


@pytest.mark.parametrize("language", ["pl", "en"])
def test_visitor_finds_announcement_laureate_and_institution(page, demo, language):
    prefix = "" if language == "pl" else "/en"
    page.goto(f"{prefix}/")
    shot(page, f"6-{language}-home")

    page.get_by_role("link", name=re.compile("Laureaci|Laureates")).first.click()
    page.wait_for_load_state("networkidle")
    assert "Urząd Miasta i Gminy Piaseczno" in page.content()
    shot(page, f"6-{language}-announcement")

    page.get_by_role("link", name="Urząd Miasta i Gminy Piaseczno").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("Portale informacji przestrzennej")
    shot(page, f"6-{language}-laureate")

    page.goto(f"{prefix}/szukaj/")
    page.get_by_role("searchbox").fill("Białobrzegach")
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name=re.compile("Portal e-Mieszkańca")).count() >= 1
    shot(page, f"6-{language}-search")


def test_visitor_uses_the_site_with_the_keyboard_only(page, demo):
    page.goto("/")

    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Przejdź do treści"
    assert skip.evaluate("e => getComputedStyle(e).left") == "0px"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"

    page.keyboard.press("Tab")
    for _ in range(40):
        focused = page.locator(":focus")
        if re.search("Laureaci", focused.inner_text() or ""):
            break
        page.keyboard.press("Tab")
    outline = page.locator(":focus").evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none"
    shot(page, "6-keyboard-focus")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/laureaci/" in page.url


@pytest.mark.parametrize("language", ["pl", "en"])
def test_public_pages_have_no_serious_accessibility_violations(page, demo, language):
    prefix = "" if language == "pl" else "/en"
    for path in PUBLIC_PATHS:
        page.goto(f"{prefix}{path}")
        page.wait_for_load_state("networkidle")
        check_axe(page, f"{language} {path}")


def test_axe_check_catches_a_real_violation(page):
    page.set_content('<html><body><main><img src="x.png"><a href="/"></a></main></body></html>')

    with pytest.raises(pytest.fail.Exception) as excinfo:
        check_axe(page, "broken page")

    assert "image-alt" in str(excinfo.value)


SHOWCASE = {
    "home": "/",
    "edition": "/samorzadowy-lider-cyfryzacji/2024-6/",
    "announcement": "/samorzadowy-lider-cyfryzacji/2024-6/laureaci/",
    "laureate": "/samorzadowy-lider-cyfryzacji/2024-6/laureaci/slc-2024-001/",
    "archive": "/archiwum/",
}


@pytest.mark.parametrize("language", ["pl", "en"])
def test_public_pages_at_phone_tablet_and_desktop_widths(page, demo, language):
    prefix = "" if language == "pl" else "/en"
    for width in (360, 768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in SHOWCASE.items():
            page.goto(f"{prefix}{path}")
            page.wait_for_load_state("networkidle")

            check_axe(page, f"{language} {width}px {path}")
            # Nothing wider than the screen: a phone never scrolls the whole page sideways.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                f"{path} at {width}px"
            )
            shot(page, f"public-{language}-{name}-{width}")


def test_laureate_jury_and_archive_show_pictures_facts_and_links(page, demo):
    page.goto("/samorzadowy-lider-cyfryzacji/2024-6/")
    photos = page.locator(".jury img.jury-photo")
    initials = page.locator(".jury .jury-initials")
    assert photos.count() >= 1 and initials.count() >= 1
    assert all(alt == "" for alt in photos.evaluate_all("els => els.map(e => e.alt)"))

    page.goto("/samorzadowy-lider-cyfryzacji/2024-6/laureaci/slc-2024-001/")
    assert page.locator("dl.facts dt").count() >= 5
    service = page.locator(".service-links a").first
    assert service.is_visible() and service.inner_text().strip()
    assert service.get_attribute("href").startswith("https://")
    share = page.locator('meta[property="og:image"]').get_attribute("content")
    assert "fill-1200x630" in share

    page.goto("/archiwum/")
    cards = page.locator(".laureate-card")
    pictures = page.locator(".laureate-card img")
    total = cards.count()
    assert total > pictures.count() >= 1
    assert all(pictures.evaluate_all("els => els.map(e => e.alt.length > 0)"))
    page.locator("#f-year").select_option("2019")
    page.get_by_role("button", name="Filtruj").click()
    page.wait_for_load_state("networkidle")
    assert "year=2019" in page.url
    filtered = page.locator(".laureate-card")
    assert 0 < filtered.count() < total
    assert all("2019" in text for text in filtered.all_inner_texts())
