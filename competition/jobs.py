"""Work done by the task worker on a person's request, with progress they can watch.

The protocol, the export of an edition's entries and the reminder mailings each take from
seconds to minutes at national scale, so they run in a django-tasks worker. Each request is a row
of a model built on `BackgroundJob`: the page shows its status and percentage, and a worker that
is killed mid-run does not leave it "in progress" forever (see `JobQuerySet.fail_stale`).
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("judging.jobs")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("in progress")
    DONE = "done", _("finished")
    FAILED = "failed", _("failed")


class JobQuerySet(models.QuerySet):
    def update(self, **fields):
        # Every status or progress write is the job's heartbeat (see `fail_stale`).
        fields.setdefault("updated_at", timezone.now())
        return super().update(**fields)

    def fail_stale(self) -> int:
        """Jobs whose worker stopped reporting (it was killed) become failed.

        After EXPORT_STALE_SECONDS without progress a running job is failed, and the person may
        ask again.
        """
        cutoff = timezone.now() - dt.timedelta(seconds=settings.EXPORT_STALE_SECONDS)
        stale = self.filter(status=JobStatus.RUNNING, updated_at__lt=cutoff)
        count = stale.update(
            status=JobStatus.FAILED,
            error=f"no progress for {settings.EXPORT_STALE_SECONDS} s: the worker stopped",
        )
        if count:
            logger.warning(
                "background jobs failed as stale",
                extra={"model": self.model._meta.label, "count": count},
            )
        return count


class BackgroundJob(models.Model):
    """One request for background work: who asked, when, and how far it has got."""

    Status = JobStatus

    # Empty for work the scheduled job asked for (the reminders before scoring closes).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    updated_at = models.DateTimeField(_("last progress at"), auto_now=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-requested_at"]

    def mark(self, **fields) -> None:
        """Write status or progress straight to the row (a heartbeat), and to this object."""
        type(self).objects.filter(pk=self.pk).update(**fields)
        for name, value in fields.items():
            setattr(self, name, value)

    def run(self, work: Callable[[], dict | None]) -> None:
        """Run `work` as this job: running, then done (with the fields `work` returns) or failed."""
        self.mark(status=JobStatus.RUNNING)
        try:
            done = work() or {}
        except Exception as error:  # recorded for the person, then re-raised for the task log
            self.mark(status=JobStatus.FAILED, error=str(error))
            raise
        self.mark(status=JobStatus.DONE, progress=100, **done)

    def status_payload(self) -> dict:
        """What a page polls for: the status, its label in the reader's language, the percentage."""
        return {
            "status": self.status,
            "label": str(self.get_status_display()),
            "progress": self.progress,
        }


def save_private_file(name: str, write: Callable[[IO[bytes]], None]) -> None:
    """Write a job's file into the "private" storage (a disk, or an object store in production).

    It is written to a local temporary file first: the writers seek, an object store does not.
    """
    storage = storages["private"]
    with tempfile.TemporaryFile() as local:
        write(local)
        local.seek(0)
        storage.delete(name)
        storage.save(name, File(local, name=name))
