"""Applicants' pages: thin views that load through a permission helper and call a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from competition import lifecycle
from competition.lifecycle import Action
from competition.models import Edition, Institution
from scoring import permissions
from scoring.rounds.queries import not_qualified_ids

from . import questions, services
from .forms import (
    AttachmentForm,
    EntryForm,
    InstitutionRegistrationForm,
    InstitutionSearchForm,
    entry_field_label,
)
from .models import Answer, Attachment, Entry, EntryStatus
from .queries import (
    answers_by_question,
    approved_institutions,
    entries_for_applicant,
    memberships_of,
    questions_of,
)

EDITABLE_STATUSES = (EntryStatus.DRAFT, EntryStatus.SUBMITTED)
# On the edit form's address: show "required to submit" beside each field still empty.
MISSING_PARAM = "missing"


def _get_entry_for_applicant(request: HttpRequest, pk: int) -> Entry:
    """404 rather than 403 for other institutions' entries, so ids are not confirmed."""
    return get_object_or_404(entries_for_applicant(request.user), pk=pk)


def _show_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _missing(entry: Entry) -> list[tuple[str, str]]:
    """(link to the field on the edit form, label) of each field submitting still needs."""
    edit_url = reverse("entries:edit", args=[entry.pk])
    names = services.missing_fields(entry)
    asked = {questions.field_name(q): q for q in _asked(entry.edition)} if names else {}
    missing = []
    for name in names:
        question = asked.get(name)
        anchor = f"id_{name}_0" if question and question.kind in questions.CHOICE_KINDS else ""
        missing.append(
            (
                f"{edit_url}?{MISSING_PARAM}=1#{anchor or f'id_{name}'}",
                question.text if question else entry_field_label(name),
            )
        )
    return missing


def _asked(edition: Edition) -> list:
    """The questions the entry form shows (every category's; the service keeps the right ones)."""
    return list(questions_of(edition).filter(hidden=False))


def _open_editions():
    now = timezone.now()
    return Edition.objects.filter(
        call_opens_at__lte=now, submission_deadline__gt=now, frozen_at__isnull=True
    ).select_related("competition")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    entries = list(entries_for_applicant(request.user))
    now = timezone.now()
    not_qualified = not_qualified_ids(entries)
    for entry in entries:
        entry.not_qualified = entry.pk in not_qualified
        entry.can_change = (
            entry.status in EDITABLE_STATUSES
            and lifecycle.verdict(Action.EDIT_ENTRY, entry.edition, at=now).allowed
        )
    return render(
        request,
        "entries/dashboard.html",
        {
            "entries": entries,
            "memberships": memberships_of(request.user),
            "has_institution": approved_institutions(request.user).exists(),
            "open_editions": _open_editions(),
        },
    )


@login_required
def institution(request: HttpRequest) -> HttpResponse:
    search = InstitutionSearchForm(request.GET or None)
    results = Institution.objects.none()
    if search.is_valid() and search.cleaned_data["q"]:
        query = search.cleaned_data["q"].strip()
        results = Institution.objects.filter(
            Q(name__icontains=query) | Q(terc__startswith=query), is_approved=True
        ).order_by("name")[:20]
    form = InstitutionRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_institution(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The institution is registered and waits for an organiser's approval."),
            )
            return redirect("entries:dashboard")
    return render(
        request,
        "entries/institution.html",
        {"search": search, "results": results, "form": form},
    )


