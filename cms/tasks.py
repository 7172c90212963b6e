"""Background work of the public site; tasks are thin wrappers over its modules."""

from __future__ import annotations

from django_tasks import task


@task()
def build_diplomas_task(archive_id: int, site_url: str, language: str = "pl") -> str:
    """Every diploma of a snapshot in a zip; `site_url` is where their QR codes point."""
    from . import diplomas
    from .models import DiplomaArchive

    archive = DiplomaArchive.objects.select_related("snapshot__edition__competition").get(
        pk=archive_id
    )
    diplomas.build_archive(archive, site_url=site_url, language=language)
    return archive.status
