"""The admin shows a team member only their teams' competitions (scoring.permissions).

`TeamScopedViewSet` is mixed into every viewset whose rows belong to a competition: listings,
filters and form choices are narrowed, and a row of another team's competition is not found
(404) by any view of the viewset (edit, inspect, delete, history, usage, copy), nor by a
snippet's chooser (`TeamScopedChooserViewSet`).
"""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.utils.functional import cached_property
from wagtail.snippets.views.chooser import SnippetChooserViewSet

from competition.models import Duty
from scoring import permissions


def scope_choices(fields, user, duty: Duty | str | None = None) -> None:
    """Narrow every choice of a competition's rows among `fields` (a form's fields) in place."""
    for field in fields.values():
        queryset = getattr(field, "queryset", None)
        if isinstance(field, forms.ModelChoiceField) and permissions.is_scoped(queryset.model):
            field.queryset = permissions.organised(queryset, user, duty)


class TeamScopedViewMixin:
    #: The duty each permission action needs, e.g. {"change": Duty.SET_UP}; viewing needs none.
    team_duties: dict[str, Duty] = {}

    def team_duty(self, action: str | None = None) -> Duty | None:
        action = action or getattr(self, "permission_required", None) or "view"
        return self.team_duties.get(action)

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        # The history view lists log entries, which are not rows of a competition.
        if permissions.is_scoped(queryset.model):
            queryset = permissions.organised(queryset, self.request.user)
        return queryset

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if obj is not None and permissions.is_scoped(type(obj)):
            found = permissions.organised(
                type(obj)._default_manager.filter(pk=obj.pk), self.request.user, self.team_duty()
            )
            if not found.exists():
                raise Http404
        return obj

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        scope_choices(form.fields, self.request.user, self.team_duty())
        return form

    @cached_property
    def filters(self):
        filters = super().filters
        if filters is not None:
            scope_choices(filters.form.fields, self.request.user)
        return filters


class TeamScopedViewSet:
    """Mixed into a ModelViewSet or SnippetViewSet of a model that belongs to a competition."""

    team_duties: dict[str, Duty] = {}

    def construct_view(self, view_class, **kwargs):
        view_class = type(
            view_class.__name__,
            (TeamScopedViewMixin, view_class),
            {"team_duties": self.team_duties},
        )
        return super().construct_view(view_class, **kwargs)


class TeamScopedChooserMixin:
    """The chooser lists, finds and returns only rows of the user's competitions."""

    def get_object_list(self):
        return permissions.organised(super().get_object_list(), self.request.user)

    def get_object(self, pk):
        return permissions.organised(self.model_class.objects, self.request.user).get(pk=pk)

    def get_objects(self, pks):
        return permissions.organised(super().get_objects(pks), self.request.user)


class TeamScopedChooserViewSet(SnippetChooserViewSet):
    def construct_view(self, view_class, **kwargs):
        view_class = type(view_class.__name__, (TeamScopedChooserMixin, view_class), {})
        return super().construct_view(view_class, **kwargs)
