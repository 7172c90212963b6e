"""A juror's marks on a category's entries before they are assigned (the public site)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from competition import lifecycle
from competition.lifecycle import Action

from ..views import _get_category_for_juror
from . import services
from .forms import PreferencesForm
from .models import Assignment, AssignmentPreference
from .queries import assigned_only, eligible_entries


@login_required
def preferences(request: HttpRequest, pk: int) -> HttpResponse:
    category = _get_category_for_juror(request, pk)
    if not assigned_only(category):
        raise Http404
    entries = eligible_entries(category).select_related("institution").order_by("sequence", "pk")
    marks = dict(
        AssignmentPreference.objects.filter(
            juror=request.user, entry__category=category
        ).values_list("entry_id", "level")
    )
    assigned = Assignment.objects.filter(entry__category=category).exists()
    can_mark = lifecycle.verdict(Action.MARK_PREFERENCES, category.edition)
    form = PreferencesForm(
        request.POST or None, entries=entries, marks=marks, locked=assigned or not can_mark
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = services.mark_preferences(
                juror=request.user, category=category, levels=form.levels()
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                ngettext(
                    "Saved: %(count)d entry marked.", "Saved: %(count)d entries marked.", count
                )
                % {"count": count},
            )
            return redirect("scoring:preferences", pk=category.pk)
    return render(
        request,
        "scoring/preferences.html",
        {
            "category": category,
            "form": form,
            "assigned": assigned,
            "can_mark": can_mark,
        },
    )
