from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from competition.models import Institution
from entries import services
from entries.models import (
    Entry,
    EntryStatus,
    Membership,
    MembershipStatus,
    Question,
    private_storage,
)
from tests.conftest import run_in_parallel
from tests.entries.conftest import AFTER_DEADLINE
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    EntryFactory,
    InstitutionFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def institution_of(user):
    return user.memberships.get().institution


def new_entry(member, category, **data):
    return services.create_entry(
        edition=category.edition,
        category=category,
        institution=institution_of(member),
        by=member,
        data={"title": "Portal mieszkańca", **data},
    )


def test_create_entry_saves_incomplete_draft(member, category, during_call):
    entry = new_entry(member, category)

    assert entry.status == EntryStatus.DRAFT
    assert entry.number == ""


def test_create_entry_refuses_kind_not_eligible(member, during_call):
    category = CategoryFactory(eligible_kinds=["powiat"])

    with pytest.raises(ValidationError) as excinfo:
        new_entry(member, category)

    assert excinfo.value.message_dict == {
        "category": ["Instytucje tego rodzaju nie mogą zgłaszać się w tej kategorii."]
    }
    assert not Entry.objects.exists()


def test_create_entry_refuses_second_entry_beyond_limit(member, category, during_call):
    new_entry(member, category)

    with pytest.raises(ValidationError) as excinfo:
        new_entry(member, category, summary="druga")

    assert "category" in excinfo.value.message_dict
    assert Entry.objects.count() == 1


def test_create_entry_refuses_pending_member(category, during_call):
    membership = Membership.objects.create(
        user=UserFactory(), institution=InstitutionFactory(), status=MembershipStatus.PENDING
    )

    with pytest.raises(ValidationError) as excinfo:
        new_entry(membership.user, category)

    assert excinfo.value.code == "not_member"


def test_create_entry_refuses_after_deadline(member, category):
    with time_machine.travel(AFTER_DEADLINE, tick=False), pytest.raises(ValidationError) as excinfo:
        new_entry(member, category)

    assert excinfo.value.messages == [
        "Ten krok (zmiana i składanie zgłoszeń) nie jest już możliwy; "
        "edycja jest teraz na etapie „ocena formalna”."
    ]


