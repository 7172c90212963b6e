"""What applicants and organisers do with entries; every rule the server enforces lives here."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from competition import lifecycle
from competition.lifecycle import Action
from competition.mail import render_email
from competition.models import Category, Edition, Institution
from competition.tasks import send_email_task

from . import questions
from .models import (
    Answer,
    Attachment,
    EditionCounter,
    EntriesExport,
    Entry,
    EntryStatus,
    Membership,
    MembershipStatus,
    Question,
    QuestionKind,
    RegulationsAcceptance,
)
from .queries import (
    active_entries_in_category,
    answers_by_question,
    approved_institutions,
    questions_for_entry,
)

logger = logging.getLogger("judging.entries")

EDITABLE_FIELDS = (
    "title",
    "summary",
    "description",
    "implementation_start",
    "implementation_end",
    "budget",
    "funding_sources",
    "public_url",
    "results",
    "users_count",
    "contact_name",
    "contact_email",
    "contact_phone",
    "consent_to_publish",
)
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
}


def _now() -> dt.datetime:
    return timezone.now()


def _require_call_open(edition: Edition, action: Action = Action.EDIT_ENTRY) -> None:
    lifecycle.require(action, edition, at=_now())


def _require_member(entry_or_institution: Entry | Institution, user) -> None:
    institution = (
        entry_or_institution.institution
        if isinstance(entry_or_institution, Entry)
        else entry_or_institution
    )
    if not approved_institutions(user).filter(pk=institution.pk).exists():
        raise ValidationError(
            _("You can act for this institution only after an organiser approves you."),
            code="not_member",
        )


# Memberships and institutions ----------------------------------------------------------------


@transaction.atomic
def request_membership(*, user, institution: Institution) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, institution=institution)
    if not created and membership.status == MembershipStatus.REJECTED:
        membership.status = MembershipStatus.PENDING
        membership.decided_at = None
        membership.decided_by = None
        membership.save()
    return membership


@transaction.atomic
def register_institution(
    *, user, name: str, kind: str, terc: str, address: str = "", website: str = ""
) -> Membership:
    """A new institution waits for an organiser, and so does its registrant's membership."""
    institution = Institution(
        name=name,
        kind=kind,
        terc=terc.strip(),
        address=address,
        website=website,
        is_approved=False,
        registered_by=user,
    )
    # The TERC uniqueness is checked here and by the database, both answering on the field:
    # Django's check of a conditional unique constraint would answer on the whole form.
    institution.full_clean(validate_constraints=False)
    duplicate = ValidationError({"terc": _("An institution with this TERC code already exists.")})
    if institution.terc and Institution.objects.filter(terc=institution.terc).exists():
        raise duplicate
    try:
        with transaction.atomic():
            institution.save()
    except IntegrityError:
        # Another request registered the same TERC code after the check above looked.
        raise duplicate from None
    return Membership.objects.create(user=user, institution=institution)


@transaction.atomic
def decide_membership(*, membership: Membership, by, approve: bool) -> Membership:
    membership.status = MembershipStatus.APPROVED if approve else MembershipStatus.REJECTED
    membership.decided_at = _now()
    membership.decided_by = by
    membership.save()
    if approve and not membership.institution.is_approved:
        approve_institution(institution=membership.institution, by=by)
    return membership


@transaction.atomic
def approve_institution(*, institution: Institution, by) -> Institution:
    """Approving a new institution also approves the person who registered it."""
    institution.is_approved = True
    institution.save(update_fields=["is_approved"])
    Membership.objects.filter(
        institution=institution,
        user=institution.registered_by,
        status=MembershipStatus.PENDING,
    ).update(status=MembershipStatus.APPROVED, decided_at=_now(), decided_by=by)
    return institution


# Entries --------------------------------------------------------------------------------------


def _check_category(*, category: Category, institution: Institution, entry: Entry | None) -> None:
    if not category.accepts_kind(institution.kind):
        raise ValidationError(
            {"category": _("Institutions of this kind cannot enter this category.")},
            code="kind_not_eligible",
        )
    others = active_entries_in_category(institution=institution, category=category)
    if entry is not None and entry.pk:
        others = others.exclude(pk=entry.pk)
    limit = category.edition.entries_per_institution
    if others.count() >= limit:
        raise ValidationError(
            {
                "category": ngettext(
                    "Your institution already has %(count)d entry in this category, the limit.",
                    "Your institution already has %(count)d entries in this category, the limit.",
                    limit,
                )
                % {"count": limit}
            },
            code="limit_reached",
        )


