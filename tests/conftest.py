from __future__ import annotations

import pytest
from django.db.models.signals import post_save

from competition.models import Competition, Team
from tests.factories import CompetitionFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Stored computations (results, charts) and page caches never leak from one test to the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request to /en/ leaves English active in this thread; names a test builds from models
    # ("… — VII edycja (2026)") must come out in the site's language whatever ran before.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def organisers_team() -> Team:
    """The "Organisers" team, which gets every competition of the test.

    Competitions made later join it too (until the test ends): most tests are about one
    organiser of the competitions they build, not about teams.
    """
    team = Team.objects.filter(name="Organisers").first()
    if team is None:
        team = TeamFactory(name="Organisers", competitions=Competition.objects.all())
    return team


def organise_everything(user) -> Team:
    """Make `user` a member of the "Organisers" team (see `organisers_team`)."""
    team = organisers_team()
    team.group.user_set.add(user)
    return team


def _join_organisers(sender, instance, created, **kwargs) -> None:
    team = Team.objects.filter(name="Organisers").first()
    if created and team is not None:
        team.competitions.add(instance)


@pytest.fixture(autouse=True)
def _organisers_get_new_competitions():
    post_save.connect(_join_organisers, sender=Competition, dispatch_uid="tests_organisers_join")
    yield
    post_save.disconnect(sender=Competition, dispatch_uid="tests_organisers_join")


@pytest.fixture
def organiser(db):
    user = UserFactory(username="organiser")
    organise_everything(user)
    return user


@pytest.fixture
def other_organiser(db):
    """An organiser of another competition only: they must see nothing of the test's ones."""
    user = UserFactory(username="other-organiser")
    TeamFactory(name="Zespół innego konkursu", members=[user], competitions=[CompetitionFactory()])
    return user


@pytest.fixture
def applicant(db):
    return UserFactory(username="applicant")


def close_response(response) -> None:
    """Close a streamed file response without dropping the test's database connection.

    response.close() fires request_finished, whose close_old_connections would close the
    connection of the test's transaction on PostgreSQL; the test client detaches it the same way.
    """
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def run_in_parallel(action, arguments: list) -> list:
    """Call `action(argument)` for every argument in its own thread, all released at once.

    Returns what each call returned or raised, in the order of `arguments`. Each thread closes
    its database connection; use with `django_db(transaction=True)` on PostgreSQL.
    """
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(arguments))
    outcomes: list = [None] * len(arguments)

    def run(index: int, argument) -> None:
        try:
            barrier.wait()
            outcomes[index] = action(argument)
        except BaseException as error:  # reported to the test, not lost in the thread
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, argument))
        for index, argument in enumerate(arguments)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
