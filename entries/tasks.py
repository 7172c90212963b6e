"""Background work of the entries; tasks are thin wrappers over services."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task


@task()
def export_entries_task(export_id: int, language: str = "pl") -> str:
    """The edition's workbook, in the language of the organiser who asked for it."""
    from . import exports
    from .models import EntriesExport

    export = EntriesExport.objects.select_related("edition__competition").get(pk=export_id)
    exports.build(export, base_url=settings.WAGTAILADMIN_BASE_URL, language=language)
    return export.status