def test_submit_entry_mail_is_plain_text_not_html_escaped(
    member, category, during_call, django_capture_on_commit_callbacks
):
    entry = EntryFactory(
        category=category, institution=institution_of(member), title="Kraków & <okolice>"
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_entry(entry=entry, by=member)

    assert "Kraków & <okolice>" in mail.outbox[0].body
    assert "&amp;" not in mail.outbox[0].body and "&lt;" not in mail.outbox[0].body


def test_create_entry_refuses_too_long_summary(member, category, during_call):
    with pytest.raises(ValidationError) as excinfo:
        new_entry(member, category, summary="x" * 1001)

    assert "summary" in excinfo.value.message_dict
    assert not Entry.objects.exists()


def test_submit_entry_numbers_and_mails(
    member, category, during_call, django_capture_on_commit_callbacks
):
    first = EntryFactory(category=category, institution=institution_of(member))
    other = EntryFactory(category=CategoryFactory(edition=category.edition))
    Membership.objects.create(user=member, institution=other.institution, status="approved")

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_entry(entry=first, by=member)
        services.submit_entry(entry=other, by=member)

    numbers = list(Entry.objects.order_by("sequence").values_list("number", flat=True))
    assert numbers == ["SLC-2026-001", "SLC-2026-002"]
    assert mail.outbox[0].subject == "Zgłoszenie SLC-2026-001 zostało złożone"
    assert "anna.kowalska@example.org" in mail.outbox[0].to


def test_submit_entry_refuses_incomplete(member, category, during_call):
    entry = EntryFactory(category=category, institution=institution_of(member), summary="")

    with pytest.raises(ValidationError) as excinfo:
        services.submit_entry(entry=entry, by=member)

    assert excinfo.value.message_dict == {
        "summary": ["To pole jest wymagane, aby złożyć zgłoszenie."]
    }
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT
    assert entry.number == ""


def test_submit_entry_refuses_after_deadline_and_saves_nothing(member, category):
    entry = EntryFactory(category=category, institution=institution_of(member))

    with time_machine.travel(AFTER_DEADLINE, tick=False), pytest.raises(ValidationError):
        services.submit_entry(entry=entry, by=member)

    entry.refresh_from_db()
    assert (entry.status, entry.number) == (EntryStatus.DRAFT, "")


def test_withdrawn_entry_keeps_its_number_when_resubmitted(member, category, during_call):
    entry = EntryFactory(category=category, institution=institution_of(member))
    services.submit_entry(entry=entry, by=member)
    services.withdraw_entry(entry=entry, by=member)

    services.submit_entry(entry=entry, by=member)

    entry.refresh_from_db()
    assert (entry.status, entry.number) == (EntryStatus.SUBMITTED, "SLC-2026-001")


def test_update_entry_refuses_other_institution(member, outsider, category, during_call):
    entry = EntryFactory(category=category, institution=institution_of(member))

    with pytest.raises(ValidationError) as excinfo:
        services.update_entry(entry=entry, by=outsider, data={"title": "przejęte"})

    assert excinfo.value.code == "not_member"
    entry.refresh_from_db()
    assert entry.title != "przejęte"


def test_update_submitted_entry_cannot_drop_required_field(member, category, during_call):
    entry = EntryFactory(category=category, institution=institution_of(member))
    services.submit_entry(entry=entry, by=member)

    with pytest.raises(ValidationError):
        services.update_entry(entry=entry, by=member, data={"summary": ""})

    entry.refresh_from_db()
    assert entry.summary


def test_add_attachment_detects_type_from_content(member, category, during_call):
    entry = EntryFactory(category=category, institution=institution_of(member))
    upload = SimpleUploadedFile("raport.pdf", PDF, content_type="application/pdf")

    attachment = services.add_attachment(entry=entry, by=member, upload=upload)

    assert (attachment.content_type, attachment.size) == ("application/pdf", len(PDF))
    assert "raport" not in attachment.file.name


def test_add_attachment_refuses_disguised_file(member, category, during_call):
    entry = EntryFactory(category=category, institution=institution_of(member))
    upload = SimpleUploadedFile("skan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    with pytest.raises(ValidationError) as excinfo:
        services.add_attachment(entry=entry, by=member, upload=upload)

    assert excinfo.value.messages == [
        "„skan.pdf” nie jest plikiem PDF, PNG ani JPEG (sprawdzono zawartość, nie nazwę)."
    ]
    assert not entry.attachments.exists()


def test_add_attachment_refuses_oversized_file(member, category, during_call, settings):
    settings.ENTRY_MAX_ATTACHMENT_MB = 1
    entry = EntryFactory(category=category, institution=institution_of(member))
    upload = SimpleUploadedFile(
        "duzy.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf"
    )

    with pytest.raises(ValidationError) as excinfo:
        services.add_attachment(entry=entry, by=member, upload=upload)

    assert excinfo.value.code == "too_large"


def test_add_attachment_refuses_sixth_file(member, category, during_call):
    entry = EntryFactory(category=category, institution=institution_of(member))
    for n in range(5):
        services.add_attachment(entry=entry, by=member, upload=SimpleUploadedFile(f"{n}.pdf", PDF))

    with pytest.raises(ValidationError) as excinfo:
        services.add_attachment(entry=entry, by=member, upload=SimpleUploadedFile("6.pdf", PDF))

    assert excinfo.value.messages == ["Zgłoszenie może mieć najwyżej 5 załączników."]
    assert entry.attachments.count() == 5


def test_add_attachment_image_needs_alt_text(member, category, during_call):
    entry = EntryFactory(category=category, institution=institution_of(member))

    with pytest.raises(ValidationError) as excinfo:
        services.add_attachment(entry=entry, by=member, upload=SimpleUploadedFile("a.png", PNG))

    assert excinfo.value.code == "alt_required"


def test_register_institution_is_pending_until_approved(category, during_call):
    user = UserFactory()
    membership = services.register_institution(
        user=user, name="Gmina Nowa", kind="gmina_wiejska", terc="1401022"
    )
    organiser = UserFactory(username="org")

    services.approve_institution(institution=membership.institution, by=organiser)

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPROVED
    assert membership.institution.is_approved


def test_register_institution_refuses_bad_terc():
    user = UserFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.register_institution(user=user, name="Gmina", kind="gmina_wiejska", terc="14")

    assert "terc" in excinfo.value.message_dict


def test_reject_entry_needs_reason_and_mails_applicant(
    member, category, django_capture_on_commit_callbacks
):
    entry = EntryFactory(
        category=category, institution=institution_of(member), status="submitted", number="X-1"
    )

    with time_machine.travel(AFTER_DEADLINE, tick=False):
        with pytest.raises(ValidationError):
            services.reject_entry(entry=entry, by=member, reason="  ")
        with django_capture_on_commit_callbacks(execute=True):
            services.reject_entry(entry=entry, by=member, reason="Brak podpisu.")

    entry.refresh_from_db()
    assert (entry.status, entry.rejection_reason) == (EntryStatus.REJECTED, "Brak podpisu.")
    assert "Brak podpisu." in mail.outbox[-1].body


@pytest.mark.django_db(transaction=True)
def test_submission_numbers_are_gap_free_under_concurrent_submits(during_call):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    category = CategoryFactory(edition__competition__code="IS", edition__year=2026)
    category.edition.entries_per_institution = 1
    entries = []
    for n in range(8):
        institution = InstitutionFactory()
        user = UserFactory(username=f"racer{n}")
        Membership.objects.create(user=user, institution=institution, status="approved")
        entries.append((EntryFactory(category=category, institution=institution), user))
    barrier = threading.Barrier(len(entries))
    errors: list[Exception] = []

    def submit(entry, user):
        try:
            barrier.wait()
            services.submit_entry(entry=entry, by=user)
        except Exception as error:  # collected to fail the test with the real cause
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=pair) for pair in entries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    sequences = sorted(Entry.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 9))
    assert Entry.objects.filter(number="IS-2026-008").exists()