@login_required
@require_POST
def institution_join(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(Institution, pk=pk, is_approved=True)
    services.request_membership(user=request.user, institution=target)
    messages.success(
        request, _("Your request to act for %(name)s waits for approval.") % {"name": target.name}
    )
    return redirect("entries:dashboard")


@login_required
def entry_create(request: HttpRequest, edition_pk: int) -> HttpResponse:
    edition = get_object_or_404(Edition.objects.select_related("competition"), pk=edition_pk)
    institutions = approved_institutions(request.user)
    if not institutions.exists():
        messages.error(request, _("You can submit entries once an organiser approves you."))
        return redirect("entries:dashboard")
    if not (verdict := lifecycle.verdict(Action.EDIT_ENTRY, edition)):
        messages.error(request, verdict.reason)
        return redirect("entries:dashboard")
    form = EntryForm(
        request.POST or None,
        request.FILES or None,
        edition=edition,
        institutions=institutions,
        required=edition.required_entry_fields,
        asked=_asked(edition),
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_entry(
                edition=edition,
                category=form.cleaned_data["category"],
                institution=form.cleaned_data["institution"],
                by=request.user,
                data=form.entry_data(),
                answers=form.answers(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("entries:detail", pk=entry.pk)
    return render(request, "entries/entry_form.html", {"form": form, "edition": edition})


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_applicant(request, pk)
    can_change = entry.status in EDITABLE_STATUSES and lifecycle.allowed(
        Action.EDIT_ENTRY, entry.edition
    )
    return render(
        request,
        "entries/entry_detail.html",
        {
            "entry": entry,
            "attachments": entry.attachments.all(),
            "answers": questions.answer_rows(
                entry,
                file_url=lambda answer: reverse(
                    "entries:answer_download", args=[entry.pk, answer.pk]
                ),
            ),
            "missing": _missing(entry),
            "can_change": can_change,
            "not_qualified": bool(not_qualified_ids([entry])),
            "attachment_form": AttachmentForm(),
        },
    )


@login_required
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_applicant(request, pk)
    form = EntryForm(
        request.POST or None,
        request.FILES or None,
        instance=entry,
        edition=entry.edition,
        institutions=approved_institutions(request.user),
        required=entry.edition.required_entry_fields,
        asked=_asked(entry.edition),
        answers=answers_by_question(entry),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entry(
                entry=entry,
                by=request.user,
                category=form.cleaned_data["category"],
                data=form.entry_data(),
                answers=form.answers(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The entry is saved."))
            return redirect("entries:detail", pk=entry.pk)
    elif request.method == "GET" and not (
        verdict := lifecycle.verdict(Action.EDIT_ENTRY, entry.edition)
    ):
        messages.error(request, verdict.reason)
        return redirect("entries:detail", pk=entry.pk)
    elif request.method == "GET" and request.GET.get(MISSING_PARAM):
        form.show_missing(services.missing_fields(entry))
    return render(
        request, "entries/entry_form.html", {"form": form, "edition": entry.edition, "entry": entry}
    )


def _entry_action(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    entry = _get_entry_for_applicant(request, pk)
    try:
        action(entry=entry, by=request.user)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, success)
    return redirect("entries:detail", pk=entry.pk)


@login_required
@require_POST
def entry_submit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_applicant(request, pk)
    try:
        services.submit_entry(entry=entry, by=request.user)
    except ValidationError as error:
        if not services.is_incomplete(error):
            _show_errors(request, error)
            return redirect("entries:detail", pk=entry.pk)
        # The form names each empty field, links it and shows the error beside it.
        messages.error(request, _("The entry is not submitted: fill in the fields listed below."))
        return redirect(f"{reverse('entries:edit', args=[entry.pk])}?{MISSING_PARAM}=1")
    messages.success(request, _("The entry is submitted."))
    return redirect("entries:detail", pk=entry.pk)


@login_required
@require_POST
def entry_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_action(request, pk, services.withdraw_entry, _("The entry is withdrawn."))


@login_required
@require_POST
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_applicant(request, pk)
    try:
        services.delete_draft(entry=entry, by=request.user)
    except ValidationError as error:
        _show_errors(request, error)
        return redirect("entries:detail", pk=entry.pk)
    messages.success(request, _("The draft is deleted."))
    return redirect("entries:dashboard")


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_applicant(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("entries:detail", pk=entry.pk)
    try:
        services.add_attachment(
            entry=entry,
            by=request.user,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("The file is attached."))
    return redirect("entries:detail", pk=entry.pk)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    entry = _get_entry_for_applicant(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, entry=entry)
    try:
        services.delete_attachment(attachment=attachment, by=request.user)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("The file is removed."))
    return redirect("entries:detail", pk=entry.pk)


def can_download_attachment(user, attachment: Attachment | Answer) -> bool:
    """Members of the entry's institution and organisers; jurors are added by the jury."""
    if not user.is_authenticated:
        return False
    if permissions.is_organiser(user, attachment.entry.edition.competition_id):
        return True
    return approved_institutions(user).filter(pk=attachment.entry.institution_id).exists()


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    attachment = get_object_or_404(
        Attachment.objects.select_related("entry"), pk=attachment_pk, entry_id=pk
    )
    if not can_download_attachment(request.user, attachment):
        raise Http404
    return attachment_response(attachment)


@login_required
def answer_download(request: HttpRequest, pk: int, answer_pk: int) -> FileResponse:
    """A file answer, to the same people as the entry's attachments."""
    answer = get_object_or_404(
        Answer.objects.select_related("entry").exclude(file=""), pk=answer_pk, entry_id=pk
    )
    if not can_download_attachment(request.user, answer):
        raise Http404
    return attachment_response(answer)


def attachment_response(attachment: Attachment | Answer) -> FileResponse:
    """The file itself, after the caller has checked permission: PDFs download, images show."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'"
    return response
