"""Every diploma of a published edition in one zip, written by the worker."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from competition.jobs import BackgroundJob
from scoring.models import ResultSnapshot


class DiplomaArchive(BackgroundJob):
    """A zip of one PDF a laureate: a national edition has dozens, each a WeasyPrint render."""

    snapshot = models.ForeignKey(
        ResultSnapshot,
        on_delete=models.CASCADE,
        related_name="diploma_archives",
        verbose_name=_("snapshot"),
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("diploma archive")
        verbose_name_plural = _("diploma archives")

    def __str__(self) -> str:
        return f"{self.snapshot} {self.status}"
