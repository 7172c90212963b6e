"""All diplomas of an edition as a zip built by the worker, with progress, for organisers only."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cms import diplomas
from cms.models import DiplomaArchive
from tests.cms.conftest import awarded, make_snapshot
from tests.conftest import close_response
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    category, rows = awarded(4)
    snapshot = make_snapshot(category, rows)
    edition = category.edition
    edition.published_at = timezone.now()
    edition.save(update_fields=["published_at"])
    return snapshot, rows


def test_organiser_gets_a_zip_of_one_pdf_a_laureate(client, organiser, published):
    snapshot, _rows = published
    client.force_login(organiser)

    response = client.post(reverse("diplomas_request", args=[snapshot.pk]))
    page = client.get(reverse("diplomas_page", args=[snapshot.pk])).content.decode()

    archive = DiplomaArchive.objects.get()
    assert response["Location"] == reverse("diplomas_page", args=[snapshot.pk])
    assert (archive.status, archive.progress, archive.requested_by) == ("done", 100, organiser)
    assert reverse("diplomas_zip", args=[archive.pk]) in page
    download = client.get(reverse("diplomas_zip", args=[archive.pk]))
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    expected = sorted(d.filename for d in diplomas.diplomas_of(snapshot))
    assert sorted(bundle.namelist()) == expected
    assert len(expected) >= 3
    assert all(bundle.read(name).startswith(b"%PDF") for name in expected)
    assert download["Content-Disposition"].startswith('attachment; filename="dyplomy-')


def test_diplomas_page_lists_each_diploma_with_its_code(client, organiser, published):
    snapshot, _rows = published
    client.force_login(organiser)

    page = client.get(reverse("diplomas_page", args=[snapshot.pk])).content.decode()

    for diploma in diplomas.diplomas_of(snapshot):
        assert diploma.code in page
        entry = diploma.laureate.ranked.entry
        assert reverse("diploma_pdf", args=[snapshot.pk, entry]) in page


def test_archive_progress_is_counted_per_diploma(organiser, published):
    snapshot, _rows = published
    archive = DiplomaArchive.objects.create(snapshot=snapshot, requested_by=organiser)
    seen = []
    original = archive.mark

    def spy(**fields):
        seen.append(fields.get("progress"))
        original(**fields)

    archive.mark = spy

    diplomas.build_archive(archive, site_url="https://konkursy.example.org")

    count = len(diplomas.diplomas_of(snapshot))
    assert [p for p in seen if p is not None] == [
        done * 99 // count for done in range(1, count + 1)
    ] + [100]


def test_archive_of_a_killed_worker_fails_and_offers_try_again(client, organiser, published):
    snapshot, _rows = published
    stuck = DiplomaArchive.objects.create(
        snapshot=snapshot, requested_by=organiser, status=DiplomaArchive.Status.RUNNING
    )
    DiplomaArchive.objects.filter(pk=stuck.pk).update(
        updated_at=timezone.now() - dt.timedelta(seconds=settings.EXPORT_STALE_SECONDS + 1)
    )
    client.force_login(organiser)

    status = client.get(reverse("diplomas_status", args=[stuck.pk])).json()
    page = client.get(reverse("diplomas_page", args=[snapshot.pk])).content.decode()

    assert status["status"] == "failed"
    assert "Spróbuj ponownie" in page


@pytest.mark.parametrize("role", ["anonymous", "applicant", "juror"])
def test_diploma_archive_views_are_for_organisers_only(client, organiser, published, role):
    snapshot, rows = published
    archive = DiplomaArchive.objects.create(snapshot=snapshot, requested_by=organiser)
    diplomas.build_archive(archive, site_url="https://konkursy.example.org")
    if role == "applicant":
        client.force_login(MembershipFactory(institution=rows[0][0].institution).user)
    elif role == "juror":
        client.force_login(UserFactory(username="sedzia"))

    responses = [
        client.get(reverse("diplomas_page", args=[snapshot.pk])),
        client.post(reverse("diplomas_request", args=[snapshot.pk])),
        client.get(reverse("diplomas_status", args=[archive.pk])),
        client.get(reverse("diplomas_zip", args=[archive.pk])),
    ]

    for response in responses:
        close_response(response)
    expected = 302 if role == "anonymous" else 404
    assert [r.status_code for r in responses] == [expected] * 4
    assert DiplomaArchive.objects.count() == 1


def test_diplomas_of_an_unpublished_edition_are_404(client, organiser, published):
    snapshot, _rows = published
    snapshot.edition.published_at = None
    snapshot.edition.save(update_fields=["published_at"])
    client.force_login(organiser)

    page = client.get(reverse("diplomas_page", args=[snapshot.pk]))
    request = client.post(reverse("diplomas_request", args=[snapshot.pk]))

    assert (page.status_code, request.status_code) == (404, 404)
    assert not DiplomaArchive.objects.exists()
