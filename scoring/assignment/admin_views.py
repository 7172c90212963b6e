"""The organiser's assignment screen in the Wagtail admin: rule, proposal, confirmation, moves.

Thin views over `scoring.assignment.services`; a refusal becomes a message and nothing is
saved. Mutating views are POST-only.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic import InspectView, WagtailAdminTemplateMixin

from competition import lifecycle
from competition.lifecycle import Action
from competition.models import Category, Duty
from entries.models import Entry

from .. import permissions
from ..admin_views import _HOME, AppointmentPermissionMixin, person
from ..models import Recusal, ScoreSheet
from . import services, solver
from .forms import EVERYONE, K_PER_ENTRY, CapForm, ConfirmForm, MoveForm, RuleForm
from .models import Assignment, AssignmentAudit, AssignmentPreference, JurorLoadCap
from .queries import eligible_entries, jurors_per_entry

# Entries per page of the organiser's jurors × entries table.
ROWS_PER_PAGE = 50
# The latest changes shown under the screen; all of them stay in AssignmentAudit.
CHANGES_SHOWN = 20


class CategoryAssignmentMixin(AppointmentPermissionMixin):
    """Assignments are part of the jury's appointment: its model permissions guard them."""

    permission_required = "change"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Another team's category is not found: assigning is part of running its jury.
        categories = permissions.organised(Category.objects, request.user, Duty.RUN_JURY)
        self.category = get_object_or_404(
            categories.select_related("edition__competition", "assignment_rule"),
            pk=kwargs["pk"],
        )

    @cached_property
    def assignment_url(self) -> str:
        return reverse("jury_appointments:assignment", args=[self.category.pk])


