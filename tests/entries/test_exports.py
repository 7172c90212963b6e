"""The export of an edition's entries is a job for the worker, with progress, for organisers only."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from entries import exports
from entries.models import EntriesExport, EntryStatus
from scoring import services as jury
from tests.conftest import close_response
from tests.factories import CategoryFactory, EditionFactory, EntryFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE_URL = settings.WAGTAILADMIN_BASE_URL


@pytest.fixture
def edition(db):
    edition = EditionFactory(competition__code="SLC", year=2026)
    category = CategoryFactory(edition=edition, name="Poza horyzonty")
    for sequence in (1, 2, 3):
        EntryFactory(
            category=category,
            status=EntryStatus.SUBMITTED,
            sequence=sequence,
            number=f"SLC-2026-{sequence:03d}",
            title=f"Projekt {sequence}",
        )
    EntryFactory(category=category, status=EntryStatus.DRAFT, title="Szkic")
    return edition


def request(client, edition, django_capture_on_commit_callbacks):
    # The worker's task is handed over when the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("entry_spreadsheets:export"), {"edition": edition.pk})


def test_export_request_builds_the_workbook_in_the_worker(
    client, organiser, edition, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    response = request(client, edition, django_capture_on_commit_callbacks)

    export = EntriesExport.objects.get()
    assert response.status_code == 302
    assert (export.status, export.progress, export.requested_by) == ("done", 100, organiser)
    page = client.get(reverse("entry_spreadsheets:index")).content.decode()
    download = reverse("entry_spreadsheets:export_download", args=[export.pk])
    assert f'href="{download}"' in page
    assert "zakończono (100%)" in page
    file = client.get(download)
    assert file["Content-Disposition"] == (
        f'attachment; filename="slc-2026-{edition.roman_number.lower()}.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(file.streaming_content)))
    titles = [row[1] for row in book["Poza horyzonty"].iter_rows(min_row=2, values_only=True)]
    assert sorted(titles) == ["Projekt 1", "Projekt 2", "Projekt 3"]


def test_export_reports_progress_per_category(organiser, edition):
    CategoryFactory(edition=edition, name="Ponad codzienność")
    export = EntriesExport.objects.create(edition=edition, requested_by=organiser)
    seen = []
    original = export.mark

    def spy(**fields):
        seen.append(fields.get("progress"))
        original(**fields)

    export.mark = spy

    exports.build(export, base_url=BASE_URL)

    # After each category (the empty one sorts first by name), then the saved file.
    assert [p for p in seen if p is not None] == [0, 90, 100]


def test_export_status_is_json_in_the_readers_language(client, organiser, edition):
    export = EntriesExport.objects.create(edition=edition, requested_by=organiser)
    client.force_login(organiser)

    status = client.get(reverse("entry_spreadsheets:export_status", args=[export.pk])).json()

    assert status == {"status": "queued", "label": "w kolejce", "progress": 0}


def test_export_of_a_killed_worker_fails_and_can_be_requested_again(
    client, organiser, edition, django_capture_on_commit_callbacks
):
    stuck = EntriesExport.objects.create(
        edition=edition, requested_by=organiser, status=EntriesExport.Status.RUNNING
    )
    EntriesExport.objects.filter(pk=stuck.pk).update(
        updated_at=timezone.now() - dt.timedelta(seconds=settings.EXPORT_STALE_SECONDS + 1)
    )
    client.force_login(organiser)

    page = client.get(reverse("entry_spreadsheets:index")).content.decode()
    request(client, edition, django_capture_on_commit_callbacks)

    stuck.refresh_from_db()
    assert stuck.status == "failed"
    assert "worker stopped" in stuck.error
    assert "Spróbuj ponownie" in page
    assert list(EntriesExport.objects.order_by("pk").values_list("status", flat=True)) == [
        "failed",
        "done",
    ]


def test_export_that_raises_is_failed_with_its_error(organiser, edition, monkeypatch):
    export = EntriesExport.objects.create(edition=edition, requested_by=organiser)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "export_workbook", broken)

    with pytest.raises(OSError):
        exports.build(export, base_url=BASE_URL)

    export.refresh_from_db()
    assert (export.status, export.error) == ("failed", "disk full")


def test_export_download_is_404_until_done(client, organiser, edition):
    export = EntriesExport.objects.create(edition=edition, requested_by=organiser)
    client.force_login(organiser)

    response = client.get(reverse("entry_spreadsheets:export_download", args=[export.pk]))

    assert response.status_code == 404


def test_export_without_an_edition_says_so_and_records_nothing(client, organiser):
    client.force_login(organiser)

    response = client.post(reverse("entry_spreadsheets:export"), {}, follow=True)

    assert "Wybierz edycję do eksportu." in response.content.decode()
    assert not EntriesExport.objects.exists()


# Who may ------------------------------------------------------------------------------------


def role(name: str, edition) -> object | None:
    category = edition.categories.get()
    if name == "anonymous":
        return None
    user = UserFactory(username=name)
    if name in ("juror", "chair"):
        jury.appoint(category=category, user=user, chair=name == "chair")
    return user


@pytest.mark.parametrize("name", ["anonymous", "applicant", "juror", "chair"])
def test_export_views_refuse_everyone_but_organisers(client, organiser, edition, name):
    export = EntriesExport.objects.create(edition=edition, requested_by=organiser)
    exports.build(export, base_url=BASE_URL)
    user = role(name, edition)
    if user:
        client.force_login(user)

    responses = [
        client.post(reverse("entry_spreadsheets:export"), {"edition": edition.pk}),
        client.get(reverse("entry_spreadsheets:export_status", args=[export.pk])),
        client.get(reverse("entry_spreadsheets:export_download", args=[export.pk])),
    ]

    for response in responses:
        close_response(response)
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert all("/admin/" in r["Location"] for r in responses)
    assert EntriesExport.objects.count() == 1


def test_export_views_refuse_an_organiser_of_another_competition(
    client, organiser, other_organiser, edition
):
    export = EntriesExport.objects.create(edition=edition, requested_by=organiser)
    exports.build(export, base_url=BASE_URL)
    client.force_login(other_organiser)

    index = client.get(reverse("entry_spreadsheets:index")).content.decode()
    asked = client.post(reverse("entry_spreadsheets:export"), {"edition": edition.pk})
    status = client.get(reverse("entry_spreadsheets:export_status", args=[export.pk]))
    download = client.get(reverse("entry_spreadsheets:export_download", args=[export.pk]))

    assert str(edition) not in index
    assert asked["Location"] == reverse("entry_spreadsheets:index")
    assert (status.status_code, download.status_code) == (404, 404)
    assert EntriesExport.objects.count() == 1
