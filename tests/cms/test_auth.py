from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.core import context
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.test import RequestFactory, override_settings
from django.urls import reverse

from cms.auth import SignupForm, client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # UserFactory's


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth keeps its rate limits in the cache, which outlives a test's transaction.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def signed_up(db):
    """An account made by sign-up whose e-mail address is not confirmed yet."""
    user = UserFactory(username="sekretarz", email="sekretarz@gmina.example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    return user


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_admin_login_refuses_an_unconfirmed_email(client, signed_up):
    response = client.post("/admin/login/", {"username": "sekretarz", "password": PASSWORD})

    assert response.status_code == 200
    assert "Najpierw potwierdź swój adres e-mail" in response.content.decode()
    assert not logged_in(client)


def test_admin_login_refuses_an_unconfirmed_email_typed_as_the_login(client, signed_up):
    response = client.post("/admin/login/", {"username": signed_up.email, "password": PASSWORD})

    assert response.status_code == 200
    assert not logged_in(client)


def test_admin_login_accepts_a_confirmed_email(client, signed_up):
    EmailAddress.objects.filter(user=signed_up).update(verified=True)

    response = client.post("/admin/login/", {"username": "sekretarz", "password": PASSWORD})

    assert response.status_code == 302
    assert logged_in(client)


def test_admin_login_accepts_an_account_made_by_an_organiser(client):
    UserFactory(username="organizatorka")

    response = client.post("/admin/login/", {"username": "organizatorka", "password": PASSWORD})

    assert response.status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize("method", ["get", "post"])
def test_wagtail_frontend_login_redirects_to_allauth(client, signed_up, method):
    credentials = {"username": "sekretarz", "password": PASSWORD}
    url = "/_util/login/?next=/prywatna/"

    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, credentials)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/prywatna/" in response["Location"]
    assert not logged_in(client)


def test_admin_password_reset_is_off(client):
    assert client.get("/admin/password_reset/").status_code == 404


def test_admin_login_locks_the_address_and_account_pair_after_five_failures(client):
    UserFactory(username="juror")
    for _ in range(5):
        client.post(
            "/admin/login/", {"username": "juror", "password": "zle"}, REMOTE_ADDR="10.0.0.66"
        )

    attacker = client.post(
        "/admin/login/", {"username": "juror", "password": PASSWORD}, REMOTE_ADDR="10.0.0.66"
    )
    juror = client.post(
        "/admin/login/", {"username": "juror", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )

    assert attacker.status_code == 429
    assert "Zbyt wiele nieudanych logowań" in attacker.content.decode()
    assert juror.status_code == 302


def test_site_login_locks_the_address_and_account_pair_after_five_failures(client):
    user = UserFactory(username="juror", email="juror@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": "juror@example.org", "password": "zle"}, REMOTE_ADDR="10.0.0.66")

    attacker = client.post(
        url, {"login": "JUROR@example.org", "password": PASSWORD}, REMOTE_ADDR="10.0.0.66"
    )
    juror = client.post(
        url, {"login": "juror@example.org", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )

    assert attacker.status_code == 429
    assert juror.status_code == 302


def test_password_reset_is_rate_limited_per_address(client):
    UserFactory(username="u", email="u@example.org")
    url = reverse("account_reset_password")
    statuses = [
        client.post(url, {"email": "u@example.org"}, REMOTE_ADDR="10.0.0.66").status_code
        for _ in range(6)
    ]

    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_client_ip_behind_a_proxy_is_what_the_proxy_saw_not_what_the_client_wrote():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )

    assert client_ip(request) == "203.0.113.9"


def test_a_second_account_with_one_email_in_another_case_is_refused_by_the_database():
    UserFactory(username="a", email="jan@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="b", email="Jan@Example.org")


def test_signup_that_loses_the_race_for_its_email_gets_the_account_exists_answer(rf):
    form = SignupForm(
        {
            "email": "jan@example.org",
            "password1": "Mocne-Haslo-2026",
            "password2": "Mocne-Haslo-2026",
            "accept_regulations": "on",
        }
    )
    assert form.is_valid()
    UserFactory(username="first", email="Jan@example.org")  # the other sign-up, committed first
    request = rf.post(reverse("account_signup"))
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)

    with context.request_context(request):
        user, response = form.try_save(request)

    assert user is None
    assert response is not None
    assert get_user_model().objects.filter(email__iexact="jan@example.org").count() == 1
