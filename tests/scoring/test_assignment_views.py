from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.assignment import services
from scoring.models import Assignment, AssignmentAudit, AssignmentPreference, Recusal, RecusalKind
from tests.factories import AssignmentFactory, AssignmentRuleFactory, EntryFactory

pytestmark = pytest.mark.usefixtures("during_scoring")

ROLES = [
    "anonymous",
    "applicant",
    "other_applicant",
    "juror",
    "other_juror",
    "chair",
    "organiser",
]


@pytest.fixture
def assigned(category, entries, juror, second_juror, chair):
    """k = 2; the juror has only the first entry."""
    AssignmentRuleFactory(category=category, jurors_per_entry=2)
    for user, entry in [
        (juror, entries[0]),
        (chair, entries[0]),
        (chair, entries[1]),
        (second_juror, entries[1]),
        (second_juror, entries[2]),
        (chair, entries[2]),
    ]:
        AssignmentFactory(juror=user, entry=entry)
    return entries


def login(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


# The juror's list and entries ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("applicant", 404),
        ("other_applicant", 404),
        ("juror", 200),
        ("other_juror", 404),
        ("chair", 200),
        ("organiser", 404),
    ],
)
def test_category_list_by_role(client, request, category, assigned, role, expected):
    login(client, request, role)

    response = client.get(reverse("scoring:category", args=[category.pk]))

    assert response.status_code == expected


def test_category_list_shows_only_the_jurors_assigned_entries(client, category, assigned, juror):
    client.force_login(juror)

    response = client.get(reverse("scoring:category", args=[category.pk]))

    assert [e.number for e in response.context["entries"]] == ["T-1"]
    assert "T-2" not in response.content.decode()


def test_category_list_before_assignment_offers_the_marks(client, category, entries, juror):
    AssignmentRuleFactory(category=category, jurors_per_entry=2)
    client.force_login(juror)

    response = client.get(reverse("scoring:category", args=[category.pk]))

    assert response.context["entries"] == []
    assert reverse("scoring:preferences", args=[category.pk]) in response.content.decode()


def test_category_list_every_juror_scores_every_entry_by_default(client, category, entries, juror):
    client.force_login(juror)

    response = client.get(reverse("scoring:category", args=[category.pk]))

    assert len(response.context["entries"]) == 3


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("applicant", 404),
        ("other_applicant", 404),
        ("juror", 404),
        ("other_juror", 404),
        ("chair", 200),
        ("organiser", 404),
    ],
)
def test_entry_page_of_an_entry_assigned_to_the_chair_only(
    client, request, category, assigned, role, expected
):
    login(client, request, role)

    response = client.get(reverse("scoring:entry", args=[assigned[1].pk]))

    assert response.status_code == expected


def test_entry_page_forged_url_to_an_unassigned_entry_is_404(client, assigned, juror):
    client.force_login(juror)

    mine = client.get(reverse("scoring:entry", args=[assigned[0].pk]))
    forged = client.get(reverse("scoring:entry", args=[assigned[2].pk]))
    recusal = client.post(reverse("scoring:recuse", args=[assigned[2].pk]), {"reason": "Znam."})

    assert (mine.status_code, forged.status_code, recusal.status_code) == (200, 404, 404)
    assert not Recusal.objects.exists()


def test_juror_list_query_count_same_for_1_and_50_entries(
    client, category, criteria, juror, django_assert_num_queries
):
    AssignmentRuleFactory(category=category, jurors_per_entry=2)
    first = EntryFactory(category=category, status="eligible", number="Q-0", sequence=100)
    AssignmentFactory(juror=juror, entry=first)
    client.force_login(juror)
    url = reverse("scoring:category", args=[category.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(1, 50):
        entry = EntryFactory(
            category=category, status="eligible", number=f"Q-{n}", sequence=100 + n
        )
        AssignmentFactory(juror=juror, entry=entry)

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)

    assert len(response.context["entries"]) == 50


# The chair's matrix --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("applicant", 404),
        ("other_applicant", 404),
        ("juror", 404),
        ("other_juror", 404),
        ("chair", 200),
        ("organiser", 404),
    ],
)
def test_matrix_by_role(client, request, category, assigned, role, expected):
    login(client, request, role)

    response = client.get(reverse("scoring:matrix", args=[category.pk]))

    assert response.status_code == expected


