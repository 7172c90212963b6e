"""The organiser's entry screens in the Wagtail admin.

Every action here goes through `entries.services` (or `entries.spreadsheets` for workbooks); the
views only load objects, check the organiser's model permissions, and turn refusals into messages.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

import django_filters
from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic import (
    DeleteView,
    PermissionCheckedMixin,
    WagtailAdminTemplateMixin,
)
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.snippets import IndexView, InspectView

from cms.admin_scope import scope_choices
from competition import lifecycle
from competition.lifecycle import Action
from competition.models import Category, Duty, Edition, Institution
from competition.teryt import VOIVODESHIP_CHOICES, InstitutionKind
from scoring import permissions

from . import exports
from .models import (
    QUESTION_LOCK_HELP,
    Answer,
    Attachment,
    EntriesExport,
    Entry,
    EntryStatus,
    Membership,
    MembershipStatus,
    Question,
)
from .questions import answer_rows
from .services import (
    approve_institution,
    decide_membership,
    delete_question,
    mark_eligible,
    reject_entry,
    request_export,
)
from .signals import saving_in_bulk
from .spreadsheets import (
    XLSX_CONTENT_TYPE,
    ImportProblem,
    ImportRefused,
    error_report_workbook,
    import_entries,
    import_template_workbook,
    workbook_bytes,
)

CHECKABLE_STATUSES = (EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE, EntryStatus.REJECTED)
_REPORT_SESSION_KEY = "entries_import_report"
_HOME = {"url": reverse_lazy("wagtailadmin_home"), "label": gettext_lazy("Home")}
_ENTRIES = {"url": reverse_lazy("entries_admin:list"), "label": gettext_lazy("Entries")}


def _name(entry: Entry) -> str:
    """How messages name an entry: by its number, or its title before it has one."""
    return entry.number or entry.title


def _refusal(error: ValidationError) -> str:
    return " ".join(error.messages)


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The list and one entry -------------------------------------------------------------------------


class EntryFilterSet(WagtailFilterSet):
    # Related choices are listed with their competition in one query, not one per option.
    edition = django_filters.ModelChoiceFilter(
        label=gettext_lazy("edition"),
        queryset=Edition.objects.select_related("competition"),
    )
    category = django_filters.ModelChoiceFilter(
        label=gettext_lazy("category"),
        queryset=Category.objects.select_related("edition__competition"),
    )
    institution_kind = django_filters.ChoiceFilter(
        label=gettext_lazy("institution kind"),
        field_name="institution__kind",
        choices=InstitutionKind.choices,
        empty_label=gettext_lazy("All"),
    )
    voivodeship = django_filters.ChoiceFilter(
        label=gettext_lazy("województwo"),
        field_name="institution__voivodeship",
        choices=VOIVODESHIP_CHOICES,
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = Entry
        fields = ["edition", "category", "status"]


def formal_check_menu_items(entry: Entry, next_url: str) -> list[MenuItem]:
    """Links to the formal check of an entry that has been sent in; the service decides the rest."""
    if entry.status not in CHECKABLE_STATUSES:
        return []
    if not lifecycle.allowed(Action.FORMAL_CHECK, entry.edition):
        return []
    query = "?" + urlencode({"next": next_url}) if next_url else ""
    return [
        MenuItem(
            _("Mark eligible"),
            reverse("entries_admin:mark_eligible", args=[entry.pk]) + query,
            icon_name="check",
            priority=40,
        ),
        MenuItem(
            _("Reject"),
            reverse("entries_admin:reject", args=[entry.pk]) + query,
            icon_name="cross",
            priority=41,
        ),
    ]


class EntryIndexView(IndexView):
    def get_base_queryset(self):
        # Each row's formal-check buttons ask its edition's phase: fetched with the row.
        return super().get_base_queryset().select_related("edition")

    def get_edit_url(self, instance):
        # Organisers read entries far more than they correct them: titles open the entry.
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.can_check:
            buttons += formal_check_menu_items(instance, self.listing_url)
        return buttons

    @cached_property
    def can_check(self) -> bool:
        return self.user_has_permission("change")

    @cached_property
    def listing_url(self) -> str:
        # The results view answers the listing's AJAX; after an action go back to the full page.
        query = self.request.GET.urlencode()
        return reverse("entries_admin:list") + (f"?{query}" if query else "")

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.can_check:
            buttons.append(
                HeaderButton(
                    _("Import and export"),
                    url=reverse("entry_spreadsheets:index"),
                    icon_name="table",
                    priority=50,
                )
            )
        return buttons


class EntryInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            Entry.objects.select_related(
                "edition__competition", "category", "institution", "created_by", "checked_by"
            ).prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))),
            pk=unquote(str(self.pk)),
        )

    def get_description_display_value(self):
        # Rendered and sanitised with an allow-list when the entry was saved (entries.text).
        return mark_safe(self.object.description_html)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        can_check = self.user_has_permission("change")
        context.update(
            institution=self.object.institution,
            attachments=[
                (attachment, reverse("entries_admin:attachment", args=[attachment.pk]))
                for attachment in self.object.attachments.all()
            ],
            answers=answer_rows(
                self.object,
                file_url=lambda answer: reverse("entries_admin:answer_file", args=[answer.pk]),
            ),
            check_actions=formal_check_menu_items(self.object, "") if can_check else [],
            check_verdict=lifecycle.verdict(Action.FORMAL_CHECK, self.object.edition),
        )
        return context


class AttachmentDownloadView(PermissionCheckedMixin, View):
    """Attachments live in private storage; only someone who may view entries gets them."""

    model = Entry
    permission_required = "view"

    def get(self, request, pk):
        attachment = get_object_or_404(
            permissions.organised(Attachment.objects, request.user), pk=pk
        )
        try:
            handle = attachment.file.storage.open(attachment.file.name, "rb")
        except FileNotFoundError:
            raise Http404(_("The file of this attachment is missing.")) from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )


class AnswerFileView(PermissionCheckedMixin, View):
    """A file answer, kept in private storage like an attachment, to whoever may view entries."""

    model = Entry
    permission_required = "view"

    def get(self, request, pk):
        # Another team's competition's answers are not found (scoring.permissions.organised).
        answers = permissions.organised(Answer.objects, request.user).exclude(file="")
        answer = get_object_or_404(answers, pk=pk)
        try:
            handle = answer.file.storage.open(answer.file.name, "rb")
        except FileNotFoundError:
            raise Http404(_("The file of this attachment is missing.")) from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=answer.original_name,
            content_type=answer.content_type,
        )


# Formal check -----------------------------------------------------------------------------------


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the rejection"),
        help_text=gettext_lazy("The applicants receive it by e-mail."),
        max_length=Entry._meta.get_field("rejection_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": gettext_lazy(
                "Write the reason for the rejection; the applicants will receive it by e-mail."
            )
        },
    )


class EntryCheckMixin(PermissionCheckedMixin, WagtailAdminTemplateMixin):
    model = Entry
    permission_required = "change"
    header_icon = "doc-full"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        entries = Entry.objects.select_related("edition__competition", "institution")
        self.entry = get_object_or_404(
            permissions.organised(entries, request.user, Duty.FORMAL_CHECK), pk=kwargs["pk"]
        )
        self.next_url = get_valid_next_url_from_request(request)

    def get_page_subtitle(self):
        return str(self.entry)

    def get_breadcrumbs_items(self):
        return [
            _HOME,
            _ENTRIES,
            {"url": self.inspect_url, "label": str(self.entry)},
            {"url": "", "label": self.get_page_title()},
        ]

    @cached_property
    def inspect_url(self) -> str:
        return reverse("entries_admin:inspect", args=[self.entry.pk])

    def done(self):
        return redirect(self.next_url or self.inspect_url)

    def get(self, request, *args, **kwargs):
        # Offer the form only when the check is possible now; otherwise say why and from when.
        verdict = lifecycle.verdict(Action.FORMAL_CHECK, self.entry.edition)
        if not verdict:
            messages.error(request, verdict.reason)
            return self.done()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            entry=self.entry,
            next=self.next_url,
            cancel_url=self.next_url or self.inspect_url,
            **kwargs,
        )


class MarkEligibleView(EntryCheckMixin, TemplateView):
    page_title = gettext_lazy("Mark eligible")
    template_name = "entries/admin/mark_eligible.html"

    def post(self, request, *args, **kwargs):
        try:
            entry = mark_eligible(entry=self.entry, by=request.user)
        except ValidationError as error:
            messages.error(request, _refusal(error))
        else:
            messages.success(request, _("Entry %(entry)s is eligible.") % {"entry": _name(entry)})
        return self.done()


class RejectView(EntryCheckMixin, FormView):
    page_title = gettext_lazy("Reject")
    template_name = "entries/admin/reject.html"
    form_class = RejectionForm

    def form_valid(self, form):
        try:
            entry = reject_entry(
                entry=self.entry, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(self.request, _refusal(error))
        else:
            messages.success(
                self.request, _("Entry %(entry)s is rejected.") % {"entry": _name(entry)}
            )
        return self.done()


class _CheckRefused(Exception):
    def __init__(self, entry: Entry, error: ValidationError):
        super().__init__(str(entry))
        self.entry, self.error = entry, error


class FormalCheckBulkAction(SnippetBulkAction):
    """All the selected entries change, or none does: one transaction around all of them."""

    models = [Entry]

    def __init__(self, request, model):
        super().__init__(request, model)
        if not get_valid_next_url_from_request(request):
            self.next_url = reverse("entries_admin:list")

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def check_perm(self, entry):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", entry
        ) and permissions.is_organiser(
            self.request.user, entry.edition.competition_id, Duty.FORMAL_CHECK
        )

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except _CheckRefused as refused:
            messages.error(
                self.request,
                _("Nothing was changed: entry %(entry)s cannot be checked. %(reason)s")
                % {"entry": _name(refused.entry), "reason": _refusal(refused.error)},
            )
            return redirect(self.next_url)


class MarkEligibleBulkAction(FormalCheckBulkAction):
    display_name = gettext_lazy("Mark eligible")
    action_type = "mark_eligible"
    aria_label = gettext_lazy("Mark the selected entries eligible")
    template_name = "entries/admin/bulk_mark_eligible.html"
    action_priority = 10

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        with transaction.atomic(), saving_in_bulk():
            for entry in objects:
                try:
                    mark_eligible(entry=entry, by=user)
                except ValidationError as error:
                    raise _CheckRefused(entry, error) from error
        return len(objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d entry marked eligible.",
            "%(count)d entries marked eligible.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


class RejectBulkAction(FormalCheckBulkAction):
    display_name = gettext_lazy("Reject")
    action_type = "reject"
    aria_label = gettext_lazy("Reject the selected entries")
    template_name = "entries/admin/bulk_reject.html"
    action_priority = 11
    form_class = RejectionForm

    def get_execution_context(self):
        return {
            **super().get_execution_context(),
            "reason": self.cleaned_form.cleaned_data["reason"],
        }

    @classmethod
    def execute_action(cls, objects, user=None, reason="", **kwargs):
        with transaction.atomic(), saving_in_bulk():
            for entry in objects:
                try:
                    reject_entry(entry=entry, by=user, reason=reason)
                except ValidationError as error:
                    raise _CheckRefused(entry, error) from error
        return len(objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d entry rejected.",
            "%(count)d entries rejected.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


# Import and export ------------------------------------------------------------------------------


class ExportForm(forms.Form):
    edition = forms.ModelChoiceField(
        label=capfirst(gettext_lazy("edition")),
        queryset=Edition.objects.select_related("competition"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope_choices(self.fields, user)


class ImportForm(forms.Form):
    edition = forms.ModelChoiceField(
        label=capfirst(gettext_lazy("edition")),
        queryset=Edition.objects.select_related("competition"),
    )
    file = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx)"),
        help_text=gettext_lazy("Fill in the template; every row becomes a submitted entry."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope_choices(self.fields, user, Duty.FORMAL_CHECK)


class SpreadsheetMixin(PermissionCheckedMixin, WagtailAdminTemplateMixin):
    model = Entry
    permission_required = "change"
    header_icon = "table"
    page_title = gettext_lazy("Import and export")

    def get_breadcrumbs_items(self):
        return [_HOME, _ENTRIES, {"url": "", "label": self.get_page_title()}]


class SpreadsheetsView(SpreadsheetMixin, TemplateView):
    template_name = "entries/admin/spreadsheets.html"

    def get_context_data(self, **kwargs):
        exports = permissions.organised(EntriesExport.objects, self.request.user)
        exports.fail_stale()
        kwargs["exports"] = exports.select_related("edition__competition", "requested_by")[:10]
        # Editions with their own questions get a template with a column for each.
        kwargs["editions_with_questions"] = (
            Edition.objects.filter(questions__isnull=False).distinct().select_related("competition")
        )
        return super().get_context_data(**kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(
                export_form=ExportForm(user=request.user),
                import_form=ImportForm(user=request.user),
            )
        )

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES, user=request.user)
        context = {"export_form": ExportForm(user=request.user), "import_form": form}
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(**context))
        edition = form.cleaned_data["edition"]
        try:
            entries = import_entries(
                edition=edition, workbook_file=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            form.add_error("file", error)
            return self.render_to_response(self.get_context_data(**context))
        except ImportRefused as refused:
            token = secrets.token_urlsafe(16)
            request.session[_REPORT_SESSION_KEY] = {
                "token": token,
                "problems": [problem.as_list() for problem in refused.problems],
            }
            context.update(
                problems=refused.problems,
                report_url=reverse("entry_spreadsheets:report", args=[token]),
            )
            return self.render_to_response(self.get_context_data(**context))
        messages.success(
            request,
            ngettext(
                "Imported %(count)d entry: %(numbers)s.",
                "Imported %(count)d entries: %(numbers)s.",
                len(entries),
            )
            % {"count": len(entries), "numbers": ", ".join(entry.number for entry in entries)},
        )
        return redirect(reverse("entries_admin:list") + f"?edition={edition.pk}")


class ExportView(SpreadsheetMixin, View):
    """Asks the worker for the edition's workbook; the page then shows its progress."""

    permission_required = "view"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ExportForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Choose the edition to export."))
            return redirect("entry_spreadsheets:index")
        request_export(
            edition=form.cleaned_data["edition"],
            by=request.user,
            language=translation.get_language() or exports.DEFAULT_LANGUAGE,
        )
        messages.success(
            request, _("The export is being prepared; it will be listed below when ready.")
        )
        return redirect("entry_spreadsheets:index")


