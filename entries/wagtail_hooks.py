"""The organiser's "Entries" menu in the Wagtail admin: the entries, spreadsheets, approvals."""

from __future__ import annotations

from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import DateColumn
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.snippets.views.snippets import SnippetViewSet

from cms import nouns
from cms.admin_display import ValueColumn
from cms.admin_scope import TeamScopedChooserViewSet, TeamScopedViewSet
from cms.nouns import DeclinedViewSet
from competition.models import Duty

from . import admin_views
from .models import Entry, Question
from .services import EDITABLE_FIELDS


def _menu_item_for(permission: str) -> type[MenuItem]:
    def is_shown(self, request) -> bool:
        return request.user.has_perm(permission)

    return type("PermissionMenuItem", (MenuItem,), {"is_shown": is_shown})


class EntryViewSet(TeamScopedViewSet, DeclinedViewSet, SnippetViewSet):
    """A snippet viewset because snippets' listings carry bulk actions (the formal check)."""

    team_duties = {"change": Duty.FORMAL_CHECK}
    chooser_viewset_class = TeamScopedChooserViewSet

    noun = nouns.ENTRY

    model = Entry
    icon = "doc-full"
    menu_label = _("Entries")
    # The menu item sits in the "Entries" group, not under "Snippets".
    menu_item_is_registered = True
    url_prefix = "entries"
    url_namespace = "entries_admin"
    index_view_class = admin_views.EntryIndexView
    inspect_view_class = admin_views.EntryInspectView
    inspect_view_enabled = True
    inspect_template_name = "entries/admin/inspect.html"
    filterset_class = admin_views.EntryFilterSet
    list_display = [
        "number",
        "title",
        "institution",
        "category",
        "status",
        DateColumn("submitted_at", label=_("submitted at"), sort_key="submitted_at"),
    ]
    list_per_page = 50
    search_fields = ["title", "institution__name", "number"]
    search_backend_name = None
    ordering = ["edition", "sequence", "pk"]
    inspect_view_fields = [
        "number",
        "edition",
        "category",
        "institution",
        "status",
        "submitted_at",
        "checked_at",
        "checked_by",
        "rejection_reason",
        *EDITABLE_FIELDS,
        "created_by",
        "created_at",
        "updated_at",
    ]
    # Organisers may correct what an entry says; its status changes only through the formal check.
    panels = [
        FieldPanel("title"),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("implementation_start"), FieldPanel("implementation_end")]),
        FieldRowPanel([FieldPanel("budget"), FieldPanel("users_count")]),
        FieldPanel("funding_sources"),
        FieldPanel("public_url"),
        FieldPanel("results"),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
            heading=_("Contact"),
        ),
        FieldPanel("consent_to_publish"),
    ]

    def get_queryset(self, request):
        return Entry.objects.select_related("category__edition__competition", "institution")

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "eligible/<int:pk>/",
                admin_views.MarkEligibleView.as_view(),
                name="mark_eligible",
            ),
            path("reject/<int:pk>/", admin_views.RejectView.as_view(), name="reject"),
            path(
                "attachments/<int:pk>/",
                admin_views.AttachmentDownloadView.as_view(),
                name="attachment",
            ),
            path("answers/<int:pk>/", admin_views.AnswerFileView.as_view(), name="answer_file"),
        ]


class EntrySpreadsheetViewSet(ViewSet):
    name = "entry_spreadsheets"
    url_prefix = "entry-spreadsheets"
    icon = "table"
    menu_label = _("Import and export")

    @cached_property
    def menu_item_class(self):
        return _menu_item_for("entries.change_entry")

    def get_urlpatterns(self):
        return [
            path("", admin_views.SpreadsheetsView.as_view(), name="index"),
            path("export/", admin_views.ExportView.as_view(), name="export"),
            path(
                "export/<int:pk>/status/",
                admin_views.ExportStatusView.as_view(),
                name="export_status",
            ),
            path(
                "export/<int:pk>/",
                admin_views.ExportDownloadView.as_view(),
                name="export_download",
            ),
            path("template/", admin_views.ImportTemplateView.as_view(), name="template"),
            path("report/<str:token>/", admin_views.ImportReportView.as_view(), name="report"),
        ]


class ApprovalViewSet(ViewSet):
    name = "applicant_approvals"
    url_prefix = "applicant-approvals"
    icon = "group"
    menu_label = _("Approvals")

    @cached_property
    def menu_item_class(self):
        return _menu_item_for("entries.change_membership")

    def get_urlpatterns(self):
        decision = "<int:pk>/<str:decision>/"
        return [
            path("", admin_views.ApprovalsView.as_view(), name="index"),
            path(
                f"institutions/{decision}",
                admin_views.InstitutionDecisionView.as_view(),
                name="institution",
            ),
            path(
                f"memberships/{decision}",
                admin_views.MembershipDecisionView.as_view(),
                name="membership",
            ),
        ]


class QuestionViewSet(TeamScopedViewSet, DeclinedViewSet, ModelViewSet):
    """The questions each edition adds to its entry form, filtered by edition like criteria;
    set up by the teams of the edition's competition."""

    team_duties = {
        "add": Duty.SET_UP,
        "change": Duty.SET_UP,
        "delete": Duty.SET_UP,
    }
    noun = nouns.QUESTION
    model = Question
    icon = "form"
    menu_label = _("Entry form questions")
    delete_view_class = admin_views.QuestionDeleteView
    list_display = [
        "label",
        "edition",
        "category",
        "kind",
        ValueColumn("required", label=_("required to submit"), sort_key="required"),
        ValueColumn("for_jury", label=_("for the jury"), sort_key="for_jury"),
        ValueColumn("hidden", label=_("hidden"), sort_key="hidden"),
    ]
    filterset_class = admin_views.QuestionFilterSet
    search_fields = ["label", "label_en"]
    search_backend_name = None
    ordering = ["edition", "order", "pk"]
    panels = [
        FieldPanel("edition"),
        FieldPanel("category"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("code"), FieldPanel("order")]),
        FieldRowPanel([FieldPanel("label"), FieldPanel("label_en")]),
        FieldRowPanel([FieldPanel("help_text"), FieldPanel("help_text_en")]),
        FieldRowPanel([FieldPanel("required"), FieldPanel("for_jury"), FieldPanel("hidden")]),
        MultiFieldPanel(
            [
                FieldPanel("max_length"),
                FieldRowPanel([FieldPanel("min_value"), FieldPanel("max_value")]),
                FieldRowPanel([FieldPanel("choices"), FieldPanel("choices_en")]),
            ],
            heading=_("Limits and options"),
        ),
    ]

    def get_queryset(self, request):
        return Question.objects.select_related("edition__competition", "category")


class EntriesGroup(ModelViewSetGroup):
    menu_label = _("Entries")
    menu_icon = "form"
    menu_order = 210
    items = (
        EntryViewSet(),
        QuestionViewSet("entry_questions"),
        EntrySpreadsheetViewSet(),
        ApprovalViewSet(),
    )


@hooks.register("register_admin_viewset")
def register_entries_group():
    return EntriesGroup()


hooks.register("register_bulk_action", admin_views.MarkEligibleBulkAction)
hooks.register("register_bulk_action", admin_views.RejectBulkAction)
