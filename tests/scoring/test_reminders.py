"""Reminder mailings are sent by the worker, one counted message at a time, and watched."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from scoring import services
from scoring.models import ReminderMailing
from tests.factories import BASE

pytestmark = pytest.mark.django_db


def test_chair_reminds_and_sees_the_mailing_with_its_count(
    client, chair, juror, entries, during_scoring
):
    client.force_login(chair)

    client.post(reverse("scoring:remind", args=[entries[0].category_id]))
    page = client.get(reverse("scoring:matrix", args=[entries[0].category_id]))

    mailing = ReminderMailing.objects.get()
    assert (mailing.status, mailing.recipients, mailing.sent) == ("done", 2, 2)
    assert mailing.requested_by == chair
    assert len(mail.outbox) == 2
    html = page.content.decode()
    assert "Wysyłki przypomnień" in html
    assert "wysłano 2 z 2 wiadomości" in html
    assert reverse("scoring:reminders_status", args=[mailing.pk]) in html


def test_organiser_sees_the_mailing_on_the_editions_results(
    client, organiser, juror, entries, during_scoring
):
    client.force_login(organiser)
    category = entries[0].category

    client.post(reverse("scoring:remind", args=[category.pk]))
    page = client.get(reverse("scoring:edition_results", args=[category.edition_id]))

    text = " ".join(strip_tags(page.content.decode()).split())
    assert f"{category.name} — zakończono (100%) — wysłano 1 z 1 wiadomości" in text


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("anonymous", False),
        ("applicant", False),
        ("other_applicant", False),
        ("juror", False),
        ("other_juror", False),
        ("chair", True),
        ("organiser", True),
        ("other_organiser", False),
    ],
)
def test_reminders_status_for_each_role(client, request, chair, juror, entries, name, allowed):
    mailing = ReminderMailing.objects.create(category=entries[0].category, requested_by=chair)
    if name != "anonymous":
        client.force_login(request.getfixturevalue(name))

    response = client.get(reverse("scoring:reminders_status", args=[mailing.pk]))

    if allowed:
        assert response.json() == {"status": "queued", "label": "w kolejce", "progress": 0}
    else:
        assert response.status_code in (302, 404)


@pytest.mark.parametrize("name", ["applicant", "juror", "other_juror", "other_organiser"])
def test_remind_refused_to_others_sends_and_records_nothing(
    client, request, chair, entries, during_scoring, name
):
    client.force_login(request.getfixturevalue(name))

    response = client.post(reverse("scoring:remind", args=[entries[0].category_id]))

    assert response.status_code == 404
    assert not ReminderMailing.objects.exists()
    assert mail.outbox == []


def test_mailing_of_a_killed_worker_shows_failed(client, chair, entries):
    mailing = ReminderMailing.objects.create(
        category=entries[0].category, requested_by=chair, status=ReminderMailing.Status.RUNNING
    )
    client.force_login(chair)
    later = timezone.now() + dt.timedelta(seconds=settings.EXPORT_STALE_SECONDS + 1)

    with time_machine.travel(later, tick=False):
        status = client.get(reverse("scoring:reminders_status", args=[mailing.pk])).json()

    assert status["status"] == "failed"


# The scheduled reminders ---------------------------------------------------------------------

CLOSING_SOON = BASE + dt.timedelta(days=63)  # scoring closes on day 65


def test_due_reminders_once_a_day_while_scoring_closes_soon(juror, entries):
    with time_machine.travel(CLOSING_SOON, tick=False):
        first = services.due_reminders()
        again = services.due_reminders()
    with time_machine.travel(CLOSING_SOON + dt.timedelta(days=1), tick=False):
        next_day = services.due_reminders()

    assert [m.category for m in first] == [entries[0].category]
    assert first[0].requested_by is None
    assert again == []
    assert len(next_day) == 1


def test_due_reminders_none_far_from_the_close_or_after_it(juror, entries):
    with time_machine.travel(BASE + dt.timedelta(days=50), tick=False):
        early = services.due_reminders()
    with time_machine.travel(BASE + dt.timedelta(days=66), tick=False):
        late = services.due_reminders()

    assert (early, late) == ([], [])


def test_due_reminders_none_when_every_sheet_is_in(juror, entries, criteria):
    with time_machine.travel(CLOSING_SOON, tick=False):
        for entry in entries:
            services.save_score_sheet(
                juror=juror,
                entry=entry,
                scores={str(c.pk): "5" for c in criteria},
                justification="Uzasadnienie oceny.",
                version=0,
                submit=True,
            )

        assert services.due_reminders() == []


def test_due_reminders_skip_a_category_reminded_by_hand_today(client, chair, juror, entries):
    with time_machine.travel(CLOSING_SOON, tick=False):
        client.force_login(chair)
        client.post(reverse("scoring:remind", args=[entries[0].category_id]))

        assert services.due_reminders() == []


def test_send_due_reminders_command_mails_the_jurors(juror, chair, entries):
    out = io.StringIO()

    with time_machine.travel(CLOSING_SOON, tick=False):
        call_command("send_due_reminders", stdout=out)

    mailing = ReminderMailing.objects.get()
    assert out.getvalue().strip() == "1 reminder mailing(s) queued"
    assert (mailing.status, mailing.sent) == ("done", 2)
    assert sorted(m.to[0] for m in mail.outbox) == [chair.email, juror.email]