class ExportStatusView(SpreadsheetMixin, View):
    permission_required = "view"

    def get(self, request, pk, *args, **kwargs):
        mine = permissions.organised(EntriesExport.objects, request.user)
        mine.filter(pk=pk).fail_stale()
        return JsonResponse(get_object_or_404(mine, pk=pk).status_payload())


class ExportDownloadView(SpreadsheetMixin, View):
    permission_required = "view"

    def get(self, request, pk, *args, **kwargs):
        export = get_object_or_404(
            permissions.organised(EntriesExport.objects, request.user).select_related(
                "edition__competition"
            ),
            pk=pk,
            status=EntriesExport.Status.DONE,
        )
        return FileResponse(
            exports.open_file(export),
            as_attachment=True,
            filename=exports.download_name(export),
            content_type=XLSX_CONTENT_TYPE,
        )


class ImportTemplateView(SpreadsheetMixin, View):
    """The template; `?edition=` adds a column for each of the edition's questions."""

    def get(self, request, *args, **kwargs):
        edition = None
        if (pk := request.GET.get("edition", "")).isdigit():
            edition = get_object_or_404(Edition, pk=pk)
        return _xlsx_response(
            workbook_bytes(import_template_workbook(edition)), "import-template.xlsx"
        )


class ImportReportView(SpreadsheetMixin, View):
    """The problems of this person's last refused import, as a workbook."""

    def get(self, request, token, *args, **kwargs):
        report = request.session.get(_REPORT_SESSION_KEY) or {}
        if not secrets.compare_digest(str(report.get("token", "")), token):
            raise Http404(_("This report is no longer available; import the file again."))
        problems = [ImportProblem.from_list(values) for values in report["problems"]]
        content = workbook_bytes(error_report_workbook(problems))
        return _xlsx_response(content, "import-problems.xlsx")


