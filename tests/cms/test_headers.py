from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_public_page_has_a_strict_content_security_policy_and_permissions_policy(client):
    response = client.get("/szukaj/")

    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'self'"
    assert "camera=()" in response["Permissions-Policy"]


def test_admin_gets_the_relaxed_policy_wagtail_needs(client):
    response = client.get("/admin/login/")

    assert "script-src 'self' 'unsafe-inline' 'unsafe-eval'" in response["Content-Security-Policy"]
    assert response.status_code == 200


def test_logged_in_page_is_private_and_not_stored(client):
    client.force_login(UserFactory())

    response = client.get(reverse("entries:dashboard"))

    assert response.status_code == 200
    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }


def test_anonymous_page_is_not_marked_no_store(client):
    response = client.get("/szukaj/")

    assert "no-store" not in response.get("Cache-Control", "")


def test_oversized_body_is_refused_before_it_is_read(client):
    client.force_login(UserFactory())

    response = client.generic(
        "POST",
        reverse("entries:dashboard"),
        b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(60 * 2**20),
    )

    assert response.status_code == 413
    assert "co najwyżej 12 MB" in response.content.decode()
