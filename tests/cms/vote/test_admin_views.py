from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.vote.models import PublicVoteResult, Vote
from scoring import services as scoring_services
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(poll, entries):
    return Vote.objects.create(
        poll=poll,
        category=entries[0].category,
        entry=entries[0],
        voter="a" * 64,
        token_hash="b" * 64,
        token_expires_at=poll.closes_at,
        confirmed_at=timezone.now(),
    )


@pytest.fixture
def people(poll, entries, organiser):
    category = entries[0].category
    juror = UserFactory(username="juror")
    scoring_services.appoint(category=category, user=juror)
    chair = UserFactory(username="chair")
    scoring_services.appoint(category=category, user=chair, chair=True)
    applicant = MembershipFactory(user__username="applicant", institution=entries[0].institution)
    return {
        "anonymous": None,
        "applicant": applicant.user,
        "juror": juror,
        "chair": chair,
        "organiser": organiser,
    }


def pages(poll, cast) -> dict[str, tuple[str, str]]:
    return {
        "setup list": ("get", reverse("public_votes:index")),
        "setup edit": ("get", reverse("public_votes:edit", args=[poll.pk])),
        "votes": ("get", reverse("cms_vote_votes", args=[poll.pk])),
        "annul": ("get", reverse("cms_vote_annul", args=[cast.pk])),
    }


@pytest.mark.parametrize("role", ["anonymous", "applicant", "juror", "chair"])
def test_admin_vote_pages_refused_to_everyone_but_organisers(client, poll, cast, people, role):
    if people[role]:
        client.force_login(people[role])

    statuses = {
        name: getattr(client, method)(url).status_code
        for name, (method, url) in pages(poll, cast).items()
    }
    annulled = client.post(reverse("cms_vote_annul", args=[cast.pk]), {"reason": "x"})

    # Wagtail sends whoever may not use the admin to its login page before any view runs.
    assert statuses == dict.fromkeys(statuses, 302)
    assert annulled.status_code == 302
    assert Vote.objects.get().annulled_at is None


def test_admin_vote_pages_open_to_the_organiser(client, poll, cast, people):
    client.force_login(people["organiser"])

    statuses = {
        name: getattr(client, method)(url).status_code
        for name, (method, url) in pages(poll, cast).items()
    }

    assert statuses == dict.fromkeys(statuses, 200)


def test_admin_annul_records_the_reason(client, poll, cast, organiser):
    client.force_login(organiser)

    response = client.post(
        reverse("cms_vote_annul", args=[cast.pk]), {"reason": "Głos z adresu tymczasowego"}
    )

    cast.refresh_from_db()
    assert response.status_code == 302
    assert cast.annulled_by == organiser and cast.annulment_reason == "Głos z adresu tymczasowego"


def test_admin_annul_without_a_reason_changes_nothing(client, poll, cast, organiser):
    client.force_login(organiser)

    response = client.post(reverse("cms_vote_annul", args=[cast.pk]), {"reason": ""})

    assert response.status_code == 200
    assert Vote.objects.get().annulled_at is None


def test_admin_has_no_way_to_edit_or_delete_a_vote(client, poll, cast, organiser):
    client.force_login(organiser)

    page = client.get(reverse("cms_vote_votes", args=[poll.pk])).content.decode()

    assert "/edit/" not in page.split("<table", 1)[1]
    assert "/delete/" not in page


def test_admin_freeze_after_close(client, poll, cast, organiser):
    poll.closes_at = timezone.now()
    poll.opens_at = poll.closes_at - dt.timedelta(days=2)
    poll.save()
    client.force_login(organiser)

    response = client.post(reverse("cms_vote_freeze", args=[poll.pk]))

    assert response.status_code == 302
    assert (
        PublicVoteResult.objects.get(poll=poll).payload["categories"][0]["entries"][0]["votes"] == 1
    )


def test_admin_setup_refuses_a_category_of_another_edition(client, poll, organiser):
    from tests.factories import CategoryFactory

    stranger = CategoryFactory()
    client.force_login(organiser)

    response = client.post(
        reverse("public_votes:edit", args=[poll.pk]),
        {
            "edition": poll.edition_id,
            "opens_at": poll.opens_at.strftime("%Y-%m-%d %H:%M"),
            "closes_at": poll.closes_at.strftime("%Y-%m-%d %H:%M"),
            "categories": [stranger.pk],
        },
    )

    assert response.status_code == 200
    assert list(poll.categories.all()) != [stranger]


def test_admin_votes_list_queries_do_not_grow_with_the_votes(client, poll, entries, organiser):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(organiser)
    url = reverse("cms_vote_votes", args=[poll.pk])

    def add_votes(start: int, count: int) -> None:
        for n in range(start, start + count):
            Vote.objects.create(
                poll=poll,
                category=entries[0].category,
                entry=entries[n % 2],
                voter=f"{n:064d}",
                token_hash=f"{n:064d}",
                token_expires_at=poll.closes_at,
            )

    add_votes(0, 1)
    client.get(url)  # the first admin page of a session creates the user's Wagtail profile
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    add_votes(1, 20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.status_code == 200
    assert len(many.captured_queries) == len(one.captured_queries)


def test_admin_vote_pages_hide_another_teams_vote(client, poll, cast, other_organiser):
    client.force_login(other_organiser)

    index = client.get(reverse("public_votes:index")).content.decode()
    statuses = {
        name: getattr(client, method)(url).status_code
        for name, (method, url) in pages(poll, cast).items()
        if name != "setup list"
    }
    annulled = client.post(reverse("cms_vote_annul", args=[cast.pk]), {"reason": "x"})
    frozen = client.post(reverse("cms_vote_freeze", args=[poll.pk]))

    assert str(poll.edition) not in index
    assert statuses == dict.fromkeys(statuses, 404)
    assert (annulled.status_code, frozen.status_code) == (404, 404)
    assert Vote.objects.get().annulled_at is None
