"""The admin's pre-selection rounds (Competitions) and assignment changes (Jury), per team."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from scoring.assignment import services as assignment_services
from scoring.models import AssignmentAudit
from tests.factories import BASE, AssignmentRuleFactory

pytestmark = pytest.mark.django_db


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def audit(category, juror, organiser, during_scoring):
    AssignmentRuleFactory(category=category, jurors_per_entry=2)
    assignment_services.set_rule(category=category, jurors_per_entry=3, by=organiser)
    return AssignmentAudit.objects.get()


@pytest.mark.parametrize(("role", "listed"), [("organiser", True), ("other_organiser", False)])
def test_assignment_changes_in_the_jury_menu_per_team(client, request, role, listed, audit):
    client.force_login(request.getfixturevalue(role))

    index = client.get(reverse("assignment_audit:index"))
    inspect = client.get(reverse("assignment_audit:inspect", args=[audit.pk]))

    assert index.status_code == 200
    assert (audit.category.name in index.content.decode()) == listed
    assert inspect.status_code == (200 if listed else 404)


@pytest.mark.parametrize(("role", "expected"), [("organiser", 200), ("other_organiser", 404)])
def test_preselection_round_edit_per_team(client, request, role, expected, preselection):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("preselection_rounds:edit", args=[preselection.pk]))

    assert response.status_code == expected


def test_preselection_round_edit_refuses_a_window_overlapping_the_final(
    client, organiser, preselection
):
    edition = preselection.edition
    client.force_login(organiser)

    with time_machine.travel(BASE + dt.timedelta(days=35), tick=False):
        response = client.post(
            reverse("preselection_rounds:edit", args=[preselection.pk]),
            {
                "edition": edition.pk,
                "opens_at": local(edition.formal_check_ends_at),
                "closes_at": local(edition.scoring_closes_at),
                "mode": "scored",
                "shortlist_size": "2",
                "threshold": "",
                "weight": "0",
            },
        )

    assert response.status_code == 200
    assert "closes_at" in response.context["form"].errors
    preselection.refresh_from_db()
    assert preselection.closes_at < edition.scoring_opens_at


def test_assignment_change_page_names_pairs_and_details(client, organiser, audit, entry, juror):
    AssignmentAudit.objects.create(
        category=audit.category,
        by=organiser,
        action=AssignmentAudit.Action.MOVE,
        added=[[juror.pk, entry.pk]],
        removed=[],
        details={"connected": True},
    )
    moved = AssignmentAudit.objects.latest("pk")
    client.force_login(organiser)

    rule = client.get(reverse("assignment_audit:inspect", args=[audit.pk])).content.decode()
    pair = client.get(reverse("assignment_audit:inspect", args=[moved.pk])).content.decode()

    assert "[]" not in rule
    assert "jurorów na zgłoszenie przed zmianą: 2" in rule
    assert "jurorów na zgłoszenie po zmianie: 3" in rule
    assert f"{entry.number} {entry.title}" in pair
    assert "→" in pair
    assert "tak" in pair  # connected: True, said in Polish


def test_empty_rounds_listing_says_so_in_polish_with_a_way_to_add(client, other_organiser):
    client.force_login(other_organiser)

    page = client.get(reverse("preselection_rounds:index")).content.decode()

    assert "to display" not in page
    assert "Brak rund wstępnych." in page
    assert reverse("preselection_rounds:add") in page
