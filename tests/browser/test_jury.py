"""Journeys 2–5: formal check and jury in the admin, jurors scoring, the chair, freezing, publishing."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from cms import services as cms_services
from entries.models import Entry
from scoring import permissions, results, services
from scoring.models import ResultSnapshot, ScoreSheet
from tests.browser.conftest import admin_login, check_axe, login, see, shot
from tests.conftest import organisers_team
from tests.factories import CategoryFactory, CriterionFactory, EntryFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "Haslo-Jury-2026!"
DAY = dt.timedelta(days=1)


def person(username: str, *groups: Group):
    user = UserFactory(username=username, email=f"{username}@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    user.groups.add(*groups)
    return user


def edition_dates(phase: str) -> dict:
    now = timezone.now()
    if phase == "formal_check":
        start = now - 40 * DAY
        return {
            "edition__call_opens_at": start,
            "edition__submission_deadline": now - DAY,
            "edition__formal_check_ends_at": now + 5 * DAY,
            "edition__scoring_opens_at": now + 6 * DAY,
            "edition__scoring_closes_at": now + 20 * DAY,
            "edition__results_date": now + 30 * DAY,
        }
    if phase == "scoring":
        return {
            "edition__call_opens_at": now - 60 * DAY,
            "edition__submission_deadline": now - 30 * DAY,
            "edition__formal_check_ends_at": now - 20 * DAY,
            "edition__scoring_opens_at": now - 10 * DAY,
            "edition__scoring_closes_at": now + 10 * DAY,
            "edition__results_date": now + 20 * DAY,
        }
    return {  # deliberation, results date already passed so an approved announcement goes live
        "edition__call_opens_at": now - 90 * DAY,
        "edition__submission_deadline": now - 60 * DAY,
        "edition__formal_check_ends_at": now - 50 * DAY,
        "edition__scoring_opens_at": now - 40 * DAY,
        "edition__scoring_closes_at": now - 2 * DAY,
        "edition__results_date": now - 1 * DAY,
    }


def category_in(phase: str, n_entries: int = 3, status: str = "eligible"):
    category = CategoryFactory(
        name="Ponad codzienność",
        places=1,
        max_distinctions=1,
        edition__competition__name="Samorządowy Lider Cyfryzacji",
        edition__competition__code="SLC",
        edition__year=2026,
        edition__number=7,
        edition__min_justification_length=10,
        **edition_dates(phase),
    )
    criteria = [
        CriterionFactory(
            edition=category.edition, name="Innowacyjność", weight=2, order=1, tiebreak_order=None
        ),
        CriterionFactory(edition=category.edition, name="Rezultaty", order=2),
    ]
    names = ["Urząd Miasta Pionki", "Urząd Gminy Michałowice", "Urząd Miasta Ostrołęki"]
    entries = [
        EntryFactory(
            category=category,
            status=status,
            number=f"SLC-2026-{i + 1:03d}",
            sequence=i + 1,
            institution__name=names[i % 3],
            title=f"Projekt {names[i % 3]}",
            consent_to_publish=True,
        )
        for i in range(n_entries)
    ]
    return category, criteria, entries


def fill_sheet(page, criteria, values, justification="Rzetelne wdrożenie, dobre rezultaty."):
    for criterion, value in zip(criteria, values, strict=True):
        # The segmented control: the label is what a juror clicks.
        page.locator(f"label[for=id_score_{criterion.pk}_{value}]").click()
    page.locator("#id_justification").fill(justification)


def test_organiser_checks_entries_and_appoints_the_jury(new_page, live_server):
    category, _criteria, entries = category_in("formal_check", status="submitted")
    organiser = person("organizator", organisers_team().group)
    jurors = [person("juror1"), person("juror2"), person("przewodniczaca")]
    page = new_page()
    admin_login(page, organiser.username, PASSWORD)

    for entry in entries[:2]:
        page.goto(f"/admin/entries/eligible/{entry.pk}/")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state("networkidle")
    page.goto(f"/admin/entries/reject/{entries[2].pk}/")
    page.locator("textarea[name=reason]").fill(
        "Projekt nie został zakończony przed terminem naboru."
    )
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    page.goto("/admin/entries/")
    shot(page, "2-formal-check")

    page.goto(f"/admin/jury-appointments/{category.pk}/")
    appoint = page.locator(f"form[action$='/{category.pk}/appoint/']").last
    for juror in jurors[:2]:
        appoint.locator("input[name=user]").fill(juror.username)
        appoint.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        appoint = page.locator(f"form[action$='/{category.pk}/appoint/']").last
    appoint.locator("input[name=user]").fill(jurors[2].username)
    appoint.locator("input[name=chair]").check()
    appoint.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    shot(page, "2-jury-appointed")

    statuses = list(Entry.objects.order_by("sequence").values_list("status", "rejection_reason"))
    assert statuses == [
        ("eligible", ""),
        ("eligible", ""),
        ("rejected", "Projekt nie został zakończony przed terminem naboru."),
    ]
    assert sorted(u.username for u in permissions.jurors_of(category)) == [
        "juror1",
        "juror2",
        "przewodniczaca",
    ]
    assert [u.username for u in permissions.chairs_of(category)] == ["przewodniczaca"]


def test_jurors_recuse_score_and_meet_a_stale_save(new_page, live_server):
    category, criteria, entries = category_in("scoring")
    first, second = person("juror1"), person("juror2")
    for juror in (first, second):
        services.appoint(category=category, user=juror)
    page = new_page()
    login(page, first.email, PASSWORD)

    page.goto("/jury/")
    check_axe(page, "jury home")
    page.get_by_role("link", name=category.name).click()
    check_axe(page, "jury category")
    page.get_by_role("link", name=entries[0].title).click()
    page.get_by_text("Zgłoś konflikt interesów").click()
    page.locator("#id_reason").fill("Pracowałem w tym urzędzie do 2024 r.")
    page.get_by_role("button", name="Wyłącz mnie z oceny tego zgłoszenia").click()
    page.wait_for_load_state("networkidle")
    assert "wyłączony" in page.locator("tr", has_text=entries[0].title).inner_text()

    page.get_by_role("link", name=entries[1].title).click()
    check_axe(page, "score sheet")
    fill_sheet(page, criteria, ["8", "6"])
    page.get_by_role("button", name="Zapisz szkic").click()
    see(page, "Szkic karty oceny został zapisany.")
    page.get_by_role("button", name="Złóż kartę oceny").click()
    see(page, "Karta oceny została złożona.")
    shot(page, "3-sheet-submitted")

    page.goto(f"/jury/zgloszenie/{entries[2].pk}/")
    fill_sheet(page, criteria, ["5", "5"])
    page.get_by_role("button", name="Zapisz szkic").click()
    other_tab = page.context.new_page()
    other_tab.goto(f"/jury/zgloszenie/{entries[2].pk}/")
    page.locator(f"label[for=id_score_{criteria[0].pk}_7]").click()
    page.get_by_role("button", name="Zapisz szkic").click()
    fill_sheet(other_tab, criteria, ["3", "3"])
    other_tab.get_by_role("button", name="Złóż kartę oceny").click()
    other_tab.wait_for_load_state("networkidle")
    see(other_tab, "Ta karta oceny została zmieniona gdzie indziej")
    assert other_tab.locator(f"#id_score_{criteria[0].pk}_7").is_checked()
    shot(other_tab, "3-stale-save-refused")
    other_tab.get_by_role("button", name="Złóż kartę oceny").click()
    see(other_tab, "Karta oceny została złożona.")
    page.goto("/en/jury/")
    check_axe(page, "jury home en")

    second_page = new_page()
    login(second_page, second.email, PASSWORD)
    for entry in entries:
        second_page.goto(f"/jury/zgloszenie/{entry.pk}/")
        fill_sheet(second_page, criteria, ["6", "6"])
        second_page.get_by_role("button", name="Złóż kartę oceny").click()
        see(second_page, "Karta oceny została złożona.")

    mine = {s.entry_id: (s.status, s.version) for s in ScoreSheet.objects.filter(juror=first)}
    assert mine == {entries[1].pk: ("submitted", 2), entries[2].pk: ("submitted", 3)}
    assert ScoreSheet.objects.filter(juror=second, status="submitted").count() == 3


def scored_category(phase: str, tie: bool):
    category, criteria, entries = category_in(phase)
    jurors = [person("juror1"), person("juror2")]
    chair = person("przewodniczaca")
    for juror in jurors:
        services.appoint(category=category, user=juror)
    services.appoint(category=category, user=chair, chair=True)
    # Sheets were submitted while scoring was open, days ago.
    traveller = time_machine.travel(category.edition.scoring_opens_at + DAY, tick=False)
    traveller.start()
    values = [("8", "8"), ("8", "8"), ("4", "5")] if tie else [("9", "8"), ("7", "7"), ("4", "5")]
    for juror in [*jurors, chair]:
        for entry, value in zip(entries, values, strict=True):
            services.save_score_sheet(
                juror=juror,
                entry=entry,
                scores={str(c.pk): v for c, v in zip(criteria, value, strict=True)},
                justification="Uzasadnienie oceny.",
                version=0,
                submit=True,
            )
    traveller.stop()
    return category, entries, chair


def test_chair_breaks_the_tie_and_confirms_awards(new_page, live_server):
    category, entries, chair = scored_category("deliberation", tie=True)
    page = new_page()
    login(page, chair.email, PASSWORD)

    page.goto("/jury/")
    page.get_by_role("link", name=re.compile("Macierz postępu")).first.click()
    assert page.locator("td.status-submitted").count() == 9
    shot(page, "4-matrix")
    page.goto(f"/jury/wyniki/kategoria/{category.pk}/")
    assert page.locator("svg[role=img]").count() == 2
    assert page.get_by_role("columnheader", name="mediana", exact=True).count() == 1
    assert (
        page.get_by_role(
            "heading", name="Remisy, które może rozstrzygnąć tylko przewodniczący"
        ).count()
        == 1
    )
    shot(page, "4-results-with-tie")
    page.locator(f"#tie_{entries[1].pk}").fill("1")
    page.locator(f"#tie_{entries[0].pk}").fill("2")
    page.locator("#tie_justification").fill("Szersze wdrożenie w urzędzie.")
    page.get_by_role("button", name="Zapisz decyzję przewodniczącego").click()
    see(page, "Remis rozstrzygnięty")
    page.get_by_role("button", name="Zatwierdź nagrody").click()
    see(page, "Nagrody w kategorii zostały zatwierdzone.")
    shot(page, "4-awards-confirmed")

    decision = results.latest_award_decision(category)
    assert decision.awards[str(entries[1].pk)] == "place_1"
    assert decision.awards[str(entries[0].pk)] == "distinction"


def test_organiser_freezes_downloads_protocol_and_approver_publishes(new_page, live_server):
    category, entries, chair = scored_category("deliberation", tie=False)
    results.confirm_awards(category=category, by=chair, awards={})
    organiser = person("organizator", organisers_team().group)
    approver = person("zatwierdzajaca", Group.objects.get(name="Moderators"))
    cms_services.ensure_home_page(title="Konkursy cyfryzacji")
    cms_services.grant_team_pages(team=organisers_team())
    page = new_page()
    admin_login(page, organiser.username, PASSWORD)

    page.goto(f"/jury/wyniki/edycja/{category.edition.pk}/")
    page.get_by_role("button", name="Zatwierdź wyniki").click()
    see(page, "Wyniki zostały zatwierdzone.")
    page.get_by_role("button", name="Przygotuj protokół (.xlsx i .pdf)").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Pobierz arkusz (.xlsx)").click()
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    snapshot = ResultSnapshot.objects.get()
    assert workbook.sheetnames == [
        "Protokół",
        "Skład jury",
        category.name,
        "Oceny",
        "Decyzje",
        "Podpisy",
    ]
    rows = list(workbook[category.name].iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in rows] == [
        r["number"] for r in snapshot.payload["categories"][0]["ranking"]
    ]
    shot(page, "5-frozen")

    page.goto("/admin/announcements/")
    page.get_by_role("button", name="Utwórz ogłoszenie").click()
    page.wait_for_load_state("networkidle")
    shot(page, "5-announcement-draft")

    reviewer = new_page()
    admin_login(reviewer, approver.username, PASSWORD)
    from cms.models import AnnouncementPage

    announcement = AnnouncementPage.objects.get()
    reviewer.goto(f"/admin/pages/{announcement.pk}/edit/")
    reviewer.get_by_role("button", name="Więcej akcji").click()
    reviewer.get_by_role("button", name="Zatwierdź i Opublikuj").click()
    reviewer.wait_for_load_state("networkidle")
    shot(reviewer, "5-approved")

    announcement.refresh_from_db()
    assert announcement.live
    visitor = new_page()
    visitor.goto(announcement.url)
    assert entries[0].institution.name in visitor.content()
