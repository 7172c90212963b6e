"""A protocol build whose worker died is not "in progress" forever: it fails and can be redone."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from scoring.models import ProtocolExport

# The frozen snapshot of the protocol's tests, with the fixtures it is made from.
from tests.scoring.test_protocol import entries, idle_official, snapshot  # noqa: F401


@pytest.fixture
def stuck(snapshot, organiser):  # noqa: F811
    """An export a worker started and was killed in: running, no progress since."""
    return ProtocolExport.objects.create(
        snapshot=snapshot, requested_by=organiser, status=ProtocolExport.Status.RUNNING
    )


def test_running_export_with_recent_progress_stays_running(client, organiser, stuck, settings):
    client.force_login(organiser)

    status = client.get(reverse("scoring:protocol_status", args=[stuck.pk])).json()

    assert status["status"] == "running"


def test_stale_running_export_becomes_failed(client, organiser, stuck, settings):
    client.force_login(organiser)
    later = timezone.now() + dt.timedelta(seconds=settings.EXPORT_STALE_SECONDS + 1)

    with time_machine.travel(later, tick=False):
        status = client.get(reverse("scoring:protocol_status", args=[stuck.pk])).json()

    stuck.refresh_from_db()
    assert status["status"] == "failed"
    assert "worker stopped" in stuck.error


def test_progress_is_the_heartbeat(organiser, stuck, settings):
    halfway = timezone.now() + dt.timedelta(seconds=settings.EXPORT_STALE_SECONDS - 1)
    with time_machine.travel(halfway, tick=False):
        ProtocolExport.objects.filter(pk=stuck.pk).update(progress=50)
    later = halfway + dt.timedelta(seconds=settings.EXPORT_STALE_SECONDS - 1)

    with time_machine.travel(later, tick=False):
        failed = ProtocolExport.objects.fail_stale()

    assert failed == 0


def test_failed_export_offers_try_again_and_is_built_again(
    client,
    organiser,
    stuck,
    snapshot,  # noqa: F811
    settings,
):
    client.force_login(organiser)
    ProtocolExport.objects.filter(pk=stuck.pk).update(
        updated_at=timezone.now() - dt.timedelta(seconds=settings.EXPORT_STALE_SECONDS + 1)
    )
    page = client.get(reverse("scoring:edition_results", args=[snapshot.edition_id]))
    again = reverse("scoring:protocol", args=[snapshot.pk])

    response = client.post(again)

    assert f'action="{again}"' in page.content.decode()
    assert "Spróbuj ponownie" in page.content.decode()
    assert response.status_code == 302
    assert list(ProtocolExport.objects.order_by("pk").values_list("status", flat=True)) == [
        "failed",
        "done",
    ]
