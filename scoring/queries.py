"""Queryset helpers for the jury panel: one query per list, whatever its length."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from competition import lifecycle
from competition.models import Category, PreselectionRound
from entries.models import Entry, EntryStatus

from . import permissions
from .assignment.models import Assignment, AssignmentRule
from .assignment.queries import visible_to_juror
from .models import Recusal, ReminderMailing, Score, ScoreSheet, SheetStatus
from .rounds.queries import assignment_applies, in_final, stage_entries


def panel_categories(user) -> QuerySet[Category]:
    """The juror's categories with the number of eligible entries and of sheets they submitted.

    `assigned_count` is what the juror has to score where k jurors score each entry.
    """
    return (
        permissions.categories_for_juror(user)
        .select_related("edition__competition", "edition__preselection", "assignment_rule")
        .annotate(
            assigned_count=Count(
                "entries__assignments",
                filter=Q(entries__status=EntryStatus.ELIGIBLE, entries__assignments__juror=user),
                distinct=True,
            ),
            eligible_count=Count(
                "entries", filter=Q(entries__status=EntryStatus.ELIGIBLE), distinct=True
            ),
            submitted_count=Count(
                "entries__score_sheets",
                filter=Q(
                    entries__status=EntryStatus.ELIGIBLE,
                    entries__score_sheets__juror=user,
                    entries__score_sheets__status=SheetStatus.SUBMITTED,
                ),
                distinct=True,
            ),
            recused_count=Count(
                "entries__recusals",
                filter=Q(
                    entries__status=EntryStatus.ELIGIBLE,
                    entries__recusals__juror=user,
                    entries__recusals__lifted_at__isnull=True,
                ),
                distinct=True,
            ),
        )
        .order_by("edition__competition__name", "sort_order", "name")
    )


def entries_for_juror(user, category: Category, round=None) -> QuerySet[Entry]:
    """Eligible entries of the category the juror may open in the round (None: the final):
    all, or those assigned to them, each with the juror's sheet status and recusal.
    """
    mine = ScoreSheet.objects.filter(entry=OuterRef("pk"), juror=user, round=round)
    return (
        stage_entries(category, round)
        .filter(visible_to_juror(user, category, round))
        .select_related("institution")
        .annotate(
            my_status=Subquery(mine.values("status")[:1]),
            recused=Exists(
                Recusal.objects.filter(entry=OuterRef("pk"), juror=user, lifted_at__isnull=True)
            ),
        )
    )


@dataclass(frozen=True)
class EntryLink:
    pk: int
    number: str
    title: str


@dataclass(frozen=True)
class Neighbours:
    """The entries before and after one in the juror's own list, and where it stands in it."""

    previous: EntryLink | None
    next: EntryLink | None
    position: int  # 1-based; 0 for an entry the juror is kept from (a conflict)
    count: int


def neighbours(user, entry: Entry, round=None) -> Neighbours:
    """Previous and next entry in the juror's list (by number), skipping entries they may not
    open (conflicts, and where k jurors score each entry, those not assigned to them).

    One query, whatever the number of entries: a few short columns of the juror's list.
    """
    rows = [
        (EntryLink(pk, number, title), recused)
        for pk, number, title, recused in entries_for_juror(user, entry.category, round)
        .order_by("sequence", "pk")
        .values_list("pk", "number", "title", "recused")
    ]
    index = next((i for i, (link, _recused) in enumerate(rows) if link.pk == entry.pk), None)
    if index is None:
        return Neighbours(None, None, 0, 0)
    before = [link for link, recused in rows[:index] if not recused]
    after = [link for link, recused in rows[index + 1 :] if not recused]
    recused_here = rows[index][1]
    return Neighbours(
        before[-1] if before else None,
        after[0] if after else None,
        0 if recused_here else len(before) + 1,
        len(before) + len(after) + (0 if recused_here else 1),
    )


def submitted_sheets(entry: Entry, round=None) -> QuerySet[ScoreSheet]:
    """The entry's submitted sheets in the round that count (no open conflict), with scores and
    comments, for the chair: three queries whatever the number of jurors."""
    return (
        ScoreSheet.objects.filter(entry=entry, status=SheetStatus.SUBMITTED, round=round)
        .exclude(
            Exists(
                Recusal.objects.filter(
                    juror=OuterRef("juror"), entry=OuterRef("entry"), lifted_at__isnull=True
                )
            )
        )
        .select_related("juror")
        .prefetch_related(Prefetch("scores", Score.objects.select_related("criterion")))
        .order_by("juror__last_name", "juror__username")
    )


def juror_status(entry: Entry) -> str:
    """One of: recused, submitted, draft, not_started (from the annotations above)."""
    if entry.recused:
        return "recused"
    return entry.my_status or "not_started"


