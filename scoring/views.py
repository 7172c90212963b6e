"""The jury panel on the public site: thin views over permission helpers and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from competition import lifecycle
from competition.lifecycle import Action
from competition.models import Category, Duty
from entries.models import Answer, Attachment, Entry, EntryStatus
from entries.questions import answer_rows
from entries.views import attachment_response

from . import permissions, services
from .assignment import queries as assignment_queries
from .forms import RecusalForm, ScoreSheetForm
from .models import Assignment, Recusal, ReminderMailing, ScoreSheet
from .queries import (
    entries_for_juror,
    juror_progress,
    juror_status,
    neighbours,
    panel_categories,
    recent_mailings,
    submitted_sheets,
)
from .rounds.queries import assignment_applies, stage_entries
from .tasks import send_reminders_task

# Entries per page of the chair's matrix: a screenful to scan, light at 2,000 entries.
MATRIX_ROWS_PER_PAGE = 100

STATUSES = ("not_started", "draft", "submitted", "recused")
SORTS = {"number": "sequence", "title": "title", "institution": "institution__name"}


def _get_category_for_juror(request: HttpRequest, pk: int) -> Category:
    categories = permissions.categories_for_juror(request.user).select_related(
        "edition__competition", "edition__preselection", "assignment_rule"
    )
    return get_object_or_404(categories, pk=pk)


def _get_entry_for_juror(request: HttpRequest, pk: int) -> Entry:
    """An entry the juror may open: on their jury and, where k jurors score each, assigned."""
    entry = get_object_or_404(
        Entry.objects.select_related(
            "edition__competition",
            "edition__preselection",
            "category__assignment_rule",
            "institution",
        ),
        pk=pk,
        status=EntryStatus.ELIGIBLE,
    )
    if not permissions.can_score(request.user, entry.category):
        raise Http404
    if not assignment_queries.may_open(request.user, entry):
        raise Http404
    return entry


@login_required
def home(request: HttpRequest) -> HttpResponse:
    categories = list(panel_categories(request.user))
    if not categories:
        raise Http404
    checker = permissions.checker_for(request.user, categories)
    for category in categories:
        if lifecycle.preselection_of(category.edition) is not None:
            # Two rounds: the counts of the round the juror works in now (a query for each
            # such category; the annotations above count sheets of both rounds).
            _round_counts(request.user, category)
        # Where k jurors score each entry, the juror's share is what was assigned to them.
        if assignment_queries.assigned_only(category):
            category.total = todo = category.assigned_count
        else:
            category.total = category.eligible_count
            todo = category.eligible_count - category.recused_count
        # Nothing to do is done, except before the entries are assigned: then nothing started.
        if todo:
            category.progress = round(100 * category.submitted_count / todo)
        else:
            category.progress = 0 if assignment_queries.assigned_only(category) else 100
        category.is_chair = permissions.is_chair(request.user, category, checker)
    return render(request, "scoring/home.html", {"categories": categories})


def _round_counts(user, category: Category) -> None:
    round = lifecycle.stage(category.edition)
    statuses = [juror_status(e) for e in entries_for_juror(user, category, round)]
    category.eligible_count = category.assigned_count = len(statuses)
    category.recused_count = statuses.count("recused")
    category.submitted_count = statuses.count("submitted")
    if not assignment_applies(category, round):
        # The whole jury scores the finalists: the juror's share is every one not recused.
        category.assigned_count = category.eligible_count - category.recused_count


@login_required
def category_entries(request: HttpRequest, pk: int) -> HttpResponse:
    category = _get_category_for_juror(request, pk)
    round = lifecycle.stage(category.edition)
    sort = request.GET.get("sort", "number")
    entries = list(
        entries_for_juror(request.user, category, round).order_by(SORTS.get(sort, "sequence"), "pk")
    )
    for entry in entries:
        entry.juror_status = juror_status(entry)
    wanted = request.GET.get("status")
    if wanted in STATUSES:
        entries = [e for e in entries if e.juror_status == wanted]
    if sort == "status":
        entries.sort(key=lambda e: STATUSES.index(e.juror_status))
    by_assignment = assignment_applies(category, round)
    return render(
        request,
        "scoring/category.html",
        {
            "category": category,
            "entries": entries,
            "sort": sort,
            "status": wanted,
            "statuses": STATUSES,
            "is_chair": permissions.is_chair(request.user, category),
            "by_assignment": by_assignment,
            "jurors_per_entry": assignment_queries.jurors_per_entry(category),
            "round": round,
            "has_preselection": lifecycle.preselection_of(category.edition) is not None,
            # Before the organiser confirms an assignment, jurors mark what they want to score.
            "assigned_yet": by_assignment
            and Assignment.objects.filter(entry__category=category).exists(),
        },
    )


def _sheet_form(entry: Entry, sheet: ScoreSheet | None, data=None) -> ScoreSheetForm:
    return ScoreSheetForm(
        data,
        criteria=services.criteria_for(entry, lifecycle.stage(entry.edition)),
        sheet=sheet,
        min_length=entry.edition.min_justification_length,
    )


def _save_from_form(request: HttpRequest, entry: Entry, form: ScoreSheetForm) -> ScoreSheet:
    return services.save_score_sheet(
        juror=request.user,
        entry=entry,
        scores=form.raw_scores(),
        comments=form.raw_comments(),
        justification=form.cleaned_data["justification"],
        version=form.cleaned_data["version"],
        submit=form.cleaned_data["submit"],
    )


def _my_sheet(request: HttpRequest, entry: Entry) -> ScoreSheet | None:
    """The juror's sheet in the round jurors work in now: a fresh one in the final."""
    return (
        ScoreSheet.objects.filter(
            juror=request.user, entry=entry, round=lifecycle.stage(entry.edition)
        )
        .prefetch_related("scores")
        .first()
    )


