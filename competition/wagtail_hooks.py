"""The organiser's "Competitions" menu in the Wagtail admin."""

from __future__ import annotations

import django_filters
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import HeaderButton
from wagtail.log_actions import LogFormatter

from cms import nouns
from cms.admin_display import ReadOnlyPanel, ValueColumn
from cms.admin_scope import TeamScopedViewSet
from cms.nouns import DeclinedViewSet
from scoring.permissions import is_organiser

from . import admin_views, lifecycle
from .admin_views import ConstraintSafeCreateView, ConstraintSafeEditView, ProtectedDeleteView
from .forms import TeamForm
from .lifecycle import Action
from .models import (
    Category,
    Competition,
    Criterion,
    Duty,
    Edition,
    Institution,
    PreselectionRound,
    Team,
)


def index_with_related(*related: str) -> type[IndexView]:
    """An index view that loads the columns' related rows in the same query."""

    class RelatedIndexView(IndexView):
        def get_base_queryset(self):
            return super().get_base_queryset().select_related(*related)

    return RelatedIndexView


def by_edition(model_class) -> type[WagtailFilterSet]:
    """Filter by edition; the choices' labels need their competition, fetched with them."""

    class ByEdition(WagtailFilterSet):
        edition = django_filters.ModelChoiceFilter(
            queryset=Edition.objects.select_related("competition"), label=_("edition")
        )

        class Meta:
            model = model_class
            fields = ["edition"]

    return ByEdition


_SET_UP = {"add": Duty.SET_UP, "change": Duty.SET_UP, "delete": Duty.SET_UP}


class CompetitionViewSet(TeamScopedViewSet, DeclinedViewSet, ModelViewSet):
    noun = nouns.COMPETITION
    team_duties = _SET_UP
    model = Competition
    delete_view_class = ProtectedDeleteView
    icon = "pick"
    menu_label = _("Competitions")
    list_display = ["name", "organiser_name", "slug"]
    search_fields = ["name", "organiser_name"]
    search_backend_name = None
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("organiser_name"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("logo"),
                FieldPanel("accent_colour"),
                FieldRowPanel([FieldPanel("hero_image"), FieldPanel("hero_alt_text")]),
                InlinePanel("partner_logos", label=_("Partner's logo")),
            ],
            heading=_("Branding"),
        ),
    ]


class EditionEditView(EditView):
    """The edition's form with its results and life-cycle actions beside it, in plain sight."""

    @cached_property
    def header_buttons(self):
        buttons = []
        # Only a team that sees results gets the link; for the others it would end in 404.
        if is_organiser(self.request.user, self.object.competition_id, Duty.RESULTS):
            buttons.append(
                HeaderButton(
                    _("Results and freezing"),
                    url=reverse("scoring:edition_results", args=[self.object.pk]),
                    icon_name="tasks",
                    priority=1,
                )
            )
        if (
            lifecycle.allowed(Action.REOPEN_RULES, self.object)
            and self.object.rules_reopened_at is None
        ):
            buttons.append(
                HeaderButton(
                    _("Correct the criteria"),
                    url=reverse("edition_reopen_rules", args=[self.object.pk]),
                    icon_name="edit",
                    priority=2,
                )
            )
        if lifecycle.allowed(Action.ARCHIVE, self.object):
            buttons.append(
                HeaderButton(
                    _("Archive the edition"),
                    url=reverse("edition_archive", args=[self.object.pk]),
                    icon_name="folder-inverse",
                    priority=3,
                )
            )
        return buttons


class EditionViewSet(TeamScopedViewSet, DeclinedViewSet, ModelViewSet):
    team_duties = _SET_UP
    noun = nouns.EDITION
    model = Edition
    delete_view_class = ProtectedDeleteView
    index_view_class = index_with_related("competition")
    icon = "date"
    menu_label = _("Editions")
    list_display = ["__str__", "year", "method", "phase_label"]
    list_filter = ["competition", "year", "method"]
    search_fields = ["competition__name"]
    search_backend_name = None
    panels = [
        FieldPanel("competition"),
        FieldRowPanel([FieldPanel("number"), FieldPanel("year")]),
        MultiFieldPanel(
            [
                FieldPanel("call_opens_at"),
                FieldPanel("submission_deadline"),
                FieldPanel("formal_check_ends_at"),
                FieldPanel("scoring_opens_at"),
                FieldPanel("scoring_closes_at"),
                FieldPanel("results_date"),
            ],
            heading=_("Phase dates"),
        ),
        FieldPanel("method"),
        FieldPanel("entries_per_institution"),
        FieldPanel("required_entry_fields"),
        FieldPanel("min_justification_length"),
        MultiFieldPanel(
            [
                FieldPanel("ceremony_date"),
                FieldPanel("ceremony_place"),
                FieldPanel("diploma_signatures"),
            ],
            heading=_("Diplomas"),
        ),
        # Read-only: freezing, publishing and archiving are actions with their own services
        # (the freeze makes the snapshot); typing a date here would skip them.
        MultiFieldPanel(
            [
                ReadOnlyPanel("frozen_at"),
                ReadOnlyPanel("published_at"),
                ReadOnlyPanel("archived_at"),
            ],
            heading=_("Organiser's actions"),
            help_text=_(
                "Set by the actions: freeze on the results page, publish by approving the "
                "laureate announcement, archive from the dashboard."
            ),
        ),
    ]
    edit_view_class = EditionEditView


