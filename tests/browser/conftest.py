"""Browser journeys: Playwright driving Debian's Chromium against Django's live server."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make here
    # are ordinary blocking calls, so Django's guard against async contexts does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `apt-get install -y chromium` (make test-browser does)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _answer_dialogs(page) -> None:
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.accept()))


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(locale: str = "pl-PL"):
        context = browser.new_context(
            base_url=live_server.url, locale=locale, accept_downloads=True
        )
        context.set_default_timeout(15000)
        if AXE.exists():
            # As an init script axe-core is not subject to the site's Content-Security-Policy,
            # which refuses inline scripts (add_script_tag would insert one).
            context.add_init_script(path=str(AXE))
        contexts.append(context)
        # Irreversible steps ask with a confirm dialog; the journeys answer yes and record it,
        # in every tab of the context (a second tab is how a stale save is made).
        context.on("page", _answer_dialogs)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def see(page, text: str) -> None:
    """Wait (no sleeps) until the page shows `text`."""
    from playwright.sync_api import expect

    expect(page.locator("body")).to_contain_text(text)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def check_axe(page, label: str) -> None:
    """Fail on any serious or critical axe-core violation, printing them."""
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm install` (make test-browser does)")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    if bad:
        summary = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in bad
        ]
        pytest.fail(
            f"axe-core on {label} ({page.url}):\n{json.dumps(summary, indent=2, ensure_ascii=False)}"
        )


def login(page, email: str, password: str) -> None:
    page.goto("/konto/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def admin_login(page, username: str, password: str) -> None:
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
