"""The rounds' pages for every role: the shortlist, closing the round, the results per round,
the juror's list and the chair's matrix per round (queries flat in entries)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competition.models import Edition
from scoring.models import Shortlist
from tests.factories import (
    BASE,
    AssignmentFactory,
    AssignmentRuleFactory,
    EntryFactory,
    MembershipFactory,
)
from tests.scoring.conftest import AFTER_PRESELECTION, DURING_SCORING, PRESELECTION
from tests.scoring.test_rounds import confirm

pytestmark = pytest.mark.django_db

AFTER_FINAL = BASE + dt.timedelta(days=80)

ROLES = [
    "anonymous",
    "applicant",
    "other_applicant",
    "juror",
    "other_juror",
    "chair",
    "organiser",
    "other_organiser",
]


def login(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


def expected(role: str, allowed: set[str]) -> int:
    if role == "anonymous":
        return 302
    return 200 if role in allowed else 404


@pytest.mark.parametrize("role", ROLES)
def test_shortlist_page_for_each_role(client, request, role, pre_scored, category):
    login(client, request, role)

    with time_machine.travel(AFTER_PRESELECTION, tick=False):
        response = client.get(reverse("scoring:shortlist", args=[category.pk]))

    assert response.status_code == expected(role, {"chair", "organiser"})
    if response.status_code == 200:
        tied = response.content.decode().count('data-tied="1"')
        assert tied == 2


def test_shortlist_page_without_a_round_is_404(client, chair, category, entries):
    client.force_login(chair)

    response = client.get(reverse("scoring:shortlist", args=[category.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_shortlist_confirm_for_each_role(client, request, role, pre_scored, category):
    login(client, request, role)

    with time_machine.travel(AFTER_PRESELECTION, tick=False):
        response = client.post(
            reverse("scoring:shortlist", args=[category.pk]),
            {"entries": [e.pk for e in pre_scored]},
        )

    allowed = role in {"chair", "organiser"}
    assert response.status_code == (302 if allowed or role == "anonymous" else 404)
    assert Shortlist.objects.exists() == allowed


def test_shortlist_confirm_changed_without_justification_shows_the_error(
    client, chair, pre_scored, category
):
    client.force_login(chair)

    with time_machine.travel(AFTER_PRESELECTION, tick=False):
        response = client.post(
            reverse("scoring:shortlist", args=[category.pk]), {"entries": [pre_scored[0].pk]}
        )

    assert response.status_code == 200
    assert response.context["form"].errors["justification"]
    assert not Shortlist.objects.exists()


def test_shortlist_page_before_the_close_offers_no_confirmation(
    client, chair, pre_scored, category
):
    client.force_login(chair)

    with time_machine.travel(PRESELECTION, tick=False):
        response = client.get(reverse("scoring:shortlist", args=[category.pk]))

    assert b'id="shortlist-not-yet"' in response.content
    assert "Confirm the shortlist" not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_close_round_for_each_role(client, request, role, pre_scored, category, preselection):
    login(client, request, role)

    with time_machine.travel(PRESELECTION, tick=False):
        response = client.post(reverse("scoring:close_round", args=[category.edition_id]))

    allowed = role == "organiser"
    assert response.status_code == (302 if allowed or role == "anonymous" else 404)
    preselection.refresh_from_db()
    assert (preselection.closed_at is not None) == allowed


@pytest.mark.parametrize("role", ROLES)
def test_results_of_the_preselection_for_each_role(client, request, role, pre_scored, category):
    login(client, request, role)

    with time_machine.travel(AFTER_PRESELECTION, tick=False):
        response = client.get(reverse("scoring:results", args=[category.pk]) + "?etap=wstepny")

    assert response.status_code == expected(role, {"chair", "organiser"})
    if response.status_code == 200:
        assert response.context["round"] is not None
        assert len(response.context["result"].entries) == 3
        assert b'id="round-switch"' in response.content
        assert b'id="confirm-heading"' not in response.content


def test_edition_results_offers_closing_the_round(client, organiser, pre_scored, category):
    client.force_login(organiser)

    with time_machine.travel(PRESELECTION, tick=False):
        response = client.get(reverse("scoring:edition_results", args=[category.edition_id]))

    assert b'id="preselection"' in response.content
    assert reverse("scoring:close_round", args=[category.edition_id]).encode() in response.content


# The juror's list and the chair's matrix per round -------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_juror_list_in_the_preselection_for_each_role(
    client, request, role, category, entries, juror, chair, preselection
):
    AssignmentRuleFactory(category=category, jurors_per_entry=2)
    AssignmentFactory(juror=juror, entry=entries[0])
    login(client, request, role)

    with time_machine.travel(PRESELECTION, tick=False):
        response = client.get(reverse("scoring:category", args=[category.pk]))

    assert response.status_code == expected(role, {"juror", "chair"})
    if role == "juror":
        assert b'data-round="preselection"' in response.content
        assert [e.pk for e in response.context["entries"]] == [entries[0].pk]


def test_juror_list_in_the_final_lists_the_finalists_for_everyone(
    client, category, pre_scored, juror, chair, preselection
):
    AssignmentRuleFactory(category=category, jurors_per_entry=2)
    AssignmentFactory(juror=juror, entry=pre_scored[2])
    confirm(preselection, category, chair, pre_scored[:2], "Remis rozstrzygnięty przez jury.")
    client.force_login(juror)

    with time_machine.travel(DURING_SCORING, tick=False):
        response = client.get(reverse("scoring:category", args=[category.pk]))
        sheet = client.get(reverse("scoring:entry", args=[pre_scored[2].pk]))

    assert b'data-round="final"' in response.content
    assert {e.pk for e in response.context["entries"]} == {e.pk for e in pre_scored[:2]}
    assert sheet.status_code == 404


def test_juror_list_in_the_preselection_queries_flat_in_entries(
    client, category, criteria, juror, preselection, django_assert_num_queries
):
    AssignmentRuleFactory(category=category, jurors_per_entry=2)
    first = EntryFactory(category=category, status="eligible", number="R-0", sequence=100)
    AssignmentFactory(juror=juror, entry=first)
    client.force_login(juror)
    url = reverse("scoring:category", args=[category.pk])
    with time_machine.travel(PRESELECTION, tick=False):
        client.get(url)
        with CaptureQueriesContext(connection) as one:
            client.get(url)
        for n in range(1, 50):
            entry = EntryFactory(
                category=category, status="eligible", number=f"R-{n}", sequence=100 + n
            )
            AssignmentFactory(juror=juror, entry=entry)

        with django_assert_num_queries(len(one.captured_queries)):
            response = client.get(url)

    assert len(response.context["entries"]) == 50


def test_matrix_in_the_preselection_queries_flat_in_entries(
    client, category, criteria, chair, juror, preselection, django_assert_num_queries
):
    AssignmentRuleFactory(category=category, jurors_per_entry=2)

    def add(n):
        entry = EntryFactory(category=category, status="eligible", number=f"M-{n}", sequence=n)
        AssignmentFactory(juror=juror, entry=entry)
        AssignmentFactory(juror=chair, entry=entry)

    add(0)
    client.force_login(chair)
    url = reverse("scoring:matrix", args=[category.pk])
    with time_machine.travel(PRESELECTION, tick=False):
        client.get(url)
        with CaptureQueriesContext(connection) as one:
            client.get(url)
        for n in range(1, 50):
            add(n)

        with django_assert_num_queries(len(one.captured_queries)):
            response = client.get(url)

    assert len(response.context["rows"]) == 50
    assert response.context["round"] == preselection


# The applicant's side --------------------------------------------------------------------------


@pytest.fixture
def published(pre_scored, category, chair, preselection):
    """Finalists: the first two entries; results published after the final."""
    confirm(preselection, category, chair, pre_scored[:2], "Remis rozstrzygnięty przez jury.")
    Edition.objects.filter(pk=category.edition_id).update(
        frozen_at=AFTER_FINAL, published_at=AFTER_FINAL
    )
    return pre_scored


@pytest.mark.parametrize(("index", "shown"), [(2, True), (0, False)])
def test_applicant_sees_not_qualified_once_published(client, published, index, shown):
    user = MembershipFactory(institution=published[index].institution).user
    client.force_login(user)

    with time_machine.travel(AFTER_FINAL + dt.timedelta(days=1), tick=False):
        detail = client.get(reverse("entries:detail", args=[published[index].pk]))
        dashboard = client.get(reverse("entries:dashboard"))

    assert (b'data-not-qualified="1"' in detail.content) == shown
    assert (b'data-not-qualified="1"' in dashboard.content) == shown


def test_applicant_sees_nothing_before_publishing(
    client, pre_scored, category, chair, preselection
):
    confirm(preselection, category, chair, pre_scored[:2], "Remis rozstrzygnięty przez jury.")
    client.force_login(MembershipFactory(institution=pre_scored[2].institution).user)

    with time_machine.travel(DURING_SCORING, tick=False):
        detail = client.get(reverse("entries:detail", args=[pre_scored[2].pk]))

    assert detail.status_code == 200
    assert b'data-not-qualified="1"' not in detail.content


def test_dashboard_next_step_is_closing_the_preselection(client, organiser, preselection):
    client.force_login(organiser)

    with time_machine.travel(PRESELECTION, tick=False):
        response = client.get(reverse("wagtailadmin_home"))

    url = reverse("scoring:edition_results", args=[preselection.edition_id])
    step = f'<a class="button button-small" href="{url}">'
    assert step in response.content.decode()


def test_jury_panel_counts_the_final_after_the_preselection(
    client, category, pre_scored, juror, chair, preselection
):
    confirm(preselection, category, chair, pre_scored[:2], "Remis rozstrzygnięty przez jury.")
    client.force_login(juror)

    with time_machine.travel(DURING_SCORING, tick=False):
        response = client.get(reverse("scoring:home"))

    [card] = response.context["categories"]
    assert (card.total, card.submitted_count, card.progress) == (2, 0, 0)
