"""The demo's people's-choice votes: one open (Innowacyjny Samorząd 2021) and one closed and
frozen (the VI edition of Samorządowy Lider Cyfryzacji), so every role sees both states."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone

from competition.models import Edition
from entries.models import Entry, EntryStatus

from . import services
from .models import PublicVote, PublicVoteResult, Vote


def _poll(edition: Edition, opens_at: dt.datetime, closes_at: dt.datetime, shortlist_per: int):
    poll, _created = PublicVote.objects.update_or_create(
        edition=edition, defaults={"opens_at": opens_at, "closes_at": closes_at}
    )
    categories = list(edition.categories.order_by("sort_order", "name")[:2])
    poll.categories.set(categories)
    shortlist = [
        entry
        for category in categories
        for entry in Entry.objects.filter(category=category, status=EntryStatus.ELIGIBLE).order_by(
            "pk"
        )[:shortlist_per]
    ]
    poll.shortlist.set(shortlist)
    return poll


def _confirmed_votes(poll: PublicVote, counts: list[int], when: dt.datetime) -> None:
    """Confirmed votes from made-up voters (hashes of demo addresses that do not exist)."""
    entries = list(poll.shortlist.order_by("category__sort_order", "pk"))
    if Vote.objects.filter(poll=poll).exists():
        return
    voters = 0
    for entry, count in zip(entries, counts, strict=False):
        for _n in range(count):
            voters += 1
            Vote.objects.create(
                poll=poll,
                category_id=entry.category_id,
                entry=entry,
                voter=services.voter_hash(f"glosujacy{voters}@example.net"),
                token_hash=hashlib.sha256(f"demo-{poll.pk}-{voters}".encode()).hexdigest(),
                requested_at=when,
                token_expires_at=when + dt.timedelta(hours=24),
                confirmed_at=when + dt.timedelta(minutes=5),
            )


def build_votes(*, organiser) -> None:
    now = timezone.now()
    open_edition = Edition.objects.filter(competition__slug="innowacyjny-samorzad").first()
    if open_edition:
        poll = _poll(open_edition, now - dt.timedelta(days=3), now + dt.timedelta(days=10), 5)
        _confirmed_votes(poll, [7, 4, 2, 1, 0, 5, 3], now - dt.timedelta(days=1))
    published = Edition.objects.filter(
        competition__slug="samorzadowy-lider-cyfryzacji", number=6
    ).first()
    if published and not PublicVoteResult.objects.filter(poll__edition=published).exists():
        closes = now - dt.timedelta(days=30)
        poll = _poll(published, closes - dt.timedelta(days=14), closes, 4)
        _confirmed_votes(poll, [12, 31, 9, 5, 18, 4], closes - dt.timedelta(days=2))
        services.freeze_result(poll=poll, by=organiser, now=closes + dt.timedelta(days=1))
