"""What the vote reads: the entries that can be voted for and the count of confirmed votes."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from competition.models import Edition
from entries.models import Entry, EntryStatus

from .models import PublicVote, Vote


def poll_of(edition: Edition) -> PublicVote | None:
    return PublicVote.objects.filter(edition=edition).select_related("edition__competition").first()


def candidates(poll: PublicVote) -> QuerySet[Entry]:
    """The entries of the vote's categories that passed the formal check (or its shortlist)."""
    entries = Entry.objects.filter(category__in=poll.categories.all(), status=EntryStatus.ELIGIBLE)
    if poll.shortlist.exists():
        entries = entries.filter(pk__in=poll.shortlist.values("pk"))
    return entries.select_related("category", "institution").order_by(
        "category__sort_order", "category__name", "title"
    )


def counted(poll: PublicVote) -> QuerySet[Vote]:
    """Votes that count: confirmed before the window closed, and not annulled."""
    return Vote.objects.filter(
        poll=poll,
        confirmed_at__isnull=False,
        confirmed_at__lt=poll.closes_at,
        annulled_at__isnull=True,
    )


def tally(poll: PublicVote) -> list[dict]:
    """Per category of the vote, its candidates with their counted votes, most votes first."""
    entries = candidates(poll).annotate(
        votes=Count(
            "public_votes",
            filter=Q(
                public_votes__poll=poll,
                public_votes__confirmed_at__isnull=False,
                public_votes__confirmed_at__lt=poll.closes_at,
                public_votes__annulled_at__isnull=True,
            ),
        )
    )
    annulled = dict(
        Vote.objects.filter(poll=poll, annulled_at__isnull=False)
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    categories: dict[int, dict] = {}
    for category in poll.categories.order_by("sort_order", "name"):
        categories[category.pk] = {
            "id": category.pk,
            "name": category.name,
            "annulled": annulled.get(category.pk, 0),
            "entries": [],
        }
    for entry in entries:
        categories[entry.category_id]["entries"].append(
            {
                "entry": entry.pk,
                "number": entry.number,
                "title": entry.title,
                "institution": entry.institution.name,
                "votes": entry.votes,
            }
        )
    for category in categories.values():
        category["entries"].sort(key=lambda row: (-row["votes"], row["title"]))
        rank, previous = 0, None
        for position, row in enumerate(category["entries"], start=1):
            if row["votes"] != previous:
                rank, previous = position, row["votes"]
            row["rank"] = rank
    return list(categories.values())
