"""The jury: per-category object permissions, affiliations, recusals, score sheets, audit log."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from competition.fields import LimitedTextField
from competition.jobs import BackgroundJob
from competition.models import Category, Criterion, Institution, PreselectionRound
from entries.models import Entry


class CategoryUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign key table, as guardian's performance guide recommends."""

    content_object = models.ForeignKey(Category, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("jury appointment")
        verbose_name_plural = _("jury appointments")


class CategoryGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Category, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        pass


class JurorProfile(models.Model):
    """A juror's affiliation drives automatic conflicts of interest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="juror_profile",
        verbose_name=_("user"),
    )
    affiliation = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("affiliation"),
        help_text=_("The institution the juror works for; its entries and territory conflict."),
    )
    feminine_titles = models.BooleanField(
        _("feminine titles"),
        default=False,
        help_text=_("Results and the protocol call her “przewodnicząca” and “członkini”."),
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
        help_text=_("Shown next to the name on the edition page when the jury is shown there."),
    )

    class Meta:
        verbose_name = _("juror profile")
        verbose_name_plural = _("juror profiles")

    def __str__(self) -> str:
        return str(self.user)


class RecusalKind(models.TextChoices):
    DECLARED = "declared", _("declared by the juror")
    AUTOMATIC = "automatic", _("automatic (affiliation)")
    ORGANISER = "organiser", _("recorded by the organiser after scoring")


class Recusal(models.Model):
    """A conflict of interest: the juror may not see or score the entry unless it is lifted."""

    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recusals",
        verbose_name=_("juror"),
    )
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="recusals", verbose_name=_("entry")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RecusalKind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lift_justification = LimitedTextField(
        _("justification for lifting"), blank=True, max_length=2000
    )

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["entry", "juror"]
        constraints = [
            models.UniqueConstraint(fields=["juror", "entry"], name="recusal_unique_juror_entry"),
            models.CheckConstraint(
                condition=models.Q(lifted_at__isnull=True) | ~models.Q(lift_justification=""),
                name="recusal_lift_needs_justification",
                violation_error_message=_("Lifting a conflict needs a written justification."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.juror} ✕ {self.entry}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")


class ScoreSheet(models.Model):
    """One juror's scores for one entry; `version` implements optimistic locking."""

    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="score_sheets",
        verbose_name=_("juror"),
    )
    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="score_sheets", verbose_name=_("entry")
    )
    # Empty for the final (or the only round); a finalist gets a fresh sheet in the final.
    round = models.ForeignKey(
        PreselectionRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="score_sheets",
        verbose_name=_("pre-selection round"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    justification = LimitedTextField(_("justification"), blank=True, max_length=5000)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(
                fields=["juror", "entry"],
                condition=models.Q(round__isnull=True),
                name="score_sheet_unique_juror_entry",
            ),
            models.UniqueConstraint(
                fields=["juror", "entry", "round"], name="score_sheet_unique_juror_entry_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.juror} → {self.entry}"


class Score(models.Model):
    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="scores", verbose_name=_("score sheet")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    value = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    # Asked for by the criterion (`comment_required`); a juror may also comment where it is not.
    comment = LimitedTextField(_("comment"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_unique_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"

    @property
    def plain_value(self) -> Decimal:
        """6.50 → 6.5, 10.00 → 10: the score as people write it (rendered with a comma)."""
        return Decimal(Criterion.plain(self.value))


class FrozenRecord(models.Model):
    """A record frozen once written (the jury's snapshots, shortlists, the people's choice
    results, the audit logs): saving it again or deleting it is refused with `refusal`."""

    refusal = _("A frozen record cannot be changed.")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(self.refusal)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(self.refusal)


class ImmutableQuerySet(models.QuerySet):
    """Bulk changes would bypass the per-row guards of `FrozenRecord`."""

    def update(self, **kwargs):
        raise ValidationError(self.model.refusal)

    def delete(self):
        raise ValidationError(self.model.refusal)


class AuditLogEntry(FrozenRecord):
    """A row of an audit log (score sheets, assignments): written once, never changed or deleted,
    neither one by one nor through its queryset."""

    refusal = _("The audit log cannot be changed.")

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True


class ScoreSheetAudit(AuditLogEntry):
    """Append-only record of every change to a score sheet."""

    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.PROTECT, related_name="audit", verbose_name=_("score sheet")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    at = models.DateTimeField(_("changed at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=20)
    old_values = models.JSONField(_("old values"), default=dict)
    new_values = models.JSONField(_("new values"), default=dict)

    class Meta:
        verbose_name = _("score sheet change")
        verbose_name_plural = _("score sheet changes")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.by} {self.action}"


class TieDecision(models.Model):
    """The chair's order for entries that only the chair can separate; the latest one counts."""

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="tie_decisions", verbose_name=_("category")
    )
    order = models.JSONField(_("order of the tied entries"))
    justification = LimitedTextField(_("justification"), max_length=5000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tie decision")
        verbose_name_plural = _("tie decisions")
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.category}: {self.order}"


class AwardDecision(models.Model):
    """The confirmed awards of a category; a change to the proposal carries a justification."""

    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="award_decisions",
        verbose_name=_("category"),
    )
    proposal = models.JSONField(_("proposed awards"))
    awards = models.JSONField(_("confirmed awards"))
    justification = LimitedTextField(_("justification of changes"), blank=True, max_length=5000)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")
        ordering = ["-confirmed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.category} ({self.confirmed_at:%Y-%m-%d})"

    @property
    def changed(self) -> bool:
        return self.awards != self.proposal


class ResultSnapshot(FrozenRecord):
    """The immutable record of an edition's confirmed results, identified by its SHA-256 digest."""

    edition = models.ForeignKey(
        "competition.Edition",
        on_delete=models.PROTECT,
        related_name="snapshots",
        verbose_name=_("edition"),
    )
    payload = models.JSONField(_("results"))
    digest = models.CharField(_("SHA-256 digest"), max_length=64, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("frozen by"),
    )
    # Not auto_now_add: a record of the past (the demo's 2024 edition) keeps its own date.
    created_at = models.DateTimeField(_("frozen at"), default=timezone.now)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    reason = LimitedTextField(_("reason for the correction"), blank=True, max_length=5000)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("results snapshot")
        verbose_name_plural = _("results snapshots")
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.edition} · {self.digest[:12]}"


class Shortlist(FrozenRecord):
    """The category's finalists, confirmed by its chair once the pre-selection closed.

    `proposal` is what the rule gave (entry ids in ranking order) and `tied` the entries tied
    at the cut, kept together in the proposal; a confirmed list that differs from the proposal
    carries a justification. Written once: a second confirmation is refused.
    """

    round = models.ForeignKey(
        PreselectionRound,
        on_delete=models.PROTECT,
        related_name="shortlists",
        verbose_name=_("pre-selection round"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="shortlists", verbose_name=_("category")
    )
    proposal = models.JSONField(_("proposed finalists"))
    tied = models.JSONField(_("tied at the cut"), default=list)
    entries = models.ManyToManyField(
        Entry, related_name="shortlists", verbose_name=_("finalists"), blank=True
    )
    justification = LimitedTextField(_("justification of changes"), blank=True, max_length=5000)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("shortlist")
        verbose_name_plural = _("shortlists")
        constraints = [
            models.UniqueConstraint(fields=["round", "category"], name="shortlist_unique_category")
        ]

    def __str__(self) -> str:
        return f"{self.category} ({self.confirmed_at:%Y-%m-%d})"


class ProtocolExport(BackgroundJob):
    """A protocol workbook and PDF built in the background from a snapshot, with its progress."""

    snapshot = models.ForeignKey(
        ResultSnapshot, on_delete=models.CASCADE, related_name="exports", verbose_name=_("snapshot")
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("protocol export")
        verbose_name_plural = _("protocol exports")

    def __str__(self) -> str:
        return f"{self.snapshot} {self.status}"


class ReminderMailing(BackgroundJob):
    """Reminders to a category's jurors with missing sheets, sent by the worker one by one."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("category")
    )
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent = models.PositiveIntegerField(_("sent"), default=0)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("reminder mailing")
        verbose_name_plural = _("reminder mailings")

    def __str__(self) -> str:
        return f"{self.category} {self.status} {self.sent}/{self.recipients}"


# Assignment of entries to jurors (scoring/assignment/models.py), registered with this app.
from .assignment.models import (  # noqa: E402, F401
    Assignment,
    AssignmentAudit,
    AssignmentPreference,
    AssignmentRule,
    JurorLoadCap,
    PreferenceLevel,
)