class CategoryViewSet(TeamScopedViewSet, DeclinedViewSet, ModelViewSet):
    team_duties = _SET_UP
    noun = nouns.CATEGORY
    model = Category
    delete_view_class = ProtectedDeleteView
    add_view_class = ConstraintSafeCreateView
    edit_view_class = ConstraintSafeEditView
    index_view_class = index_with_related("edition__competition")
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    list_display = ["name", "edition", "places", "max_distinctions"]
    filterset_class = by_edition(Category)
    search_fields = ["name", "edition__competition__name"]
    search_backend_name = None
    panels = [
        FieldPanel("edition"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("eligible_kinds"),
        FieldRowPanel([FieldPanel("places"), FieldPanel("max_distinctions")]),
        FieldPanel("min_award_share"),
        FieldPanel("sort_order"),
        InlinePanel("prizes", heading=_("Prizes (PLN) per place"), label=_("Prize")),
    ]


class CriterionViewSet(TeamScopedViewSet, DeclinedViewSet, ModelViewSet):
    team_duties = _SET_UP
    noun = nouns.CRITERION
    model = Criterion
    delete_view_class = ProtectedDeleteView
    index_view_class = index_with_related("edition__competition", "category__edition__competition")
    icon = "list-ol"
    menu_label = _("Criteria")
    list_display = ["name", "edition", "category", "weight", "scale_min", "scale_max", "step"]
    filterset_class = by_edition(Criterion)
    search_fields = ["name"]
    search_backend_name = None
    panels = [
        FieldPanel("edition"),
        FieldPanel("category"),
        FieldPanel("round"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("scale_min"), FieldPanel("scale_max"), FieldPanel("step")]),
        FieldRowPanel([FieldPanel("weight"), FieldPanel("order"), FieldPanel("tiebreak_order")]),
        FieldPanel("comment_required"),
    ]


class PreselectionRoundViewSet(TeamScopedViewSet, DeclinedViewSet, ModelViewSet):
    """The organiser sets up an edition's pre-selection here; its criteria are the criteria
    that name it (Criteria), its assignment the categories' "k jurors per entry"."""

    team_duties = _SET_UP
    noun = nouns.PRESELECTION_ROUND
    model = PreselectionRound
    delete_view_class = ProtectedDeleteView
    index_view_class = index_with_related("edition__competition")
    icon = "tasks"
    menu_label = _("Pre-selection rounds")
    list_display = ["__str__", "opens_at", "closes_at", "mode", "shortlist_size", "threshold"]
    search_fields = ["edition__competition__name"]
    search_backend_name = None
    panels = [
        FieldPanel("edition"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
        FieldPanel("mode"),
        MultiFieldPanel(
            [FieldPanel("shortlist_size"), FieldPanel("threshold")],
            heading=_("Shortlist per category"),
            help_text=_(
                "The jurors appointed to a category score in both rounds: in the pre-selection "
                "the entries assigned to them (k jurors per entry, when the category has that "
                "rule), in the final every finalist on a fresh score sheet. Its chair confirms "
                "the shortlist after the round closes."
            ),
        ),
        FieldPanel("weight"),
        MultiFieldPanel(
            [ReadOnlyPanel("closed_at"), ReadOnlyPanel("closed_by")],
            heading=_("Organiser's actions"),
            help_text=_("Set by closing the round on the edition's results page."),
        ),
    ]


class InstitutionViewSet(DeclinedViewSet, ModelViewSet):
    noun = nouns.INSTITUTION
    model = Institution
    delete_view_class = ProtectedDeleteView
    icon = "home"
    menu_label = _("Institutions")
    list_display = [
        "name",
        "kind",
        "terc",
        "voivodeship",
        ValueColumn("is_approved", label=_("approved"), sort_key="is_approved"),
    ]
    list_filter = ["is_approved", "kind", "voivodeship"]
    search_fields = ["name", "terc"]
    search_backend_name = None
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("terc"),
        FieldPanel("voivodeship"),
        FieldPanel("address"),
        FieldPanel("website"),
        FieldPanel("is_approved"),
    ]


