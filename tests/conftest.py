from __future__ import annotations

import pytest

from competition.services import ensure_organiser_group
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Stored computations (results, charts) and page caches never leak from one test to the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organiser(db):
    user = UserFactory(username="organiser")
    user.groups.add(ensure_organiser_group())
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
