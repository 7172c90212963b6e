"""/health/ for the proxy: 200 when every service answers, 503 when one does not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from scoring.tasks import send_reminders_task

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_health_is_200_with_every_check_ok(client):
    response = client.get("/health/?format=json")

    assert response.status_code == 200
    assert set(response.json().values()) == {"OK"}
    assert {"Database", "Cache", "Storage", "TaskBacklog"} <= {
        name.split("(")[0] for name in response.json()
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_health_is_503_when_the_private_storage_fails(client, settings, tmp_path):
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "private")},
        },
    }

    response = client.get("/health/?format=json")

    assert response.status_code == 503
    assert response.json()["Storage(alias='private')"] != "OK"


@pytest.mark.django_db(transaction=True)
def test_health_reports_a_task_backlog_but_stays_200(client, settings):
    settings.TASKS = DATABASE_TASKS
    from django_tasks_db.models import DBTaskResult

    send_reminders_task.using(backend="default").enqueue(1)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(hours=1))

    response = client.get("/health/?format=json")

    assert response.status_code == 200
    backlog = next(v for k, v in response.json().items() if k.startswith("TaskBacklog"))
    assert "1 tasks waiting for a worker" in backlog


@pytest.mark.django_db(transaction=True)
def test_health_answers_a_plain_http_probe_without_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    probe = client.get("/health/?format=json")
    page = client.get("/robots.txt")

    assert probe.status_code == 200
    assert page.status_code == 301