@login_required
def entry_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_juror(request, pk)
    round = lifecycle.stage(entry.edition)
    recusal = services.active_recusal(juror=request.user, entry=entry)
    sheet = None if recusal else _my_sheet(request, entry)
    form = _sheet_form(entry, sheet)
    if request.method == "POST":
        if recusal:
            messages.error(request, _("You declared a conflict of interest with this entry."))
            return redirect("scoring:entry", pk=entry.pk)
        form = _sheet_form(entry, sheet, request.POST)
        if form.is_valid():
            try:
                _save_from_form(request, entry, form)
            except services.StaleSheet as error:
                messages.error(request, error.messages[0])
                form = _sheet_form(entry, _my_sheet(request, entry))
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    messages.error(request, error.messages[0])
            else:
                if form.cleaned_data["submit"]:
                    messages.success(request, _("The score sheet is submitted."))
                else:
                    messages.success(request, _("The draft score sheet is saved."))
                return redirect("scoring:entry", pk=entry.pk)
    progress = juror_progress(entry.category, [request.user], round)[request.user.pk]
    # The chair reads the jury's submitted sheets with their comments, as the live results
    # already show the chair every juror's totals; not from an entry the chair is kept from.
    chair = not recusal and permissions.is_chair(request.user, entry.category)
    return render(
        request,
        "scoring/entry.html",
        {
            "entry": entry,
            "recusal": recusal,
            "sheet": sheet,
            "form": form,
            "rows": form.criterion_rows(),
            "total": services.weighted_total(form.criteria, sheet),
            "neighbours": neighbours(request.user, entry, round),
            "progress": progress,
            "jury_sheets": list(submitted_sheets(entry, round)) if chair else None,
            "recusal_form": RecusalForm(),
            "round": round,
            "can": {
                **lifecycle.verdicts(entry.edition),
                "score": lifecycle.score_verdict(entry.edition),
            },
            "attachments": entry.attachments.all(),
            # What the organiser marked for the jury; nothing of it for a recused juror.
            "answers": []
            if recusal
            else answer_rows(
                entry,
                for_jury=True,
                file_url=lambda answer: reverse("scoring:answer_file", args=[entry.pk, answer.pk]),
            ),
        },
    )


@login_required
@require_POST
def autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """The sheet page's autosave: a draft only, with the form's checks and optimistic version.

    Answers the new version and the time saved (Warsaw), or a message: 400 for values the
    scale refuses (nothing saved), 409 when the sheet changed elsewhere (nothing overwritten),
    403 when the juror may not save now (a conflict, the window closed).
    """
    entry = _get_entry_for_juror(request, pk)
    if services.active_recusal(juror=request.user, entry=entry):
        return JsonResponse(
            {"message": _("You declared a conflict of interest with this entry.")}, status=403
        )
    form = _sheet_form(entry, None, request.POST)
    if not form.is_valid():
        return JsonResponse(
            {
                "message": _("The draft could not be saved."),
                "errors": {field: list(errors) for field, errors in form.errors.items()},
            },
            status=400,
        )
    # Never a submission: that stays the button's, with its confirmation.
    form.cleaned_data["submit"] = False
    try:
        sheet = _save_from_form(request, entry, form)
    except services.StaleSheet as error:
        return JsonResponse({"message": error.messages[0], "conflict": True}, status=409)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            return JsonResponse(
                {"message": _("The draft could not be saved."), "errors": error.message_dict},
                status=400,
            )
        return JsonResponse({"message": error.messages[0]}, status=403)
    saved_at = timezone.localtime(sheet.updated_at).strftime("%H:%M")
    return JsonResponse(
        {
            "version": sheet.version,
            "status": sheet.get_status_display(),
            "saved_at": saved_at,
            "message": _("Saved at %(time)s") % {"time": saved_at},
        }
    )


@login_required
@require_POST
def recuse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_entry_for_juror(request, pk)
    form = RecusalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a short reason for the conflict of interest."))
        return redirect("scoring:entry", pk=entry.pk)
    try:
        services.declare_recusal(
            juror=request.user, entry=entry, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("You are recused from this entry."))
    return redirect("scoring:category", pk=entry.category_id)


