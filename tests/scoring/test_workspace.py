"""The juror's workspace: autosave, previous/next entry, per-criterion comments, the total."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring import services
from scoring.models import ScoreSheet, ScoreSheetAudit
from tests.factories import AssignmentFactory, AssignmentRuleFactory, EntryFactory, UserFactory
from tests.scoring.conftest import AFTER_SCORING, sheet_data

pytestmark = pytest.mark.django_db


def autosave_url(entry) -> str:
    return reverse("scoring:autosave", args=[entry.pk])


def login(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


@pytest.fixture
def recused_juror(category, entry):
    user = UserFactory(username="recused")
    services.appoint(category=category, user=user)
    services.declare_recusal(juror=user, entry=entry, reason="Mój były urząd")
    return user


@pytest.fixture
def unassigned_juror(category, entries):
    """Where k jurors score each entry, a juror assigned another entry than `entry`."""
    user = UserFactory(username="unassigned")
    services.appoint(category=category, user=user)
    AssignmentRuleFactory(category=category, jurors_per_entry=2)
    AssignmentFactory(juror=user, entry=entries[1])
    return user


# Autosave -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("applicant", 404),
        ("other_applicant", 404),
        ("juror", 200),
        ("other_juror", 404),
        ("recused_juror", 403),
        ("unassigned_juror", 404),
        ("chair", 200),
        ("organiser", 404),
        ("other_organiser", 404),
    ],
)
def test_autosave_by_role(client, request, entry, criteria, during_scoring, role, expected):
    login(client, request, role)

    response = client.post(autosave_url(entry), sheet_data(criteria, ["7", "6.5"]))

    assert response.status_code == expected
    saved = list(ScoreSheet.objects.values_list("juror__username", "status", "version"))
    if expected == 200:
        assert saved == [(request.getfixturevalue(role).username, "draft", 1)]
        assert response.json()["version"] == 1
    else:
        assert saved == []


def test_autosave_answers_the_version_and_the_time_in_warsaw(
    client, juror, entry, criteria, during_scoring
):
    client.force_login(juror)

    answer = client.post(autosave_url(entry), sheet_data(criteria, ["7", ""])).json()

    # DURING_SCORING is noon UTC on 21 April: 14:00 in Warsaw (summer time).
    sheet = ScoreSheet.objects.get()
    assert answer["version"] == sheet.version == 1
    assert answer["saved_at"] == "14:00"
    assert "14:00" in answer["message"]
    assert [str(s.value) for s in sheet.scores.all()] == ["7.00"]


def test_autosave_is_a_draft_even_when_submit_is_posted(
    client, juror, entry, criteria, during_scoring
):
    client.force_login(juror)

    response = client.post(autosave_url(entry), sheet_data(criteria, ["7", "6"], submit="1"))

    assert response.status_code == 200
    assert ScoreSheet.objects.get().status == "draft"


def test_autosave_with_an_old_version_is_a_conflict_and_overwrites_nothing(
    client, juror, entry, criteria, during_scoring
):
    client.force_login(juror)
    client.post(autosave_url(entry), sheet_data(criteria, ["7", "6"]))
    client.post(autosave_url(entry), sheet_data(criteria, ["8", "6"], version=1))

    response = client.post(autosave_url(entry), sheet_data(criteria, ["2", "2"], version=1))

    assert response.status_code == 409
    assert response.json()["conflict"] is True
    assert "Ta karta oceny została zmieniona gdzie indziej" in response.json()["message"]
    sheet = ScoreSheet.objects.get()
    assert sheet.version == 2
    assert sorted(str(s.value) for s in sheet.scores.all()) == ["6.00", "8.00"]


def test_autosave_after_the_window_closes_is_refused(client, juror, entry, criteria):
    client.force_login(juror)

    with time_machine.travel(AFTER_SCORING, tick=False):
        response = client.post(autosave_url(entry), sheet_data(criteria, ["7", "6"]))

    assert response.status_code == 403
    assert "Ten krok (ocenianie zgłoszeń) nie jest już możliwy" in response.json()["message"]
    assert not ScoreSheet.objects.exists()


@pytest.mark.parametrize("values", [["12", "5"], ["5", "5.3"], ["-1", "5"], ["abc", "5"]])
def test_autosave_refuses_a_value_off_the_scale(
    client, juror, entry, criteria, during_scoring, values
):
    client.force_login(juror)

    response = client.post(autosave_url(entry), sheet_data(criteria, values))

    assert response.status_code == 400
    assert response.json()["errors"]
    assert not ScoreSheet.objects.exists()


def test_autosave_refuses_a_submitted_sheet_and_keeps_it(
    client, juror, entry, criteria, during_scoring
):
    client.force_login(juror)
    client.post(
        reverse("scoring:entry", args=[entry.pk]), sheet_data(criteria, ["7", "6"], submit="1")
    )

    response = client.post(autosave_url(entry), sheet_data(criteria, ["1", "1"], version=1))

    assert response.status_code == 403
    assert ScoreSheet.objects.get().status == "submitted"


def test_autosave_is_post_only(client, juror, entry, during_scoring):
    client.force_login(juror)

    assert client.get(autosave_url(entry)).status_code == 405


def test_autosave_needs_the_csrf_token(juror, entry, criteria, during_scoring):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(juror)

    response = client.post(autosave_url(entry), sheet_data(criteria, ["7", "6"]))

    assert response.status_code == 403
    assert not ScoreSheet.objects.exists()


# Previous / next ------------------------------------------------------------------------------


def pager(client, entry) -> tuple[int | None, int | None, int, int]:
    found = client.get(reverse("scoring:entry", args=[entry.pk])).context["neighbours"]
    return (
        found.previous.pk if found.previous else None,
        found.next.pk if found.next else None,
        found.position,
        found.count,
    )


def test_pager_follows_the_numbers_first_and_last(client, juror, entries, during_scoring):
    client.force_login(juror)
    first, middle, last = entries

    assert pager(client, first) == (None, middle.pk, 1, 3)
    assert pager(client, middle) == (first.pk, last.pk, 2, 3)
    assert pager(client, last) == (middle.pk, None, 3, 3)


def test_pager_skips_an_entry_with_a_conflict(client, juror, entries, during_scoring):
    services.declare_recusal(juror=juror, entry=entries[1], reason="Mój były urząd")
    client.force_login(juror)

    assert pager(client, entries[0]) == (None, entries[2].pk, 1, 2)
    assert pager(client, entries[2]) == (entries[0].pk, None, 2, 2)
    # On the entry itself (the recusal notice) the way on is still offered.
    assert pager(client, entries[1]) == (entries[0].pk, entries[2].pk, 0, 2)


def test_pager_skips_entries_not_assigned_and_ineligible(
    client, juror, category, entries, during_scoring
):
    AssignmentRuleFactory(category=category, jurors_per_entry=2)
    AssignmentFactory(juror=juror, entry=entries[0])
    AssignmentFactory(juror=juror, entry=entries[2])
    EntryFactory(
        category=category,
        status="rejected",
        rejection_reason="Po terminie.",
        number="T-4",
        sequence=4,
    )
    client.force_login(juror)

    assert pager(client, entries[0]) == (None, entries[2].pk, 1, 2)
    assert pager(client, entries[2]) == (entries[0].pk, None, 2, 2)


def test_pager_renders_links_with_rel(client, juror, entries, during_scoring):
    client.force_login(juror)

    body = client.get(reverse("scoring:entry", args=[entries[1].pk])).content.decode()

    assert f'href="{reverse("scoring:entry", args=[entries[0].pk])}" rel="prev"' in body
    assert f'href="{reverse("scoring:entry", args=[entries[2].pk])}" rel="next"' in body


def test_sheet_page_query_count_same_for_1_and_50_entries(
    client, juror, category, criteria, during_scoring
):
    first = EntryFactory(category=category, status="eligible", sequence=1, number="Q-1")
    client.force_login(juror)
    url = reverse("scoring:entry", args=[first.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(2, 51):
        EntryFactory(category=category, status="eligible", sequence=n, number=f"Q-{n}")

    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)

    assert response.context["neighbours"].count == 50
    assert len(fifty) == len(one)


# The sheet: segments, progress, total --------------------------------------------------------


def test_sheet_shows_segments_progress_and_saved_total(
    client, juror, entries, criteria, during_scoring
):
    services.save_score_sheet(
        juror=juror,
        entry=entries[1],
        scores={str(criteria[0].pk): "8", str(criteria[1].pk): "6.5"},
        justification="Dobrze uzasadniona ocena.",
        version=0,
        submit=True,
    )
    services.save_score_sheet(
        juror=juror,
        entry=entries[0],
        scores={str(criteria[0].pk): "7", str(criteria[1].pk): "6.5"},
        justification="",
        version=0,
        submit=False,
    )
    client.force_login(juror)

    response = client.get(reverse("scoring:entry", args=[entries[0].pk]))

    body = response.content.decode()
    # 0–10 step 1: eleven segments; 0–10 step 0.5: a list of 21 values, with a comma.
    assert body.count(f'name="score_{criteria[0].pk}"') == 11
    assert f'value="7" id="id_score_{criteria[0].pk}_7" checked' in body
    assert '<option value="6.5" selected>6,5</option>' in body
    # 2 × 7 + 1 × 6.5 = 20.5 of 2 × 10 + 10 = 30, with a Polish comma.
    assert (
        '<output id="running-total" aria-labelledby="running-total-label">20,5</output> / 30'
        in body
    )
    assert '<progress value="1" max="3"' in body
    assert "data-autosave-url" in body


# Per-criterion comments ----------------------------------------------------------------------


@pytest.fixture
def commented(criteria):
    criteria[0].comment_required = True
    criteria[0].save()
    return criteria


def test_comment_required_on_submit_is_shown_at_its_criterion(
    client, juror, entry, commented, during_scoring
):
    client.force_login(juror)

    response = client.post(
        reverse("scoring:entry", args=[entry.pk]), sheet_data(commented, ["7", "6"], submit="1")
    )

    assert response.status_code == 200
    assert response.context["form"].errors[f"comment_{commented[0].pk}"]
    assert f'id="id_comment_{commented[0].pk}"' in response.content.decode()
    assert f'id="id_comment_{commented[1].pk}"' not in response.content.decode()
    assert not ScoreSheet.objects.exists()


def test_comment_not_needed_for_a_draft(client, juror, entry, commented, during_scoring):
    client.force_login(juror)

    response = client.post(autosave_url(entry), sheet_data(commented, ["7", ""]))

    assert response.status_code == 200


def test_comment_saved_in_the_audit_log_and_shown_again(
    client, juror, entry, commented, during_scoring
):
    client.force_login(juror)
    data = sheet_data(commented, ["7", "6"], submit="1")
    data[f"comment_{commented[0].pk}"] = "Rozwiązanie nowe w skali kraju."

    client.post(reverse("scoring:entry", args=[entry.pk]), data)

    sheet = ScoreSheet.objects.get()
    assert sheet.status == "submitted"
    assert sheet.scores.get(criterion=commented[0]).comment == "Rozwiązanie nowe w skali kraju."
    audit = ScoreSheetAudit.objects.get()
    assert audit.new_values["comments"] == {str(commented[0].pk): "Rozwiązanie nowe w skali kraju."}
    page = client.get(reverse("scoring:entry", args=[entry.pk])).content.decode()
    assert "Rozwiązanie nowe w skali kraju." in page


def test_comment_without_a_score_is_refused(client, juror, entry, commented, during_scoring):
    client.force_login(juror)
    data = sheet_data(commented, ["", "6"])
    data[f"comment_{commented[0].pk}"] = "Bez oceny."

    response = client.post(autosave_url(entry), data)

    assert response.status_code == 400
    assert f"comment_{commented[0].pk}" in response.json()["errors"]
    assert not ScoreSheet.objects.exists()


def test_comment_shown_to_the_organiser_in_the_audit_log(
    client, organiser, juror, entry, commented, during_scoring
):
    services.save_score_sheet(
        juror=juror,
        entry=entry,
        scores={str(commented[0].pk): "7"},
        comments={str(commented[0].pk): "Nowatorskie wdrożenie."},
        justification="",
        version=0,
        submit=False,
    )
    client.force_login(organiser)
    audit = ScoreSheetAudit.objects.get()

    body = client.get(f"/admin/score-sheet-audit/inspect/{audit.pk}/").content.decode()

    assert "Nowatorskie wdrożenie." in body


def test_comment_shown_to_the_chair_on_the_entry_page(
    client, juror, chair, second_juror, entry, commented, during_scoring
):
    services.save_score_sheet(
        juror=juror,
        entry=entry,
        scores={str(commented[0].pk): "7", str(commented[1].pk): "6"},
        comments={str(commented[0].pk): "Nowatorskie wdrożenie."},
        justification="Dobrze uzasadniona ocena.",
        version=0,
        submit=True,
    )
    url = reverse("scoring:entry", args=[entry.pk])

    client.force_login(chair)
    as_chair = client.get(url)
    client.force_login(second_juror)
    as_juror = client.get(url)

    assert [s.juror for s in as_chair.context["jury_sheets"]] == [juror]
    assert "Nowatorskie wdrożenie." in as_chair.content.decode()
    assert as_juror.context["jury_sheets"] is None
    assert "Nowatorskie wdrożenie." not in as_juror.content.decode()


def test_chair_with_a_conflict_sees_no_sheets(client, chair, entry, criteria, during_scoring):
    services.declare_recusal(juror=chair, entry=entry, reason="Mój były urząd")
    client.force_login(chair)

    response = client.get(reverse("scoring:entry", args=[entry.pk]))

    assert response.context["jury_sheets"] is None


def test_chair_sheet_list_query_count_flat_in_jurors(
    client, chair, category, entry, criteria, during_scoring
):
    def submit(n):
        user = UserFactory(username=f"j{n}")
        services.appoint(category=category, user=user)
        services.save_score_sheet(
            juror=user,
            entry=entry,
            scores={str(c.pk): "5" for c in criteria},
            justification="Dobrze uzasadniona ocena.",
            version=0,
            submit=True,
        )

    submit(0)
    client.force_login(chair)
    url = reverse("scoring:entry", args=[entry.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(1, 10):
        submit(n)

    with CaptureQueriesContext(connection) as ten:
        response = client.get(url)

    assert len(response.context["jury_sheets"]) == 10
    assert len(ten) == len(one)


def test_save_without_comments_keeps_the_stored_ones(juror, entry, commented, during_scoring):
    first = services.save_score_sheet(
        juror=juror,
        entry=entry,
        scores={str(commented[0].pk): "7"},
        comments={str(commented[0].pk): "Nowatorskie wdrożenie."},
        justification="",
        version=0,
        submit=False,
    )

    services.save_score_sheet(
        juror=juror,
        entry=entry,
        scores={str(commented[0].pk): "8", str(commented[1].pk): "6"},
        justification="Dobrze uzasadniona ocena.",
        version=first.version,
        submit=True,
    )

    sheet = ScoreSheet.objects.get()
    assert sheet.status == "submitted"
    assert sheet.scores.get(criterion=commented[0]).comment == "Nowatorskie wdrożenie."


def test_sheet_after_scoring_closes_shows_the_jurors_own_scores_read_only(
    client, juror, entry, commented, during_scoring
):
    client.force_login(juror)
    data = sheet_data(commented, ["7", "6"], submit="1")
    data[f"comment_{commented[0].pk}"] = "Nowe w skali kraju."
    data["justification"] = "Uzasadnienie jurora po ocenie."
    client.post(reverse("scoring:entry", args=[entry.pk]), data)
    assert ScoreSheet.objects.get().status == "submitted"

    during_scoring.move_to(AFTER_SCORING)
    client.force_login(juror)  # weeks later: a new session
    response = client.get(reverse("scoring:entry", args=[entry.pk]))
    page = response.content.decode()

    assert response.status_code == 200
    mine = page.split('id="my-scores"', 1)[1].split("</table>", 1)[0]
    assert "Twoje oceny" in mine
    assert commented[0].name in mine and commented[1].name in mine
    assert ">7<" in mine and ">6<" in mine
    assert "Nowe w skali kraju." in mine
    assert "Uzasadnienie jurora po ocenie." in page
    assert 'name="score_' not in page  # nothing left to change
