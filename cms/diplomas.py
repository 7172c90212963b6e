"""Laureates' diplomas (PDF, WeasyPrint) and their public verification codes.

A diploma is drawn from the frozen snapshot of a published edition, never from editable data.
Its code, e.g. "7-418-K3P9QX", names the snapshot and the entry and ends in six characters of
an HMAC over the snapshot's digest and the entry (keyed by SECRET_KEY): anyone can check a
diploma at /weryfikacja/<code>/ without a table of issued codes, and nobody can make up a code
for an entry that won nothing. A correction of the results makes a new snapshot, so new codes;
the old ones still verify and say that the results were corrected since.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import storages
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify

from competition.jobs import save_private_file
from scoring.models import ResultSnapshot
from scoring.results.snapshot import CategoryOutcome, Laureate, Snapshot

from .models import DiplomaArchive

CODE = re.compile(r"^(?P<snapshot>\d{1,9})-(?P<entry>\d{1,12})-(?P<check>[A-Z2-7]{6})$")
# Polish typesetting: a one-letter word ("w", "z", "i") never ends a line.
_ORPHAN = re.compile(r"(?<!\S)([aiouwzAIOUWZ]) ")


def _check(snapshot: ResultSnapshot, entry: int) -> str:
    mac = hmac.new(
        settings.SECRET_KEY.encode(), f"diploma:{snapshot.digest}:{entry}".encode(), hashlib.sha256
    ).digest()
    return base64.b32encode(mac).decode()[:6]


def code_for(snapshot: ResultSnapshot, entry: int) -> str:
    return f"{snapshot.pk}-{entry}-{_check(snapshot, entry)}"


def keep_together(text: str) -> str:
    """One-letter words bound to the next with a no-break space."""
    return _ORPHAN.sub("\\1\u00a0", text)


@dataclass(frozen=True)
class Diploma:
    snapshot: ResultSnapshot
    category: CategoryOutcome
    laureate: Laureate

    @property
    def code(self) -> str:
        return code_for(self.snapshot, self.laureate.ranked.entry)

    @property
    def edition(self):
        return self.snapshot.edition

    @property
    def superseded(self) -> bool:
        return ResultSnapshot.objects.filter(supersedes=self.snapshot).exists()

    @property
    def filename(self) -> str:
        number = self.laureate.ranked.number or str(self.laureate.ranked.entry)
        return f"dyplom-{slugify(number)}.pdf"


def diplomas_of(snapshot: ResultSnapshot) -> list[Diploma]:
    """Every place and distinction of a snapshot, category by category."""
    return [
        Diploma(snapshot, category, laureate)
        for category in Snapshot.of(snapshot).categories
        for laureate in category.laureates
    ]


def find(code: str) -> Diploma | None:
    """The diploma a code stands for, if the code is genuine and its edition is published."""
    match = CODE.match(code.strip().upper())
    if match is None:
        return None
    snapshot = (
        ResultSnapshot.objects.select_related("edition__competition")
        .filter(pk=int(match["snapshot"]), edition__published_at__isnull=False)
        .first()
    )
    if snapshot is None:
        return None
    entry = int(match["entry"])
    if not hmac.compare_digest(match["check"], _check(snapshot, entry)):
        return None
    for diploma in diplomas_of(snapshot):
        if diploma.laureate.ranked.entry == entry:
            return diploma
    return None


def qr_svg(url: str) -> str:
    """The verification address as an inline SVG QR code (segno, no image files)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=3, dark="#1a1a1a")


def pdf(diplomas: list[Diploma], *, verify_url, language: str = "pl") -> bytes:
    """One A4 landscape page a diploma. `verify_url(code)` gives the verification address."""
    from weasyprint import HTML

    with translation.override(language):
        pages = [
            {
                "diploma": diploma,
                "title": keep_together(diploma.laureate.ranked.title),
                "institution": keep_together(diploma.laureate.ranked.institution),
                "signatures": [
                    line.strip()
                    for line in diploma.edition.diploma_signatures.splitlines()
                    if line.strip()
                ],
                "url": verify_url(diploma.code),
                "qr": qr_svg(verify_url(diploma.code)),
            }
            for diploma in diplomas
        ]
        html = render_to_string("cms/diploma_pdf.html", {"pages": pages})
    return HTML(string=html).write_pdf()


def archive_path(archive: DiplomaArchive) -> str:
    """The zip's name in the "private" storage (a disk, or an object store in production)."""
    return f"diplomas/diplomas-{archive.pk}.zip"


def open_archive(archive: DiplomaArchive):
    return storages["private"].open(archive_path(archive), "rb")


def archive_download_name(archive: DiplomaArchive) -> str:
    edition = archive.snapshot.edition
    return f"dyplomy-{slugify(edition.competition.code)}-{edition.year}.zip"


def build_archive(archive: DiplomaArchive, *, site_url: str, language: str = "pl") -> None:
    """One PDF a diploma in a zip, progress counted per diploma for the page to show."""
    items = diplomas_of(archive.snapshot)
    base = site_url.rstrip("/")

    def verify_url(code: str) -> str:
        return base + reverse("verification", args=[code])

    def write(target) -> None:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle:
            for done, diploma in enumerate(items, start=1):
                bundle.writestr(
                    diploma.filename, pdf([diploma], verify_url=verify_url, language=language)
                )
                archive.mark(progress=done * 99 // len(items))

    def work() -> dict:
        save_private_file(archive_path(archive), write)
        return {"file_name": archive_path(archive).rsplit("/", 1)[-1]}

    archive.run(work)
