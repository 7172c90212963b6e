"""A regional affiliation that empties a juror's work is seen at appointment and in the matrix."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from playwright.sync_api import expect

from competition.teryt import InstitutionKind
from scoring import services
from scoring.models import JurorProfile
from tests.browser.conftest import admin_login, check_axe, login, shot
from tests.browser.test_admin_buttons import admin_shot
from tests.browser.test_jury import category_in
from tests.conftest import organisers_team
from tests.factories import InstitutionFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "Haslo-Jury-2026!"


def test_organiser_sees_exclusions_before_appointing_and_chair_sees_them(new_page, live_server):
    category, _criteria, _entries = category_in("scoring")
    organiser = UserFactory(username="organizator", password=PASSWORD)
    organiser.groups.add(organisers_team().group)
    official = UserFactory(
        username="urzednik", email="urzednik@example.org", first_name="Ewa", last_name="Urzędnik"
    )
    JurorProfile.objects.create(
        user=official,
        affiliation=InstitutionFactory(
            kind=InstitutionKind.WOJEWODZTWO, terc="14", name="Województwo Mazowieckie"
        ),
    )
    chair = UserFactory(username="przewodniczaca", email="p@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=chair, email=chair.email, verified=True, primary=True)
    services.appoint(category=category, user=chair, chair=True)
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    admin_login(page, organiser.username, PASSWORD)

    page.goto(reverse("jury_appointments:category", args=[category.pk]) + "?q=urzednik")
    candidate = page.locator("tr", has_text="urzednik@example.org")
    expect(candidate).to_contain_text("Konflikty interesów wyłączyłyby z oceny 3 z 3 zgłoszeń")
    admin_shot(page, "9-appointment-foresees-exclusions")
    candidate.get_by_role("button", name="Powołaj na jurora").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".messages")).to_contain_text("ze wszystkich 3 zgłoszeń")
    admin_shot(page, "9-appointed-with-warning")
    chair_page = new_page()
    login(chair_page, chair.email, PASSWORD)
    chair_page.goto(reverse("scoring:matrix", args=[category.pk]))
    shot(chair_page, "9-matrix-exclusions")
    check_axe(chair_page, "matrix")

    expect(page.locator("tr", has_text="urzednik@example.org")).to_contain_text("3 z 3 zgłoszeń")
    expect(chair_page.locator("tfoot")).to_contain_text("3 zgłoszenia")
