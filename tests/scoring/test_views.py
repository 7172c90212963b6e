from __future__ import annotations

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entries.models import Attachment
from scoring import services
from scoring.models import JurorProfile, Recusal, ScoreSheet
from tests.conftest import close_response
from tests.factories import AnswerFactory, EntryFactory, InstitutionFactory, UserFactory
from tests.scoring.conftest import AFTER_SCORING, sheet_data

pytestmark = pytest.mark.django_db

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


def as_role(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


def urls(category, entry):
    return {
        "home": reverse("scoring:home"),
        "category": reverse("scoring:category", args=[category.pk]),
        "entry": reverse("scoring:entry", args=[entry.pk]),
        "matrix": reverse("scoring:matrix", args=[category.pk]),
    }


EXPECTED = {
    # role: (home, category, entry, matrix)
    "anonymous": (302, 302, 302, 302),
    "applicant": (404, 404, 404, 404),
    "other_applicant": (404, 404, 404, 404),
    "juror": (200, 200, 200, 404),
    "other_juror": (200, 404, 404, 404),
    "chair": (200, 200, 200, 200),
    "organiser": (404, 404, 404, 404),
    "other_organiser": (404, 404, 404, 404),
}


@pytest.mark.parametrize("role", ROLES)
def test_jury_views_for_each_role(
    client, request, category, entry, juror, chair, during_scoring, role
):
    as_role(client, request, role)
    links = urls(category, entry)

    codes = tuple(
        client.get(links[name]).status_code for name in ("home", "category", "entry", "matrix")
    )

    assert codes == EXPECTED[role]


@pytest.mark.parametrize("role", ["applicant", "other_juror", "organiser", "other_organiser"])
def test_score_post_outside_jury_is_404_and_saves_nothing(
    client, request, criteria, entry, juror, during_scoring, role
):
    as_role(client, request, role)

    response = client.post(
        reverse("scoring:entry", args=[entry.pk]), sheet_data(criteria, ["5", "5"], submit="1")
    )

    assert response.status_code == 404
    assert not ScoreSheet.objects.exists()


def test_juror_home_shows_progress_and_time_left(
    client, juror, category, entries, criteria, during_scoring
):
    services.save_score_sheet(
        juror=juror,
        entry=entries[0],
        scores={str(c.pk): "5" for c in criteria},
        justification="Uzasadnienie oceny.",
        version=0,
        submit=True,
    )
    client.force_login(juror)

    body = client.get(reverse("scoring:home")).content.decode()

    assert "Oceniono 1 z 3 zgłoszeń" in body
    assert 'value="33"' in body
    assert "Ocena kończy się za" in body


def test_juror_submits_sheet_through_the_form(client, juror, entry, criteria, during_scoring):
    client.force_login(juror)

    response = client.post(
        reverse("scoring:entry", args=[entry.pk]),
        sheet_data(criteria, ["8", "6.5"], submit="1"),
        follow=True,
    )

    sheet = ScoreSheet.objects.get()
    assert sheet.status == "submitted"
    assert "Karta oceny została złożona." in response.content.decode()


def test_form_shows_scale_error_next_to_field(client, juror, entry, criteria, during_scoring):
    client.force_login(juror)

    response = client.post(
        reverse("scoring:entry", args=[entry.pk]), sheet_data(criteria, ["12", "5.3"], submit="1")
    )

    body = response.content.decode()
    assert "Podaj wartość od 0 do 10 z krokiem 1." in body
    assert "Podaj wartość od 0 do 10 z krokiem 0.5." in body
    assert not ScoreSheet.objects.exists()


def test_unknown_criterion_in_post_is_refused(client, juror, entry, criteria, during_scoring):
    client.force_login(juror)

    response = client.post(
        reverse("scoring:entry", args=[entry.pk]),
        {**sheet_data(criteria, ["5", "5"], submit="1"), "score_424242": "5"},
    )

    assert "Nieznane kryterium: 424242." in response.content.decode()
    assert not ScoreSheet.objects.exists()


def test_stale_save_from_second_tab_is_refused_with_newer_values(
    client, juror, entry, criteria, during_scoring
):
    client.force_login(juror)
    url = reverse("scoring:entry", args=[entry.pk])
    client.post(url, sheet_data(criteria, ["4", "4"], save="1"))
    client.post(url, sheet_data(criteria, ["7", "4"], version=1, save="1"))

    stale = client.post(url, sheet_data(criteria, ["2", "2"], version=1, submit="1"))

    body = stale.content.decode()
    assert "Ta karta oceny została zmieniona gdzie indziej" in body
    assert 'value="7"' in body
    sheet = ScoreSheet.objects.get()
    assert (sheet.version, sheet.status) == (2, "draft")


def test_save_after_window_closes_is_refused(client, juror, entry, criteria):
    client.force_login(juror)

    with time_machine.travel(AFTER_SCORING, tick=False):
        response = client.post(
            reverse("scoring:entry", args=[entry.pk]),
            sheet_data(criteria, ["5", "5"], submit="1"),
            follow=True,
        )

    assert "Ten krok (ocenianie zgłoszeń) nie jest już możliwy" in response.content.decode()
    assert not ScoreSheet.objects.exists()


def test_recused_juror_cannot_see_or_post_sheet(client, juror, entry, criteria, during_scoring):
    client.force_login(juror)
    client.post(reverse("scoring:recuse", args=[entry.pk]), {"reason": "Mój były urząd"})

    page = client.get(reverse("scoring:entry", args=[entry.pk]))
    post = client.post(
        reverse("scoring:entry", args=[entry.pk]),
        sheet_data(criteria, ["5", "5"], submit="1"),
        follow=True,
    )

    assert Recusal.objects.get().reason == "Mój były urząd"
    assert 'name="justification"' not in page.content.decode()
    assert "Zgłosiłeś konflikt interesów z tym zgłoszeniem." in post.content.decode()
    assert not ScoreSheet.objects.exists()


def test_category_list_filters_by_status(client, juror, entries, criteria, during_scoring):
    services.declare_recusal(juror=juror, entry=entries[1], reason="konflikt")
    client.force_login(juror)
    url = reverse("scoring:category", args=[entries[0].category_id])

    recused = client.get(url, {"status": "recused"}).context["entries"]
    not_started = client.get(url, {"status": "not_started"}).context["entries"]

    assert [e.pk for e in recused] == [entries[1].pk]
    assert [e.pk for e in not_started] == [entries[0].pk, entries[2].pk]


def test_category_list_query_count_same_for_1_and_50_entries(
    client, juror, category, criteria, during_scoring
):
    EntryFactory(category=category, status="eligible", sequence=1, number="Q-1")
    client.force_login(juror)
    url = reverse("scoring:category", args=[category.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(2, 51):
        EntryFactory(category=category, status="eligible", sequence=n, number=f"Q-{n}")

    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)

    assert len(response.context["entries"]) == 50
    assert len(fifty) == len(one)


def test_chair_matrix_shows_states_and_sends_reminders(
    client, chair, juror, entries, criteria, during_scoring
):
    services.save_score_sheet(
        juror=juror,
        entry=entries[0],
        scores={str(c.pk): "5" for c in criteria},
        justification="Uzasadnienie oceny.",
        version=0,
        submit=True,
    )
    services.declare_recusal(juror=juror, entry=entries[1], reason="konflikt")
    client.force_login(chair)

    page = client.get(reverse("scoring:matrix", args=[entries[0].category_id]))
    client.post(reverse("scoring:remind", args=[entries[0].category_id]))

    rows = page.context["rows"]
    jurors = [j.username for j in page.context["jurors"]]
    assert jurors == ["chair", "juror"]
    assert [[status for status, _label in row["cells"]] for row in rows] == [
        ["not_started", "submitted"],
        ["not_started", "recused"],
        ["not_started", "not_started"],
    ]
    assert rows[0]["cells"][1] == ("submitted", "złożone")
    assert sorted(m.to[0] for m in mail.outbox) == [chair.email, juror.email]


def test_juror_downloads_attachment_unless_recused(client, juror, entry, during_scoring):
    attachment = Attachment(
        entry=entry, original_name="a.pdf", content_type="application/pdf", size=8
    )
    attachment.file.save("a.pdf", SimpleUploadedFile("a.pdf", b"%PDF-1.4"), save=True)
    client.force_login(juror)
    url = reverse("scoring:attachment", args=[entry.pk, attachment.pk])

    allowed = client.get(url)
    close_response(allowed)
    services.declare_recusal(juror=juror, entry=entry, reason="konflikt")
    refused = client.get(url)

    assert allowed.status_code == 200
    assert refused.status_code == 404


@pytest.mark.parametrize("field", ["justification", "score"])
def test_sheet_with_null_character_is_refused_with_a_message(
    client, juror, entry, criteria, during_scoring, field
):
    client.force_login(juror)
    data = sheet_data(criteria, ["5", "5"], submit="1")
    if field == "justification":
        data["justification"] = "Dobre uzasadnienie\x00 oceny."
    else:
        data[f"score_{criteria[0].pk}"] = "5\x00"

    response = client.post(reverse("scoring:entry", args=[entry.pk]), data)

    assert response.status_code == 200
    assert "Znaki null są niedozwolone." in response.content.decode()
    assert not ScoreSheet.objects.exists()


def test_chair_matrix_shows_how_many_entries_each_juror_is_kept_from(
    client, chair, juror, entries, during_scoring
):
    region = UserFactory(username="urzednik")
    JurorProfile.objects.create(
        user=region, affiliation=InstitutionFactory(kind="wojewodztwo", terc="14")
    )
    services.appoint(category=entries[0].category, user=region)
    services.declare_recusal(juror=juror, entry=entries[1], reason="Znam autorów projektu.")
    client.force_login(chair)

    page = client.get(reverse("scoring:matrix", args=[entries[0].category_id]))

    body = page.content.decode()
    assert [j.username for j in page.context["jurors"]] == ["chair", "juror", "urzednik"]
    assert page.context["excluded"] == ["0 zgłoszeń", "1 zgłoszenie", "3 zgłoszenia"]
    assert (
        '<tr><th scope="row">Wyłączony z oceny (konflikty interesów)</th>'
        "<td>0 zgłoszeń</td><td>1 zgłoszenie</td><td>3 zgłoszenia</td></tr>"
    ) in body


def test_chair_matrix_query_count_same_for_1_and_50_entries(
    client, chair, juror, category, during_scoring
):
    def counted() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("scoring:matrix", args=[category.pk]))
        assert response.status_code == 200
        return len(captured.captured_queries)

    client.force_login(chair)
    EntryFactory(category=category, status="eligible", sequence=1, number="M-1")
    client.get(reverse("scoring:matrix", args=[category.pk]))
    one = counted()
    for n in range(2, 51):
        EntryFactory(category=category, status="eligible", sequence=n, number=f"M-{n}")

    assert counted() == one


def test_chair_matrix_shows_a_page_of_entries_and_counts_all(
    client, chair, juror, category, during_scoring
):
    for n in range(1, 131):
        EntryFactory(category=category, status="eligible", sequence=n, number=f"M-{n:03}")
    client.force_login(chair)

    first = client.get(reverse("scoring:matrix", args=[category.pk]))
    second = client.get(reverse("scoring:matrix", args=[category.pk]) + "?strona=2")

    assert len(first.context["rows"]) == 100
    assert second.context["rows"][0]["entry"].number == "M-101"
    assert len(second.context["rows"]) == 30
    assert [p.to_score for p in first.context["progress"]] == [130, 130]
    assert "Strona 1 z 2 (1–100 z 130)" in first.content.decode()


def test_entry_page_shows_the_juror_only_answers_for_the_jury(client, juror, entry, during_scoring):
    shown = AnswerFactory(entry=entry, question__label="Zasięg projektu", value="gmina")
    AnswerFactory(entry=entry, question__label="Numer faktury", question__for_jury=False)
    client.force_login(juror)

    response = client.get(reverse("scoring:entry", args=[entry.pk]))

    body = response.content.decode()
    assert "Zasięg projektu" in body
    assert shown.value in body
    assert "Numer faktury" not in body


def test_answer_file_is_refused_to_jurors_when_not_for_the_jury(
    client, juror, other_juror, entry, during_scoring
):
    answer = AnswerFactory(
        entry=entry, question__kind="file", question__for_jury=False, value=None, file="x.pdf"
    )
    url = reverse("scoring:answer_file", args=[entry.pk, answer.pk])
    client.force_login(juror)
    own = client.get(url)
    client.force_login(other_juror)
    other = client.get(url)

    assert (own.status_code, other.status_code) == (404, 404)


def test_entry_page_queries_flat_in_questions(
    client, juror, entry, during_scoring, django_assert_num_queries
):
    AnswerFactory(entry=entry)
    client.force_login(juror)
    url = reverse("scoring:entry", args=[entry.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for kind in ("long_text", "number", "date", "choice", "url"):
        AnswerFactory(entry=entry, question__kind=kind, question__choices="a", value=None)

    with django_assert_num_queries(len(one)):
        response = client.get(url)

    assert response.status_code == 200
