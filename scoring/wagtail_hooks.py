"""The organiser's "Jury" menu in the Wagtail admin: appointments, profiles, conflicts, audit."""

from __future__ import annotations

from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Permission
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from cms import nouns
from cms.admin_scope import TeamScopedViewSet
from cms.nouns import DeclinedViewSet
from competition.models import Duty

from . import admin_views
from .assignment import admin_views as assignment
from .models import AssignmentAudit, JurorProfile, Recusal, ScoreSheetAudit


class LimitedModelViewSet(ModelViewSet):
    """Only the views named in `views` exist: what nobody may do in the admin has no URL at all."""

    views: tuple[str, ...] = ("index", "index_results", "inspect")
    #: The model permissions that mean something here, offered when editing a group.
    permission_actions: tuple[str, ...] = ("view",)
    copy_view_enabled = False
    add_to_reference_index = False
    _url_name_kwargs = {
        "add": "add_url_name",
        "edit": "edit_url_name",
        "delete": "delete_url_name",
        "history": "history_url_name",
        "usage": "usage_url_name",
        "inspect": "inspect_url_name",
    }

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for view, kwarg in self._url_name_kwargs.items():
            if view not in self.views:
                view_kwargs[kwarg] = None
        return view_kwargs

    def get_urlpatterns(self):
        # Built here rather than filtered from the parent's list, which constructs every view.
        pk = f"<{self.pk_path_converter}:pk>"
        routes = {
            "index": ("", "index_view"),
            "index_results": ("results/", "index_results_view"),
            "add": ("new/", "add_view"),
            "edit": (f"edit/{pk}/", "edit_view"),
            "history": (f"history/{pk}/", "history_view"),
            "history_results": (f"history-results/{pk}/", "history_results_view"),
            "inspect": (f"inspect/{pk}/", "inspect_view"),
        }
        return [
            path(route, getattr(self, view), name=name)
            for name, (route, view) in routes.items()
            if name in self.views
        ]

    def get_permissions_to_register(self):
        codenames = [
            get_permission_codename(action, self.model_opts) for action in self.permission_actions
        ]
        return super().get_permissions_to_register().filter(codename__in=codenames)

    @property
    def url_finder_class(self):
        finder = super().url_finder_class
        if "edit" not in self.views:
            finder.edit_url_name = self.get_url_name("inspect")
        return finder


def _menu_item_for(permission: str) -> type[MenuItem]:
    def is_shown(self, request) -> bool:
        return request.user.has_perm(permission)

    return type("PermissionMenuItem", (MenuItem,), {"is_shown": is_shown})


class AppointmentViewSet(ViewSet):
    name = "jury_appointments"
    url_prefix = "jury-appointments"
    icon = "group"
    menu_label = _("Appointments")

    @cached_property
    def menu_item_class(self):
        return _menu_item_for("scoring.view_categoryuserobjectpermission")

    def get_urlpatterns(self):
        juror = "<int:pk>/jurors/<int:user_pk>/"
        index = admin_views.JuryIndexView.as_view(
            index_url_name="jury_appointments:index",
            index_results_url_name="jury_appointments:index_results",
        )
        results = admin_views.JuryIndexView.as_view(
            index_url_name="jury_appointments:index",
            index_results_url_name="jury_appointments:index_results",
            results_only=True,
        )
        return [
            path("", index, name="index"),
            path("results/", results, name="index_results"),
            path("<int:pk>/", admin_views.CategoryJuryView.as_view(), name="category"),
            path("<int:pk>/appoint/", admin_views.AppointView.as_view(), name="appoint"),
            path("<int:pk>/invite/", admin_views.InviteView.as_view(), name="invite"),
            path(f"{juror}dismiss/", admin_views.DismissView.as_view(), name="dismiss"),
            path(f"{juror}chair/", admin_views.MakeChairView.as_view(), name="make_chair"),
            path(f"{juror}unchair/", admin_views.RemoveChairView.as_view(), name="remove_chair"),
            path("<int:pk>/assignment/", assignment.AssignmentView.as_view(), name="assignment"),
            path(
                "<int:pk>/assignment/rule/", assignment.RuleView.as_view(), name="assignment_rule"
            ),
            path("<int:pk>/assignment/cap/", assignment.CapView.as_view(), name="assignment_cap"),
            path(
                "<int:pk>/assignment/confirm/",
                assignment.ConfirmView.as_view(),
                name="assignment_confirm",
            ),
            path(
                "<int:pk>/assignment/move/", assignment.MoveView.as_view(), name="assignment_move"
            ),
        ]


