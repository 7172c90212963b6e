"""`/health/` for the proxy and the monitoring: django-health-check's probes, 503 on any failure.

The database, the shared cache, both storages (public media and the private files) and the
task queue's backlog: a server that cannot reach one of them should be taken out of rotation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.db import connection
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from health_check.views import HealthCheckView

HEALTH_PATH = "/health/"


@dataclasses.dataclass
class TaskBacklog(HealthCheck):
    """Tasks waiting longer than `max_wait` mean no worker is taking them (django-tasks-db)."""

    max_wait: dt.timedelta = dataclasses.field(
        default_factory=lambda: dt.timedelta(seconds=settings.HEALTH_TASK_MAX_WAIT_SECONDS)
    )

    def run(self) -> None:
        if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
            return  # the immediate backend has no queue
        from django_tasks_db.models import DBTaskResult

        try:
            waiting = DBTaskResult.objects.ready().filter(
                enqueued_at__lt=timezone.now() - self.max_wait
            )
            count = waiting.count()
        except Exception as error:
            raise ServiceUnavailable("Task queue unreadable") from error
        finally:
            # Checks run in short-lived executor threads: do not leave their connection open
            # (on PostgreSQL it would be garbage-collected open, a ResourceWarning).
            connection.close()
        if count:
            raise ServiceWarning(f"{count} tasks waiting for a worker")


class HealthView(HealthCheckView):
    checks = (
        "health_check.checks.Database",
        "health_check.checks.Cache",
        ("health_check.checks.Storage", {"alias": "default"}),
        ("health_check.checks.Storage", {"alias": "private"}),
        TaskBacklog,
    )

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        errors = [result.error for result in self.results if result.error]
        # 503 is what proxies read as "take this server out of rotation"; a queue backlog is
        # reported in the body but is no reason to stop serving pages.
        if errors:
            only_warnings = all(isinstance(error, ServiceWarning) for error in errors)
            response.status_code = 200 if only_warnings else 503
        return response
