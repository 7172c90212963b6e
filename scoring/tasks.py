"""Background work of the jury; tasks are thin wrappers over services."""

from __future__ import annotations

from django_tasks import task

from competition.models import Category

from . import services


@task()
def send_reminders_task(category_id: int) -> int:
    return services.send_reminders(category=Category.objects.get(pk=category_id))


@task()
def build_protocol_task(export_id: int, language: str = "pl") -> str:
    """The workbook and the PDF, in the language of the organiser who asked for them."""
    from .models import ProtocolExport
    from .results import protocol

    return protocol.build(
        ProtocolExport.objects.select_related("snapshot__created_by").get(pk=export_id),
        language=language,
    ).status
