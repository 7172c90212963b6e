"""Journey: the organiser assigns two jurors per entry, moves one pair by hand, and a juror
sees and opens only the entries assigned to them (issue 13).

Selectors go by form actions and field ids, which do not change with the interface language;
every element clicked is visible.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from competition.services import ensure_organiser_group
from scoring import services
from scoring.models import Assignment, AssignmentAudit
from tests.browser.conftest import admin_login, check_axe, login, shot
from tests.browser.test_jury import PASSWORD, category_in, person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def click(locator) -> None:
    expect(locator).to_be_visible()
    locator.click()


def test_organiser_assigns_moves_a_pair_and_a_juror_sees_only_theirs(new_page, live_server):
    category, _criteria, _entries = category_in("scoring", n_entries=6)
    organiser = person("organizator", ensure_organiser_group())
    jurors = [person("juror1"), person("juror2"), person("juror3")]
    for juror in jurors:
        services.appoint(category=category, user=juror)
    page = new_page()
    admin_login(page, organiser.username, PASSWORD)

    page.goto(f"/admin/jury-appointments/{category.pk}/")
    click(page.locator(f"a[href$='/jury-appointments/{category.pk}/assignment/']"))
    click(page.locator("#id_mode_1"))
    page.locator("#id_jurors_per_entry").fill("2")
    click(page.locator("form[action$='/assignment/rule/'] button[type=submit]"))
    page.wait_for_load_state("networkidle")
    click(page.locator("a[href='?propozycja=1']"))
    page.wait_for_load_state("networkidle")
    shot(page, "assignment-1-proposal")
    click(page.locator("form[action$='/assignment/confirm/'] button[type=submit]"))
    page.wait_for_load_state("networkidle")

    assert Assignment.objects.count() == 12
    loads = [Assignment.objects.filter(juror=j).count() for j in jurors]
    assert loads == [4, 4, 4]
    moved = Assignment.objects.filter(juror=jurors[0]).order_by("entry__sequence").first()
    taker = next(
        j for j in jurors if not Assignment.objects.filter(juror=j, entry=moved.entry).exists()
    )
    move = page.locator("form[action$='/assignment/move/']")
    move.locator("#id_entry").select_option(str(moved.entry_id))
    move.locator("#id_from_juror").select_option(str(jurors[0].pk))
    move.locator("#id_to_juror").select_option(str(taker.pk))
    click(move.locator("button[type=submit]"))
    page.wait_for_load_state("networkidle")
    shot(page, "assignment-2-moved")

    assert Assignment.objects.filter(juror=taker, entry=moved.entry).exists()
    assert not Assignment.objects.filter(juror=jurors[0], entry=moved.entry).exists()
    assert list(AssignmentAudit.objects.order_by("pk").values_list("action", flat=True)) == [
        "rule",
        "confirm",
        "move",
    ]

    mine = set(Assignment.objects.filter(juror=jurors[0]).values_list("entry__title", flat=True))
    juror_page = new_page()
    login(juror_page, jurors[0].email, PASSWORD)
    # Logging in takes a juror to the jury panel.
    expect(juror_page).to_have_url(f"{live_server.url}/jury/")
    click(juror_page.get_by_role("link", name=category.name))
    check_axe(juror_page, "assigned entries")
    shot(juror_page, "assignment-3-juror")
    titles = juror_page.locator("table tbody td:nth-child(2) a").all_inner_texts()
    assert set(titles) == mine
    assert len(titles) == 3
    click(juror_page.get_by_role("link", name=titles[0]))
    expect(juror_page.locator("h1")).to_contain_text(titles[0])

    forged = juror_page.goto(f"/jury/zgloszenie/{moved.entry_id}/")
    assert forged.status == 404
