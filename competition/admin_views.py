"""Admin views of the competitions menu: saving and deleting without 500s on conflicts."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView

from scoring import permissions

from . import lifecycle, services
from .forms import ReopenRulesForm
from .lifecycle import Action
from .models import Duty, Edition


def protected_by(obj) -> list[str]:
    """What keeps `obj` from being deleted, as "entries: 3" lines; empty if it can go.

    Asks Django's own deletion collector, so it follows every PROTECT and RESTRICT foreign
    key (entries, score sheets' scores, awards, decisions, snapshots), not a list kept here.
    """
    collector = Collector(using=router.db_for_write(type(obj)))
    try:
        collector.collect([obj])
    except ProtectedError as error:
        blocking = error.protected_objects
    except RestrictedError as error:
        blocking = error.restricted_objects
    else:
        return []
    counts = Counter(capfirst(str(o._meta.verbose_name_plural)) for o in blocking)
    return [f"{name}: {count}" for name, count in sorted(counts.items())]


class ProtectedDeleteView(DeleteView):
    """Wagtail's delete view that explains a refusal instead of failing with ProtectedError."""

    template_name = "competition/admin/confirm_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["protected_by"] = protected_by(self.object)
        context["is_protected"] = context.get("is_protected") or bool(context["protected_by"])
        return context

    def form_valid(self, form):
        blocking = protected_by(self.object)
        if not blocking:
            try:
                with transaction.atomic():
                    return super().form_valid(form)
            except (ProtectedError, RestrictedError):
                # Something came to depend on it since the check above.
                blocking = protected_by(self.object)
        messages.error(
            self.request,
            _("“%(object)s” cannot be deleted: %(reasons)s.")
            % {"object": self.object, "reasons": "; ".join(blocking)},
        )
        return redirect(self.get_delete_url())


def reopen_rules(request: HttpRequest, pk: int) -> HttpResponse:
    """The correction that lets criteria and award rules change after scoring opened."""
    if not request.user.has_perm("competition.change_edition"):
        raise PermissionDenied
    editions = Edition.objects.select_related("competition")
    edition = get_object_or_404(permissions.organised(editions, request.user, Duty.SET_UP), pk=pk)
    form = ReopenRulesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_rules(
                edition=edition, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Criteria and award rules can be corrected until the results are frozen."),
            )
            return redirect("editions:edit", edition.pk)
    return render(
        request,
        "competition/admin/reopen_rules.html",
        {
            "edition": edition,
            "form": form,
            "verdict": lifecycle.verdict(Action.REOPEN_RULES, edition),
        },
    )


class ConstraintSafeSaveMixin:
    """A save that hits a database constraint (a prize for a place another organiser saved
    meanwhile, two prizes swapping places) becomes a form error, and nothing is saved.

    Only for the category views: the message speaks of prizes.
    """

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except IntegrityError:
            self.produced_error_code = "integrity"
            self.produced_error_message = _("The category could not be saved.")
            form.add_error(
                None,
                _(
                    "This could not be saved: two prizes would have the same place, or someone "
                    "changed this category meanwhile. Reload the page, check the prizes and "
                    "save again."
                ),
            )
            return self.form_invalid(form)


class ConstraintSafeCreateView(ConstraintSafeSaveMixin, CreateView):
    pass


class ConstraintSafeEditView(ConstraintSafeSaveMixin, EditView):
    pass


class TeamSaveMixin:
    """Teams are saved by `services.save_team` (group, permissions, page rights, history)."""

    def save_instance(self):
        return services.save_team(
            team=self.form.save(commit=False),
            members=self.form.cleaned_data["members"],
            competitions=self.form.cleaned_data["competitions"],
            by=self.request.user,
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)


class TeamCreateView(TeamSaveMixin, CreateView):
    pass


class TeamEditView(TeamSaveMixin, EditView):
    pass


class TeamDeleteView(ProtectedDeleteView):
    def delete_action(self):
        services.delete_team(team=self.object, by=self.request.user)


class TeamIndexView(IndexView):
    default_ordering = "name"

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("competitions", "group__user_set")
