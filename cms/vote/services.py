"""The vote's actions: ask for votes (double opt-in), confirm them, annul one, freeze the count.

A vote counts only once its confirmation link is followed while the window is open; the address
it came from is kept only as `voter_hash(address)`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from competition.mail import render_email
from competition.models import Institution
from competition.tasks import send_email_task
from entries.models import Entry, MembershipStatus
from scoring.results.snapshot import digest_of

from . import limits, queries
from .models import PublicVote, PublicVoteResult, Vote

logger = logging.getLogger("judging.vote")


class VoteRefused(Exception):
    """A request the rules refuse; `errors` maps a category id (or None) to what to tell."""

    def __init__(self, errors: dict[int | None, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def normalise_address(email: str) -> str:
    """One person, one address: case and a "+tag" in the local part do not make a new voter."""
    local, _at, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def voter_hash(email: str) -> str:
    key = settings.VOTE_VOTER_KEY
    if not key:
        raise ImproperlyConfigured("Set VOTE_VOTER_KEY to run a people's-choice vote.")
    return hmac.new(
        key.encode("utf-8"), normalise_address(email).encode("utf-8"), hashlib.sha256
    ).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def institution_domain(institution: Institution) -> str:
    """The e-mail domain of an institution: its website's host without "www.", or "" if none."""
    host = (urlsplit(institution.website).hostname or "") if institution.website else ""
    return host.removeprefix("www.").lower()


def own_institution(email: str, institution: Institution) -> bool:
    """The rule for staff (README, "People's choice"): an address of the institution's own
    domain (or a subdomain of it), or the address of an account an organiser approved as acting
    for the institution, may not vote for the institution's entries."""
    address = normalise_address(email)
    domain = address.rpartition("@")[2]
    own = institution_domain(institution)
    if own and (domain == own or domain.endswith("." + own)):
        return True
    members = get_user_model().objects.filter(
        memberships__institution=institution, memberships__status=MembershipStatus.APPROVED
    )
    return any(normalise_address(m.email) == address for m in members.only("email") if m.email)


@dataclass
class Requested:
    """What a request did: the categories now waiting for confirmation and those already voted."""

    pending: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)


def request_votes(
    *,
    poll: PublicVote,
    entries: Iterable[Entry],
    email: str,
    ip: str | None,
    confirm_url: Callable[[str], str],
    now: dt.datetime | None = None,
) -> Requested:
    """Record unconfirmed votes and e-mail their confirmation link to `email`.

    The page says the same whatever the address did before ("check your mailbox"); the e-mail
    tells its owner which categories it had already voted in. So the page does not disclose
    whether an address has voted.
    """
    now = now or timezone.now()
    entries = list(entries)
    if not poll.is_open(now):
        raise VoteRefused({None: _("Voting is not open.")})
    allowed = set(queries.candidates(poll).values_list("pk", flat=True))
    if not entries or any(entry.pk not in allowed for entry in entries):
        raise VoteRefused({None: _("Choose an entry that can be voted for.")})
    refused = {
        entry.category_id: _(
            "Staff of %(institution)s cannot vote for its entry (see the rule above)."
        )
        % {"institution": entry.institution.name}
        for entry in entries
        if own_institution(email, entry.institution)
    }
    if refused:
        raise VoteRefused(refused)
    if not limits.allow("ip", ip or "unknown") or not limits.allow("address", voter_hash(email)):
        raise VoteRefused({None: _("Too many requests. Please try again in an hour.")})

    voter = voter_hash(email)
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(hours=settings.VOTE_CONFIRMATION_HOURS)
    outcome = Requested()
    with transaction.atomic():
        for entry in entries:
            fields = {
                "entry": entry,
                "token_hash": token_hash(token),
                "requested_at": now,
                "token_expires_at": expires,
            }
            existing = (
                Vote.objects.select_for_update()
                .filter(category_id=entry.category_id, voter=voter)
                .first()
            )
            if existing and (existing.confirmed_at or existing.annulled_at):
                outcome.already.append(entry.category.name)
                continue
            if existing:
                # An unconfirmed vote is replaced: the newest link is the one that counts.
                Vote.objects.filter(pk=existing.pk).update(**fields)
            else:
                try:
                    with transaction.atomic():
                        Vote.objects.create(
                            poll=poll, category_id=entry.category_id, voter=voter, **fields
                        )
                except IntegrityError:  # the same address, at the same moment, elsewhere
                    outcome.already.append(entry.category.name)
                    continue
            outcome.pending.append(f"{entry.category.name}: {entry.title}")
        subject, body = render_email(
            "cms/vote/email/confirm",
            {
                "poll": poll,
                "outcome": outcome,
                "link": confirm_url(token) if outcome.pending else "",
                "hours": settings.VOTE_CONFIRMATION_HOURS,
            },
        )
        address = email.strip()
        transaction.on_commit(lambda: send_email_task.enqueue(subject, body, [address]))
    return outcome


