from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from scoring import permissions
from tests.factories import CategoryFactory, UserFactory

STYLEGUIDE = "/styleguide/"


def test_styleguide_sends_anonymous_visitors_to_log_in(client, db):
    response = client.get(STYLEGUIDE)

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/?next=/styleguide/")


@pytest.mark.parametrize("chair", [False, True], ids=["juror", "chair"])
def test_styleguide_is_forbidden_to_jurors_and_chairs(client, db, chair):
    juror = UserFactory()
    permissions.appoint_juror(category=CategoryFactory(), user=juror, chair=chair)
    client.force_login(juror)

    response = client.get(STYLEGUIDE)

    assert response.status_code == 403


def test_styleguide_is_forbidden_to_applicants(client, applicant):
    client.force_login(applicant)

    response = client.get(STYLEGUIDE)

    assert response.status_code == 403


def test_styleguide_shows_every_component_to_organisers(client, organiser):
    client.force_login(organiser)

    response = client.get(STYLEGUIDE)

    page = response.content.decode()
    assert response.status_code == 200
    for component in ('class="swatches"', 'class="actions"', 'class="tag tag-success"',
                      'class="alert alert-error"', 'class="errorlist"', 'aria-invalid="true"',
                      'class="cards"', 'class="table"', 'class="pagination"', 'class="stepper"',
                      'aria-current="page"', "disabled", "data-sortable", 'aria-sort="ascending"',
                      'class="sort-button is-focused"', 'data-sort-value="1204.5"'):  # fmt: skip
        assert component in page, component
    assert '<meta name="robots" content="noindex">' in page


def test_styleguide_is_open_to_the_publisher(client, db):
    publisher = UserFactory()
    publisher.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(publisher)

    response = client.get(STYLEGUIDE)

    assert response.status_code == 200


def test_styleguide_is_open_to_superusers_in_english(client, db):
    client.force_login(UserFactory(is_superuser=True))

    response = client.get("/en" + STYLEGUIDE)

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_styleguide_numbers_read_the_polish_way(client, organiser):
    client.force_login(organiser)

    page = client.get(STYLEGUIDE).content.decode()

    assert '<td class="num" data-sort-value="1204.5">1\u202f204,50</td>' in page
