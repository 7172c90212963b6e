"""Background work of the jury; tasks are thin wrappers over services."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def send_reminders_task(mailing_id: int) -> int:
    from .models import ReminderMailing

    mailing = ReminderMailing.objects.select_related("category").get(pk=mailing_id)
    return services.send_reminders(mailing=mailing)


@task()
def build_protocol_task(export_id: int, language: str = "pl") -> str:
    """The workbook and the PDF, in the language of the organiser who asked for them."""
    from .models import ProtocolExport
    from .results import protocol

    return protocol.build(
        ProtocolExport.objects.select_related("snapshot__created_by").get(pk=export_id),
        language=language,
    ).status