class JurorProfileViewSet(DeclinedViewSet, LimitedModelViewSet):
    """Saving a profile recomputes the juror's automatic conflicts (scoring.signals).

    There is no delete view: clearing the affiliation is how a profile stops causing conflicts,
    and only a save brings the automatic conflicts up to date.
    """

    noun = nouns.JUROR_PROFILE

    model = JurorProfile
    name = "juror_profiles"
    url_prefix = "juror-profiles"
    views = ("index", "index_results", "add", "edit", "history", "history_results")
    index_view_class = admin_views.JurorProfileIndexView
    permission_actions = ("view", "add", "change")
    icon = "user"
    menu_label = _("Juror profiles")
    list_display = ["user", "user__email", "affiliation"]
    search_fields = [
        "user__username",
        "user__email",
        "user__first_name",
        "user__last_name",
        "affiliation__name",
    ]
    search_backend_name = None
    panels = [
        FieldPanel("user"),
        FieldPanel("affiliation"),
        FieldPanel("feminine_titles"),
        FieldPanel("photo"),
    ]

    def construct_view(self, view_class, **kwargs):
        if view_class is not self.index_view_class and hasattr(view_class, "get_object"):
            view_class = type(
                view_class.__name__, (admin_views.JurorProfileScopeMixin, view_class), {}
            )
        return super().construct_view(view_class, **kwargs)


class RecusalViewSet(TeamScopedViewSet, DeclinedViewSet, LimitedModelViewSet):
    """Conflicts are declared by jurors or found from affiliations; organisers only lift them."""

    team_duties = {"change": Duty.RUN_JURY}

    noun = nouns.CONFLICT

    model = Recusal
    name = "conflicts"
    icon = "warning"
    menu_label = _("Conflicts of interest")
    index_view_class = admin_views.RecusalIndexView
    permission_actions = ("view", "change")
    inspect_view_class = admin_views.RecusalInspectView
    inspect_view_enabled = True
    filterset_class = admin_views.RecusalFilterSet
    list_display = [
        "juror",
        "entry",
        "kind",
        "reason",
        Column(
            "state",
            label=_("state"),
            accessor=lambda recusal: _("active") if recusal.is_active else _("lifted"),
        ),
        Column("lifted_at", label=_("lifted at")),
        "lifted_by",
        "lift_justification",
    ]
    search_fields = ["juror__username", "juror__email", "entry__title", "entry__number"]
    search_backend_name = None
    inspect_view_fields = [
        "juror",
        "entry",
        "kind",
        "reason",
        "created_at",
        "lifted_at",
        "lifted_by",
        "lift_justification",
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("lift/<int:pk>/", admin_views.LiftRecusalView.as_view(), name="lift"),
            path("record/", admin_views.LateConflictView.as_view(), name="record"),
        ]


class ScoreSheetAuditViewSet(TeamScopedViewSet, DeclinedViewSet, LimitedModelViewSet):
    """Append-only: a list and one change, nothing that writes."""

    noun = nouns.SHEET_CHANGE

    model = ScoreSheetAudit
    name = "score_sheet_audit"
    url_prefix = "score-sheet-audit"
    icon = "history"
    menu_label = _("Audit log")
    index_view_class = admin_views.AuditIndexView
    inspect_view_class = admin_views.AuditInspectView
    inspect_view_enabled = True
    filterset_class = admin_views.AuditFilterSet
    list_display = [
        "at",
        "by",
        Column("action", label=_("action"), accessor=lambda a: admin_views.action_label(a.action)),
        Column("entry", label=_("entry"), accessor="sheet.entry"),
        Column("juror", label=_("juror"), accessor="sheet.juror"),
        Column("changes", label=_("changes"), accessor="changes_html"),
    ]
    inspect_view_fields = ["at", "by", "action", "sheet", "old_values", "new_values"]


def _pairs_count(pairs: list) -> str:
    """How many pairs a change added or removed; the pairs themselves are on its own page."""
    if not pairs:
        return "—"
    return ngettext("%(count)d pair", "%(count)d pairs", len(pairs)) % {"count": len(pairs)}


class AssignmentAuditViewSet(TeamScopedViewSet, DeclinedViewSet, LimitedModelViewSet):
    """The assignments' append-only log beside the score sheets' (Jury › Assignment changes)."""

    noun = nouns.ASSIGNMENT_CHANGE

    model = AssignmentAudit
    name = "assignment_audit"
    url_prefix = "assignment-audit"
    icon = "history"
    menu_label = _("Assignment changes")
    inspect_view_enabled = True
    inspect_view_class = assignment.AssignmentAuditInspectView
    list_filter = ["action"]
    list_display = [
        "at",
        "by",
        Column("category", label=_("category"), accessor="category"),
        Column("action", label=_("action"), accessor="get_action_display"),
        Column("added", label=_("added"), accessor=lambda a: _pairs_count(a.added)),
        Column("removed", label=_("removed"), accessor=lambda a: _pairs_count(a.removed)),
    ]
    inspect_view_fields = ["at", "by", "category", "action", "added", "removed", "details"]

    def get_queryset(self, request):
        return AssignmentAudit.objects.select_related("by", "category__edition__competition")


class JuryGroup(ModelViewSetGroup):
    menu_label = _("Jury")
    menu_icon = "group"
    menu_order = 220
    items = (
        AppointmentViewSet(),
        JurorProfileViewSet(),
        RecusalViewSet(),
        ScoreSheetAuditViewSet(),
        AssignmentAuditViewSet(),
    )


@hooks.register("register_admin_viewset")
def register_jury_group():
    return JuryGroup()


@hooks.register("register_permissions")
def register_appointment_permissions():
    """Let administrators grant the right to appoint juries to other groups too."""
    return Permission.objects.filter(
        content_type__app_label="scoring", content_type__model="categoryuserobjectpermission"
    )