class AssignmentView(CategoryAssignmentMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "scoring/admin/assignment.html"
    page_title = gettext_lazy("Assignment of entries to jurors")
    header_icon = "group"

    def get_page_subtitle(self):
        return str(self.category)

    def get_breadcrumbs_items(self):
        return [
            _HOME,
            {"url": reverse("jury_appointments:index"), "label": _("Appointments")},
            {
                "url": reverse("jury_appointments:category", args=[self.category.pk]),
                "label": _("Jury of the category"),
            },
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        k = jurors_per_entry(self.category)
        jurors = list(permissions.jurors_of(self.category))
        entries = eligible_entries(self.category).select_related("institution")
        context = {
            "category": self.category,
            "k": k,
            "jurors": jurors,
            "can": lifecycle.verdict(Action.ASSIGN, self.category.edition),
            "rule_form": kwargs.pop("rule_form", None)
            or RuleForm(
                initial={"mode": K_PER_ENTRY if k else EVERYONE, "jurors_per_entry": k or 3}
            ),
        }
        # The category's log: every rule change, confirmation, move and cap, newest first.
        context["changes"] = list(
            AssignmentAudit.objects.filter(category=self.category).select_related("by")[
                :CHANGES_SHOWN
            ]
        )
        if k is None:
            return super().get_context_data(**context, **kwargs)
        jury = permissions.jurors_of(self.category)
        context["cap_form"] = CapForm(jurors=jury)
        context["move_form"] = MoveForm(entries=entries.order_by("sequence", "pk"), jurors=jury)
        caps = dict(
            JurorLoadCap.objects.filter(category=self.category).values_list(
                "juror_id", "max_entries"
            )
        )
        proposal = None
        if self.request.GET.get("propozycja"):
            try:
                proposal = services.propose(category=self.category)
            except ValidationError as error:
                context["proposal_error"] = error.messages[0]
        pairs = proposal.solution.pairs if proposal else self._current_pairs(entries, jurors)
        page = Paginator(entries.order_by("sequence", "pk"), ROWS_PER_PAGE).get_page(
            self.request.GET.get("strona")
        )
        context.update(
            proposal=proposal,
            confirm_form=ConfirmForm(initial={"digest": proposal.digest}) if proposal else None,
            page=page,
            rows=self._rows(list(page.object_list), jurors, pairs, proposal),
            loads=self._loads(jurors, pairs, proposal, caps),
            connected=solver.is_connected(pairs),
            assigned_count=len(pairs),
        )
        if proposal:
            context["summary"] = self._summary(proposal)
        return super().get_context_data(**context, **kwargs)

    def _current_pairs(self, entries, jurors) -> frozenset:
        return frozenset(
            Assignment.objects.filter(entry__in=entries, juror__in=jurors).values_list(
                "juror_id", "entry_id"
            )
        )

    def _rows(self, shown, jurors, pairs, proposal) -> list[dict]:
        """One row per entry of the page; a cell says assigned, new, started, conflict, mark."""
        ids = [e.pk for e in shown]
        conflicts = set(
            Recusal.objects.filter(entry__in=ids, lifted_at__isnull=True).values_list(
                "juror_id", "entry_id"
            )
        )
        started = set(ScoreSheet.objects.filter(entry__in=ids).values_list("juror_id", "entry_id"))
        marks = dict(
            ((j, e), level)
            for j, e, level in AssignmentPreference.objects.filter(entry__in=ids).values_list(
                "juror_id", "entry_id", "level"
            )
        )
        current = proposal.problem.current if proposal else pairs
        labels = {
            "started": _("assigned, sheet started"),
            "kept": _("assigned"),
            "new": _("newly assigned"),
            "dropped": _("no longer assigned"),
            "conflict": _("conflict of interest"),
            "free": _("not assigned"),
        }
        mark_labels = {
            "want": _("wants to score it"),
            "can": _("can score it"),
            "avoid": _("would rather not"),
        }
        rows = []
        for entry in shown:
            cells = []
            for juror in jurors:
                pair = (juror.pk, entry.pk)
                if pair in conflicts:
                    state = "conflict"
                elif pair in pairs:
                    state = (
                        "started"
                        if pair in started
                        else ("kept" if pair in current or not proposal else "new")
                    )
                elif proposal and pair in current:
                    state = "dropped"
                else:
                    state = "free"
                mark = marks.get(pair)
                cells.append(
                    {
                        "state": state,
                        "label": labels[state],
                        "mark": mark,
                        "mark_label": mark_labels.get(mark, ""),
                    }
                )
            rows.append({"entry": entry, "cells": cells})
        return rows

    def _loads(self, jurors, pairs, proposal, caps) -> list[dict]:
        counts = dict.fromkeys((j.pk for j in jurors), 0)
        for j, _e in pairs:
            if j in counts:
                counts[j] += 1
        before = dict.fromkeys(counts, 0)
        if proposal:
            for j, _e in proposal.problem.current:
                before[j] = before.get(j, 0) + 1
        return [
            {
                "juror": juror,
                "name": person(juror),
                "load": counts[juror.pk],
                "before": before[juror.pk],
                "cap": caps.get(juror.pk),
            }
            for juror in jurors
        ]

    def _summary(self, proposal: services.Proposal) -> dict:
        solution = proposal.solution
        return {
            "added": len(proposal.added),
            "removed": len(proposal.removed),
            "wanted": solution.wanted,
            "granted": solution.wanted_granted,
            "avoided": len(solution.avoided_assigned),
            "gap": f"{100 * solution.gap:.2f}",
            "cost": solution.cost,
            "lower_bound": solution.lower_bound,
        }


class RuleView(CategoryAssignmentMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = RuleForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(self.assignment_url)
        try:
            services.set_rule(category=self.category, jurors_per_entry=form.k, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(self.assignment_url)
        if form.k is None:
            messages.success(request, _("Every juror scores every entry of this category."))
        else:
            messages.success(
                request,
                ngettext(
                    "Each entry is scored by %(k)d juror. Propose an assignment below.",
                    "Each entry is scored by %(k)d jurors. Propose an assignment below.",
                    form.k,
                )
                % {"k": form.k},
            )
        return redirect(self.assignment_url)


class CapView(CategoryAssignmentMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = CapForm(request.POST, jurors=permissions.jurors_of(self.category))
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(self.assignment_url)
        juror, cap = form.cleaned_data["juror"], form.cleaned_data["max_entries"]
        try:
            services.set_cap(category=self.category, juror=juror, max_entries=cap, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request, _("The cap of %(person)s is saved.") % {"person": person(juror)}
            )
        return redirect(self.assignment_url)


class ConfirmView(CategoryAssignmentMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Propose the assignment again and confirm it."))
            return redirect(self.assignment_url)
        try:
            proposal = services.confirm(
                category=self.category, digest=form.cleaned_data["digest"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(f"{self.assignment_url}?propozycja=1")
        messages.success(
            request,
            ngettext(
                "The assignment is saved: %(count)d pair.",
                "The assignment is saved: %(count)d pairs.",
                len(proposal.solution.pairs),
            )
            % {"count": len(proposal.solution.pairs)},
        )
        return redirect(self.assignment_url)


class MoveView(CategoryAssignmentMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        jury = permissions.jurors_of(self.category)
        form = MoveForm(request.POST, entries=eligible_entries(self.category), jurors=jury)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(self.assignment_url)
        data = form.cleaned_data
        try:
            services.move(
                entry=data["entry"],
                from_juror=data["from_juror"],
                to_juror=data["to_juror"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                _("%(entry)s moves from %(from)s to %(to)s.")
                % {
                    "entry": data["entry"],
                    "from": person(data["from_juror"]),
                    "to": person(data["to_juror"]),
                },
            )
        return redirect(self.assignment_url)


# The log's own page ---------------------------------------------------------------------------

# What the keys of an entry's `details` mean, for a person reading the log.
DETAIL_LABELS = {
    "old": gettext_lazy("jurors per entry before"),
    "new": gettext_lazy("jurors per entry after"),
    "k": gettext_lazy("jurors per entry"),
    "cost": gettext_lazy("cost of the assignment (preferences not met)"),
    "lower_bound": gettext_lazy("lowest cost possible"),
    "connected": gettext_lazy("every juror compared with every other"),
    "juror": gettext_lazy("juror"),
    "max_entries": gettext_lazy("most entries for the juror"),
}


class AssignmentAuditInspectView(InspectView):
    """One change of the assignment: pairs as "juror → entry", details named, not raw JSON."""

    @cached_property
    def _names(self) -> tuple[dict[int, str], dict[int, str]]:
        pairs = [*self.object.added, *self.object.removed]
        juror_ids = {j for j, _e in pairs}
        if "juror" in self.object.details:
            juror_ids.add(self.object.details["juror"])
        users = get_user_model().objects.filter(pk__in=juror_ids)
        entries = Entry.objects.filter(pk__in={e for _j, e in pairs}).only("number", "title")
        return (
            {user.pk: person(user) for user in users},
            {entry.pk: f"{entry.number} {entry.title}" for entry in entries},
        )

    def _pairs_html(self, pairs: list) -> str:
        if not pairs:
            return "—"
        jurors, entries = self._names
        return format_html_join(
            mark_safe("<br>"),
            "{} → {}",
            ((jurors.get(j, f"#{j}"), entries.get(e, f"#{e}")) for j, e in pairs),
        )

    def get_added_display_value(self) -> str:
        return self._pairs_html(self.object.added)

    def get_removed_display_value(self) -> str:
        return self._pairs_html(self.object.removed)

    def get_details_display_value(self) -> str:
        details = self.object.details
        if not details:
            return "—"
        jurors, _entries = self._names

        def shown(key, value):
            if key == "juror":
                return jurors.get(value, f"#{value}")
            if isinstance(value, bool):
                return _("yes") if value else _("no")
            return value

        return format_html_join(
            mark_safe("<br>"),
            "{}: {}",
            ((DETAIL_LABELS.get(key, key), shown(key, value)) for key, value in details.items()),
        )
