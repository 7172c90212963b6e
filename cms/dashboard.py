"""The organiser's dashboard panel: each live edition's phase, counts and next step."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from competition import lifecycle
from competition.lifecycle import Action
from competition.models import Category, Duty, Edition, Phase
from entries.models import Entry, EntryStatus
from scoring.permissions import organised, organised_competitions
from scoring.queries import sheets_progress


@dataclass
class CategoryProgress:
    category: Category
    done: int
    expected: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.expected) if self.expected else 100


@dataclass
class EditionOverview:
    edition: Edition
    phase: Phase
    counts: dict[str, int]
    categories: list[CategoryProgress] = field(default_factory=list)
    next_label: str = ""
    next_url: str = ""
    next_reason: str = ""
    sees_results: bool = False  # the user's team sees this edition's results (Duty.RESULTS)

    @property
    def panel_id(self) -> str:
        return f"edition-{self.edition.pk}"

    @property
    def submitted(self) -> int:
        """Every entry that reached the organisers, whatever the formal check said since."""
        return sum(
            self.counts.get(s, 0)
            for s in (EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE, EntryStatus.REJECTED)
        )


def _next_url(action: Action | None, edition: Edition) -> str:
    if action is None:
        return ""
    if action == Action.EDIT_EDITION:
        return reverse("editions:edit", args=[edition.pk])
    if action == Action.APPOINT_JURY:
        return f"{reverse('jury_appointments:index')}?edition={edition.pk}"
    if action == Action.FORMAL_CHECK:
        return f"{reverse('entries_admin:list')}?edition={edition.pk}&status=submitted"
    if action in (Action.REMIND_JURORS, Action.FREEZE):
        return reverse("scoring:edition_results", args=[edition.pk])
    if action == Action.PUBLISH:
        return reverse("cms_announcements")
    if action == Action.ARCHIVE:
        return reverse("edition_archive", args=[edition.pk])
    return ""


# The team duty each next step's page asks for (scoring.permissions.organised): a team without it
# sees the step named, with no link that would end in "not found".
_STEP_DUTY = {
    Action.EDIT_EDITION: Duty.SET_UP,
    Action.APPOINT_JURY: Duty.RUN_JURY,
    Action.FORMAL_CHECK: Duty.FORMAL_CHECK,
    Action.REMIND_JURORS: Duty.RESULTS,
    Action.FREEZE: Duty.RESULTS,
    Action.PUBLISH: Duty.PUBLISH,
    Action.ARCHIVE: Duty.PUBLISH,
}


def live_editions(user) -> list[EditionOverview]:
    """The user's editions not archived yet, newest first; a fixed number of queries for any number."""
    editions = list(
        organised(Edition.objects.filter(archived_at__isnull=True), user)
        .select_related("competition", "preselection")
        .order_by("-call_opens_at")
    )
    counts: dict[int, dict[str, int]] = {e.pk: {} for e in editions}
    for edition_id, status, n in (
        Entry.objects.filter(edition__in=editions)
        .values("edition_id", "status")
        .annotate(n=Count("pk"))
        .values_list("edition_id", "status", "n")
    ):
        counts[edition_id][status] = n
    categories = list(
        Category.objects.filter(edition__in=editions).order_by("edition", "sort_order", "name")
    )
    progress = sheets_progress(categories)
    allowed = {
        duty: set(organised_competitions(user, duty).values_list("pk", flat=True))
        for duty in set(_STEP_DUTY.values())
    }
    overviews = []
    for edition in editions:
        phase = edition.phase
        action, label = lifecycle.NEXT_STEP[phase]
        verdict = lifecycle.verdict(action, edition) if action else None
        ours = action is None or edition.competition_id in allowed[_STEP_DUTY[action]]
        next_url = _next_url(action, edition)
        round_step = lifecycle.round_next_step(edition)
        if round_step is not None:
            # The pre-selection's steps are taken on the edition's results page.
            round_action, label = round_step
            verdict = lifecycle.round_verdict(round_action, edition.preselection)
            ours = edition.competition_id in allowed[Duty.RESULTS]
            next_url = reverse("scoring:edition_results", args=[edition.pk])
        overviews.append(
            EditionOverview(
                edition=edition,
                phase=phase,
                counts=counts[edition.pk],
                categories=[
                    CategoryProgress(c, *progress[c.pk])
                    for c in categories
                    if c.edition_id == edition.pk
                ],
                next_label=str(label),
                next_url=next_url if verdict and ours else "",
                sees_results=edition.competition_id in allowed[Duty.RESULTS],
                next_reason=(
                    verdict.reason
                    if verdict is not None and not verdict
                    else ("" if ours else _("your team does not take this step"))
                ),
            )
        )
    return overviews


class EditionsPanel(Component):
    name = "editions"
    order = 50
    template_name = "cms/admin/editions_panel.html"

    def __init__(self, user) -> None:
        self.user = user

    def get_context_data(self, parent_context=None):
        return {"overviews": live_editions(self.user)}