def test_budget_accepts_decimal(member, category, during_call):
    entry = new_entry(member, category, budget=Decimal("125000.50"))

    assert entry.budget == Decimal("125000.50")


def test_entry_period_end_before_start_is_refused(member, category, during_call):
    with pytest.raises(ValidationError) as excinfo:
        new_entry(
            member,
            category,
            implementation_start=dt.date(2025, 5, 1),
            implementation_end=dt.date(2025, 1, 1),
        )

    assert "implementation_end" in excinfo.value.message_dict


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_of_one_terc_give_one_institution_and_form_errors():
    if connection.vendor != "postgresql":
        pytest.skip("needs parallel transactions")
    users = [UserFactory() for _ in range(10)]

    outcomes = run_in_parallel(
        lambda user: services.register_institution(
            user=user, name="Gmina Jabłonna", kind="gmina_wiejska", terc="1408042"
        ),
        users,
    )

    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 9
    assert all(list(o.message_dict) == ["terc"] for o in refused)
    assert Institution.objects.filter(terc="1408042").count() == 1


# Entry form questions -------------------------------------------------------------------------


def test_create_entry_keeps_partial_answers_of_a_draft(member, category, during_call):
    asked = QuestionFactory(edition=category.edition, required=True)
    other = QuestionFactory(edition=category.edition, kind="number")

    entry = services.create_entry(
        edition=category.edition,
        category=category,
        institution=institution_of(member),
        by=member,
        data={"title": "Portal"},
        answers={asked: "ePUAP", other: None},
    )

    assert {a.question_id: a.value for a in entry.answers.all()} == {asked.pk: "ePUAP"}


def test_update_entry_removes_an_emptied_answer(member, category, during_call):
    question = QuestionFactory(edition=category.edition)
    entry = new_entry(member, category)
    services.update_entry(entry=entry, by=member, data={}, answers={question: "ePUAP"})

    services.update_entry(entry=entry, by=member, data={}, answers={question: ""})

    assert not entry.answers.exists()


def test_update_entry_skips_questions_of_another_category(member, category, during_call):
    elsewhere = QuestionFactory(
        edition=category.edition, category=CategoryFactory(edition=category.edition)
    )
    entry = new_entry(member, category)

    services.update_entry(entry=entry, by=member, data={}, answers={elsewhere: "tak"})

    assert not entry.answers.exists()


def test_submit_entry_refuses_missing_required_answer_naming_the_question(
    member, category, during_call
):
    question = QuestionFactory(edition=category.edition, required=True)
    QuestionFactory(edition=category.edition, required=True, hidden=True)
    entry = EntryFactory(category=category, institution=institution_of(member))

    with pytest.raises(ValidationError) as excinfo:
        services.submit_entry(entry=entry, by=member)

    assert list(excinfo.value.message_dict) == [f"question_{question.pk}"]
    assert services.is_incomplete(excinfo.value)
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.DRAFT


def test_submit_entry_accepts_required_consent_once_ticked(member, category, during_call):
    consent = QuestionFactory(edition=category.edition, kind="consent", required=True)
    entry = EntryFactory(category=category, institution=institution_of(member))
    services.update_entry(entry=entry, by=member, data={}, answers={consent: True})

    submitted = services.submit_entry(entry=entry, by=member)

    assert submitted.status == EntryStatus.SUBMITTED


def test_update_entry_stores_file_answer_in_private_storage(member, category, during_call):
    question = QuestionFactory(edition=category.edition, kind="file")
    entry = new_entry(member, category)

    services.update_entry(
        entry=entry,
        by=member,
        data={},
        answers={question: SimpleUploadedFile("plan.pdf", PDF)},
    )

    answer = entry.answers.get()
    assert (answer.original_name, answer.content_type) == ("plan.pdf", "application/pdf")
    assert answer.file.storage is private_storage()
    with answer.file.open("rb") as stored:
        assert stored.read() == PDF


def test_update_entry_refuses_file_answer_that_is_not_a_pdf(member, category, during_call):
    question = QuestionFactory(edition=category.edition, kind="file")
    entry = new_entry(member, category)

    with pytest.raises(ValidationError) as excinfo:
        services.update_entry(
            entry=entry,
            by=member,
            data={"title": "Zmieniony"},
            answers={question: SimpleUploadedFile("plan.pdf", b"<html>")},
        )

    assert list(excinfo.value.message_dict) == [f"question_{question.pk}"]
    assert Entry.objects.get(pk=entry.pk).title == "Portal mieszkańca"
    assert not entry.answers.exists()


def test_delete_question_removes_drafts_answers_before_any_submission():
    answer = AnswerFactory()

    services.delete_question(question=answer.question)

    assert not Question.objects.exists()


def test_delete_question_refused_after_first_submission():
    answer = AnswerFactory(entry__status="submitted", entry__sequence=1, entry__number="X-1")

    with pytest.raises(ValidationError) as excinfo:
        services.delete_question(question=answer.question)

    assert excinfo.value.code == "question_locked"
    assert Question.objects.filter(pk=answer.question_id).exists()
