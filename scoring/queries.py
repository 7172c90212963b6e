"""Queryset helpers for the jury panel: one query per list, whatever its length."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from competition.models import Category
from entries.models import Entry, EntryStatus

from . import permissions
from .models import Recusal, ScoreSheet, SheetStatus


def panel_categories(user) -> QuerySet[Category]:
    """The juror's categories with the number of eligible entries and of sheets they submitted."""
    return (
        permissions.categories_for_juror(user)
        .select_related("edition__competition")
        .annotate(
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


def entries_for_juror(user, category: Category) -> QuerySet[Entry]:
    """Eligible entries of the category, each with the juror's sheet status and recusal."""
    mine = ScoreSheet.objects.filter(entry=OuterRef("pk"), juror=user)
    return (
        Entry.objects.filter(category=category, status=EntryStatus.ELIGIBLE)
        .select_related("institution")
        .annotate(
            my_status=Subquery(mine.values("status")[:1]),
            recused=Exists(
                Recusal.objects.filter(entry=OuterRef("pk"), juror=user, lifted_at__isnull=True)
            ),
        )
    )


def juror_status(entry: Entry) -> str:
    """One of: recused, submitted, draft, not_started (from the annotations above)."""
    if entry.recused:
        return "recused"
    return entry.my_status or "not_started"


def sheets_progress(categories: list[Category]) -> dict[int, tuple[int, int]]:
    """(sheets submitted, sheets expected) per category, in a fixed number of queries.

    Expected: every eligible entry times the category's jurors, less the active conflicts.
    """
    ids = [c.pk for c in categories]
    eligible = dict(
        Entry.objects.filter(category_id__in=ids, status=EntryStatus.ELIGIBLE)
        .values("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )
    submitted = dict(
        ScoreSheet.objects.filter(
            entry__category_id__in=ids,
            entry__status=EntryStatus.ELIGIBLE,
            status=SheetStatus.SUBMITTED,
        )
        .exclude(
            Exists(
                Recusal.objects.filter(
                    juror=OuterRef("juror"), entry=OuterRef("entry"), lifted_at__isnull=True
                )
            )
        )
        .values("entry__category_id")
        .annotate(n=Count("pk"))
        .values_list("entry__category_id", "n")
    )
    recused = dict(
        Recusal.objects.filter(
            entry__category_id__in=ids, entry__status=EntryStatus.ELIGIBLE, lifted_at__isnull=True
        )
        .values("entry__category_id")
        .annotate(n=Count("pk"))
        .values_list("entry__category_id", "n")
    )
    juries = permissions.juries_of(categories)
    return {
        pk: (
            submitted.get(pk, 0),
            max(eligible.get(pk, 0) * len(juries[pk].jurors) - recused.get(pk, 0), 0),
        )
        for pk in ids
    }