def test_matrix_shows_assigned_done_conflict_not_assigned(
    client, category, criteria, assigned, juror, second_juror, chair
):
    Recusal.objects.create(
        juror=second_juror, entry=assigned[0], kind=RecusalKind.DECLARED, reason="Znam."
    )
    from scoring import services as scoring_services

    scoring_services.save_score_sheet(
        juror=chair,
        entry=assigned[0],
        scores={str(c.pk): "5" for c in criteria},
        justification="Dobrze uzasadniona ocena.",
        version=0,
        submit=True,
    )
    client.force_login(chair)

    response = client.get(reverse("scoring:matrix", args=[category.pk]))

    names = [j.username for j in response.context["jurors"]]
    first = dict(zip(names, (s for s, _label in response.context["rows"][0]["cells"]), strict=True))
    assert first == {"chair": "submitted", "juror": "not_started", "juror2": "recused"}
    labels = {label for row in response.context["rows"] for _s, label in row["cells"]}
    assert labels == {"ocenione", "przydzielone", "konflikt", "nieprzydzielone"}


def test_matrix_query_count_same_for_1_and_50_entries(
    client, category, criteria, chair, juror, django_assert_num_queries
):
    AssignmentRuleFactory(category=category, jurors_per_entry=2)

    def add(n):
        entry = EntryFactory(category=category, status="eligible", number=f"M-{n}", sequence=n)
        AssignmentFactory(juror=juror, entry=entry)
        AssignmentFactory(juror=chair, entry=entry)

    add(0)
    client.force_login(chair)
    url = reverse("scoring:matrix", args=[category.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(1, 50):
        add(n)

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)

    assert len(response.context["rows"]) == 50


# A juror's marks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("applicant", 404),
        ("other_applicant", 404),
        ("juror", 200),
        ("other_juror", 404),
        ("chair", 200),
        ("organiser", 404),
    ],
)
def test_preferences_page_by_role(client, request, category, entries, role, expected):
    AssignmentRuleFactory(category=category, jurors_per_entry=2)
    login(client, request, role)

    response = client.get(reverse("scoring:preferences", args=[category.pk]))

    assert response.status_code == expected


def test_preferences_post_saves_the_marks(client, category, entries, juror):
    AssignmentRuleFactory(category=category, jurors_per_entry=2)
    client.force_login(juror)

    response = client.post(
        reverse("scoring:preferences", args=[category.pk]),
        {f"entry_{entries[0].pk}": "want", f"entry_{entries[1].pk}": "avoid"},
    )

    assert response.status_code == 302
    assert set(AssignmentPreference.objects.values_list("entry__number", "level")) == {
        ("T-1", "want"),
        ("T-2", "avoid"),
    }


def test_preferences_post_after_assignment_says_so_and_saves_nothing(
    client, category, assigned, juror
):
    client.force_login(juror)

    response = client.post(
        reverse("scoring:preferences", args=[category.pk]), {f"entry_{assigned[0].pk}": "want"}
    )

    assert response.status_code == 200
    assert response.context["assigned"] is True
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not AssignmentPreference.objects.exists()


def test_preferences_page_without_a_rule_is_404(client, category, entries, juror):
    client.force_login(juror)

    response = client.get(reverse("scoring:preferences", args=[category.pk]))

    assert response.status_code == 404


# The organiser's screen ----------------------------------------------------------------------


def admin_posts(category, entries, juror, chair) -> dict[str, dict]:
    return {
        reverse("jury_appointments:assignment_rule", args=[category.pk]): {
            "mode": "k",
            "jurors_per_entry": "2",
        },
        reverse("jury_appointments:assignment_confirm", args=[category.pk]): {"digest": "0" * 64},
        reverse("jury_appointments:assignment_move", args=[category.pk]): {
            "entry": entries[0].pk,
            "from_juror": juror.pk,
            "to_juror": chair.pk,
        },
        reverse("jury_appointments:assignment_cap", args=[category.pk]): {
            "juror": juror.pk,
            "max_entries": "1",
        },
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("applicant", 302),
        ("other_applicant", 302),
        ("juror", 302),
        ("other_juror", 302),
        ("chair", 302),
        ("organiser", 200),
    ],
)
def test_admin_assignment_page_by_role(client, request, category, assigned, role, expected):
    login(client, request, role)

    response = client.get(reverse("jury_appointments:assignment", args=[category.pk]))

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


@pytest.mark.parametrize("role", [r for r in ROLES if r != "organiser"])
def test_admin_assignment_actions_refuse_everyone_but_the_organiser(
    client, request, category, assigned, juror, chair, role
):
    login(client, request, role)
    before = set(Assignment.objects.values_list("juror_id", "entry_id"))

    responses = [
        client.post(url, data)
        for url, data in admin_posts(category, assigned, juror, chair).items()
    ]

    assert all(r["Location"].startswith(reverse("wagtailadmin_login")) for r in responses)
    assert set(Assignment.objects.values_list("juror_id", "entry_id")) == before
    assert not AssignmentAudit.objects.exists()


def test_admin_assignment_actions_are_post_only(client, organiser, category):
    client.force_login(organiser)

    response = client.get(reverse("jury_appointments:assignment_confirm", args=[category.pk]))

    assert response.status_code == 405


