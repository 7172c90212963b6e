"""Logs are JSON lines with the request's id, user, status and duration."""

from __future__ import annotations

import json
import logging

import pytest

from cms.logging import JsonFormatter


def lines(caplog, logger: str) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == logger]


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.INFO, logger="judging.requests")
    return caplog


def test_request_line_has_id_status_duration_and_no_user_when_anonymous(client, request_log):
    response = client.get("/robots.txt")

    [line] = lines(request_log, "judging.requests")
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["path"] == "/robots.txt"
    assert line["status"] == 200
    assert line["user_id"] is None
    assert isinstance(line["duration_ms"], float)
    assert line["request_id"] == response["X-Request-ID"]
    assert line["time"].endswith("+00:00")


def test_request_line_names_the_logged_in_user_and_the_proxys_request_id(
    client, organiser, request_log
):
    client.force_login(organiser)

    client.get("/jury/", headers={"X-Request-ID": "abc-123"})

    [line] = lines(request_log, "judging.requests")
    assert line["user_id"] == organiser.pk
    assert line["request_id"] == "abc-123"
    assert line["status"] == 404


def test_forged_request_id_is_replaced(client, request_log):
    client.get("/robots.txt", headers={"X-Request-ID": 'x"\n{"level": "ERROR"}'})

    [line] = lines(request_log, "judging.requests")
    assert len(line["request_id"]) == 32


def test_service_action_is_logged_with_its_fields(caplog, organiser):
    from scoring import permissions
    from tests.factories import CategoryFactory, UserFactory

    caplog.set_level(logging.INFO, logger="judging")
    category, juror = CategoryFactory(), UserFactory()

    permissions.appoint_juror(category=category, user=juror)

    [line] = lines(caplog, "judging.scoring")
    assert line["message"] == "juror appointed"
    assert line["category_id"] == category.pk
    assert line["user_id_appointed"] == juror.pk
