"""Queryset helpers for competitions and editions."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import Edition


def editions_for_home() -> QuerySet[Edition]:
    """Every edition with its competition and category count, newest first, in one query."""
    return (
        Edition.objects.select_related("competition")
        .annotate(category_count=Count("categories"))
        .order_by("-year", "competition__name")
    )