def test_admin_rule_post_switches_to_k_per_entry(client, organiser, category):
    client.force_login(organiser)

    response = client.post(
        reverse("jury_appointments:assignment_rule", args=[category.pk]),
        {"mode": "k", "jurors_per_entry": "3"},
    )

    assert response.status_code == 302
    assert category.assignment_rule.jurors_per_entry == 3


def test_admin_rule_post_without_k_is_refused(client, organiser, category):
    client.force_login(organiser)

    response = client.post(
        reverse("jury_appointments:assignment_rule", args=[category.pk]),
        {"mode": "k"},
        follow=True,
    )

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not AssignmentAudit.objects.exists()


def test_admin_proposal_then_confirm_saves_it(
    client, organiser, category, entries, juror, second_juror, chair
):
    AssignmentRuleFactory(category=category, jurors_per_entry=2)
    client.force_login(organiser)
    url = reverse("jury_appointments:assignment", args=[category.pk])

    shown = client.get(url, {"propozycja": "1"})
    digest = shown.context["proposal"].digest
    response = client.post(
        reverse("jury_appointments:assignment_confirm", args=[category.pk]), {"digest": digest}
    )

    assert response.status_code == 302
    assert Assignment.objects.count() == 6
    after = client.get(url)
    assert {row["load"] for row in after.context["loads"]} == {2}
    assert [c.action for c in after.context["changes"]] == ["confirm"]


def test_admin_proposal_with_k_above_the_jury_names_the_entries(
    client, organiser, category, entries, juror, second_juror
):
    AssignmentRuleFactory(category=category, jurors_per_entry=3)
    client.force_login(organiser)

    response = client.get(
        reverse("jury_appointments:assignment", args=[category.pk]), {"propozycja": "1"}
    )

    message = response.context["proposal_error"]
    assert all(number in message for number in ("T-1", "T-2", "T-3"))
    assert response.context["proposal"] is None
    assert not Assignment.objects.exists()


def test_admin_move_by_hand(client, organiser, category, assigned, juror, second_juror):
    client.force_login(organiser)

    response = client.post(
        reverse("jury_appointments:assignment_move", args=[category.pk]),
        {"entry": assigned[0].pk, "from_juror": juror.pk, "to_juror": second_juror.pk},
    )

    assert response.status_code == 302
    assert set(assigned[0].assignments.values_list("juror__username", flat=True)) == {
        "chair",
        "juror2",
    }
    assert AssignmentAudit.objects.get().action == "move"


def test_admin_move_to_someone_already_assigned_is_refused(
    client, organiser, category, assigned, juror, chair
):
    client.force_login(organiser)

    response = client.post(
        reverse("jury_appointments:assignment_move", args=[category.pk]),
        {"entry": assigned[0].pk, "from_juror": juror.pk, "to_juror": chair.pk},
        follow=True,
    )

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert set(assigned[0].assignments.values_list("juror__username", flat=True)) == {
        "chair",
        "juror",
    }


def test_admin_cap_is_followed_by_the_next_proposal(
    client, organiser, category, entries, juror, second_juror, chair
):
    AssignmentRuleFactory(category=category, jurors_per_entry=2)
    client.force_login(organiser)

    client.post(
        reverse("jury_appointments:assignment_cap", args=[category.pk]),
        {"juror": juror.pk, "max_entries": "1"},
    )
    proposal = services.propose(category=category)

    assert proposal.solution.loads[juror.pk] == 1
    assert AssignmentAudit.objects.get().action == "cap"


def test_jury_panel_before_the_assignment_shows_no_progress(client, category, entries, juror):
    AssignmentRuleFactory(category=category, jurors_per_entry=2)
    client.force_login(juror)

    response = client.get(reverse("scoring:home"))

    (card,) = response.context["categories"]
    assert (card.total, card.progress) == (0, 0)


def test_jury_panel_counts_the_assigned_entries(client, category, assigned, chair):
    client.force_login(chair)

    response = client.get(reverse("scoring:home"))

    (card,) = response.context["categories"]
    assert (card.total, card.progress) == (3, 0)


def test_admin_assignment_hidden_from_an_organiser_of_another_competition(
    client, other_organiser, category, assigned, juror, chair
):
    client.force_login(other_organiser)
    before = set(Assignment.objects.values_list("juror_id", "entry_id"))

    page = client.get(reverse("jury_appointments:assignment", args=[category.pk]))
    responses = [
        client.post(url, data)
        for url, data in admin_posts(category, assigned, juror, chair).items()
    ]

    assert page.status_code == 404
    assert [r.status_code for r in responses] == [404] * len(responses)
    assert set(Assignment.objects.values_list("juror_id", "entry_id")) == before
    assert not AssignmentAudit.objects.exists()