def sheets_progress(categories: list[Category]) -> dict[int, tuple[int, int]]:
    """(sheets submitted, sheets expected) per category in the round jurors work in now,
    in a fixed number of queries per round.

    Expected: every entry of the round times the category's jurors, less the active conflicts.
    """
    # The editions' rounds in one query, whatever the number of editions.
    preselections = {
        r.edition_id: r
        for r in PreselectionRound.objects.filter(edition_id__in={c.edition_id for c in categories})
    }
    now = timezone.now()
    by_round: dict[object, list[Category]] = {}
    for category in categories:
        round = lifecycle.open_round(preselections.get(category.edition_id), at=now)
        by_round.setdefault(round, []).append(category)
    progress = {}
    for round, group in by_round.items():
        # A final after a pre-selection is scored by the whole jury, not by k per entry.
        whole_jury = {c.pk for c in group if round is None and c.edition_id in preselections}
        progress.update(_sheets_progress(group, round, whole_jury))
    return progress


def _sheets_progress(
    categories: list[Category], round, whole_jury: set[int]
) -> dict[int, tuple[int, int]]:
    ids = [c.pk for c in categories]
    # The round's entries: every eligible one in a pre-selection, the finalists in a final.
    in_round = Entry.objects.filter(status=EntryStatus.ELIGIBLE)
    if round is None:
        in_round = in_round.filter(in_final())
    eligible = dict(
        in_round.filter(category_id__in=ids)
        .values("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )
    submitted = dict(
        ScoreSheet.objects.filter(
            entry__category_id__in=ids,
            entry__status=EntryStatus.ELIGIBLE,
            status=SheetStatus.SUBMITTED,
            round=round,
        )
        .values("entry__category_id")
        .annotate(n=Count("pk"))
        .values_list("entry__category_id", "n")
    )
    # Conflicts are few: counting them (and the sheets behind them, which no longer count)
    # from their side costs far less than excluding them from every sheet (0.31 s at 120k).
    active = Recusal.objects.filter(
        entry__category_id__in=ids, entry__status=EntryStatus.ELIGIBLE, lifted_at__isnull=True
    )
    if round is None:
        active = active.filter(entry__in=in_round)
    recused, recused_sheets = {}, {}
    for category_id, has_sheet in active.annotate(
        has_sheet=Exists(
            ScoreSheet.objects.filter(
                juror=OuterRef("juror"),
                entry=OuterRef("entry"),
                status=SheetStatus.SUBMITTED,
                round=round,
            )
        )
    ).values_list("entry__category_id", "has_sheet"):
        recused[category_id] = recused.get(category_id, 0) + 1
        recused_sheets[category_id] = recused_sheets.get(category_id, 0) + int(has_sheet)
    juries = permissions.juries_of(categories)
    expected = {
        pk: max(eligible.get(pk, 0) * len(juries[pk].jurors) - recused.get(pk, 0), 0) for pk in ids
    }
    # Where k jurors score each entry, the pairs assigned are what is expected.
    with_k = [
        pk
        for pk in AssignmentRule.objects.filter(
            category_id__in=ids, jurors_per_entry__isnull=False
        ).values_list("category_id", flat=True)
        if pk not in whole_jury
    ]
    if with_k:
        assigned = dict(
            Assignment.objects.filter(
                entry__category_id__in=with_k,
                entry__status=EntryStatus.ELIGIBLE,
            )
            .values("entry__category_id")
            .annotate(n=Count("pk"))
            .values_list("entry__category_id", "n")
        )
        for pk in with_k:
            expected[pk] = assigned.get(pk, 0)
    return {pk: (submitted.get(pk, 0) - recused_sheets.get(pk, 0), expected[pk]) for pk in ids}


def juror_label(name: str, *, dismissed: bool) -> str:
    """A juror's name as results and the protocol show it."""
    return _("%(name)s (dismissed)") % {"name": name} if dismissed else name


def tie_break_label(value: str | None, criteria: Mapping[str, str]) -> str:
    """The engine's tie-break code ("criterion:12", "first_places", "chair") in words a jury
    reads; `criteria` maps criterion ids (as strings) to names. "" for no tie-break.
    """
    if not value:
        return ""
    if value.startswith("criterion:"):
        criterion = value.split(":", 1)[1]
        return _("criterion: %(name)s") % {"name": criteria.get(criterion, criterion)}
    return {
        "first_places": _("number of first places"),
        "chair": _("chair's decision"),
        "unresolved": _("awaiting the chair"),
    }.get(value, value)


def jury_function(*, chair: bool, feminine: bool | None) -> str:
    """ "przewodnicząca", "członek jury": what the jury's documents call a juror.

    Snapshots frozen before the flag was recorded (feminine None) get the generic (masculine)
    form, as Polish official documents use it.
    """
    if chair:
        if feminine is None:
            return _("chair of the jury")
        return pgettext("feminine", "chair of the jury") if feminine else _("chair of the jury")
    if feminine is None:
        return _("member of the jury")
    return pgettext("feminine", "member of the jury") if feminine else _("member of the jury")


@dataclass(frozen=True)
class JuryMember:
    """A juror as results and the protocol list them."""

    user: object
    chair: bool
    dismissed: bool

    @property
    def label(self) -> str:
        return juror_label(
            self.user.get_full_name() or self.user.username, dismissed=self.dismissed
        )


def jury_of_record(category: Category) -> list[JuryMember]:
    """The appointed jurors, then those dismissed after submitting sheets in the category.

    A dismissal keeps the juror's submitted sheets: they were scored while the juror was
    appointed and still count, so the juror stays listed, marked dismissed (issue 18, 9),
    and no column of totals goes without a name.
    """
    User = get_user_model()
    # The profile says how documents address each juror (feminine titles).
    appointed = list(permissions.jurors_of(category).select_related("juror_profile"))
    chairs = set(permissions.chairs_of(category).values_list("pk", flat=True))
    # From the category's sheets, not a subquery per user: at 2,000 entries a category an
    # EXISTS per user scanned every juror's sheets and took a quarter of a second.
    others = (
        ScoreSheet.objects.filter(entry__category=category, status=SheetStatus.SUBMITTED)
        .exclude(juror__in=[u.pk for u in appointed])
        .values("juror")
        .distinct()
    )
    dismissed = User.objects.filter(pk__in=Subquery(others))
    return [JuryMember(u, u.pk in chairs, False) for u in appointed] + [
        JuryMember(u, False, True)
        for u in dismissed.select_related("juror_profile").order_by("username")
    ]


@dataclass(frozen=True)
class JurorProgress:
    """Where one juror stands in a category: sheets submitted and entries they are kept from."""

    entries: int  # eligible entries of the category
    submitted: int  # submitted sheets for entries the juror is not kept from
    recused: int  # entries the juror is kept from by an open conflict

    @property
    def to_score(self) -> int:
        return self.entries - self.recused

    @property
    def missing(self) -> int:
        return self.to_score - self.submitted


def juror_progress(category: Category, jurors: list, round=None) -> dict[int, JurorProgress]:
    """Each juror's progress in three grouped queries, whatever the number of entries.

    Counted, not listed: at 2,000 entries × 15 jurors, loading the 30,000 sheets to find who
    is behind was most of the chair's matrix. Where k jurors score each entry, a juror's
    entries are those assigned to them.
    """
    eligible = stage_entries(category, round)
    if assignment_applies(category, round):
        return _assigned_progress(eligible, jurors, round)
    count = eligible.count()
    open_recusal = Recusal.objects.filter(
        juror=OuterRef("juror"), entry=OuterRef("entry"), lifted_at__isnull=True
    )
    submitted = dict(
        ScoreSheet.objects.filter(entry__in=eligible, status=SheetStatus.SUBMITTED, round=round)
        .exclude(Exists(open_recusal))
        .values("juror")
        .annotate(n=Count("pk"))
        .values_list("juror", "n")
    )
    recused = dict(
        Recusal.objects.filter(entry__in=eligible, lifted_at__isnull=True)
        .values("juror")
        .annotate(n=Count("entry", distinct=True))
        .values_list("juror", "n")
    )
    return {
        juror.pk: JurorProgress(count, submitted.get(juror.pk, 0), recused.get(juror.pk, 0))
        for juror in jurors
    }


def recent_mailings(categories: list[Category], limit: int = 5) -> list[ReminderMailing]:
    """The latest reminder mailings of these categories, stale ones first failed (a dead worker)."""
    mailings = ReminderMailing.objects.filter(category__in=categories)
    mailings.fail_stale()
    return list(mailings.select_related("category", "requested_by")[:limit])


def _assigned_progress(eligible, jurors: list, round=None) -> dict[int, JurorProgress]:
    """Per juror: assigned entries, submitted sheets and open conflicts among them."""
    pairs = Assignment.objects.filter(entry__in=eligible)
    counts = dict(pairs.values("juror").annotate(n=Count("pk")).values_list("juror", "n"))
    submitted = dict(
        pairs.filter(
            Exists(
                ScoreSheet.objects.filter(
                    juror=OuterRef("juror"),
                    entry=OuterRef("entry"),
                    status=SheetStatus.SUBMITTED,
                    round=round,
                )
            )
        )
        .exclude(
            Exists(
                Recusal.objects.filter(
                    juror=OuterRef("juror"), entry=OuterRef("entry"), lifted_at__isnull=True
                )
            )
        )
        .values("juror")
        .annotate(n=Count("pk"))
        .values_list("juror", "n")
    )
    recused = dict(
        pairs.filter(
            Exists(
                Recusal.objects.filter(
                    juror=OuterRef("juror"), entry=OuterRef("entry"), lifted_at__isnull=True
                )
            )
        )
        .values("juror")
        .annotate(n=Count("pk"))
        .values_list("juror", "n")
    )
    return {
        juror.pk: JurorProgress(
            counts.get(juror.pk, 0), submitted.get(juror.pk, 0), recused.get(juror.pk, 0)
        )
        for juror in jurors
    }