def _apply(entry: Entry, data: Mapping[str, Any]) -> None:
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(entry, name, data[name])
    if entry.implementation_start and entry.implementation_end:
        if entry.implementation_end < entry.implementation_start:
            raise ValidationError(
                {"implementation_end": _("The end cannot come before the start.")},
                code="period",
            )
    entry.full_clean(exclude=["edition", "category", "institution", "created_by"])


@transaction.atomic
def create_entry(
    *,
    edition: Edition,
    category: Category,
    institution: Institution,
    by,
    data: Mapping[str, Any],
    answers: Mapping[Question, Any] | None = None,
) -> Entry:
    _require_member(institution, by)
    _require_call_open(edition)
    if category.edition_id != edition.pk:
        raise ValidationError({"category": _("This category belongs to another edition.")})
    # Lock the institution's row so two tabs cannot both squeeze under the per-category limit.
    Institution.objects.select_for_update().get(pk=institution.pk)
    _check_category(category=category, institution=institution, entry=None)
    entry = Entry(edition=edition, category=category, institution=institution, created_by=by)
    _apply(entry, data)
    entry.save()
    _save_answers(entry, answers or {})
    return entry


@transaction.atomic
def update_entry(
    *,
    entry: Entry,
    by,
    data: Mapping[str, Any],
    category: Category | None = None,
    answers: Mapping[Question, Any] | None = None,
) -> Entry:
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    _require_member(entry, by)
    _require_call_open(entry.edition)
    if entry.status not in (EntryStatus.DRAFT, EntryStatus.SUBMITTED):
        raise ValidationError(_("This entry can no longer be changed."), code="not_editable")
    if category is not None and category.pk != entry.category_id:
        if category.edition_id != entry.edition_id:
            raise ValidationError({"category": _("This category belongs to another edition.")})
        Institution.objects.select_for_update().get(pk=entry.institution_id)
        _check_category(category=category, institution=entry.institution, entry=entry)
        entry.category = category
    _apply(entry, data)
    _save_answers(entry, answers or {})
    if entry.status == EntryStatus.SUBMITTED:
        _require_complete(entry)
    entry.save()
    return entry


def _save_answers(entry: Entry, answers: Mapping[Question, Any]) -> None:
    """Store the cleaned answers (questions.form_field), one row per question; an empty answer
    removes its row. A file answer is None to keep the file it has, False to remove it.

    Questions of another category or hidden ones are skipped: the form shows every category's
    questions, and the entry's category decides which count.
    """
    if not answers:
        return
    asked = {question.pk: question for question in questions_for_entry(entry)}
    existing = answers_by_question(entry)
    for question, value in answers.items():
        if question.pk not in asked:
            continue
        answer = existing.get(question.pk)
        if question.kind == QuestionKind.FILE:
            _save_file_answer(entry, question, answer, value)
            continue
        value = questions.stored(question, value)
        if value is None:
            if answer is not None:
                answer.delete()
        elif answer is None:
            Answer.objects.create(entry=entry, question=question, value=value)
        elif answer.value != value:
            answer.value = value
            answer.save(update_fields=["value"])


def _save_file_answer(
    entry: Entry, question: Question, answer: Answer | None, upload: UploadedFile | bool | None
) -> None:
    if upload is None:
        return
    if answer is not None and answer.file:
        storage, name = answer.file.storage, answer.file.name
        transaction.on_commit(lambda: storage.delete(name))
    if upload is False:
        if answer is not None:
            answer.delete()
        return
    try:
        mime = check_upload(upload)
    except ValidationError as error:
        raise ValidationError({questions.field_name(question): error.messages}) from None
    answer = answer or Answer(entry=entry, question=question)
    answer.original_name = upload.name[:255]
    answer.content_type = mime
    answer.file.save(upload.name, upload, save=False)
    try:
        answer.save()
    except Exception:
        answer.file.delete(save=False)
        raise


def missing_fields(entry: Entry, *, answers: Mapping[int, Answer] | None = None) -> list[str]:
    """Names of the fields and questions (questions.field_name) the edition requires that are
    still empty. `answers` by question id, for an entry not saved yet (the import)."""
    required = ["title", *(entry.edition.required_entry_fields or [])]
    missing = [name for name in required if getattr(entry, name) in (None, "")]
    if entry.category_id is None:
        return missing
    if answers is None:
        answers = answers_by_question(entry) if entry.pk else {}
    return missing + [
        questions.field_name(question)
        for question in questions_for_entry(entry).filter(required=True)
        if not questions.is_answered(question, answers.get(question.pk))
    ]


