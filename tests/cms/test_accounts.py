from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from entries.models import RegulationsAcceptance

pytestmark = pytest.mark.django_db
SIGNUP = {
    "email": "sekretarz@gmina.example.org",
    "password1": "Mocne-Haslo-2026",
    "password2": "Mocne-Haslo-2026",
    "accept_regulations": "on",
}


def test_signup_confirm_email_and_log_in(client):
    response = client.post(reverse("account_signup"), SIGNUP)
    link = re.search(r"https?://[^\s]+/konto/confirm-email/[^\s]+", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    confirm_page = client.get(path)
    confirmed = client.post(path)
    client.logout()
    logged_in = client.post(
        reverse("account_login"),
        {"login": "sekretarz@gmina.example.org", "password": "Mocne-Haslo-2026"},
    )

    assert response.status_code == 302
    assert confirm_page.status_code == 200
    assert confirmed.status_code == 302
    assert logged_in.status_code == 302
    assert logged_in["Location"] == reverse("entries:dashboard")


def test_signup_page_is_polish_by_default_and_english_under_en(client):
    polish = client.get(reverse("account_signup"))
    english = client.get("/en/konto/signup/")

    assert '<html lang="pl">' in polish.content.decode()
    assert "Załóż konto" in polish.content.decode()
    assert '<html lang="en">' in english.content.decode()


def test_password_reset_sends_mail(client, django_user_model):
    django_user_model.objects.create_user("u", "u@example.org", "Mocne-Haslo-2026")

    response = client.post(reverse("account_reset_password"), {"email": "u@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/konto/password/reset/key/" in mail.outbox[0].body


def test_signup_with_mismatched_passwords_saves_nothing(client, django_user_model):
    response = client.post(
        reverse("account_signup"),
        {"email": "x@example.org", "password1": "Mocne-Haslo-2026", "password2": "Inne-Haslo-2026"},
    )

    assert response.status_code == 200
    assert not django_user_model.objects.filter(email="x@example.org").exists()


def test_signup_records_the_accepted_rules_with_the_time(client, django_user_model):
    moment = dt.datetime(2026, 1, 15, 1, 50, tzinfo=dt.UTC)

    with time_machine.travel(moment, tick=False):
        response = client.post(reverse("account_signup"), SIGNUP)

    user = django_user_model.objects.get(email="sekretarz@gmina.example.org")
    assert response.status_code == 302
    assert list(RegulationsAcceptance.objects.values_list("user", "statement", "accepted_at")) == [
        (
            user.pk,
            "Zapoznałem(-am) się z regulaminem konkursów, w których biorę udział, opublikowanym "
            "na stronie każdego konkursu, i akceptuję go.",
            moment,
        )
    ]


def test_signup_without_accepting_the_rules_saves_nothing(client, django_user_model):
    response = client.post(
        reverse("account_signup"), {k: v for k, v in SIGNUP.items() if k != "accept_regulations"}
    )

    assert response.status_code == 200
    assert "Zaakceptuj regulamin, aby założyć konto." in response.content.decode()
    assert not django_user_model.objects.exists()
    assert not RegulationsAcceptance.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("path", "heading", "controller"),
    [
        (
            "/konto/signup/",
            "Jak wykorzystujemy Twoje dane osobowe",
            "Administratorem Twoich danych",
        ),
        ("/en/konto/signup/", "How we use your personal data", "The controller of your personal"),
    ],
)
def test_signup_page_shows_the_personal_data_clause(client, path, heading, controller):
    response = client.get(path)

    body = response.content.decode()
    assert f'<h2 id="privacy-heading">{heading}</h2>' in body
    assert controller in body
    assert "konkursy@example.org" in body
    assert 'name="accept_regulations"' in body and "required" in body
