"""What the vote stores: the organiser's set-up, the votes (by keyed hash only) and the frozen
result."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from competition.fields import LimitedTextField
from competition.models import Category, Edition
from scoring.models import FrozenRecord


class PublicVote(models.Model):
    """An edition's people's-choice vote: when it runs and which categories it covers."""

    edition = models.OneToOneField(
        Edition, on_delete=models.CASCADE, related_name="public_vote", verbose_name=_("edition")
    )
    opens_at = models.DateTimeField(_("voting opens"))
    closes_at = models.DateTimeField(_("voting closes"))
    categories = models.ManyToManyField(
        Category,
        related_name="public_votes",
        verbose_name=_("categories"),
        help_text=_("The eligible entries of these categories can be voted for."),
    )
    shortlist = models.ManyToManyField(
        "entries.Entry",
        blank=True,
        related_name="+",
        verbose_name=_("shortlisted entries"),
        help_text=_(
            "Leave empty to put every eligible entry of the categories to the vote; otherwise "
            "only these entries can be voted for."
        ),
    )

    class Meta:
        verbose_name = _("people's choice vote")
        verbose_name_plural = _("people's choice votes")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")),
                name="public_vote_window_in_order",
                violation_error_message=_("Voting must close after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.edition)

    def clean(self) -> None:
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("Voting must close after it opens.")})

    def is_open(self, when=None) -> bool:
        when = when or timezone.now()
        return self.opens_at <= when < self.closes_at

    def is_closed(self, when=None) -> bool:
        return (when or timezone.now()) >= self.closes_at


class Vote(models.Model):
    """One person's vote in one category, counted only once confirmed and never annulled.

    The person is `voter`, an HMAC of their normalised address under `VOTE_VOTER_KEY`: equal
    addresses give equal hashes (one vote per person per category) and the address itself is
    never stored. The confirmation link's token is kept as its SHA-256 only.
    """

    poll = models.ForeignKey(
        PublicVote, on_delete=models.PROTECT, related_name="votes", verbose_name=_("vote")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    entry = models.ForeignKey(
        "entries.Entry",
        on_delete=models.PROTECT,
        related_name="public_votes",
        verbose_name=_("entry"),
    )
    voter = models.CharField(_("voter (keyed hash)"), max_length=64)
    token_hash = models.CharField(_("confirmation token (hash)"), max_length=64, db_index=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    token_expires_at = models.DateTimeField(_("confirmation link expires at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    annulled_at = models.DateTimeField(_("annulled at"), null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("annulled by"),
    )
    annulment_reason = LimitedTextField(_("reason for annulment"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("public vote")
        verbose_name_plural = _("public votes")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One person, one vote per category, whatever its state: an annulled vote is not
            # replaced by a new one from the same address.
            models.UniqueConstraint(
                fields=["category", "voter"], name="vote_one_per_person_and_category"
            ),
            models.CheckConstraint(
                condition=Q(annulled_at__isnull=True) | ~Q(annulment_reason=""),
                name="vote_annulment_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["poll", "entry"], name="vote_poll_entry")]

    def __str__(self) -> str:
        return f"{self.entry_id} · {self.voter[:12]}"

    @property
    def counts(self) -> bool:
        return self.confirmed_at is not None and self.annulled_at is None


class PublicVoteResult(FrozenRecord):
    """The frozen count of a closed vote: the same kind of record as the jury's snapshot (a
    canonical JSON payload and its SHA-256), kept apart from it."""

    poll = models.OneToOneField(
        PublicVote, on_delete=models.PROTECT, related_name="result", verbose_name=_("vote")
    )
    payload = models.JSONField(_("results"))
    digest = models.CharField(_("SHA-256 digest"), max_length=64, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("frozen by"),
    )
    created_at = models.DateTimeField(_("frozen at"), default=timezone.now)

    class Meta:
        verbose_name = _("people's choice result")
        verbose_name_plural = _("people's choice results")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.poll} · {self.digest[:12]}"
