"""The organiser's dashboard panel, the Results menu, archiving and publishing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cms.dashboard import live_editions
from competition.models import Edition
from entries.models import EntryStatus
from scoring import services
from tests.factories import (
    BASE,
    CategoryFactory,
    EditionFactory,
    EntryFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DURING_FORMAL_CHECK = BASE + dt.timedelta(days=31)


@pytest.fixture(autouse=True)
def polish():
    with translation.override("pl"):
        yield


def edition_with_work(n: int = 0) -> Edition:
    category = CategoryFactory(name=f"Kategoria {n}")
    for status in (EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE, EntryStatus.ELIGIBLE):
        EntryFactory(category=category, status=status)
    EntryFactory(category=category, status=EntryStatus.REJECTED, rejection_reason="Po terminie.")
    services.appoint(category=category, user=UserFactory(username=f"j{n}a"))
    services.appoint(category=category, user=UserFactory(username=f"j{n}b"))
    return category.edition


def test_panel_shows_phase_counts_and_next_step(client, organiser):
    edition = edition_with_work()
    client.force_login(organiser)

    with time_machine.travel(DURING_FORMAL_CHECK, tick=False):
        body = client.get(reverse("wagtailadmin_home")).content.decode()

    assert str(edition) in body
    assert "Etap:</strong> Ocena formalna" in body
    assert "4 zgłoszenia złożone" in body
    assert "2 dopuszczone" in body
    assert "1 odrzucone" in body
    assert "0 z 4 (0%)" in body  # 2 eligible entries × 2 jurors
    formal_check = f"{reverse('entries_admin:list')}?edition={edition.pk}&amp;status=submitted"
    assert f'href="{formal_check}"' in body
    assert "Następny krok: Ocena formalna" in body


@pytest.mark.parametrize("role", ["anonymous", "juror", "applicant"])
def test_panel_is_not_for_other_roles(client, role):
    edition = edition_with_work()
    if role == "juror":
        user = UserFactory(username="juror-x")
        services.appoint(category=edition.categories.get(), user=user)
        client.force_login(user)
    elif role == "applicant":
        client.force_login(UserFactory(username="applicant-x"))

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 302
    assert str(edition) not in response.content.decode()


def test_panel_queries_do_not_grow_with_editions(organiser):
    edition_with_work(0)
    with CaptureQueriesContext(connection) as one:
        live_editions(organiser)
    for n in range(1, 20):
        edition_with_work(n)

    with CaptureQueriesContext(connection) as twenty:
        overviews = live_editions(organiser)

    assert len(overviews) == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)


def test_archived_editions_leave_the_panel(organiser):
    archived = edition_with_work()
    Edition.objects.filter(pk=archived.pk).update(
        frozen_at=BASE + dt.timedelta(days=66),
        published_at=BASE + dt.timedelta(days=67),
        archived_at=BASE + dt.timedelta(days=68),
    )

    assert live_editions(organiser) == []


def test_results_menu_lists_live_editions_for_organisers(client, organiser):
    edition = edition_with_work()
    client.force_login(organiser)

    body = client.get(reverse("wagtailadmin_home")).content.decode()

    assert f'"name": "results-{edition.pk}"' in body
    assert reverse("scoring:edition_results", args=[edition.pk]) in body


def test_edition_form_ignores_typed_freeze_dates(client, organiser):
    edition = EditionFactory()
    client.force_login(organiser)
    url = reverse("editions:edit", args=[edition.pk])
    form = client.get(url).context["form"]
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    for name in ("call_opens_at", "submission_deadline", "formal_check_ends_at",
                 "scoring_opens_at", "scoring_closes_at", "results_date"):  # fmt: skip
        data[name] = getattr(edition, name).strftime("%Y-%m-%d %H:%M")
    data["required_entry_fields"] = []
    data["frozen_at"] = "2026-05-01 10:00"

    response = client.post(url, data)

    edition.refresh_from_db()
    assert "frozen_at" not in form.fields
    assert response.status_code == 302, response.context["form"].errors
    assert edition.frozen_at is None


def test_frozen_edition_cannot_be_edited(organiser):
    from django.core.exceptions import ValidationError

    edition = EditionFactory(frozen_at=BASE + dt.timedelta(days=66))

    edition.year = 2030
    with pytest.raises(ValidationError) as excinfo:
        edition.full_clean()

    assert "Zatwierdzone wyniki zmienia tylko korekta" in " ".join(excinfo.value.messages)


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("applicant", 302), ("organiser", 200)]
)
def test_archive_page_by_role(client, organiser, applicant, role, status):
    edition = EditionFactory()
    if role != "anonymous":
        client.force_login({"organiser": organiser, "applicant": applicant}[role])

    response = client.get(reverse("edition_archive", args=[edition.pk]))

    assert response.status_code == status


def test_archive_only_after_publishing(client, organiser):
    edition = EditionFactory(frozen_at=BASE + dt.timedelta(days=66))
    client.force_login(organiser)

    refused = client.post(reverse("edition_archive", args=[edition.pk]))
    edition.refresh_from_db()
    archived_early = edition.archived_at
    Edition.objects.filter(pk=edition.pk).update(published_at=BASE + dt.timedelta(days=67))
    done = client.post(reverse("edition_archive", args=[edition.pk]))
    edition.refresh_from_db()

    assert refused.status_code == 200
    assert archived_early is None
    assert done["Location"] == reverse("wagtailadmin_home")
    assert edition.archived_at is not None


def test_panel_in_english_for_an_organiser_who_prefers_it(client, organiser):
    from wagtail.users.models import UserProfile

    edition = edition_with_work()
    UserProfile.get_for_user(organiser).__class__.objects.filter(user=organiser).update(
        preferred_language="en"
    )
    client.force_login(organiser)

    with time_machine.travel(DURING_FORMAL_CHECK, tick=False):
        body = client.get(reverse("wagtailadmin_home")).content.decode()

    assert f"{edition.roman_number} edition" in body
    assert "Phase:</strong> Formal check" in body
    assert "4 entries submitted" in body
    assert "Next step: Formal check" in body


def test_panel_names_a_step_without_linking_it_for_a_team_without_its_duty(client):
    edition = edition_with_work()
    member = UserFactory(username="bez-oceny-formalnej")
    TeamFactory(
        members=[member], competitions=[edition.competition], formal_check=False, results=False
    )
    client.force_login(member)

    with time_machine.travel(DURING_FORMAL_CHECK, tick=False):
        body = client.get(reverse("wagtailadmin_home")).content.decode()

    assert str(edition) in body
    assert "Następny krok: Ocena formalna — Twój zespół nie wykonuje tego kroku" in body
    assert f"{reverse('entries_admin:list')}?edition={edition.pk}&amp;status=submitted" not in body
    assert reverse("scoring:edition_results", args=[edition.pk]) not in body
