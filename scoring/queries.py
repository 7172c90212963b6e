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
