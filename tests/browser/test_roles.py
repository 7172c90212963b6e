"""Every role from the home page to its work by clicking visible links only (no typed URLs)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cms import services as cms_services
from cms.models import AnnouncementPage
from entries.models import Entry, Membership, MembershipStatus
from scoring import results, services
from scoring.models import ResultSnapshot, ScoreSheet
from tests.browser.conftest import see, shot
from tests.browser.test_jury import PASSWORD, category_in, fill_sheet, person, scored_category
from tests.conftest import organisers_team
from tests.factories import CategoryFactory, InstitutionFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def home(live_server):
    """Every journey starts on the site's home page."""
    return cms_services.ensure_home_page(title="Konkursy cyfryzacji samorządów")


def click(page, role: str, name, *, within=None) -> None:
    """Click a visible element found by its accessible name; fail if its label is not visible."""
    target = (within or page).get_by_role(role, name=name).first
    box = target.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0, f"{name} is not visible"
    target.click()
    page.wait_for_load_state("networkidle")


def log_in_from_home(page, email: str) -> None:
    page.goto("/")
    click(page, "link", "Zaloguj się")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_applicant_from_home_to_a_submitted_entry(new_page, live_server, mailoutbox):
    now = timezone.now()
    category = CategoryFactory(
        name="Ponad codzienność",
        edition__competition__name="Samorządowy Lider Cyfryzacji",
        edition__call_opens_at=now - dt.timedelta(days=3),
        edition__submission_deadline=now + dt.timedelta(days=10),
        edition__required_entry_fields=[],
    )
    page = new_page()
    page.goto("/")
    click(page, "link", "Załóż konto")
    page.locator("input[name=email]").fill("sekretariat@pionki.example.org")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("input[name=accept_regulations]").check()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    # The one address not reached by clicking on the site: the link in the e-mail.
    link = re.search(r"https?://\S+/konto/confirm-email/\S+", mailoutbox[-1].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    if "/konto/login/" in page.url:
        page.locator("input[name=login]").fill("sekretariat@pionki.example.org")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("networkidle")
    assert page.url.endswith("/zgloszenia/")
    # An organiser approved the applicant for the institution (the organiser's own work).
    Membership.objects.create(
        user=get_user_model().objects.get(email="sekretariat@pionki.example.org"),
        institution=InstitutionFactory(name="Urząd Miasta Pionki"),
        status=MembershipStatus.APPROVED,
    )
    page.reload()
    click(page, "link", re.compile("Nowe zgłoszenie"))
    page.locator("#id_category").select_option(str(category.pk))
    page.locator("#id_title").fill("e-Urząd Pionki")
    page.locator("#id_summary").fill("Usługi elektroniczne dla mieszkańców.")
    click(page, "button", "Zapisz szkic")
    click(page, "button", "Złóż zgłoszenie")
    see(page, "złożone")
    shot(page, "roles-applicant-submitted")

    assert Entry.objects.get(title="e-Urząd Pionki").status == "submitted"


def test_juror_from_home_scores_an_entry(new_page, live_server):
    category, criteria, entries = category_in("scoring")
    juror = person("juror1")
    services.appoint(category=category, user=juror)
    page = new_page()

    log_in_from_home(page, juror.email)

    assert page.url.endswith("/jury/")
    header = page.locator("header")
    assert header.get_by_role("link", name="Panel jury").is_visible()
    assert header.get_by_role("link", name="Moje zgłoszenia").count() == 0
    click(page, "link", category.name)
    click(page, "link", entries[0].title)
    fill_sheet(page, criteria, ["8", "7"])
    shot(page, "roles-juror-sheet")
    click(page, "button", "Złóż kartę oceny")
    see(page, "Karta oceny została złożona.")
    assert page.get_by_role("button", name="Zapisz szkic").count() == 0
    shot(page, "roles-juror-submitted")

    assert page.dialogs and "Przesłać kartę oceny?" in page.dialogs[0]
    assert ScoreSheet.objects.get(juror=juror, entry=entries[0]).status == "submitted"


def test_chair_from_home_matrix_results_tie_and_awards(new_page, live_server):
    category, entries, chair = scored_category("deliberation", tie=True)
    page = new_page()

    log_in_from_home(page, chair.email)

    assert page.url.endswith("/jury/")
    click(page, "link", re.compile("Macierz postępu"))
    assert page.locator("td.status-submitted").count() == 9
    click(page, "link", "Panel jury", within=page.locator("header"))
    click(page, "link", "Wyniki", within=page.locator("main"))
    page.locator(f"#tie_{entries[1].pk}").fill("1")
    page.locator(f"#tie_{entries[0].pk}").fill("2")
    page.locator("#tie_justification").fill("Szersze wdrożenie w urzędzie.")
    click(page, "button", "Zapisz decyzję przewodniczącego")
    see(page, "Remis rozstrzygnięty")
    click(page, "button", "Zatwierdź nagrody")
    see(page, "Nagrody w kategorii zostały zatwierdzone.")
    shot(page, "roles-chair-confirmed")

    assert len(page.dialogs) == 2
    assert results.latest_award_decision(category).awards[str(entries[1].pk)] == "place_1"


def test_organiser_from_home_checks_freezes_and_the_publisher_publishes(
    new_page, live_server, home
):
    category, _criteria, entries = category_in("formal_check", status="submitted")
    organiser = person("organizator", organisers_team().group)
    publisher = person("redaktor", *Group.objects.filter(name__in=["Moderators", "Editors"]))
    cms_services.grant_team_pages(team=organisers_team())
    page = new_page()

    log_in_from_home(page, organiser.email)

    assert re.search(r"/admin/$", page.url)
    shot(page, "roles-organiser-dashboard")
    click(page, "link", re.compile("Następny krok: Ocena formalna"))
    for entry in entries:
        row = page.locator("tr", has_text=entry.number)
        click(page, "button", re.compile("Więcej"), within=row)
        click(page, "link", "Dopuść", within=row)
        click(page, "button", re.compile("Tak"))
        assert "status=submitted" in page.url
    shot(page, "roles-organiser-formal-check")
    assert set(Entry.objects.values_list("status", flat=True)) == {"eligible"}

    # The jury scores and the chair confirms (their journeys); the calendar moves on.
    chair = person("przewodniczaca")
    services.appoint(category=category, user=chair, chair=True)
    edition = category.edition
    now = timezone.now()
    edition.scoring_opens_at = now - dt.timedelta(days=3)
    edition.formal_check_ends_at = now - dt.timedelta(days=4)
    edition.submission_deadline = now - dt.timedelta(days=5)
    edition.call_opens_at = now - dt.timedelta(days=30)
    edition.scoring_closes_at = now + dt.timedelta(hours=1)
    edition.results_date = now + dt.timedelta(hours=2)
    edition.save()
    for entry, value in zip(entries, ("9", "7", "5"), strict=True):
        services.save_score_sheet(
            juror=chair,
            entry=entry,
            scores={str(c.pk): value for c in _criteria},
            justification="Uzasadnienie oceny.",
            version=0,
            submit=True,
        )
    edition.scoring_closes_at = now - dt.timedelta(minutes=1)
    edition.results_date = now
    edition.save()
    results.confirm_awards(category=category, by=chair, awards={})

    page = new_page()
    log_in_from_home(page, organiser.email)
    click(page, "link", re.compile("Następny krok: Wyniki i zatwierdzenie"))
    click(page, "button", "Zatwierdź wyniki")
    see(page, "Wyniki zostały zatwierdzone.")
    shot(page, "roles-organiser-frozen")
    click(page, "button", "Przygotuj protokół (.xlsx i .pdf)")
    with page.expect_download() as download:
        page.get_by_role("link", name="Pobierz").first.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with page.expect_download() as download:
        page.get_by_role("link", name="Pobierz protokół do druku (.pdf)").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    click(page, "link", "Administracja", within=page.locator("header"))
    click(page, "link", re.compile("Następny krok: Utwórz ogłoszenie"))
    click(page, "button", "Utwórz ogłoszenie")
    shot(page, "roles-organiser-announcement-draft")

    reviewer = new_page()
    log_in_from_home(reviewer, publisher.email)
    assert re.search(r"/admin/$", reviewer.url)
    click(reviewer, "link", re.compile("Laureaci"))
    click(reviewer, "button", "Więcej akcji")
    click(reviewer, "button", "Zatwierdź i Opublikuj")
    shot(reviewer, "roles-publisher-approved")

    edition.refresh_from_db()
    winner = ResultSnapshot.objects.get().payload["categories"][0]["ranking"][0]["institution"]
    announcement = AnnouncementPage.objects.get()
    assert announcement.live
    assert edition.published_at is not None
    visitor = new_page()
    visitor.goto(announcement.url)
    assert winner in visitor.content()


def test_organiser_records_a_late_conflict_from_the_conflicts_list(new_page, live_server):
    category, entries, _chair = scored_category("deliberation", tie=False)
    organiser = person("organizator", organisers_team().group)
    page = new_page()
    log_in_from_home(page, organiser.email)

    click(page, "button", "Jury")
    click(page, "link", re.compile("Konflikty interesów"))
    click(page, "link", "Zgłoś konflikt wykryty później")
    page.locator("#id_juror").select_option(label="przewodniczaca")
    page.locator("#id_entry").fill(entries[0].number)
    page.locator("#id_reason").fill("Przewodnicząca doradzała gminie przy projekcie.")
    shot(page, "roles-organiser-late-conflict")
    click(page, "button", "Odnotuj konflikt")
    see(page, "trzeba ponownie zatwierdzić")

    assert results.compute(category, bootstrap=0).result.totals.shape[1] == 3


def test_organiser_sees_freeze_dates_read_only_with_the_actions_beside(new_page, live_server):
    category, _entries, _chair = scored_category("deliberation", tie=False)
    organiser = person("organizator", organisers_team().group)
    page = new_page()
    log_in_from_home(page, organiser.email)

    click(page, "button", "Konkursy")
    click(page, "link", "Edycje")
    click(page, "link", str(category.edition))
    shot(page, "roles-organiser-edition-form")

    assert page.locator("input[name=frozen_at]").count() == 0
    click(page, "link", "Popraw kryteria")
    shot(page, "roles-organiser-reopen-rules")
    page.locator("#id_reason").fill("Błędna waga kryterium Rezultaty.")
    click(page, "button", "Otwórz do korekty")
    see(page, "można poprawiać do zatwierdzenia wyników")
    category.edition.refresh_from_db()
    assert category.edition.rules_reopened_at is not None
