"""Diplomas of laureates: PDF read back, the QR code, the verification page and its codes."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
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
    edition.ceremony_place = "Warszawa"
    edition.diploma_signatures = "Anna Nowicka — przewodnicząca jury"
    edition.save(update_fields=["published_at", "ceremony_place", "diploma_signatures"])
    return snapshot, rows


def test_code_finds_its_award_and_nothing_else(published):
    snapshot, rows = published
    first = rows[0][0]
    code = diplomas.code_for(snapshot, first.pk)

    found = diplomas.find(code)

    assert found.laureate.ranked.entry == first.pk
    assert found.laureate.award.label == "I miejsce"
    assert diplomas.find(code.lower()) is not None  # typed in lower case
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert diplomas.find(tampered) is None
    assert diplomas.find(f"{snapshot.pk}-{rows[1][0].pk}-{code.rsplit('-', 1)[1]}") is None
    assert diplomas.find("nie-kod") is None


def test_code_of_an_unpublished_edition_does_not_verify(published):
    snapshot, rows = published
    snapshot.edition.published_at = None
    snapshot.edition.save(update_fields=["published_at"])

    assert diplomas.find(diplomas.code_for(snapshot, rows[0][0].pk)) is None


def test_verification_page_shows_what_the_frozen_results_say(client, published):
    snapshot, rows = published
    entry = rows[1][0]

    response = client.get(f"/weryfikacja/{diplomas.code_for(snapshot, entry.pk)}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "jest autentyczny" in body
    assert "II miejsce" in body
    assert entry.institution.name in body
    assert snapshot.digest in body


def test_verification_page_of_an_unknown_code_is_404_with_a_hint(client, published):
    response = client.get("/weryfikacja/1-2-ABCDEF/")

    assert response.status_code == 404
    assert "Żaden dyplom nie ma kodu „1-2-ABCDEF”" in response.content.decode()


def test_digest_search_names_the_edition(client, published):
    snapshot, _rows = published

    found = client.get("/weryfikacja/", {"digest": snapshot.digest.upper()}).content.decode()
    unknown = client.get("/weryfikacja/", {"digest": "0" * 64}).content.decode()
    invalid = client.get("/weryfikacja/", {"digest": "xyz"}).content.decode()
    empty = client.get("/weryfikacja/", {"digest": "", "code": ""}).content.decode()

    assert f"To wyniki edycji {snapshot.edition}" in found
    assert "Żadne opublikowane wyniki nie mają tego skrótu." in unknown
    assert "Skrót SHA-256 to 64 znaki" in invalid
    assert "Podaj kod z dyplomu albo skrót wyników." in empty


def test_code_search_goes_to_the_diploma(client, published):
    snapshot, rows = published
    code = diplomas.code_for(snapshot, rows[0][0].pk)

    response = client.get("/weryfikacja/", {"code": code})

    assert response.status_code == 302
    assert response["Location"] == f"/weryfikacja/{code}/"


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("applicant", 404), ("juror", 404), ("organiser", 200)],
)
def test_diplomas_pdf_is_for_organisers(client, request, published, role, status):
    snapshot, _rows = published
    if role == "juror":
        client.force_login(UserFactory(username="sedzia"))
    elif role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = client.get(f"/dyplomy/{snapshot.pk}/")

    assert response.status_code == status


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "dyplom.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_diploma_pdf_reads_back_in_polish(client, organiser, published, tmp_path):
    snapshot, rows = published
    entry = rows[0][0]
    client.force_login(organiser)

    response = client.get(f"/dyplomy/{snapshot.pk}/{entry.pk}/")

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "DYPLOM" in text
    assert "I miejsce" in text
    assert "Ponad codzienność" in text
    assert entry.institution.name in text
    assert "Anna Nowicka — przewodnicząca jury" in text
    assert diplomas.code_for(snapshot, entry.pk) in text


@pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="zbar-tools or poppler-utils not installed",
)
def test_diploma_qr_code_decodes_to_its_verification_page(client, organiser, published, tmp_path):
    snapshot, rows = published
    client.force_login(organiser)
    content = client.get(f"/dyplomy/{snapshot.pk}/{rows[0][0].pk}/").content
    (tmp_path / "d.pdf").write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "200", str(tmp_path / "d.pdf"), str(tmp_path / "page")],
        check=True,
    )
    [image] = sorted(tmp_path.glob("page*.png"))

    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True
    ).stdout.strip()

    code = diplomas.code_for(snapshot, rows[0][0].pk)
    assert decoded == f"http://testserver/weryfikacja/{code}/"


def test_one_letter_words_stay_with_the_next_word():
    assert diplomas.keep_together("Portal w gminie i mieście") == (
        "Portal w\u00a0gminie i\u00a0mieście"
    )


# All diplomas as a zip built by the worker ----------------------------------------------------


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


@pytest.mark.parametrize("role", ["anonymous", "applicant", "juror", "other_organiser"])
def test_diploma_archive_views_are_for_organisers_only(client, request, organiser, published, role):
    snapshot, rows = published
    archive = DiplomaArchive.objects.create(snapshot=snapshot, requested_by=organiser)
    diplomas.build_archive(archive, site_url="https://konkursy.example.org")
    if role == "applicant":
        client.force_login(MembershipFactory(institution=rows[0][0].institution).user)
    elif role == "juror":
        client.force_login(UserFactory(username="sedzia"))
    elif role == "other_organiser":
        client.force_login(request.getfixturevalue(role))

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
