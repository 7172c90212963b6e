"""The 404 and 500 pages as a visitor sees them, and the site's icon."""

from __future__ import annotations

import pytest
from django.template import loader

from tests.browser.conftest import check_axe, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_visitor_sees_error_pages_in_the_site_layout(page, live_server):
    not_found = page.goto("/nie-ma-takiej-strony/")
    shot(page, "10-404-pl")
    check_axe(page, "404")
    english = page.goto("/en/no-such-page/")
    shot(page, "10-404-en")
    html = loader.get_template("500.html").render()
    page.route(
        "**/awaria/", lambda route: route.fulfill(status=500, body=html, content_type="text/html")
    )
    failed = page.goto("/awaria/")
    shot(page, "10-500")
    check_axe(page, "500")
    icon = page.request.get("/favicon.ico")

    assert not_found.status == 404 and english.status == 404 and failed.status == 500
    assert page.locator("link[rel=stylesheet]").evaluate("link => link.sheet !== null")
    assert page.locator(".site-header").evaluate("el => getComputedStyle(el).borderBottomWidth")
    assert icon.status == 200
    assert icon.headers["content-type"] == "image/svg+xml"