def _require_complete(entry: Entry) -> None:
    missing = missing_fields(entry)
    if missing:
        raise ValidationError(
            {
                name: ValidationError(
                    _("This field is required to submit the entry."), code="incomplete"
                )
                for name in missing
            }
        )


def is_incomplete(error: ValidationError) -> bool:
    """Whether a refusal is only about fields still empty, which the entry form can point at."""
    return hasattr(error, "error_dict") and all(
        item.code == "incomplete" for items in error.error_dict.values() for item in items
    )


def _next_number(edition: Edition) -> tuple[int, str]:
    EditionCounter.objects.get_or_create(edition=edition)
    counter = EditionCounter.objects.select_for_update().get(edition=edition)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    code = edition.competition.code
    return counter.last_number, f"{code}-{edition.year}-{counter.last_number:03d}"


@transaction.atomic
def submit_entry(*, entry: Entry, by) -> Entry:
    entry = (
        Entry.objects.select_for_update().select_related("edition__competition").get(pk=entry.pk)
    )
    _require_member(entry, by)
    _require_call_open(entry.edition)
    if entry.status not in (EntryStatus.DRAFT, EntryStatus.WITHDRAWN):
        raise ValidationError(_("This entry has already been submitted."), code="not_draft")
    _require_complete(entry)
    if entry.status == EntryStatus.WITHDRAWN:
        Institution.objects.select_for_update().get(pk=entry.institution_id)
        _check_category(category=entry.category, institution=entry.institution, entry=entry)
    if entry.sequence is None:
        entry.sequence, entry.number = _next_number(entry.edition)
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_at = _now()
    entry.save()
    logger.info(
        "entry submitted", extra={"entry_id": entry.pk, "number": entry.number, "by": by.pk}
    )
    recipients = sorted({e for e in (by.email, entry.contact_email) if e})
    transaction.on_commit(lambda: _mail(entry, "entries/email/submitted", recipients))
    return entry


@transaction.atomic
def withdraw_entry(*, entry: Entry, by) -> Entry:
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    _require_member(entry, by)
    _require_call_open(entry.edition, Action.WITHDRAW_ENTRY)
    if entry.status != EntryStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted entry can be withdrawn."), code="not_submitted")
    entry.status = EntryStatus.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    return entry


@transaction.atomic
def delete_draft(*, entry: Entry, by) -> None:
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    _require_member(entry, by)
    if entry.status != EntryStatus.DRAFT or entry.sequence is not None:
        raise ValidationError(_("Only a draft that was never submitted can be deleted."))
    for attachment in entry.attachments.all():
        attachment.file.delete(save=False)
    for answer in entry.answers.exclude(file=""):
        answer.file.delete(save=False)
    entry.delete()


# Entry form questions -------------------------------------------------------------------------