@login_required
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    entry = _get_entry_for_juror(request, pk)
    if services.active_recusal(juror=request.user, entry=entry):
        raise Http404
    return attachment_response(get_object_or_404(Attachment, pk=attachment_pk, entry=entry))


@login_required
def answer_file(request: HttpRequest, pk: int, answer_pk: int) -> FileResponse:
    entry = _get_entry_for_juror(request, pk)
    if services.active_recusal(juror=request.user, entry=entry):
        raise Http404
    answer = get_object_or_404(
        Answer.objects.exclude(file=""), pk=answer_pk, entry=entry, question__for_jury=True
    )
    return attachment_response(answer)


def _get_category_for_chair(request: HttpRequest, pk: int) -> Category:
    category = _get_category_for_juror(request, pk)
    if not permissions.is_chair(request.user, category):
        raise Http404
    return category


@login_required
def matrix(request: HttpRequest, pk: int) -> HttpResponse:
    category = _get_category_for_chair(request, pk)
    round = lifecycle.stage(category.edition)
    jurors = list(permissions.jurors_of(category))
    entries = (
        stage_entries(category, round).select_related("institution").order_by("sequence", "pk")
    )
    # A page of entries: the totals per juror below count all of them, in grouped queries.
    page = Paginator(entries, MATRIX_ROWS_PER_PAGE).get_page(request.GET.get("strona"))
    shown = list(page.object_list)
    sheets = {
        (s.juror_id, s.entry_id): s.status
        for s in ScoreSheet.objects.filter(entry__in=shown, round=round).only(
            "juror_id", "entry_id", "status"
        )
    }
    recused = set(
        Recusal.objects.filter(entry__in=shown, lifted_at__isnull=True).values_list(
            "juror_id", "entry_id"
        )
    )
    by_assignment = assignment_applies(category, round)
    if by_assignment:
        labels = {
            "submitted": _("done"),
            "draft": _("draft"),
            "recused": _("conflict"),
            "not_started": _("assigned"),
            "not_assigned": _("not assigned"),
        }
        pairs = set(Assignment.objects.filter(entry__in=shown).values_list("juror_id", "entry_id"))
    else:
        labels = {
            "submitted": _("submitted"),
            "draft": _("draft"),
            "recused": _("recused"),
            "not_started": _("not started"),
        }

    def status_of(juror, entry) -> str:
        pair = (juror.pk, entry.pk)
        if pair in recused:
            return "recused"
        if by_assignment and pair not in pairs and pair not in sheets:
            return "not_assigned"
        return sheets.get(pair, "not_started")

    rows = [
        {
            "entry": entry,
            "cells": [
                (status, labels[status]) for status in (status_of(juror, entry) for juror in jurors)
            ],
        }
        for entry in shown
    ]
    progress = juror_progress(category, jurors, round)
    missing = [juror for juror in jurors if progress[juror.pk].missing > 0]
    return render(
        request,
        "scoring/matrix.html",
        {
            "category": category,
            "jurors": jurors,
            "rows": rows,
            "page": page,
            "progress": [progress[juror.pk] for juror in jurors],
            # A juror kept from every entry (an affiliation with the whole region) shows here.
            "excluded": [
                ngettext("%(count)d entry", "%(count)d entries", count) % {"count": count}
                for count in (progress[juror.pk].recused for juror in jurors)
            ],
            "missing": missing,
            "by_assignment": by_assignment,
            "round": round,
            "can": lifecycle.verdicts(category.edition),
            "mailings": recent_mailings([category]),
        },
    )


@login_required
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair (from the matrix) or an organiser (from the edition's results) reminds."""
    category = get_object_or_404(Category.objects.select_related("edition"), pk=pk)
    chair = permissions.is_chair(request.user, category)
    organiser = permissions.is_organiser(
        request.user, category.edition.competition_id, Duty.RUN_JURY
    )
    if not (chair or organiser):
        raise Http404
    verdict = lifecycle.verdict(Action.REMIND_JURORS, category.edition)
    if verdict:
        mailing = services.request_reminders(category=category, by=request.user)
        send_reminders_task.enqueue(mailing.pk)
        messages.success(request, _("Reminders are being sent to jurors with missing sheets."))
    else:
        messages.error(request, verdict.reason)
    if chair:
        return redirect("scoring:matrix", pk=category.pk)
    return redirect("scoring:edition_results", pk=category.edition_id)


@login_required
def reminders_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the matrix and the edition's results poll while a reminder mailing is sent."""
    mailing = get_object_or_404(ReminderMailing.objects.select_related("category__edition"), pk=pk)
    if not (
        permissions.is_chair(request.user, mailing.category)
        or permissions.is_organiser(
            request.user, mailing.category.edition.competition_id, Duty.RUN_JURY
        )
    ):
        raise Http404
    ReminderMailing.objects.filter(pk=pk).fail_stale()
    mailing.refresh_from_db()
    return JsonResponse(mailing.status_payload())
