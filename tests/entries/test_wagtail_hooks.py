from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import urlencode

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from competition.models import Institution
from entries import exports
from entries.models import (
    Attachment,
    EntriesExport,
    Entry,
    EntryStatus,
    Membership,
    MembershipStatus,
    Question,
)
from entries.services import register_institution
from scoring import permissions
from scoring.models import JurorProfile, Recusal, RecusalKind
from tests.conftest import close_response
from tests.factories import (
    BASE,
    AnswerFactory,
    CategoryFactory,
    EntryFactory,
    InstitutionFactory,
    MembershipFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DURING_CALL = BASE + dt.timedelta(days=10)
FORMAL_CHECK = BASE + dt.timedelta(days=31)
LIST_URL = "/admin/entries/"


@pytest.fixture
def formal_check():
    with time_machine.travel(FORMAL_CHECK, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff_without_entries(db):
    """Someone who may open the admin (a juror, say) but has no entry permissions."""
    user = UserFactory(username="staff")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def submitted(number: int = 1, **kwargs) -> Entry:
    """An entry sent in during the call, numbered like the site numbers it."""
    kwargs.setdefault("category", CategoryFactory(edition__competition__code="SLC"))
    kwargs.setdefault("status", EntryStatus.SUBMITTED)
    return EntryFactory(
        sequence=number,
        number=f"SLC-2026-{number:03d}",
        submitted_at=BASE + dt.timedelta(days=5),
        **kwargs,
    )


def message_texts(response) -> list[str]:
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


def bulk_url(action: str, entries: list[Entry]) -> str:
    query = [("id", entry.pk) for entry in entries] + [("next", LIST_URL)]
    return (
        reverse("wagtail_bulk_action", args=["entries", "entry", action]) + "?" + urlencode(query)
    )


def polish(message: str) -> str:
    with translation.override("pl"):
        return translation.gettext(message)


def admin_urls(entry: Entry, attachment: Attachment) -> list[str]:
    export = EntriesExport.objects.create(edition=entry.edition, requested_by=UserFactory())
    exports.build(export, base_url=settings.WAGTAILADMIN_BASE_URL)
    return [
        reverse("entries_admin:list"),
        reverse("entries_admin:inspect", args=[entry.pk]),
        reverse("entries_admin:edit", args=[entry.pk]),
        reverse("entries_admin:mark_eligible", args=[entry.pk]),
        reverse("entries_admin:reject", args=[entry.pk]),
        reverse("entries_admin:attachment", args=[attachment.pk]),
        reverse("entry_spreadsheets:index"),
        reverse("entry_spreadsheets:export_status", args=[export.pk]),
        reverse("entry_spreadsheets:export_download", args=[export.pk]),
        reverse("entry_spreadsheets:template"),
        reverse("applicant_approvals:index"),
    ]


def with_attachment(entry: Entry) -> Attachment:
    attachment = Attachment(
        entry=entry, original_name="harmonogram.pdf", content_type="application/pdf", size=17
    )
    attachment.file.save("harmonogram.pdf", ContentFile(b"%PDF-1.4 test file"), save=False)
    attachment.save()
    return attachment


# Who gets in --------------------------------------------------------------------------------


def test_admin_entry_views_redirect_anonymous_to_login(client):
    entry = submitted()
    urls = admin_urls(entry, with_attachment(entry))

    responses = [client.get(url) for url in urls]

    assert [r.status_code for r in responses] == [302] * len(urls)
    assert all(r["Location"].startswith(reverse("wagtailadmin_login")) for r in responses)


def test_admin_entry_views_redirect_applicant_without_admin_access(client, applicant):
    entry = submitted()
    urls = admin_urls(entry, with_attachment(entry))
    client.force_login(applicant)

    responses = [client.get(url) for url in urls]

    assert [r.status_code for r in responses] == [302] * len(urls)
    assert all(r["Location"].startswith(reverse("wagtailadmin_login")) for r in responses)


def test_admin_entry_views_deny_staff_without_entry_permissions(client, staff_without_entries):
    entry = submitted()
    urls = admin_urls(entry, with_attachment(entry))
    client.force_login(staff_without_entries)

    responses = [client.get(url) for url in urls]

    # One entry's addresses are not found by someone in no organiser team (its competition is
    # not theirs); the screens of the menu send them home.
    assert [r.status_code for r in responses] == [302, 404, 404, 404, 404] + [302] * 6
    assert {r["Location"] for r in responses if r.status_code == 302} == {
        reverse("wagtailadmin_home")
    }


def test_admin_entry_views_open_for_organiser(client, organiser, formal_check):
    entry = submitted()
    urls = admin_urls(entry, with_attachment(entry))
    client.force_login(organiser)

    responses = [client.get(url) for url in urls]

    for response in responses:
        close_response(response)
    assert [r.status_code for r in responses] == [200] * len(urls)


def test_admin_bulk_action_denies_staff_without_entry_permissions(
    client, staff_without_entries, formal_check
):
    entry = submitted()
    client.force_login(staff_without_entries)

    response = client.post(bulk_url("mark_eligible", [entry]))

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED


def sidebar(response) -> str:
    """The admin menu, which the page carries as JSON for its script to draw."""
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.dumps(json.loads(props.group(1)), ensure_ascii=False)


def test_admin_menu_has_entries_group_for_organiser_only(client, organiser, staff_without_entries):
    client.force_login(organiser)
    organiser_home = sidebar(client.get(reverse("wagtailadmin_home")))
    client.force_login(staff_without_entries)

    staff_home = sidebar(client.get(reverse("wagtailadmin_home")))

    assert '"Zgłoszenia"' in organiser_home
    assert '"Import i eksport"' in organiser_home
    assert reverse("entries_admin:list") in organiser_home
    assert reverse("entry_spreadsheets:index") in organiser_home
    assert reverse("applicant_approvals:index") in organiser_home
    assert reverse("entries_admin:list") not in staff_home
    assert reverse("applicant_approvals:index") not in staff_home


# The list -----------------------------------------------------------------------------------


def test_entries_list_shows_columns(client, organiser, formal_check):
    institution = InstitutionFactory(name="Gmina Jabłonna")
    category = CategoryFactory(name="Poza horyzonty", edition__competition__code="SLC")
    entry = submitted(7, category=category, institution=institution, title="Geoportal gminy")
    client.force_login(organiser)

    response = client.get(reverse("entries_admin:list"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "SLC-2026-007" in body
    assert "Geoportal gminy" in body
    assert "Gmina Jabłonna" in body
    assert "Poza horyzonty" in body
    assert polish("submitted") in body
    assert reverse("entries_admin:inspect", args=[entry.pk]) in body
    assert reverse("entries_admin:mark_eligible", args=[entry.pk]) in body
    assert reverse("entry_spreadsheets:index") in body


def test_entries_list_filters_by_status_and_voivodeship(client, organiser):
    category = CategoryFactory()
    mazovian = submitted(1, category=category, title="Projekt mazowiecki")
    silesian = submitted(
        2,
        category=category,
        title="Projekt śląski",
        institution=InstitutionFactory(terc="2401012", kind="gmina_miejska"),
    )
    rejected = submitted(
        3, category=category, title="Projekt odrzucony", status=EntryStatus.REJECTED,
        rejection_reason="Brak podpisu",
    )  # fmt: skip
    client.force_login(organiser)

    by_voivodeship = client.get(LIST_URL, {"voivodeship": "24"}).content.decode()
    by_status = client.get(LIST_URL, {"status": "rejected"}).content.decode()

    assert silesian.title in by_voivodeship
    assert mazovian.title not in by_voivodeship
    assert rejected.title in by_status
    assert mazovian.title not in by_status


def test_entries_list_searches_institution_name_and_number(client, organiser):
    category = CategoryFactory()
    submitted(
        1,
        category=category,
        title="Projekt A",
        institution=InstitutionFactory(name="Gmina Lesznowola"),
    )
    submitted(2, category=category, title="Projekt B")
    client.force_login(organiser)

    by_name = client.get(LIST_URL, {"q": "lesznowola"}).content.decode()
    by_number = client.get(LIST_URL, {"q": "2026-002"}).content.decode()

    assert "Projekt A" in by_name and "Projekt B" not in by_name
    assert "Projekt B" in by_number and "Projekt A" not in by_number


def test_entries_list_query_count_same_for_1_and_20_entries(client, organiser):
    category = CategoryFactory()
    submitted(1, category=category)
    client.force_login(organiser)
    client.get(LIST_URL)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST_URL)
    for number in range(2, 21):
        submitted(number, category=category)

    with CaptureQueriesContext(connection) as twenty:
        response = client.get(LIST_URL)

    assert response.content.decode().count("SLC-2026-0") >= 20
    assert len(twenty) == len(one)


# One entry ----------------------------------------------------------------------------------


def test_entry_inspect_shows_fields_institution_and_attachments(client, organiser, formal_check):
    institution = InstitutionFactory(name="Gmina Nadarzyn", terc="1421042")
    entry = submitted(
        4, institution=institution, budget="15000.50", public_url="https://e.example.org"
    )
    attachment = with_attachment(entry)
    client.force_login(organiser)

    response = client.get(reverse("entries_admin:inspect", args=[entry.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "SLC-2026-004" in body
    assert "<strong>płatności</strong>" in body
    assert "Gmina Nadarzyn" in body
    assert "1421042" in body
    assert "mazowieckie" in body
    assert "https://e.example.org" in body
    assert reverse("entries_admin:attachment", args=[attachment.pk]) in body
    assert "harmonogram.pdf" in body
    assert reverse("entries_admin:mark_eligible", args=[entry.pk]) in body


@pytest.mark.parametrize(
    ("utc", "language", "shown", "not_shown"),
    [
        (dt.datetime(2026, 1, 15, 1, 50, tzinfo=dt.UTC), "pl", "15 stycznia 2026 02:50", "01:50"),
        (dt.datetime(2026, 7, 15, 1, 50, tzinfo=dt.UTC), "en", "July 15, 2026, 3:50 a.m.", "1:50"),
    ],
)
def test_entry_inspect_shows_times_in_warsaw(client, organiser, utc, language, shown, not_shown):
    # Every other time on the page (when the entry was made, now) is set apart from the UTC hour.
    with time_machine.travel(dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC), tick=False):
        entry = submitted()
        Entry.objects.filter(pk=entry.pk).update(submitted_at=utc)
        profile = UserProfile.get_for_user(organiser)
        profile.preferred_language = language
        profile.save()
        client.force_login(organiser)

        response = client.get(reverse("entries_admin:inspect", args=[entry.pk]))

    body = response.content.decode()
    assert shown in body
    assert not_shown not in body


def test_entry_inspect_shows_a_dash_for_a_time_not_set(client, organiser):
    entry = submitted(checked_at=None)
    client.force_login(organiser)

    response = client.get(reverse("entries_admin:inspect", args=[entry.pk]))

    body = response.content.decode()
    assert re.search(r"<dt>Data oceny formalnej</dt>\s*<dd>\s*—\s*</dd>", body)
    assert "None" not in body.split("<dt>Data oceny formalnej</dt>")[1].split("</dd>")[0]


def test_entry_inspect_escapes_html_in_the_description(client, organiser):
    entry = submitted(description="<script>alert(1)</script> tekst")
    client.force_login(organiser)

    response = client.get(reverse("entries_admin:inspect", args=[entry.pk]))

    assert "<script>alert(1)</script>" not in response.content.decode()


def test_entry_edit_lets_organiser_correct_content_but_not_status(client, organiser):
    entry = submitted(title="Geoprotal")
    client.force_login(organiser)
    data = {
        name: getattr(entry, name) or ""
        for name in ("summary", "description", "results", "contact_name", "contact_email")
    }

    response = client.post(
        reverse("entries_admin:edit", args=[entry.pk]),
        {**data, "title": "Geoportal", "status": EntryStatus.ELIGIBLE},
    )

    entry.refresh_from_db()
    assert response.status_code == 302
    assert (entry.title, entry.status) == ("Geoportal", EntryStatus.SUBMITTED)


def test_attachment_download_streams_the_private_file(client, organiser):
    attachment = with_attachment(submitted())
    client.force_login(organiser)

    response = client.get(reverse("entries_admin:attachment", args=[attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test file"
    assert response["Content-Disposition"] == 'attachment; filename="harmonogram.pdf"'
    assert response["Content-Type"] == "application/pdf"


def test_attachment_download_of_missing_file_is_404(client, organiser):
    attachment = with_attachment(submitted())
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(organiser)

    response = client.get(reverse("entries_admin:attachment", args=[attachment.pk]))

    assert response.status_code == 404


# Formal check -------------------------------------------------------------------------------


def test_mark_eligible_changes_status_and_mails_applicants(
    client, organiser, formal_check, django_capture_on_commit_callbacks, mailoutbox
):
    entry = submitted()
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("entries_admin:mark_eligible", args=[entry.pk]), {"next": LIST_URL}
        )

    entry.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert (entry.status, entry.checked_by) == (EntryStatus.ELIGIBLE, organiser)
    assert message_texts(response) == ["Zgłoszenie SLC-2026-001 jest dopuszczone."]
    assert mailoutbox[0].to == ["anna.kowalska@example.org"]


def test_mark_eligible_get_only_asks_for_confirmation(client, organiser, formal_check):
    entry = submitted()
    client.force_login(organiser)

    response = client.get(reverse("entries_admin:mark_eligible", args=[entry.pk]))

    entry.refresh_from_db()
    assert response.status_code == 200
    assert "Tak, dopuść" in response.content.decode()
    assert entry.status == EntryStatus.SUBMITTED


def test_reject_with_reason_saves_it_and_mails_it_to_applicants(
    client, organiser, formal_check, django_capture_on_commit_callbacks, mailoutbox
):
    entry = submitted()
    MembershipFactory(institution=entry.institution, user__email="wojt@example.org")
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("entries_admin:reject", args=[entry.pk]),
            {"reason": "Brak podpisu kierownika jednostki."},
        )

    entry.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("entries_admin:inspect", args=[entry.pk])
    assert entry.status == EntryStatus.REJECTED
    assert entry.rejection_reason == "Brak podpisu kierownika jednostki."
    assert message_texts(response) == ["Zgłoszenie SLC-2026-001 zostało odrzucone."]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["anna.kowalska@example.org", "wojt@example.org"]
    assert "Brak podpisu kierownika jednostki." in mailoutbox[0].body


def test_reject_without_reason_is_refused_in_polish(client, organiser, formal_check, mailoutbox):
    entry = submitted()
    client.force_login(organiser)

    response = client.post(reverse("entries_admin:reject", args=[entry.pk]), {"reason": "  "})

    entry.refresh_from_db()
    assert response.status_code == 200
    assert "Wpisz powód odrzucenia; wnioskodawcy otrzymają go e-mailem." in (
        response.content.decode()
    )
    assert (entry.status, entry.rejection_reason) == (EntryStatus.SUBMITTED, "")
    assert mailoutbox == []


@pytest.mark.parametrize(("view", "data"), [("mark_eligible", {}), ("reject", {"reason": "X"})])
def test_formal_check_before_the_deadline_is_refused(client, organiser, mailoutbox, view, data):
    entry = submitted()
    client.force_login(organiser)

    with time_machine.travel(DURING_CALL, tick=False):
        response = client.post(reverse(f"entries_admin:{view}", args=[entry.pk]), data)

    entry.refresh_from_db()
    assert response["Location"] == reverse("entries_admin:inspect", args=[entry.pk])
    [message] = message_texts(response)
    assert message.startswith("Ten krok (ocena formalna) będzie możliwy od ")
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.checked_at is None


def test_bulk_mark_eligible_checks_every_selected_entry(
    client, organiser, formal_check, django_capture_on_commit_callbacks, mailoutbox
):
    category = CategoryFactory(edition__competition__code="SLC")
    entries = [submitted(n, category=category) for n in (1, 2, 3)]
    client.force_login(organiser)
    confirmation = client.get(bulk_url("mark_eligible", entries[:2]))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(bulk_url("mark_eligible", entries[:2]))

    statuses = list(Entry.objects.order_by("sequence").values_list("status", flat=True))
    assert confirmation.status_code == 200
    assert "SLC-2026-002" in confirmation.content.decode()
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert statuses == [EntryStatus.ELIGIBLE, EntryStatus.ELIGIBLE, EntryStatus.SUBMITTED]
    assert message_texts(response) == ["2 zgłoszenia dopuszczono."]
    assert len(mailoutbox) == 2


def test_bulk_reject_gives_every_entry_the_same_reason(client, organiser, formal_check):
    category = CategoryFactory(edition__competition__code="SLC")
    entries = [submitted(n, category=category) for n in (1, 2)]
    client.force_login(organiser)

    response = client.post(bulk_url("reject", entries), {"reason": "Zgłoszenie po terminie."})

    assert response.status_code == 302
    assert set(Entry.objects.values_list("status", "rejection_reason")) == {
        (EntryStatus.REJECTED, "Zgłoszenie po terminie.")
    }
    assert message_texts(response) == ["2 zgłoszenia odrzucono."]


def test_bulk_reject_without_reason_shows_the_form_again(client, organiser, formal_check):
    entry = submitted()
    client.force_login(organiser)

    response = client.post(bulk_url("reject", [entry]), {"reason": ""})

    entry.refresh_from_db()
    assert response.status_code == 200
    assert "Wpisz powód odrzucenia; wnioskodawcy otrzymają go e-mailem." in (
        response.content.decode()
    )
    assert entry.status == EntryStatus.SUBMITTED


def test_bulk_check_with_one_uncheckable_entry_changes_nothing(
    client, organiser, formal_check, django_capture_on_commit_callbacks, mailoutbox
):
    category = CategoryFactory(edition__competition__code="SLC")
    good = submitted(1, category=category)
    draft = EntryFactory(category=category, title="Szkic")
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(bulk_url("mark_eligible", [good, draft]))

    good.refresh_from_db()
    assert response.status_code == 302
    assert good.status == EntryStatus.SUBMITTED
    assert message_texts(response) == [
        "Nic nie zmieniono: zgłoszenia Szkic nie można teraz ocenić formalnie. "
        + polish("Only submitted entries go through the formal check.")
    ]
    assert mailoutbox == []


# Approvals ----------------------------------------------------------------------------------


@pytest.fixture
def registration(db):
    """A new institution registered by an applicant, both waiting for an organiser."""
    return register_institution(
        user=UserFactory(username="kasia", email="kasia@example.org"),
        name="Muzeum Regionalne w Siedlcach",
        kind="other",
        terc="",
    )


def test_approvals_list_shows_pending_institutions_and_memberships(client, organiser, registration):
    approved_institution = InstitutionFactory(name="Gmina Wiązowna")
    MembershipFactory(
        user__username="tomek", institution=approved_institution, status=MembershipStatus.PENDING
    )
    MembershipFactory(user__username="decided", institution=approved_institution)
    client.force_login(organiser)

    response = client.get(reverse("applicant_approvals:index"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Muzeum Regionalne w Siedlcach" in body
    assert "kasia@example.org" in body
    assert "Gmina Wiązowna" in body
    assert "tomek" in body
    assert "decided" not in body


def test_approving_pending_institution_approves_its_registrant(client, organiser, registration):
    client.force_login(organiser)

    response = client.post(
        reverse("applicant_approvals:institution", args=[registration.institution_id, "approve"])
    )

    registration.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("applicant_approvals:index")
    assert Institution.objects.get(pk=registration.institution_id).is_approved
    assert (registration.status, registration.decided_by) == (MembershipStatus.APPROVED, organiser)


def test_rejecting_pending_institution_refuses_its_registrant(client, organiser, registration):
    client.force_login(organiser)

    response = client.post(
        reverse("applicant_approvals:institution", args=[registration.institution_id, "reject"])
    )
    listing = client.get(reverse("applicant_approvals:index"))

    registration.refresh_from_db()
    assert response.status_code == 302
    assert registration.status == MembershipStatus.REJECTED
    assert not Institution.objects.get(pk=registration.institution_id).is_approved
    assert "Żadna nowa instytucja nie czeka na zatwierdzenie." in listing.content.decode()


@pytest.mark.parametrize(
    ("decision", "status"),
    [("approve", MembershipStatus.APPROVED), ("reject", MembershipStatus.REJECTED)],
)
def test_membership_decision(client, organiser, decision, status):
    membership = MembershipFactory(status=MembershipStatus.PENDING)
    client.force_login(organiser)

    response = client.post(
        reverse("applicant_approvals:membership", args=[membership.pk, decision])
    )

    membership.refresh_from_db()
    assert response.status_code == 302
    assert (membership.status, membership.decided_by) == (status, organiser)


def test_approval_decisions_need_post_and_permission(
    client, organiser, staff_without_entries, registration
):
    url = reverse("applicant_approvals:institution", args=[registration.institution_id, "approve"])
    client.force_login(organiser)
    get = client.get(url)
    client.force_login(staff_without_entries)

    post = client.post(url)

    registration.refresh_from_db()
    assert get.status_code == 405
    assert post.status_code == 302
    assert post["Location"] == reverse("wagtailadmin_home")
    assert registration.status == MembershipStatus.PENDING
    assert Membership.objects.filter(status=MembershipStatus.APPROVED).count() == 0


def test_formal_check_not_offered_before_the_deadline_says_from_when(client, organiser):
    entry = submitted()
    client.force_login(organiser)

    with time_machine.travel(DURING_CALL, tick=False):
        inspect = client.get(reverse("entries_admin:inspect", args=[entry.pk]))
        form = client.get(reverse("entries_admin:reject", args=[entry.pk]))

    body = inspect.content.decode()
    assert reverse("entries_admin:reject", args=[entry.pk]) not in body
    assert "Ten krok (ocena formalna) będzie możliwy od" in body
    assert form["Location"] == reverse("entries_admin:inspect", args=[entry.pk])


def test_entry_inspect_shows_empty_values_as_a_dash_and_yes_no_in_words(client, organiser):
    entry = submitted(5, budget="15000.50", consent_to_publish=False)
    client.force_login(organiser)

    body = client.get(reverse("entries_admin:inspect", args=[entry.pk])).content.decode()

    main = body.split("<main", 1)[1]
    consent = main.split("Zgoda na publikację", 1)[1][:300]
    shown = re.findall(r">\s*([^<>]*?)\s*<", main)
    assert not {"None", "False", "True"} & set(shown)
    assert "15\u202f000,50" in main
    assert ">nie<" in consent.replace("\n", "").replace(" ", "")


def test_bulk_formal_check_applies_conflicts_once_for_the_batch(
    client, organiser, formal_check, django_capture_on_commit_callbacks
):
    category = CategoryFactory(edition__competition__code="SLC")
    entries = [
        submitted(n, category=category, institution=InstitutionFactory(terc=f"14080{n}2"))
        for n in (1, 2)
    ] + [submitted(3, category=category, institution=InstitutionFactory(terc="0201032"))]
    juror = UserFactory(username="starosta")
    JurorProfile.objects.create(
        user=juror, affiliation=InstitutionFactory(kind="powiat", terc="1408", name="Starostwo")
    )
    permissions.appoint_juror(category=category, user=juror)
    client.force_login(organiser)

    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as queries,
    ):
        client.post(bulk_url("mark_eligible", entries))

    assert set(Recusal.objects.values_list("juror_id", "entry_id", "kind")) == {
        (juror.pk, entries[0].pk, RecusalKind.AUTOMATIC),
        (juror.pk, entries[1].pk, RecusalKind.AUTOMATIC),
    }
    # one pass for the three entries: their recusals are read once, not once per entry
    assert sum('FROM "scoring_recusal"' in q["sql"] for q in queries) == 1


# Entry form questions ----------------------------------------------------------------------------


def question_form(question, **changes) -> dict:
    data = {
        "edition": question.edition_id,
        "category": "",
        "kind": question.kind,
        "code": question.code,
        "order": question.order,
        "label": question.label,
        "label_en": question.label_en,
        "help_text": "",
        "help_text_en": "",
        "required": "",
        "for_jury": "on",
        "hidden": "",
        "max_length": "",
        "min_value": "",
        "max_value": "",
        "choices": "",
        "choices_en": "",
    }
    return {**data, **changes}


def test_question_edit_refuses_a_new_type_after_the_first_submission(client, organiser):
    question = QuestionFactory()
    EntryFactory(category__edition=question.edition, status="submitted", sequence=1, number="X-1")
    client.force_login(organiser)

    response = client.post(
        reverse("entry_questions:edit", args=[question.pk]),
        question_form(question, kind="long_text"),
    )

    assert response.status_code == 200
    assert "nie można zmienić typu pytania" in response.content.decode()
    question.refresh_from_db()
    assert question.kind == "short_text"


def test_question_edit_hides_a_locked_question(client, organiser):
    question = QuestionFactory()
    EntryFactory(category__edition=question.edition, status="submitted", sequence=1, number="X-1")
    client.force_login(organiser)

    response = client.post(
        reverse("entry_questions:edit", args=[question.pk]), question_form(question, hidden="on")
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.hidden


def test_question_delete_is_refused_after_the_first_submission(client, organiser):
    question = QuestionFactory()
    EntryFactory(category__edition=question.edition, status="submitted", sequence=1, number="X-1")
    client.force_login(organiser)
    url = reverse("entry_questions:delete", args=[question.pk])

    page = client.get(url)
    response = client.post(url)

    assert "aby nie utracić żadnej odpowiedzi" in page.content.decode()
    assert response.status_code == 302
    assert Question.objects.filter(pk=question.pk).exists()
    assert "Zamiast tego ukryj pytanie" in str(next(iter(get_messages(response.wsgi_request))))


def test_question_delete_before_any_submission(client, organiser):
    question = QuestionFactory()
    client.force_login(organiser)

    response = client.post(reverse("entry_questions:delete", args=[question.pk]))

    assert response.status_code == 302
    assert not Question.objects.exists()


def test_question_admin_is_closed_to_jurors(client):
    question = QuestionFactory()
    client.force_login(UserFactory())

    response = client.get(reverse("entry_questions:edit", args=[question.pk]))

    assert response.status_code == 302


def test_inspect_shows_every_answer_and_marks_those_not_for_the_jury(client, organiser):
    answer = AnswerFactory(question__label="Numer faktury", question__for_jury=False, value="FV/1")
    client.force_login(organiser)

    response = client.get(reverse("entries_admin:inspect", args=[answer.entry_id]))

    body = response.content.decode()
    assert "Numer faktury" in body
    assert "FV/1" in body
    assert "nie dla jury" in body


def test_question_admin_and_answer_files_hide_another_teams_competition(
    client, organiser, other_organiser
):
    answer = AnswerFactory(question__kind="file", value="")
    answer.file.save("plan.pdf", ContentFile(b"%PDF-1.4 plan"), save=False)
    answer.original_name, answer.content_type = "plan.pdf", "application/pdf"
    answer.save()
    question = answer.question
    client.force_login(organiser)
    own = client.get(reverse("entries_admin:answer_file", args=[answer.pk]))
    close_response(own)
    client.force_login(other_organiser)

    listing = client.get(reverse("entry_questions:index")).content.decode()
    statuses = [
        client.get(reverse("entry_questions:edit", args=[question.pk])).status_code,
        client.get(reverse("entry_questions:delete", args=[question.pk])).status_code,
        client.post(reverse("entry_questions:delete", args=[question.pk])).status_code,
        client.get(reverse("entries_admin:answer_file", args=[answer.pk])).status_code,
    ]

    assert own.status_code == 200
    assert question.label not in listing
    assert statuses == [404, 404, 404, 404]
    assert Question.objects.filter(pk=question.pk).exists()
