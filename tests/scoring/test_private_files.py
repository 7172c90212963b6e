"""Attachments live in the "private" storage and reach people only through the checked views."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from entries.models import Attachment
from tests.conftest import close_response

CONTENT = b"%PDF-1.4\n% a private file\n" + bytes(range(256)) * 40


@pytest.fixture
def attachment(entry):
    attachment = Attachment(
        entry=entry, original_name="plan.pdf", content_type="application/pdf", size=len(CONTENT)
    )
    attachment.file.save("plan.pdf", SimpleUploadedFile("plan.pdf", CONTENT), save=True)
    return attachment


def test_attachment_is_stored_in_the_private_storage_outside_media(client, attachment):
    private = storages["private"]

    assert attachment.file.storage is private
    assert private.exists(attachment.file.name)
    assert Path(settings.PRIVATE_MEDIA_ROOT) in Path(private.path(attachment.file.name)).parents
    assert not (Path(settings.MEDIA_ROOT) / attachment.file.name).exists()
    assert client.get(private.url(attachment.file.name)).status_code == 404


# Who gets the file from the applicants' address and from the jury's address.
ROLES = {
    "anonymous": (302, 302),
    "applicant": (200, 404),
    "other_applicant": (404, 404),
    "juror": (404, 200),
    "other_juror": (404, 404),
    "organiser": (200, 404),
    "other_organiser": (404, 404),
}


@pytest.mark.parametrize(("role", "statuses"), list(ROLES.items()))
def test_private_file_served_through_the_view_per_role(
    client, request, entry, attachment, role, statuses
):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    urls = (
        reverse("entries:attachment_download", args=[entry.pk, attachment.pk]),
        reverse("scoring:attachment", args=[entry.pk, attachment.pk]),
    )

    responses = [client.get(url) for url in urls]

    assert [r.status_code for r in responses] == list(statuses)
    for response in responses:
        if response.status_code == 200:
            assert response.streaming
            assert b"".join(response.streaming_content) == CONTENT
            assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
        close_response(response)
