"""Journey 1: an applicant signs up, registers an institution, submits an entry before the deadline."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from entries.models import Entry
from tests.browser.conftest import admin_login, check_axe, see, shot
from tests.conftest import organisers_team
from tests.factories import CategoryFactory, CriterionFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def open_call(live_server):
    now = timezone.now()
    category = CategoryFactory(
        name="Ponad codzienność",
        edition__competition__code="SLC",
        edition__competition__name="Samorządowy Lider Cyfryzacji",
        edition__year=2026,
        edition__number=7,
        edition__call_opens_at=now - dt.timedelta(days=3),
        edition__submission_deadline=now + dt.timedelta(days=10),
    )
    CriterionFactory(edition=category.edition, name="Innowacyjność")
    organiser = UserFactory(username="organizator", password="Haslo-Organizatora-1")
    organiser.groups.add(organisers_team().group)
    return category


def test_applicant_journey(new_page, open_call, mailoutbox):
    page = new_page()
    page.goto("/konto/signup/")
    check_axe(page, "signup")
    page.locator("input[name=email]").fill("sekretariat@legionowo.example.org")
    page.locator("input[name=password1]").fill("Mocne-Haslo-2026!")
    page.locator("input[name=password2]").fill("Mocne-Haslo-2026!")
    page.locator("input[name=accept_regulations]").check()
    shot(page, "1-signup")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")

    link = re.search(r"https?://\S+/konto/confirm-email/\S+", mailoutbox[-1].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    if "/konto/login/" in page.url:
        page.locator("input[name=login]").fill("sekretariat@legionowo.example.org")
        page.locator("input[name=password]").fill("Mocne-Haslo-2026!")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("networkidle")

    page.goto("/zgloszenia/instytucja/")
    check_axe(page, "institution")
    page.locator("#id_name").fill("Urząd Miasta Legionowo")
    page.locator("#id_kind").select_option("gmina_miejska")
    page.locator("#id_terc").fill("1408011")
    page.get_by_role("button", name="Zarejestruj").click()
    page.wait_for_load_state("networkidle")
    see(page, "czeka na zatwierdzenie")
    shot(page, "1-pending")

    organiser = new_page()
    admin_login(organiser, "organizator", "Haslo-Organizatora-1")
    organiser.goto("/admin/applicant-approvals/")
    organiser.get_by_role("button", name="Zatwierdź").first.click()
    organiser.wait_for_load_state("networkidle")
    shot(organiser, "1-organiser-approves")

    page.goto("/zgloszenia/")
    page.get_by_role("link", name=re.compile("Nowe zgłoszenie")).first.click()
    page.wait_for_load_state("networkidle")
    check_axe(page, "entry form")
    page.locator("#id_category").select_option(label="Ponad codzienność")
    page.locator("#id_title").fill("e-Urząd Legionowo")
    page.locator("#id_summary").fill("Sprawy urzędowe online, bez kolejek.")
    page.get_by_role("button", name="Zapisz szkic").click()
    page.wait_for_load_state("networkidle")
    see(page, "Szkic został zapisany.")
    see(page, "Zanim złożysz zgłoszenie, uzupełnij:")
    shot(page, "1-draft")

    page.get_by_role("link", name="Edytuj").first.click()
    page.locator("#id_description").fill("Portal obejmuje:\n\n- e-płatności\n- e-wnioski")
    page.locator("#id_results").fill("12 000 spraw online w 2025 r.")
    page.locator("#id_contact_name").fill("Jan Nowak")
    page.locator("#id_contact_email").fill("jan.nowak@legionowo.example.org")
    page.get_by_role("button", name="Zapisz szkic").click()
    page.wait_for_load_state("networkidle")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "opis-projektu.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Dołącz").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="opis-projektu.pdf").count() == 1
    check_axe(page, "entry detail")
    page.get_by_role("button", name="Złóż zgłoszenie").click()
    page.wait_for_load_state("networkidle")
    see(page, "Zgłoszenie zostało złożone.")

    page.goto("/zgloszenia/")
    row = page.locator("tr", has_text="e-Urząd Legionowo")
    assert "SLC-2026-001" in row.inner_text()
    assert "złożone" in row.inner_text()
    check_axe(page, "dashboard")
    shot(page, "1-submitted")
    page.goto("/en/zgloszenia/")
    assert "submitted" in page.locator("tr", has_text="e-Urząd Legionowo").inner_text()
    check_axe(page, "dashboard en")

    edition = open_call.edition
    edition.call_opens_at = timezone.now() - dt.timedelta(days=20)
    edition.submission_deadline = timezone.now() - dt.timedelta(minutes=1)
    edition.save()
    entry = Entry.objects.get(title="e-Urząd Legionowo")
    page.goto("/zgloszenia/")
    assert (
        page.locator("tr", has_text="e-Urząd Legionowo")
        .get_by_role("link", name=re.compile("Edytuj"))
        .count()
        == 0
    )
    shot(page, "1-after-deadline")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    forged = page.request.post(
        f"/zgloszenia/{entry.pk}/edytuj/",
        form={"csrfmiddlewaretoken": token, "category": str(open_call.pk), "title": "Po terminie"},
        headers={"Referer": page.url},
    )

    assert "Ten krok (zmiana i składanie zgłoszeń) nie jest już możliwy" in forged.text()
    entry.refresh_from_db()
    assert entry.title == "e-Urząd Legionowo"
    assert entry.status == "submitted"
