"""An applicant who submits too early is told which fields, by name, and lands beside them."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import check_axe, login, see, shot
from tests.factories import CategoryFactory, EntryFactory, MembershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "Mocne-Haslo-2026!"


def test_applicant_sees_missing_fields_by_label_and_beside_the_inputs(new_page, live_server):
    now = timezone.now()
    category = CategoryFactory(
        name="Ponad codzienność",
        edition__call_opens_at=now - dt.timedelta(days=3),
        edition__submission_deadline=now + dt.timedelta(days=10),
        edition__required_entry_fields=["description", "results", "contact_name", "contact_email"],
    )
    membership = MembershipFactory(
        user__username="wnioskodawca",
        user__email="wnioskodawca@example.org",
        user__password=PASSWORD,
    )
    EmailAddress.objects.create(
        user=membership.user, email=membership.user.email, verified=True, primary=True
    )
    entry = EntryFactory(
        category=category,
        institution=membership.institution,
        title="Geoportal gminy",
        description="",
        results="",
        contact_name="",
        contact_email="",
    )
    page = new_page()
    login(page, membership.user.email, PASSWORD)

    page.goto(reverse("entries:detail", args=[entry.pk]))
    notice = page.locator(".notice")
    expect(notice.get_by_role("link", name="Mierzalne rezultaty")).to_be_visible()
    shot(page, "6-missing-fields-notice")
    check_axe(page, "entry with missing fields")
    page.get_by_role("button", name="Złóż zgłoszenie").click()
    see(page, "Zgłoszenie nie zostało złożone: uzupełnij pola wymienione poniżej.")
    shot(page, "6-missing-fields-form")
    check_axe(page, "entry form with missing fields")
    page.locator(".error-summary").get_by_role("link", name="Osoba do kontaktu").click()

    expect(page.locator("#id_contact_name")).to_be_focused()
    assert page.locator(".errorlist").count() == 4
    for name in ("description", "results", "contact_name", "contact_email"):
        expect(page.locator(f"#id_{name}")).to_have_attribute("aria-invalid", "true")
