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
