from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cms.vote import challenge, services
from cms.vote.models import Vote
from tests.cms.vote.conftest import token_from

pytestmark = pytest.mark.django_db


def address(poll, name="vote"):
    edition = poll.edition
    return reverse(name, args=[edition.competition.slug, edition.year, edition.number])


def solved() -> str:
    return challenge.solve(challenge.new_challenge())


def post_vote(client, poll, entry, *, email="ala@example.com", payload=None, **extra):
    data = {f"category_{entry.category_id}": entry.pk, "email": email}
    data["altcha"] = solved() if payload is None else payload
    return client.post(address(poll), data, **extra)


def test_vote_page_lists_eligible_entries_and_states_the_staff_rule(client, poll, entries):
    response = client.get(address(poll))

    body = response.content.decode()
    assert response.status_code == 200
    assert all(entry.title in body for entry in entries)
    assert "Szkic" not in body
    assert "ostroleka.pl" in body  # the rule, with its example, is on the page
    assert 'src="/static/js/vote-challenge.js"' in body


def test_vote_page_of_an_edition_without_a_vote_is_404(client, poll):
    edition = poll.edition

    response = client.get(reverse("vote", args=[edition.competition.slug, edition.year, 999]))

    assert response.status_code == 404


def test_vote_post_sends_the_confirmation_link(
    client, poll, entries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_vote(client, poll, entries[0])

    assert response.status_code == 302 and response["Location"] == address(poll, "vote_sent")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ala@example.com"]
    assert Vote.objects.get().confirmed_at is None


def test_vote_post_without_the_challenge_is_refused(client, poll, entries):
    response = post_vote(client, poll, entries[0], payload="")

    assert response.status_code == 400
    assert Vote.objects.count() == 0


def test_vote_post_with_a_forged_challenge_is_refused(client, poll, entries):
    forged = challenge.new_challenge()
    forged["signature"] = "0" * 64

    response = post_vote(client, poll, entries[0], payload=challenge.solve(forged))

    assert response.status_code == 400
    assert Vote.objects.count() == 0


def test_vote_post_reusing_a_solved_challenge_is_refused(client, poll, entries):
    payload = solved()
    post_vote(client, poll, entries[0], payload=payload)

    response = post_vote(client, poll, entries[1], email="ola@example.com", payload=payload)

    assert response.status_code == 400
    assert Vote.objects.count() == 1


def test_vote_post_for_own_institution_shows_the_rule(client, poll, entries):
    response = post_vote(client, poll, entries[1], email="sekretariat@ostroleka.pl")

    assert response.status_code == 400
    assert "Miasto Ostrołęka" in response.content.decode()
    assert Vote.objects.count() == 0


@override_settings(VOTE_RATE_LIMITS={"address": (100, 3600), "ip": (1, 3600)})
def test_vote_post_over_the_ip_limit_is_refused(client, poll, entries):
    post_vote(client, poll, entries[0], email="a@example.com")

    response = post_vote(client, poll, entries[0], email="b@example.com")

    assert response.status_code == 400
    assert Vote.objects.count() == 1


def test_vote_post_after_the_window_closes_records_nothing(client, poll, entries):
    poll.closes_at = timezone.now() - dt.timedelta(seconds=1)
    poll.opens_at = poll.closes_at - dt.timedelta(days=2)
    poll.save()

    response = post_vote(client, poll, entries[0])

    assert response.status_code == 302
    assert Vote.objects.count() == 0


def test_confirm_link_opened_does_not_vote_until_the_button_is_pressed(
    client, poll, entries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_vote(client, poll, entries[0])
    url = reverse("vote_confirm", args=[token_from(mail.outbox[0].body)])

    opened = client.get(url)
    unconfirmed = Vote.objects.get().confirmed_at
    pressed = client.post(url)

    assert opened.status_code == 200 and unconfirmed is None
    assert pressed.status_code == 200
    assert Vote.objects.get().confirmed_at is not None


def test_results_hidden_before_the_window_closes(client, poll, entries):
    Vote.objects.create(
        poll=poll,
        category=entries[0].category,
        entry=entries[0],
        voter="a" * 64,
        token_hash="b" * 64,
        token_expires_at=poll.closes_at,
        confirmed_at=timezone.now(),
    )

    response = client.get(address(poll, "vote_results"))

    body = response.content.decode()
    assert response.status_code == 200
    assert entries[0].title not in body and "<table" not in body


def test_results_shown_after_the_freeze_with_the_digest(client, poll, entries, organiser):
    Vote.objects.create(
        poll=poll,
        category=entries[0].category,
        entry=entries[0],
        voter="a" * 64,
        token_hash="b" * 64,
        token_expires_at=poll.closes_at,
        confirmed_at=timezone.now(),
    )
    poll.closes_at = timezone.now()
    poll.save()
    result = services.freeze_result(poll=poll, by=organiser)

    response = client.get(address(poll, "vote_results"))

    body = response.content.decode()
    assert entries[0].title in body and result.digest in body
    assert "<td>1</td>" in body


def test_challenge_endpoint_is_not_cached(client):
    response = client.get(reverse("vote_challenge"))

    assert response.status_code == 200
    assert set(response.json()) == {"algorithm", "challenge", "maxNumber", "salt", "signature"}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_vote_post_with_an_expired_challenge_is_refused(client, poll, entries):
    with override_settings(VOTE_CHALLENGE_SECONDS=-10):
        payload = solved()

    response = post_vote(client, poll, entries[0], payload=payload)

    assert response.status_code == 400
    assert Vote.objects.count() == 0


def test_vote_page_queries_do_not_grow_with_the_entries(client, poll, category):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import EntryFactory

    with CaptureQueriesContext(connection) as few:
        client.get(address(poll))
    EntryFactory.create_batch(8, category=category, status="eligible")
    with CaptureQueriesContext(connection) as many:
        response = client.get(address(poll))

    assert response.content.decode().count('type="radio"') == 11
    assert len(many.captured_queries) == len(few.captured_queries)