def _members(team: Team) -> str:
    people = sorted(team.group.user_set.all(), key=lambda user: user.get_username())
    return ", ".join(user.get_full_name() or user.get_username() for user in people) or "—"


def _duties(team: Team) -> str:
    return ", ".join(str(duty.label) for duty in Duty if team.has_duty(duty)) or "—"


class TeamViewSet(DeclinedViewSet, ModelViewSet):
    """Superusers make teams; team members never manage teams (no group is given the rights)."""

    noun = nouns.TEAM
    model = Team
    add_view_class = admin_views.TeamCreateView
    edit_view_class = admin_views.TeamEditView
    index_view_class = admin_views.TeamIndexView
    delete_view_class = admin_views.TeamDeleteView
    icon = "group"
    menu_label = _("Organiser teams")
    list_display = [
        "name",
        Column(
            "competitions",
            label=_("Competitions"),
            accessor=lambda team: ", ".join(c.name for c in team.competitions.all()) or "—",
        ),
        Column("members", label=_("Members"), accessor=_members),
        Column("duties", label=_("Permissions"), accessor=_duties),
    ]
    search_fields = ["name"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("competitions"),
            MultiFieldPanel(
                [FieldPanel(duty.value) for duty in Duty],
                heading=_("What the members may do in these competitions"),
                help_text=_(
                    "Every member sees the team's competitions: their editions, entries, jury and "
                    "results. A person in several teams has what each team gives in its own "
                    "competitions."
                ),
            ),
            FieldPanel("members"),
        ],
        base_form_class=TeamForm,
    )


class CompetitionsGroup(ModelViewSetGroup):
    menu_label = _("Competitions")
    menu_icon = "pick"
    menu_order = 200
    items = (
        CompetitionViewSet("competitions"),
        EditionViewSet("editions"),
        CategoryViewSet("categories"),
        CriterionViewSet("criteria"),
        PreselectionRoundViewSet("preselection_rounds"),
        InstitutionViewSet("institutions"),
        TeamViewSet("organiser_teams"),
    )


@hooks.register("register_admin_viewset")
def register_competitions_group():
    return CompetitionsGroup()


@hooks.register("register_admin_urls")
def edition_action_urls():
    return [
        path(
            "editions/<int:pk>/reopen-rules/",
            admin_views.reopen_rules,
            name="edition_reopen_rules",
        )
    ]


@hooks.register("register_log_actions")
def register_edition_log_actions(actions):
    @actions.register_action("competition.rules_reopened")
    class RulesReopened(LogFormatter):
        label = _("Criteria reopened for a correction")
        message = _("Criteria and award rules reopened for a correction")

        def format_comment(self, log_entry):
            return log_entry.data.get("reason", "")


@hooks.register("register_log_actions")
def register_team_log_actions(actions):
    @actions.register_action("competition.team_changed")
    class TeamChanged(LogFormatter):
        label = _("Organiser team changed")
        message = _("Organiser team saved")

        def format_message(self, log_entry):
            # The history listings show the message only: what changed belongs in it.
            changes = self.format_comment(log_entry)
            return f"{self.message}: {changes}" if changes else str(self.message)

        def format_comment(self, log_entry):
            parts = []
            names = {
                "members": _("members"),
                "competitions": _("competitions"),
                "duties": _("permissions"),
            }
            for key, change in (log_entry.data or {}).items():
                label = names.get(key, key)
                if key == "duties":
                    change = {
                        side: [str(Duty(value).label) for value in values if value in Duty.values]
                        for side, values in change.items()
                    }
                if change.get("added"):
                    parts.append(
                        _("%(what)s added: %(names)s")
                        % {"what": label, "names": ", ".join(change["added"])}
                    )
                if change.get("removed"):
                    parts.append(
                        _("%(what)s removed: %(names)s")
                        % {"what": label, "names": ", ".join(change["removed"])}
                    )
            return "; ".join(parts)
