from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cms.vote import queries, services
from cms.vote.models import PublicVoteResult, Vote
from tests.cms.vote.conftest import confirm_url, token_from
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def vote(poll, entry, email="ala@example.com", ip="10.0.0.1", capture=None):
    if capture is None:
        return services.request_votes(
            poll=poll, entries=[entry], email=email, ip=ip, confirm_url=confirm_url
        )
    with capture(execute=True):
        return services.request_votes(
            poll=poll, entries=[entry], email=email, ip=ip, confirm_url=confirm_url
        )


def test_vote_counts_only_once_confirmed(poll, entries, django_capture_on_commit_callbacks):
    vote(poll, entries[0], capture=django_capture_on_commit_callbacks)
    before = queries.counted(poll).count()

    confirmed = services.confirm_votes(token=token_from(mail.outbox[0].body))

    assert before == 0
    assert confirmed.state == "confirmed"
    assert queries.counted(poll).count() == 1


def test_vote_stores_only_a_keyed_hash_of_the_address(poll, entries):
    vote(poll, entries[0], email="Ala.Kot@Example.com")

    stored = Vote.objects.get()

    assert "example" not in str(stored.__dict__).lower()
    assert stored.voter == services.voter_hash("ala.kot@example.com")
    with override_settings(VOTE_VOTER_KEY="another-key"):
        assert services.voter_hash("ala.kot@example.com") != stored.voter


def test_vote_second_confirmation_does_not_count_twice(
    poll, entries, django_capture_on_commit_callbacks
):
    vote(poll, entries[0], capture=django_capture_on_commit_callbacks)
    token = token_from(mail.outbox[0].body)
    services.confirm_votes(token=token)

    again = services.confirm_votes(token=token)

    assert again == services.Confirmed(0, "already")
    assert queries.counted(poll).count() == 1


def test_vote_double_vote_in_a_category_is_not_counted(
    poll, entries, django_capture_on_commit_callbacks
):
    vote(poll, entries[0], capture=django_capture_on_commit_callbacks)
    services.confirm_votes(token=token_from(mail.outbox[0].body))

    outcome = vote(
        poll,
        entries[1],
        email="ALA+drugi@example.com",
        ip="10.0.0.2",
        capture=django_capture_on_commit_callbacks,
    )

    assert outcome.already == [entries[1].category.name] and outcome.pending == []
    assert entries[1].category.name in mail.outbox[1].body
    assert "/glosowanie/potwierdz/" not in mail.outbox[1].body
    assert Vote.objects.count() == 1
    assert queries.counted(poll).get().entry == entries[0]


def test_vote_unconfirmed_is_replaced_by_the_newer_request(
    poll, entries, django_capture_on_commit_callbacks
):
    vote(poll, entries[0], capture=django_capture_on_commit_callbacks)
    vote(poll, entries[1], capture=django_capture_on_commit_callbacks)

    first = services.confirm_votes(token=token_from(mail.outbox[0].body))
    second = services.confirm_votes(token=token_from(mail.outbox[1].body))

    assert first.state == "unknown"
    assert second.state == "confirmed"
    assert queries.counted(poll).get().entry == entries[1]


def test_vote_expired_token_does_not_count(poll, entries, django_capture_on_commit_callbacks):
    vote(poll, entries[0], capture=django_capture_on_commit_callbacks)
    later = timezone.now() + dt.timedelta(hours=25)

    outcome = services.confirm_votes(token=token_from(mail.outbox[0].body), now=later)

    assert outcome.state == "expired"
    assert queries.counted(poll).count() == 0


def test_vote_confirmed_after_the_window_closes_does_not_count(
    poll, entries, django_capture_on_commit_callbacks
):
    vote(poll, entries[0], capture=django_capture_on_commit_callbacks)
    poll.closes_at = timezone.now() + dt.timedelta(minutes=1)
    poll.save()

    outcome = services.confirm_votes(
        token=token_from(mail.outbox[0].body), now=poll.closes_at + dt.timedelta(seconds=1)
    )

    assert outcome.state == "closed"
    assert queries.counted(poll).count() == 0


def test_vote_outside_the_window_is_refused(poll, entries):
    poll.opens_at = timezone.now() + dt.timedelta(days=1)
    poll.closes_at = timezone.now() + dt.timedelta(days=2)
    poll.save()

    with pytest.raises(services.VoteRefused):
        vote(poll, entries[0])

    assert Vote.objects.count() == 0


def test_vote_for_an_entry_outside_the_vote_is_refused(poll, category):
    draft = category.entries.get(status="draft")

    with pytest.raises(services.VoteRefused):
        vote(poll, draft)

    assert Vote.objects.count() == 0


@pytest.mark.parametrize("email", ["sekretariat@ostroleka.pl", "it@um.ostroleka.pl"])
def test_vote_own_institution_domain_is_refused(poll, entries, email):
    own = entries[1]  # "Ostrołęka w chmurze", www.ostroleka.pl

    with pytest.raises(services.VoteRefused) as refused:
        vote(poll, own, email=email)

    assert own.category_id in refused.value.errors
    assert Vote.objects.count() == 0


def test_vote_own_institution_member_account_is_refused(poll, entries):
    other = entries[0]
    MembershipFactory(user=UserFactory(email="wojt@gmail.com"), institution=other.institution)

    with pytest.raises(services.VoteRefused):
        vote(poll, other, email="Wojt+glos@gmail.com")

    assert Vote.objects.count() == 0


