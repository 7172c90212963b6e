"""Assignment of entries to jurors: the category's rule, the pairs, jurors' marks, the log.

Imported by `scoring.models`, so the models belong to the scoring app.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from competition.models import Category
from entries.models import Entry

# `scoring.models` defines AuditLogEntry before it imports this module (at its end).
from ..models import AuditLogEntry
from .solver import Preference


class AssignmentRule(models.Model):
    """How many jurors score each entry of a category; no rule (or no k) means all of them."""

    category = models.OneToOneField(
        Category,
        on_delete=models.CASCADE,
        related_name="assignment_rule",
        verbose_name=_("category"),
    )
    jurors_per_entry = models.PositiveSmallIntegerField(
        _("jurors per entry"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2)],
        help_text=_("Empty: every juror scores every entry."),
    )

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(jurors_per_entry__isnull=True)
                | models.Q(jurors_per_entry__gte=2),
                name="assignment_rule_k_at_least_two",
                violation_error_message=_("At least two jurors score each entry."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.jurors_per_entry or '∀'}"


class JurorLoadCap(models.Model):
    """The most entries the organiser lets one juror score in one category."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="load_caps", verbose_name=_("category")
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("juror"),
    )
    max_entries = models.PositiveIntegerField(_("at most entries"))

    class Meta:
        verbose_name = _("juror's load cap")
        verbose_name_plural = _("jurors' load caps")
        constraints = [
            models.UniqueConstraint(fields=["category", "juror"], name="load_cap_unique_juror")
        ]

    def __str__(self) -> str:
        return f"{self.juror} ≤ {self.max_entries}"


class Assignment(models.Model):
    """One juror scores one entry (in a category with k jurors per entry)."""

    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("juror"),
    )
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("entry")
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["juror", "entry"], name="assignment_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.juror} → {self.entry}"


class PreferenceLevel(models.TextChoices):
    WANT = Preference.WANT, _("I want to score it")
    CAN = Preference.CAN, _("I can score it")
    AVOID = Preference.AVOID, _("I would rather not")


class AssignmentPreference(models.Model):
    """A juror's mark on an entry before the assignment; the solver honours it where it can."""

    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignment_preferences",
        verbose_name=_("juror"),
    )
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="+", verbose_name=_("entry")
    )
    level = models.CharField(_("preference"), max_length=5, choices=PreferenceLevel.choices)

    class Meta:
        verbose_name = _("assignment preference")
        verbose_name_plural = _("assignment preferences")
        constraints = [
            models.UniqueConstraint(fields=["juror", "entry"], name="preference_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.juror} · {self.entry}: {self.level}"


class AssignmentAudit(AuditLogEntry):
    """Append-only record of every change to a category's assignment rule or pairs."""

    class Action(models.TextChoices):
        RULE = "rule", _("rule changed")
        CONFIRM = "confirm", _("proposal confirmed")
        MOVE = "move", _("pair moved by hand")
        CAP = "cap", _("load cap changed")

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    at = models.DateTimeField(_("changed at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # [juror id, entry id] pairs; the rule's old and new k under "old"/"new".
    added = models.JSONField(_("added"), default=list)
    removed = models.JSONField(_("removed"), default=list)
    details = models.JSONField(_("details"), default=dict)

    class Meta:
        verbose_name = _("assignment change")
        verbose_name_plural = _("assignment changes")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.by} {self.action}"