@dataclass(frozen=True)
class Confirmed:
    counted: int
    state: str  # "confirmed", "already", "expired", "closed" or "unknown"


def confirm_votes(*, token: str, now: dt.datetime | None = None) -> Confirmed:
    """Count the votes a confirmation link stands for.

    One conditional UPDATE: of two servers confirming the same link at once, only one sees the
    rows still unconfirmed, so a vote is never counted twice.
    """
    now = now or timezone.now()
    hashed = token_hash(token)
    # The UPDATE filters on the vote's own columns only. A filter through the poll would make
    # Django write `id IN (SELECT … JOIN …)`, and PostgreSQL re-checks a row another request
    # just confirmed against that subquery's old snapshot: both requests would say "confirmed".
    open_polls = PublicVote.objects.filter(opens_at__lte=now, closes_at__gt=now)
    counted = Vote.objects.filter(
        token_hash=hashed,
        confirmed_at__isnull=True,
        annulled_at__isnull=True,
        token_expires_at__gt=now,
        poll_id__in=list(open_polls.values_list("pk", flat=True)),
    ).update(confirmed_at=now)
    if counted:
        return Confirmed(counted, "confirmed")
    votes = Vote.objects.filter(token_hash=hashed).select_related("poll")
    if any(vote.confirmed_at for vote in votes):
        return Confirmed(0, "already")
    if any(vote.poll.is_closed(now) for vote in votes):
        return Confirmed(0, "closed")
    if votes:
        return Confirmed(0, "expired")
    return Confirmed(0, "unknown")


@transaction.atomic
def annul_vote(*, vote: Vote, by, reason: str) -> Vote:
    """Take a vote out of the count with a reason; the vote itself stays, as it was cast."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the annulment."))
    vote = Vote.objects.select_for_update().select_related("poll").get(pk=vote.pk)
    if vote.annulled_at:
        raise ValidationError(_("This vote is already annulled."))
    if PublicVoteResult.objects.filter(poll=vote.poll_id).exists():
        raise ValidationError(_("The results of this vote are frozen."))
    vote.annulled_at = timezone.now()
    vote.annulled_by = by
    vote.annulment_reason = reason
    vote.save(update_fields=["annulled_at", "annulled_by", "annulment_reason"])
    log(instance=vote, action="cms.vote_annulled", user=by, data={"reason": reason})
    logger.info("vote annulled", extra={"vote_id": vote.pk, "user_id": by.pk})
    return vote


def freeze_result(*, poll: PublicVote, by, now: dt.datetime | None = None) -> PublicVoteResult:
    """Freeze the count of a closed vote into its snapshot (the jury's kind of record)."""
    now = now or timezone.now()
    with transaction.atomic():
        poll = (
            PublicVote.objects.select_for_update()
            .select_related("edition__competition")
            .get(pk=poll.pk)
        )
        if not poll.is_closed(now):
            raise ValidationError(_("The results are frozen only after voting closes."))
        existing = PublicVoteResult.objects.filter(poll=poll).first()
        if existing:
            return existing
        edition = poll.edition
        payload = {
            "kind": "peoples_choice",
            "competition": edition.competition.name,
            "edition": {
                "id": edition.pk,
                "number": edition.number,
                "label": edition.roman_number,
                "year": edition.year,
            },
            "window": {
                "opens_at": poll.opens_at.isoformat(),
                "closes_at": poll.closes_at.isoformat(),
            },
            "categories": queries.tally(poll),
        }
        digest = digest_of(payload)
        result = PublicVoteResult.objects.create(
            poll=poll, payload=payload, digest=digest, created_by=by, created_at=now
        )
    logger.info("vote results frozen", extra={"poll_id": poll.pk, "digest": digest})
    return result


def verify(result: PublicVoteResult) -> bool:
    """True when the stored payload still hashes to the recorded digest."""
    return hmac.compare_digest(digest_of(result.payload), result.digest)
