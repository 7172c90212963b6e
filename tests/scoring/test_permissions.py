from __future__ import annotations

import pytest
from django.db import connection

from scoring import permissions, services
from scoring.models import CategoryUserObjectPermission
from tests.conftest import run_in_parallel
from tests.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_appoint_grants_score_permission_in_direct_fk_table():
    category = CategoryFactory()
    user = UserFactory()

    permissions.appoint_juror(category=category, user=user)

    assert permissions.can_score(user, category)
    assert not permissions.is_chair(user, category)
    assert (
        CategoryUserObjectPermission.objects.filter(user=user, content_object=category).count() == 1
    )


def test_chair_scores_and_chairs():
    category = CategoryFactory()
    user = UserFactory()

    permissions.appoint_juror(category=category, user=user, chair=True)

    assert permissions.can_score(user, category)
    assert permissions.is_chair(user, category)
    assert list(permissions.chairs_of(category)) == [user]


def test_permission_is_per_category():
    category, other = CategoryFactory(), CategoryFactory()
    user = UserFactory()

    permissions.appoint_juror(category=category, user=user)

    assert list(permissions.categories_for_juror(user)) == [category]
    assert not permissions.can_score(user, other)


def test_revoke_takes_effect_on_next_check():
    category = CategoryFactory()
    user = UserFactory()
    permissions.appoint_juror(category=category, user=user, chair=True)

    permissions.revoke_juror(category=category, user=user)

    assert not permissions.can_score(user, category)
    assert not permissions.is_chair(user, category)
    assert not permissions.categories_for_juror(user).exists()


def test_checker_prefetches_once_for_many_categories(django_assert_num_queries):
    categories = CategoryFactory.create_batch(5)
    user = UserFactory()
    for category in categories[:3]:
        permissions.appoint_juror(category=category, user=user)
    checker = permissions.checker_for(user, categories)

    with django_assert_num_queries(0):
        allowed = [permissions.can_score(user, c, checker) for c in categories]

    assert allowed == [True, True, True, False, False]


def test_anonymous_has_no_categories(client):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.categories_for_juror(AnonymousUser()).exists()


def test_appointing_a_second_chair_replaces_the_first_who_stays_a_juror():
    category = CategoryFactory()
    first, second = UserFactory(), UserFactory()
    permissions.appoint_juror(category=category, user=first, chair=True)

    demoted = permissions.appoint_juror(category=category, user=second, chair=True)

    assert demoted == [first]
    assert list(permissions.chairs_of(category)) == [second]
    assert permissions.can_score(first, category)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_make_chair_leaves_exactly_one_chair():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locking to be meaningful")
    category = CategoryFactory()
    users = [UserFactory() for _ in range(8)]

    outcomes = run_in_parallel(
        lambda user: services.appoint_chair(category=category, user=user), users
    )

    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert errors == []
    assert permissions.chairs_of(category).count() == 1
    assert permissions.jurors_of(category).count() == 8


# Organiser teams ------------------------------------------------------------------------------


@pytest.fixture
def two_competitions(db):
    from tests.factories import EditionFactory

    return EditionFactory().competition, EditionFactory().competition


def test_organised_narrows_to_the_teams_competitions(two_competitions):
    from competition.models import Edition
    from tests.factories import TeamFactory

    ours, _theirs = two_competitions
    member = UserFactory(username="czlonek")
    TeamFactory(members=[member], competitions=[ours])

    editions = permissions.organised(Edition.objects, member)

    assert [e.competition for e in editions] == [ours]


def test_organised_with_duty_leaves_out_teams_without_it(two_competitions):
    from competition.models import Duty, Edition
    from tests.factories import TeamFactory

    ours, theirs = two_competitions
    member = UserFactory(username="w-dwoch")
    TeamFactory(members=[member], competitions=[ours])
    TeamFactory(members=[member], competitions=[theirs], set_up=False)

    seen = permissions.organised(Edition.objects, member)
    set_up = permissions.organised(Edition.objects, member, Duty.SET_UP)

    assert {e.competition for e in seen} == {ours, theirs}
    assert [e.competition for e in set_up] == [ours]


def test_organised_gives_superusers_everything_and_others_nothing(two_competitions):
    from competition.models import Edition

    superuser = UserFactory(username="root", is_superuser=True)
    nobody = UserFactory(username="nikt")

    assert permissions.organised(Edition.objects, superuser).count() == 2
    assert permissions.organised(Edition.objects, nobody).count() == 0


def test_is_organiser_asks_the_competition_and_duty(two_competitions):
    from competition.models import Duty
    from tests.factories import TeamFactory

    ours, theirs = two_competitions
    member = UserFactory(username="wyniki")
    TeamFactory(members=[member], competitions=[ours], results=False)

    assert permissions.is_organiser(member)
    assert permissions.is_organiser(member, ours.pk)
    assert not permissions.is_organiser(member, theirs.pk)
    assert not permissions.is_organiser(member, ours.pk, Duty.RESULTS)
    assert not permissions.is_organiser(UserFactory(username="obcy"))
