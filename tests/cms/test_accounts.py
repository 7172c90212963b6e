from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from entries.models import RegulationsAcceptance
from tests.conftest import organise_everything

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


# Each role lands where its work is, and the header shows exactly its panels ---------------------


@pytest.fixture(autouse=True)
def polish_urls():
    """reverse() in a test follows the thread's language, which an /en/ request may leave."""
    from django.utils import translation

    with translation.override("pl"):
        yield


def _person(username: str):
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    user = UserFactory(username=username)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _log_in(client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": "secret-pass-123"}
    )


@pytest.fixture
def people(db):
    from entries.models import Membership, MembershipStatus
    from scoring import services
    from tests.factories import CategoryFactory, InstitutionFactory

    category = CategoryFactory()
    juror, chair = _person("juror"), _person("chair")
    services.appoint(category=category, user=juror)
    services.appoint(category=category, user=chair, chair=True)
    applicant = _person("applicant")
    Membership.objects.create(
        user=applicant, institution=InstitutionFactory(), status=MembershipStatus.APPROVED
    )
    organiser = _person("organiser")
    organise_everything(organiser)
    return {
        "juror": juror,
        "chair": chair,
        "applicant": applicant,
        "newcomer": _person("newcomer"),
        "organiser": organiser,
    }


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("juror", "/jury/"),
        ("chair", "/jury/"),
        ("applicant", "/zgloszenia/"),
        ("newcomer", "/zgloszenia/"),
        ("organiser", "/admin/"),
    ],
)
def test_login_lands_where_the_role_works(client, people, role, landing):
    response = _log_in(client, people[role])

    assert response.status_code == 302
    assert response["Location"] == landing


def test_login_with_next_still_goes_to_next(client, people):
    response = client.post(
        reverse("account_login") + "?next=/szukaj/",
        {"login": people["juror"].email, "password": "secret-pass-123", "next": "/szukaj/"},
    )

    assert response["Location"] == "/szukaj/"


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("juror", {"Panel jury"}),
        ("chair", {"Panel jury"}),
        ("applicant", {"Moje zgłoszenia"}),
        ("newcomer", {"Moje zgłoszenia"}),
        ("organiser", {"Administracja"}),
        ("anonymous", set()),
    ],
)
def test_header_shows_exactly_the_persons_panels(client, people, role, shown):
    if role != "anonymous":
        client.force_login(people[role])

    body = client.get(reverse("search")).content.decode()

    header = body.split("</header>")[0]
    panels = {"Panel jury", "Moje zgłoszenia", "Administracja"}
    assert {name for name in panels if f">{name}</a>" in header} == shown


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


def test_header_panels_in_english(client, people):
    client.force_login(people["juror"])

    body = client.get("/en/szukaj/").content.decode()

    header = body.split("</header>")[0]
    assert ">Jury panel</a>" in header
    assert ">My entries</a>" not in header
