"""The juror's workspace in a browser: segments by keyboard, running total, autosave, next entry."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from scoring import services
from scoring.models import ScoreSheet
from tests.browser.conftest import check_axe, login, shot
from tests.browser.test_jury import PASSWORD, category_in, person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_juror_scores_by_keyboard_autosaves_and_moves_on(new_page, live_server):
    category, criteria, entries = category_in("scoring")
    criteria[0].comment_required = True
    criteria[0].save()
    juror = person("juror1")
    services.appoint(category=category, user=juror)
    page = new_page()
    login(page, juror.email, PASSWORD)
    page.goto(f"/jury/zgloszenie/{entries[0].pk}/")
    check_axe(page, "workspace pl")
    total = page.locator("#running-total")
    status = page.locator("#autosave-status")
    expect(total).to_have_text("0")

    # Arrow keys move between the radios of a criterion and pick the score.
    page.locator(f"#id_score_{criteria[0].pk}_0").focus()
    for _step in range(7):
        page.keyboard.press("ArrowRight")
    expect(page.locator(f"#id_score_{criteria[0].pk}_7")).to_be_checked()
    expect(total).to_have_text("14")
    page.locator(f"#id_score_{criteria[1].pk}_0").focus()
    with page.expect_response(re.compile(r"/autozapis/$")) as saved:
        for _step in range(6):
            page.keyboard.press("ArrowRight")
    assert saved.value.status == 200
    # 2 × 7 + 1 × 6, and the page says when the draft was saved.
    expect(total).to_have_text("20")
    expect(status).to_have_text(re.compile(r"\d\d:\d\d"))
    with page.expect_response(re.compile(r"/autozapis/$")) as saved:
        page.locator(f"#id_comment_{criteria[0].pk}").fill("Nowe w skali kraju.")
    assert saved.value.json()["version"] >= 2
    shot(page, "workspace-1280-autosaved")

    page.reload()
    expect(page.locator(f"#id_score_{criteria[0].pk}_7")).to_be_checked()
    expect(page.locator(f"#id_score_{criteria[1].pk}_6")).to_be_checked()
    expect(page.locator(f"#id_comment_{criteria[0].pk}")).to_have_value("Nowe w skali kraju.")
    expect(total).to_have_text("20")
    sheet = ScoreSheet.objects.get(juror=juror)
    assert (sheet.status, sorted(str(s.value) for s in sheet.scores.all())) == (
        "draft",
        ["6.00", "7.00"],
    )

    for width in (360, 768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"workspace-{width}")
    page.get_by_role("link", name=re.compile("Następn|Next")).click()
    page.wait_for_url(re.compile(rf"/jury/zgloszenie/{entries[1].pk}/$"))
    expect(total).to_have_text("0")

    page.goto(f"/en/jury/zgloszenie/{entries[0].pk}/")
    check_axe(page, "workspace en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "workspace-1280-en")


def test_chair_reads_the_jury_sheets_with_comments(new_page, live_server):
    category, criteria, entries = category_in("scoring")
    criteria[0].comment_required = True
    criteria[0].save()
    juror, chair = person("juror1"), person("przewodniczaca")
    services.appoint(category=category, user=juror)
    services.appoint(category=category, user=chair, chair=True)
    services.save_score_sheet(
        juror=juror,
        entry=entries[0],
        scores={str(criteria[0].pk): "8", str(criteria[1].pk): "6"},
        comments={str(criteria[0].pk): "Pierwsze takie wdrożenie w regionie."},
        justification="Rzetelne wdrożenie, dobre rezultaty.",
        version=0,
        submit=True,
    )
    page = new_page()
    login(page, chair.email, PASSWORD)

    page.goto(f"/jury/zgloszenie/{entries[0].pk}/")

    expect(page.locator(".jury-sheets")).to_contain_text("Pierwsze takie wdrożenie w regionie.")
    check_axe(page, "workspace chair pl")
    page.locator(".jury-sheets").scroll_into_view_if_needed()
    shot(page, "workspace-chair-1280")
    page.goto(f"/en/jury/zgloszenie/{entries[0].pk}/")
    check_axe(page, "workspace chair en")
