from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from scoring import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Mocne-Haslo-Jurora-2026"


def test_invited_juror_who_sets_a_password_by_the_link_logs_in_without_confirming(
    client, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        juror = services.invite_juror(category=category, email="nowy.juror@example.org")
    link = re.search(r"https?://\S+?(/konto/password/reset/key/\S+)", mail.outbox[0].body)
    form = client.get(link.group(1), follow=True)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(form.redirect_chain[-1][0], {"password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    login = client.post(
        reverse("account_login"), {"login": "nowy.juror@example.org", "password": PASSWORD}
    )

    assert login.status_code == 302
    assert login["Location"] != reverse("account_email_verification_sent")
    assert "_auth_user_id" in client.session
    assert list(EmailAddress.objects.filter(user=juror).values_list("email", "verified")) == [
        ("nowy.juror@example.org", True)
    ]
    assert not any("/konto/confirm-email/" in message.body for message in mail.outbox)


def test_password_reset_by_link_confirms_an_unconfirmed_address(client):
    user = UserFactory(username="anna", email="anna@example.org", password="Stare-Haslo-2026")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    client.post(reverse("account_reset_password"), {"email": "anna@example.org"})
    link = re.search(r"https?://\S+?(/konto/password/reset/key/\S+)", mail.outbox[0].body)
    form = client.get(link.group(1), follow=True)

    client.post(form.redirect_chain[-1][0], {"password1": PASSWORD, "password2": PASSWORD})

    assert EmailAddress.objects.get(user=user).verified


def test_password_changed_while_logged_in_confirms_nothing(client):
    user = UserFactory(username="anna", email="anna@example.org", password="Stare-Haslo-2026")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    client.force_login(user)

    client.post(
        reverse("account_change_password"),
        {"oldpassword": "Stare-Haslo-2026", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert not EmailAddress.objects.get(user=user).verified