def test_vote_staff_may_vote_for_another_institution(poll, entries):
    outcome = vote(poll, entries[0], email="sekretariat@ostroleka.pl")

    assert len(outcome.pending) == 1


def test_vote_similar_domain_is_not_taken_for_the_institution(poll, entries):
    outcome = vote(poll, entries[1], email="jan@nieostroleka.pl")

    assert len(outcome.pending) == 1


@override_settings(VOTE_RATE_LIMITS={"address": (2, 3600), "ip": (100, 3600)})
def test_vote_rate_limit_per_address(poll, entries):
    vote(poll, entries[0], ip="10.0.0.1")
    vote(poll, entries[0], ip="10.0.0.2")

    with pytest.raises(services.VoteRefused):
        vote(poll, entries[0], ip="10.0.0.3")


@override_settings(VOTE_RATE_LIMITS={"address": (100, 3600), "ip": (2, 3600)})
def test_vote_rate_limit_per_ip(poll, entries):
    vote(poll, entries[0], email="a@example.com")
    vote(poll, entries[0], email="b@example.com")

    with pytest.raises(services.VoteRefused):
        vote(poll, entries[0], email="c@example.com")

    assert Vote.objects.count() == 2


def test_annul_vote_takes_it_out_of_the_count_and_logs_the_reason(
    poll, entries, organiser, django_capture_on_commit_callbacks
):
    vote(poll, entries[0], capture=django_capture_on_commit_callbacks)
    services.confirm_votes(token=token_from(mail.outbox[0].body))
    cast = Vote.objects.get()

    services.annul_vote(vote=cast, by=organiser, reason="Seria głosów z jednej sieci")

    cast.refresh_from_db()
    assert queries.counted(poll).count() == 0
    assert cast.annulment_reason == "Seria głosów z jednej sieci" and cast.entry == entries[0]
    entry = ModelLogEntry.objects.get(action="cms.vote_annulled")
    assert entry.user == organiser and entry.data["reason"] == "Seria głosów z jednej sieci"


def test_annul_vote_without_a_reason_is_refused(poll, entries, organiser):
    vote(poll, entries[0])

    with pytest.raises(ValidationError):
        services.annul_vote(vote=Vote.objects.get(), by=organiser, reason="  ")

    assert Vote.objects.get().annulled_at is None


def test_annulled_vote_address_cannot_vote_again(poll, entries, organiser):
    vote(poll, entries[0])
    services.annul_vote(vote=Vote.objects.get(), by=organiser, reason="Bot")

    outcome = vote(poll, entries[1])

    assert outcome.pending == [] and Vote.objects.count() == 1


def test_freeze_result_before_the_window_closes_is_refused(poll, organiser):
    with pytest.raises(ValidationError):
        services.freeze_result(poll=poll, by=organiser)

    assert not PublicVoteResult.objects.exists()


def test_freeze_result_records_the_count_with_its_digest(
    poll, entries, organiser, django_capture_on_commit_callbacks
):
    for n in range(3):
        vote(
            poll,
            entries[n % 2],
            email=f"v{n}@example.com",
            capture=django_capture_on_commit_callbacks,
        )
        services.confirm_votes(token=token_from(mail.outbox[-1].body))
    vote(poll, entries[0], email="unconfirmed@example.com")
    after = poll.closes_at + dt.timedelta(seconds=1)

    result = services.freeze_result(poll=poll, by=organiser, now=after)

    rows = result.payload["categories"][0]["entries"]
    assert [(r["title"], r["votes"], r["rank"]) for r in rows] == [
        (entries[0].title, 2, 1),
        (entries[1].title, 1, 2),
    ]
    assert services.verify(result)
    assert services.freeze_result(poll=poll, by=organiser, now=after) == result
    with pytest.raises(ValidationError):
        result.save()


def test_annul_vote_after_the_freeze_is_refused(poll, entries, organiser):
    vote(poll, entries[0])
    poll.closes_at = timezone.now() - dt.timedelta(seconds=1)
    poll.opens_at = poll.closes_at - dt.timedelta(days=3)
    poll.save()
    services.freeze_result(poll=poll, by=organiser)

    with pytest.raises(ValidationError):
        services.annul_vote(vote=Vote.objects.get(), by=organiser, reason="Za późno")


def test_vote_for_an_entry_off_the_shortlist_is_refused(poll, entries):
    poll.shortlist.add(entries[1])

    with pytest.raises(services.VoteRefused):
        vote(poll, entries[0])

    assert list(queries.candidates(poll)) == [entries[1]]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_confirm_votes_same_link_in_parallel_counts_once(poll, entries):
    from django.db import connection

    from tests.conftest import run_in_parallel

    if connection.vendor != "postgresql":
        pytest.skip("needs parallel transactions")
    token = "parallel-link"
    Vote.objects.create(
        poll=poll,
        category=entries[0].category,
        entry=entries[0],
        voter="c" * 64,
        token_hash=services.token_hash(token),
        token_expires_at=poll.closes_at,
    )

    outcomes = run_in_parallel(lambda _n: services.confirm_votes(token=token), list(range(8)))

    assert sorted(o.state for o in outcomes) == ["already"] * 7 + ["confirmed"]
    assert queries.counted(poll).count() == 1
