"""Queryset helpers for competitions and editions."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet

from .models import Award, Edition


def editions_for_home() -> QuerySet[Edition]:
    """Every edition with its competition and category count, newest first, in one query."""
    return (
        Edition.objects.select_related("competition")
        .annotate(category_count=Count("categories"))
        .order_by("-year", "competition__name")
    )


def published_awards() -> QuerySet[Award]:
    """Awards of editions whose results are published, with what the public lists show.

    Frozen results are written to the award table at the freeze, before the announcement
    goes out: public lists (the archive, open data) read only published editions.
    """
    return (
        Award.objects.filter(category__edition__published_at__isnull=False)
        .select_related("category__edition__competition", "institution")
        .prefetch_related("category__prizes")
        .order_by(
            "-category__edition__year",
            "category__edition__competition__name",
            "category__sort_order",
            "category__name",
            # Places in order, then distinctions.
            F("place").asc(nulls_last=True),
            "institution__name",
        )
    )
