from __future__ import annotations

import re
import time

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from entries import services
from entries.models import Entry, EntryStatus, Membership
from tests.conftest import close_response
from tests.entries.conftest import AFTER_DEADLINE
from tests.entries.test_services import PDF
from tests.factories import (
    AnswerFactory,
    EntryFactory,
    InstitutionFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(member, category):
    return EntryFactory(category=category, institution=member.memberships.get().institution)


@pytest.fixture
def juror(db):
    return UserFactory(username="juror")


def login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?next={next_url}"


ENTRY_VIEWS = ["entries:detail", "entries:edit"]


@pytest.mark.parametrize("name", ENTRY_VIEWS)
def test_entry_views_redirect_anonymous_to_login(client, entry, during_call, name):
    url = reverse(name, args=[entry.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == login_url(url)


@pytest.mark.parametrize("name", ENTRY_VIEWS)
@pytest.mark.parametrize("who", ["outsider", "juror", "organiser"])
def test_entry_views_are_404_for_people_outside_the_institution(
    client, entry, during_call, name, who, request
):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse(name, args=[entry.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["entries:submit", "entries:withdraw", "entries:delete"])
def test_entry_actions_are_404_for_other_institution(client, entry, outsider, during_call, name):
    client.force_login(outsider)

    response = client.post(reverse(name, args=[entry.pk]))

    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT


def test_entry_detail_shows_member_the_sanitised_description(client, member, entry, during_call):
    entry.description = "Akapit <script>alert(1)</script>\n\n- pierwszy\n- drugi"
    entry.save()
    client.force_login(member)

    response = client.get(reverse("entries:detail", args=[entry.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<li>pierwszy</li>" in body
    assert "<script>alert(1)</script>" not in body
    assert "Złóż zgłoszenie" in body


def test_dashboard_for_anonymous_redirects(client):
    response = client.get(reverse("entries:dashboard"))

    assert response.status_code == 302


def test_dashboard_lists_only_own_institution_entries(client, member, outsider, entry, during_call):
    foreign = EntryFactory(institution=outsider.memberships.get().institution, title="Cudze")
    client.force_login(member)

    response = client.get(reverse("entries:dashboard"))

    body = response.content.decode()
    assert entry.title in body
    assert foreign.title not in body
    assert "Szkic" in body or "szkic" in body


def test_dashboard_for_juror_without_institution_shows_no_entries(client, juror, entry):
    client.force_login(juror)

    response = client.get(reverse("entries:dashboard"))

    assert response.status_code == 200
    assert entry.title not in response.content.decode()
    assert "Nie działasz jeszcze w imieniu żadnej instytucji." in response.content.decode()


def test_dashboard_query_count_same_for_1_and_20_entries(client, member, category, during_call):
    institution = member.memberships.get().institution
    EntryFactory(category=category, institution=institution)
    client.force_login(member)
    client.get(reverse("entries:dashboard"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("entries:dashboard"))
    EntryFactory.create_batch(19, category=category, institution=institution)

    with CaptureQueriesContext(connection) as twenty:
        response = client.get(reverse("entries:dashboard"))

    assert response.content.decode().count('class="status status-') == 20
    assert len(twenty) == len(one)


def test_create_entry_through_the_form(client, member, category, during_call):
    client.force_login(member)
    institution = member.memberships.get().institution

    response = client.post(
        reverse("entries:create", args=[category.edition.pk]),
        {"category": category.pk, "institution": institution.pk, "title": "Geoportal"},
    )

    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("entries:detail", args=[entry.pk])
    assert (entry.title, entry.status, entry.created_by) == ("Geoportal", "draft", member)


def test_create_entry_form_shows_limit_error_in_polish(
    client, member, entry, category, during_call
):
    client.force_login(member)

    response = client.post(
        reverse("entries:create", args=[category.edition.pk]),
        {
            "category": category.pk,
            "institution": entry.institution.pk,
            "title": "Drugie",
        },
    )

    assert response.status_code == 200
    assert "ma już 1 zgłoszenie w tej kategorii — to limit" in response.content.decode()
    assert Entry.objects.count() == 1


def test_create_entry_form_refuses_institution_of_someone_else(
    client, member, outsider, category, during_call
):
    client.force_login(member)

    response = client.post(
        reverse("entries:create", args=[category.edition.pk]),
        {
            "category": category.pk,
            "institution": outsider.memberships.get().institution.pk,
            "title": "Podszywanie",
        },
    )

    assert response.status_code == 200
    assert not Entry.objects.exists()


def test_submit_through_the_view_shows_number(client, member, entry, during_call):
    client.force_login(member)

    response = client.post(reverse("entries:submit", args=[entry.pk]), follow=True)

    entry.refresh_from_db()
    assert entry.number == "SLC-2026-001"
    assert "SLC-2026-001" in response.content.decode()
    assert "Zgłoszenie zostało złożone." in response.content.decode()


def test_forged_post_after_deadline_is_refused(client, member, entry):
    client.force_login(member)

    with time_machine.travel(AFTER_DEADLINE, tick=False):
        edit = client.post(
            reverse("entries:edit", args=[entry.pk]),
            {"category": entry.category.pk, "title": "Po terminie"},
        )
        submit = client.post(reverse("entries:submit", args=[entry.pk]), follow=True)
        page = client.get(reverse("entries:detail", args=[entry.pk]))

    entry.refresh_from_db()
    assert edit.status_code == 200
    refused = "Ten krok (zmiana i składanie zgłoszeń) nie jest już możliwy"
    assert refused in edit.content.decode()
    assert refused in submit.content.decode()
    assert entry.title != "Po terminie"
    assert entry.status == EntryStatus.DRAFT
    assert reverse("entries:edit", args=[entry.pk]) not in page.content.decode()


def test_html_in_title_is_escaped(client, member, entry, during_call):
    entry.title = "<b onmouseover=alert(1)>Tytuł</b>"
    entry.save()
    client.force_login(member)

    response = client.get(reverse("entries:detail", args=[entry.pk]))

    assert "&lt;b onmouseover=alert(1)&gt;" in response.content.decode()


def test_attachment_upload_and_download_by_member(client, member, entry, during_call):
    client.force_login(member)

    client.post(
        reverse("entries:attachment_upload", args=[entry.pk]),
        {"file": SimpleUploadedFile("plan.pdf", PDF), "description": ""},
    )
    attachment = entry.attachments.get()
    response = client.get(reverse("entries:attachment_download", args=[entry.pk, attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith('attachment; filename="plan.pdf"')


def test_attachment_disguised_upload_shows_message(client, member, entry, during_call):
    client.force_login(member)

    response = client.post(
        reverse("entries:attachment_upload", args=[entry.pk]),
        {"file": SimpleUploadedFile("foto.png", b"GIF89a fake"), "description": "x"},
        follow=True,
    )

    assert "„foto.png” nie jest plikiem PDF, PNG ani JPEG" in response.content.decode()
    assert not entry.attachments.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 404), ("juror", 404), ("member", 200), ("organiser", 200)],
)
def test_attachment_download_by_role(client, entry, member, during_call, who, status, request):
    attachment = services.add_attachment(
        entry=entry, by=member, upload=SimpleUploadedFile("plan.pdf", PDF)
    )
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("entries:attachment_download", args=[entry.pk, attachment.pk]))
    close_response(response)

    assert response.status_code == status


def test_institution_registration_flow(client, during_call):
    user = UserFactory()
    client.force_login(user)

    bad = client.post(
        reverse("entries:institution"),
        {"name": "Gmina Nowa", "kind": "gmina_wiejska", "terc": "1401021"},
    )
    good = client.post(
        reverse("entries:institution"),
        {"name": "Gmina Nowa", "kind": "gmina_wiejska", "terc": "1401022"},
        follow=True,
    )

    assert "Ostatnia cyfra kodu" in bad.content.decode()
    assert "czeka na zatwierdzenie" in good.content.decode()
    assert Membership.objects.get(user=user).status == "pending"


def test_institution_search_and_join(client, during_call):
    InstitutionFactory(name="Gmina Wiązowna", terc="1417082")
    user = UserFactory()
    client.force_login(user)

    found = client.get(reverse("entries:institution"), {"q": "Wiąz"})
    by_terc = client.get(reverse("entries:institution"), {"q": "141708"})
    target = found.context["results"][0]
    client.post(reverse("entries:institution_join", args=[target.pk]))

    assert [i.name for i in found.context["results"]] == ["Gmina Wiązowna"]
    assert [i.name for i in by_terc.context["results"]] == ["Gmina Wiązowna"]
    assert Membership.objects.get(user=user).status == "pending"


# The fields submitting still needs -------------------------------------------------------------

REQUIRED = ["description", "results", "contact_name", "contact_email"]


@pytest.fixture
def incomplete_entry(entry):
    entry.edition.required_entry_fields = REQUIRED
    entry.edition.save()
    Entry.objects.filter(pk=entry.pk).update(
        description="", results="", contact_name="", contact_email=""
    )
    entry.refresh_from_db()
    return entry


def test_entry_detail_links_each_missing_field_by_its_label(
    client, member, incomplete_entry, during_call
):
    client.force_login(member)
    edit = reverse("entries:edit", args=[incomplete_entry.pk])

    response = client.get(reverse("entries:detail", args=[incomplete_entry.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert (
        f'<li><a href="{edit}?missing=1#id_description">Opis</a></li>'
        f'<li><a href="{edit}?missing=1#id_results">Mierzalne rezultaty</a></li>'
        f'<li><a href="{edit}?missing=1#id_contact_name">Osoba do kontaktu</a></li>'
        f'<li><a href="{edit}?missing=1#id_contact_email">E-mail kontaktowy</a></li>'
    ) in body
    assert "uzupełnij: description" not in body


def test_entry_detail_names_missing_fields_in_english(
    client, member, incomplete_entry, during_call
):
    client.force_login(member)

    with translation.override("en"):
        response = client.get(reverse("entries:detail", args=[incomplete_entry.pk]))

    body = response.content.decode()
    assert "Before you can submit, fill in:" in body
    assert '#id_results">Measurable results</a>' in body
    assert '#id_contact_email">Contact e-mail</a>' in body


def test_submit_of_incomplete_entry_names_the_fields_once_and_opens_the_form(
    client, member, incomplete_entry, during_call
):
    client.force_login(member)
    edit = reverse("entries:edit", args=[incomplete_entry.pk])

    response = client.post(reverse("entries:submit", args=[incomplete_entry.pk]))
    form = client.get(response["Location"])

    body = form.content.decode()
    incomplete_entry.refresh_from_db()
    assert incomplete_entry.status == EntryStatus.DRAFT
    assert response.status_code == 302
    assert response["Location"] == f"{edit}?missing=1"
    assert body.count("Zgłoszenie nie zostało złożone: uzupełnij pola wymienione poniżej.") == 1
    assert (
        '<li><a href="#id_description">Opis</a>: To pole jest wymagane, aby złożyć zgłoszenie.</li>'
        '<li><a href="#id_results">Mierzalne rezultaty</a>: To pole jest wymagane, aby złożyć '
        "zgłoszenie.</li>"
        '<li><a href="#id_contact_name">Osoba do kontaktu</a>: To pole jest wymagane, aby złożyć '
        "zgłoszenie.</li>"
        '<li><a href="#id_contact_email">E-mail kontaktowy</a>: To pole jest wymagane, aby '
        "złożyć zgłoszenie.</li>"
    ) in body
    for name in REQUIRED:
        assert f'<ul class="errorlist" id="id_{name}_error"><li>' in body
        assert re.search(rf'aria-invalid="true" aria-describedby="[^"]*id_{name}_error"', body)
        assert f'<a href="#id_{name}">' in body
    assert body.count("To pole jest wymagane, aby złożyć zgłoszenie.") == 2 * len(REQUIRED)
    assert 'id="id_summary_error"' not in body


def test_entry_form_without_missing_param_shows_no_errors(
    client, member, incomplete_entry, during_call
):
    client.force_login(member)

    response = client.get(reverse("entries:edit", args=[incomplete_entry.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "errorlist" not in body
    assert "error-summary" not in body


def test_saving_a_submitted_entry_with_an_emptied_field_shows_the_error_beside_it(
    client, member, incomplete_entry, during_call
):
    Entry.objects.filter(pk=incomplete_entry.pk).update(
        status=EntryStatus.SUBMITTED,
        description="Opis",
        results="Wyniki",
        contact_name="Anna",
        contact_email="anna@example.org",
    )
    client.force_login(member)

    response = client.post(
        reverse("entries:edit", args=[incomplete_entry.pk]),
        {
            "category": incomplete_entry.category.pk,
            "title": incomplete_entry.title,
            "description": "Opis",
            "results": "",
            "contact_name": "Anna",
            "contact_email": "anna@example.org",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert '<ul class="errorlist" id="id_results_error">' in body
    assert '<a href="#id_results">Mierzalne rezultaty</a>: To pole jest wymagane' in body
    assert body.count("To pole jest wymagane, aby złożyć zgłoszenie.") == 2


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 404), ("juror", 404), ("organiser", 404), ("member", 200)],
)
def test_entry_form_with_missing_fields_by_role(
    client, incomplete_entry, during_call, who, status, request
):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    url = f"{reverse('entries:edit', args=[incomplete_entry.pk])}?missing=1"

    response = client.get(url)

    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith(f"{reverse('account_login')}?next=")
    if who == "member":
        assert response.content.decode().count('<ul class="errorlist" id="id_') == len(REQUIRED)


def test_entry_edit_with_a_100_kb_description_is_refused_quickly(
    client, member, entry, during_call
):
    client.force_login(member)
    fields = ("title", "summary", "results", "contact_name", "contact_email")
    data = {name: getattr(entry, name) for name in fields}
    start = time.perf_counter()

    response = client.post(
        reverse("entries:edit", args=[entry.pk]),
        {**data, "category": entry.category.pk, "description": "[" * 100_000},
    )

    assert time.perf_counter() - start < 1.0
    assert response.status_code == 200
    assert "co najwyżej 20000 znaków" in response.content.decode()
    entry.refresh_from_db()
    assert "[[[" not in entry.description


# The edition's own questions --------------------------------------------------------------------


def form_data(entry, **answers):
    return {"category": entry.category.pk, "title": entry.title, **answers}


def test_entry_form_saves_draft_answers_and_shows_them_again(client, member, entry, during_call):
    question = QuestionFactory(edition=entry.edition, label="Jakie e-usługi?", required=True)
    systems = QuestionFactory(
        edition=entry.edition, kind="multiple_choice", choices="ePUAP\nSEKAP\nwłasny"
    )
    client.force_login(member)
    url = reverse("entries:edit", args=[entry.pk])

    response = client.post(url, form_data(entry, **{f"question_{systems.pk}": ["ePUAP", "własny"]}))
    again = client.get(url)

    assert response.status_code == 302
    assert {a.question_id: a.value for a in entry.answers.all()} == {
        systems.pk: ["ePUAP", "własny"]
    }
    body = again.content.decode()
    assert "Jakie e-usługi? *" in body
    assert f'name="question_{systems.pk}" value="ePUAP"' in body
    assert question.pk  # asked, not answered: a draft may leave it


def test_entry_form_refuses_text_too_long_naming_the_question(client, member, entry, during_call):
    question = QuestionFactory(
        edition=entry.edition, kind="long_text", max_length=10, label="Rezultaty projektu"
    )
    client.force_login(member)

    response = client.post(
        reverse("entries:edit", args=[entry.pk]),
        form_data(entry, **{f"question_{question.pk}": "x" * 11}),
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#id_question_{question.pk}">Rezultaty projektu</a>:' in body
    assert not entry.answers.exists()


def test_submit_without_required_answer_names_the_question_and_links_it(
    client, member, entry, during_call
):
    question = QuestionFactory(
        edition=entry.edition, kind="choice", choices="tak\nnie", label="Czy w chmurze?"
    )
    question.required = True
    question.save()
    client.force_login(member)
    detail = client.get(reverse("entries:detail", args=[entry.pk]))

    response = client.post(reverse("entries:submit", args=[entry.pk]))
    form = client.get(response["Location"])

    edit = reverse("entries:edit", args=[entry.pk])
    assert f'<a href="{edit}?missing=1#id_question_{question.pk}_0">Czy w chmurze?</a>' in (
        detail.content.decode()
    )
    assert response["Location"] == f"{edit}?missing=1"
    assert (
        f'<a href="#id_question_{question.pk}_0">Czy w chmurze?</a>: To pole jest wymagane'
        in form.content.decode()
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT


def test_entry_form_file_answer_is_stored_and_downloaded_by_the_applicant(
    client, member, entry, during_call, outsider
):
    question = QuestionFactory(edition=entry.edition, kind="file", label="Plan wdrożenia")
    client.force_login(member)

    client.post(
        reverse("entries:edit", args=[entry.pk]),
        form_data(entry, **{f"question_{question.pk}": SimpleUploadedFile("plan.pdf", PDF)}),
    )
    answer = entry.answers.get()
    url = reverse("entries:answer_download", args=[entry.pk, answer.pk])
    own = client.get(url)
    client.force_login(outsider)
    other = client.get(url)

    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF
    close_response(own)
    assert other.status_code == 404


def test_entry_detail_queries_flat_in_questions(
    client, member, entry, during_call, django_assert_num_queries
):
    QuestionFactory(edition=entry.edition)
    client.force_login(member)
    url = reverse("entries:detail", args=[entry.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for kind in ("number", "date", "email", "url", "consent"):
        AnswerFactory(entry=entry, question__kind=kind, value=None)

    with django_assert_num_queries(len(one)):
        response = client.get(url)

    assert response.status_code == 200
