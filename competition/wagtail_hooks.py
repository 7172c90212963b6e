"""The organiser's "Competitions" menu in the Wagtail admin."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .models import Category, Competition, Criterion, Edition, Institution


class CompetitionViewSet(ModelViewSet):
    model = Competition
    icon = "trophy"
    menu_label = _("Competitions")
    list_display = ["name", "organiser_name", "slug"]
    search_fields = ["name", "organiser_name"]
    search_backend_name = None
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("organiser_name"),
        FieldPanel("description"),
    ]


class EditionViewSet(ModelViewSet):
    model = Edition
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
            [FieldPanel("frozen_at"), FieldPanel("published_at"), FieldPanel("archived_at")],
            heading=_("Organiser's actions"),
        ),
    ]

    def get_queryset(self, request):
        return Edition.objects.select_related("competition")


class CategoryViewSet(ModelViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    list_display = ["name", "edition", "places", "max_distinctions"]
    list_filter = ["edition"]
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

    def get_queryset(self, request):
        return Category.objects.select_related("edition__competition")


class CriterionViewSet(ModelViewSet):
    model = Criterion
    icon = "list-ol"
    menu_label = _("Criteria")
    list_display = ["name", "edition", "category", "weight", "scale_min", "scale_max", "step"]
    list_filter = ["edition"]
    search_fields = ["name"]
    search_backend_name = None
    panels = [
        FieldPanel("edition"),
        FieldPanel("category"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("scale_min"), FieldPanel("scale_max"), FieldPanel("step")]),
        FieldRowPanel([FieldPanel("weight"), FieldPanel("order"), FieldPanel("tiebreak_order")]),
    ]

    def get_queryset(self, request):
        return Criterion.objects.select_related(
            "edition__competition", "category__edition__competition"
        )


class InstitutionViewSet(ModelViewSet):
    model = Institution
    icon = "home"
    menu_label = _("Institutions")
    list_display = ["name", "kind", "terc", "voivodeship", "is_approved"]
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


class CompetitionsGroup(ModelViewSetGroup):
    menu_label = _("Competitions")
    menu_icon = "trophy"
    menu_order = 200
    items = (
        CompetitionViewSet("competitions"),
        EditionViewSet("editions"),
        CategoryViewSet("categories"),
        CriterionViewSet("criteria"),
        InstitutionViewSet("institutions"),
    )


@hooks.register("register_admin_viewset")
def register_competitions_group():
    return CompetitionsGroup()
