"""The jury's protocol, the legal record of a frozen snapshot: a workbook and a printable PDF.

Both are written from one `ProtocolContent` (content.py), built from the snapshot alone under
the language of whoever asked for it, so neither can drift from what the jury confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import IO

from django.core.files.storage import storages
from django.utils import translation
from django.utils.text import slugify

from competition.jobs import save_private_file

from ...models import ProtocolExport, ResultSnapshot
from .content import ProtocolContent, build_content, iter_scores

__all__ = [
    "ProtocolContent",
    "build",
    "build_content",
    "download_name",
    "file_path",
    "iter_scores",
    "open_file",
    "write_pdf",
    "write_protocol",
]

DEFAULT_LANGUAGE = "pl"
XLSX, PDF = "xlsx", "pdf"
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PDF: "application/pdf",
}


def write_protocol(
    snapshot: ResultSnapshot,
    target: IO[bytes] | str,
    progress: Callable[[int], None] = lambda p: None,
    *,
    language: str = DEFAULT_LANGUAGE,
) -> None:
    """The protocol workbook of `snapshot`, in `language`."""
    from .workbook import write_workbook

    with translation.override(language):
        write_workbook(build_content(snapshot), snapshot.payload["scores"], target, progress)


def write_pdf(
    snapshot: ResultSnapshot, target: IO[bytes] | str, *, language: str = DEFAULT_LANGUAGE
) -> None:
    """The printable protocol of `snapshot`, in `language`."""
    # WeasyPrint loads Pango when imported: only the task that writes a PDF pays for it.
    from .pdf import write_pdf as write

    with translation.override(language):
        write(build_content(snapshot), target)


def file_path(export: ProtocolExport, kind: str = XLSX) -> str:
    """The file's name in the "private" storage (a disk, or an object store in production)."""
    return f"protocols/protocol-{export.pk}.{kind}"


def open_file(export: ProtocolExport, kind: str = XLSX):
    return storages["private"].open(file_path(export, kind), "rb")


def has_file(export: ProtocolExport, kind: str) -> bool:
    # Exports made before the PDF existed have the workbook only.
    return export.status == ProtocolExport.Status.DONE and storages["private"].exists(
        file_path(export, kind)
    )


def download_name(snapshot: ResultSnapshot, kind: str = XLSX) -> str:
    edition = snapshot.payload["edition"]
    competition = slugify(snapshot.payload["competition"])
    return f"protokol-{competition}-{edition['year']}-{snapshot.digest[:8]}.{kind}"


def build(export: ProtocolExport, *, language: str = DEFAULT_LANGUAGE) -> ProtocolExport:
    """Write the workbook and the PDF for `export`, recording progress so the page can show it."""
    workbook, pdf = file_path(export, XLSX), file_path(export, PDF)

    def progress(percent: int) -> None:
        # The workbook is the first 90 per cent, the PDF the rest.
        export.mark(progress=percent * 9 // 10)

    def work() -> dict:
        save_private_file(
            workbook, lambda f: write_protocol(export.snapshot, f, progress, language=language)
        )
        save_private_file(pdf, lambda f: write_pdf(export.snapshot, f, language=language))
        return {"file_name": PurePosixPath(workbook).name}

    export.run(work)
    export.refresh_from_db()
    return export
