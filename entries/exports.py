"""The export of an edition's entries as a job for the worker: its file, its build, its reading.

At national scale (2,000 entries a category, five categories) the workbook takes seconds to
minutes; built in a request it would hold an app server and fail behind a proxy's timeout.
"""

from __future__ import annotations

from django.core.files.storage import storages
from django.utils import translation

from competition.jobs import save_private_file

from .models import EntriesExport
from .spreadsheets import export_filename, export_workbook

DEFAULT_LANGUAGE = "pl"


def file_path(export: EntriesExport) -> str:
    """The file's name in the "private" storage (a disk, or an object store in production)."""
    return f"exports/entries-{export.pk}.xlsx"


def open_file(export: EntriesExport):
    return storages["private"].open(file_path(export), "rb")


def download_name(export: EntriesExport) -> str:
    return export_filename(export.edition)


def build(export: EntriesExport, *, base_url: str, language: str = DEFAULT_LANGUAGE) -> None:
    """Write the workbook of `export`'s edition, its progress recorded for the page to show."""

    def progress(percent: int) -> None:
        # Writing the rows is the first 90 per cent; saving the file (zipping it) the rest.
        export.mark(progress=percent * 9 // 10)

    def work() -> dict:
        with translation.override(language):
            workbook = export_workbook(export.edition, base_url=base_url, progress=progress)
            save_private_file(file_path(export), workbook.save)
        return {"file_name": file_path(export).rsplit("/", 1)[-1]}

    export.run(work)