@transaction.atomic
def delete_question(*, question: Question) -> None:
    """Before the edition's first submission a question goes with the drafts' answers to it;
    after it, never (models.QUESTION_LOCK_HELP): it can only be hidden."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    # Submissions take the edition's counter row: lock it so none slips in between.
    EditionCounter.objects.select_for_update().filter(edition_id=question.edition_id).first()
    if question.is_locked:
        raise ValidationError(
            _(
                "“%(question)s” cannot be deleted: entries of this edition have been submitted, "
                "and their answers must be kept. Hide the question instead."
            )
            % {"question": question.label},
            code="question_locked",
        )
    for answer in question.answers.exclude(file=""):
        storage, name = answer.file.storage, answer.file.name
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    question.answers.all().delete()
    question.delete()


# Attachments ----------------------------------------------------------------------------------


def _detect_type(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def check_upload(upload: UploadedFile) -> str:
    """The attachment rules (size, a PDF, PNG or JPEG by content), for attachments and file
    answers alike; the detected type."""
    max_bytes = settings.ENTRY_MAX_ATTACHMENT_MB * 1024 * 1024
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.ENTRY_MAX_ATTACHMENT_MB},
            code="too_large",
        )
    mime = _detect_type(upload)
    if mime not in ALLOWED_ATTACHMENT_TYPES:
        raise ValidationError(
            _("“%(name)s” is not a PDF, PNG or JPEG file (its content was checked, not its name).")
            % {"name": upload.name},
            code="bad_type",
        )
    return mime


@transaction.atomic
def add_attachment(*, entry: Entry, by, upload: UploadedFile, description: str = "") -> Attachment:
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    _require_member(entry, by)
    _require_call_open(entry.edition)
    if entry.status not in (EntryStatus.DRAFT, EntryStatus.SUBMITTED):
        raise ValidationError(_("This entry can no longer be changed."), code="not_editable")
    limit = settings.ENTRY_MAX_ATTACHMENTS
    if entry.attachments.count() >= limit:
        raise ValidationError(
            _("An entry can have at most %(limit)d attachments.") % {"limit": limit},
            code="too_many",
        )
    mime = check_upload(upload)
    if mime.startswith("image/") and not description.strip():
        raise ValidationError(
            _("Describe the image (alternative text) so everyone can understand it."),
            code="alt_required",
        )
    attachment = Attachment(
        entry=entry,
        original_name=upload.name[:255],
        content_type=mime,
        size=upload.size,
        description=description.strip(),
    )
    attachment.file.save(upload.name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def delete_attachment(*, attachment: Attachment, by) -> None:
    entry = Entry.objects.select_for_update().get(pk=attachment.entry_id)
    _require_member(entry, by)
    _require_call_open(entry.edition)
    if entry.status not in (EntryStatus.DRAFT, EntryStatus.SUBMITTED):
        raise ValidationError(_("This entry can no longer be changed."), code="not_editable")
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# Formal check ---------------------------------------------------------------------------------


def _require_checkable(entry: Entry) -> None:
    if entry.status not in (EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE, EntryStatus.REJECTED):
        raise ValidationError(
            _("Only submitted entries go through the formal check."), code="not_submitted"
        )
    lifecycle.require(Action.FORMAL_CHECK, entry.edition, at=_now())


@transaction.atomic
def mark_eligible(*, entry: Entry, by) -> Entry:
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    _require_checkable(entry)
    entry.status = EntryStatus.ELIGIBLE
    entry.rejection_reason = ""
    entry.checked_at = _now()
    entry.checked_by = by
    entry.save()
    logger.info("formal check: eligible", extra={"entry_id": entry.pk, "by": by.pk})
    transaction.on_commit(lambda: _mail(entry, "entries/email/eligible", _applicants(entry)))
    return entry


@transaction.atomic
def reject_entry(*, entry: Entry, by, reason: str) -> Entry:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")}, code="reason")
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    _require_checkable(entry)
    entry.status = EntryStatus.REJECTED
    entry.rejection_reason = reason
    entry.checked_at = _now()
    entry.checked_by = by
    entry.save()
    logger.info("formal check: rejected", extra={"entry_id": entry.pk, "by": by.pk})
    transaction.on_commit(lambda: _mail(entry, "entries/email/rejected", _applicants(entry)))
    return entry


def _applicants(entry: Entry) -> list[str]:
    emails = set(
        Membership.objects.filter(
            institution=entry.institution, status=MembershipStatus.APPROVED
        ).values_list("user__email", flat=True)
    )
    if entry.contact_email:
        emails.add(entry.contact_email)
    return sorted(e for e in emails if e)


def _mail(entry: Entry, template: str, recipients: list[str]) -> None:
    if not recipients:
        return
    context = {"entry": entry, "site_url": settings.WAGTAILADMIN_BASE_URL}
    subject, body = render_email(template, context)
    # Sent by a worker after the commit: a mail server that is down must not turn a recorded
    # submission or formal check into an error page (a multi-node rehearsal found this).
    send_email_task.enqueue(subject, body, recipients)


# Organiser imports ----------------------------------------------------------------------------


def allocate_entry_number(edition: Edition) -> tuple[int, str]:
    """The edition's next sequence and entry number, from the counter online submissions use.

    Call it inside the transaction that saves the entry: the counter row stays locked until then,
    so numbers remain gap-free whether entries come from the site or from a paper import.
    """
    return _next_number(edition)


# Accounts -------------------------------------------------------------------------------------


def record_regulations_acceptance(*, user, statement: str) -> RegulationsAcceptance:
    """Keep the exact words someone accepted, with the time, as proof of their consent."""
    return RegulationsAcceptance.objects.create(user=user, statement=statement, accepted_at=_now())


def request_export(*, edition: Edition, by, language: str) -> EntriesExport:
    """Record an export of the edition's entries and hand it to the worker once committed."""
    from .tasks import export_entries_task

    export = EntriesExport.objects.create(edition=edition, requested_by=by)
    logger.info(
        "entries export requested",
        extra={"export_id": export.pk, "edition_id": edition.pk, "by": by.pk},
    )
    transaction.on_commit(lambda: export_entries_task.enqueue(export.pk, language))
    return export