# Approvals of applicants ------------------------------------------------------------------------


def pending_institutions():
    """New institutions whose applicants still wait; their registrant is decided with them."""
    waiting = Membership.objects.filter(institution=OuterRef("pk"), status=MembershipStatus.PENDING)
    return (
        Institution.objects.filter(is_approved=False)
        .filter(Exists(waiting))
        .select_related("registered_by")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(status=MembershipStatus.PENDING)
                .select_related("user")
                .order_by("created_at", "pk"),
                to_attr="waiting",
            )
        )
        .order_by("name")
    )


def pending_memberships():
    return (
        Membership.objects.filter(status=MembershipStatus.PENDING, institution__is_approved=True)
        .select_related("user", "institution")
        .order_by("created_at", "pk")
    )


class ApprovalMixin(PermissionCheckedMixin):
    model = Membership
    permission_required = "change"


class ApprovalsView(ApprovalMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "entries/admin/approvals.html"
    page_title = gettext_lazy("Approvals")
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return [_HOME, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            institutions=pending_institutions(), memberships=pending_memberships(), **kwargs
        )


class InstitutionDecisionView(ApprovalMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, decision):
        if decision not in ("approve", "reject"):
            raise Http404
        institution = get_object_or_404(Institution, pk=pk, is_approved=False)
        if decision == "approve":
            approve_institution(institution=institution, by=request.user)
            messages.success(request, _("“%(name)s” is approved.") % {"name": institution.name})
        else:
            waiting = institution.memberships.filter(status=MembershipStatus.PENDING)
            for membership in waiting.select_related("institution"):
                decide_membership(membership=membership, by=request.user, approve=False)
            messages.success(
                request,
                _("“%(name)s” is rejected; its applicants were refused.")
                % {"name": institution.name},
            )
        return redirect("applicant_approvals:index")


class MembershipDecisionView(ApprovalMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, decision):
        if decision not in ("approve", "reject"):
            raise Http404
        membership = get_object_or_404(
            Membership.objects.select_related("user", "institution"),
            pk=pk,
            status=MembershipStatus.PENDING,
        )
        approve = decision == "approve"
        decide_membership(membership=membership, by=request.user, approve=approve)
        message = (
            _("%(user)s may now act for “%(institution)s”.")
            if approve
            else _("%(user)s was refused for “%(institution)s”.")
        )
        messages.success(
            request,
            message
            % {
                "user": membership.user.get_full_name() or membership.user.get_username(),
                "institution": membership.institution.name,
            },
        )
        return redirect("applicant_approvals:index")


# Entry form questions ---------------------------------------------------------------------------


class QuestionFilterSet(WagtailFilterSet):
    edition = django_filters.ModelChoiceFilter(
        label=gettext_lazy("edition"),
        queryset=Edition.objects.select_related("competition"),
    )

    class Meta:
        model = Question
        fields = ["edition", "kind", "hidden"]


class QuestionDeleteView(DeleteView):
    """Deleting through the service, which refuses once the edition's first entry is submitted."""

    template_name = "competition/admin/confirm_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.is_locked:
            context["protected_by"] = [str(QUESTION_LOCK_HELP)]
            context["is_protected"] = True
        return context

    def delete_action(self):
        delete_question(question=self.object)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            messages.error(self.request, _refusal(error))
            return redirect(self.get_delete_url())
