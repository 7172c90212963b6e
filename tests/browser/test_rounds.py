"""Journey: a pre-selection round, then the final (issue 13, rounds).

The organiser assigns two jurors per entry and moves one pair by hand; a juror sees only
their entries and scores one in the pre-selection; the organiser closes the round; the
chair confirms the proposed shortlist; once the final opens a juror sees the finalists only
and scores one on a fresh sheet. Selectors go by form actions, ids and data attributes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from competition.models import Edition, PreselectionRound
from scoring import services
from scoring.models import Assignment, ScoreSheet, Shortlist
from tests.browser.conftest import admin_login, check_axe, login, shot
from tests.browser.test_jury import PASSWORD, category_in, fill_sheet, person
from tests.conftest import organisers_team
from tests.factories import CriterionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DAY = dt.timedelta(days=1)


def click(locator) -> None:
    expect(locator).to_be_visible()
    locator.click()


def test_preselection_shortlist_and_final(new_page, live_server):
    category, criteria, entries = category_in("scoring", n_entries=6)
    now = timezone.now()
    Edition.objects.filter(pk=category.edition_id).update(
        formal_check_ends_at=now - 5 * DAY,
        scoring_opens_at=now + 5 * DAY,
        scoring_closes_at=now + 20 * DAY,
        results_date=now + 30 * DAY,
    )
    preselection = PreselectionRound.objects.create(
        edition=category.edition, opens_at=now - 4 * DAY, closes_at=now + 4 * DAY, shortlist_size=2
    )
    pre_criterion = CriterionFactory(
        edition=category.edition, round=preselection, name="Ocena wstępna"
    )
    organiser = person("organizator", organisers_team().group)
    chair = person("przewodniczaca")
    jurors = [person("juror1"), person("juror2")]
    services.appoint(category=category, user=chair, chair=True)
    for juror in jurors:
        services.appoint(category=category, user=juror)

    # The organiser assigns two jurors per entry and moves one pair by hand.
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
    click(page.locator("form[action$='/assignment/confirm/'] button[type=submit]"))
    page.wait_for_load_state("networkidle")
    assert Assignment.objects.count() == 12
    moved = Assignment.objects.filter(juror=jurors[0]).order_by("entry__sequence").first()
    taker = next(
        j
        for j in [chair, jurors[1]]
        if not Assignment.objects.filter(juror=j, entry=moved.entry).exists()
    )
    move = page.locator("form[action$='/assignment/move/']")
    move.locator("#id_entry").select_option(str(moved.entry_id))
    move.locator("#id_from_juror").select_option(str(jurors[0].pk))
    move.locator("#id_to_juror").select_option(str(taker.pk))
    click(move.locator("button[type=submit]"))
    page.wait_for_load_state("networkidle")
    assert Assignment.objects.filter(juror=taker, entry=moved.entry).exists()

    # A juror sees only their entries, in the pre-selection, and scores one.
    mine = list(Assignment.objects.filter(juror=jurors[0]).order_by("entry__sequence"))
    juror_page = new_page()
    login(juror_page, jurors[0].email, PASSWORD)
    click(juror_page.get_by_role("link", name=category.name))
    expect(juror_page.locator("#round-now")).to_have_attribute("data-round", "preselection")
    check_axe(juror_page, "pre-selection list")
    shot(juror_page, "rounds-1-juror-preselection")
    listed = juror_page.locator("table tbody td:nth-child(2) a").all_inner_texts()
    assert set(listed) == {a.entry.title for a in mine}
    click(juror_page.get_by_role("link", name=mine[0].entry.title))
    fill_sheet(juror_page, [pre_criterion], [9])
    click(juror_page.locator("main form button[name=submit]"))
    juror_page.wait_for_load_state("networkidle")
    assert ScoreSheet.objects.get(juror=jurors[0], entry=mine[0].entry).round == preselection
    # The rest of the pre-selection, as the other jurors would score it.
    for pair in Assignment.objects.select_related("entry").exclude(
        juror=jurors[0], entry=mine[0].entry
    ):
        services.save_score_sheet(
            juror=pair.juror,
            entry=pair.entry,
            scores={str(pre_criterion.pk): str(10 - pair.entry.sequence)},
            justification="Uzasadnienie oceny.",
            version=0,
            submit=True,
        )

    # The organiser closes the round.
    page.goto(f"/jury/wyniki/edycja/{category.edition_id}/")
    click(page.locator("form[action$='/zamknij-etap/'] button[type=submit]"))
    page.wait_for_load_state("networkidle")
    preselection.refresh_from_db()
    assert preselection.closed_at is not None

    # The chair confirms the proposed shortlist.
    chair_page = new_page()
    login(chair_page, chair.email, PASSWORD)
    chair_page.goto(f"/jury/wyniki/kategoria/{category.pk}/lista-finalowa/")
    check_axe(chair_page, "shortlist")
    shot(chair_page, "rounds-2-shortlist")
    click(chair_page.locator("#shortlist-form button[type=submit]"))
    chair_page.wait_for_load_state("networkidle")
    expect(chair_page.locator("#shortlist-confirmed")).to_be_visible()
    shortlist = Shortlist.objects.get()
    finalists = sorted(e.pk for e in shortlist.entries.all())
    assert len(finalists) >= 2

    # The final opens; a juror sees the finalists only and scores one on a fresh sheet.
    Edition.objects.filter(pk=category.edition_id).update(scoring_opens_at=timezone.now() - DAY)
    juror_page.goto(f"/jury/kategoria/{category.pk}/")
    expect(juror_page.locator("#round-now")).to_have_attribute("data-round", "final")
    shot(juror_page, "rounds-3-juror-final")
    rows = juror_page.locator("table tbody tr")
    expect(rows).to_have_count(len(finalists))
    juror_page.goto(f"/jury/zgloszenie/{finalists[0]}/")
    fill_sheet(juror_page, criteria, [8, 7])
    click(juror_page.locator("main form button[name=submit]"))
    juror_page.wait_for_load_state("networkidle")
    final_sheet = ScoreSheet.objects.get(juror=jurors[0], entry_id=finalists[0], round=None)
    assert final_sheet.status == "submitted"
    others = [e.pk for e in entries if e.pk not in finalists]
    assert juror_page.goto(f"/jury/zgloszenie/{others[0]}/").status == 404
