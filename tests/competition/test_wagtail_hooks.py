from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.users.models import UserProfile

from competition.models import (
    Category,
    Competition,
    Criterion,
    Edition,
    Institution,
    Prize,
    Team,
)
from tests.factories import (
    CategoryFactory,
    CompetitionFactory,
    CriterionFactory,
    EditionFactory,
    ImageFactory,
    InstitutionFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EDITION_DATES = {
    "call_opens_at": "2026-03-01 12:00",
    "submission_deadline": "2026-04-30 23:59",
    "formal_check_ends_at": "2026-05-15 12:00",
    "scoring_opens_at": "2026-05-18 09:00",
    "scoring_closes_at": "2026-06-30 23:59",
    "results_date": "2026-07-15 12:00",
    "min_justification_length": "20",
    "required_entry_fields": ["summary", "description"],
}


def inline(prefix: str, total: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.parametrize(
    ("name", "factory"),
    [
        ("competitions", CompetitionFactory),
        ("editions", EditionFactory),
        ("categories", CategoryFactory),
        ("criteria", CriterionFactory),
        ("institutions", InstitutionFactory),
    ],
)
def test_admin_index_and_edit_open_for_organiser(client, organiser, name, factory):
    obj = factory()
    client.force_login(organiser)

    index = client.get(reverse(f"{name}:index"))
    edit = client.get(reverse(f"{name}:edit", args=[obj.pk]))

    assert index.status_code == 200
    assert str(obj) in index.content.decode()
    assert edit.status_code == 200


@pytest.mark.parametrize(
    "name", ["competitions", "editions", "categories", "criteria", "institutions"]
)
def test_admin_refuses_user_without_admin_access(client, applicant, name):
    client.force_login(applicant)

    response = client.get(reverse(f"{name}:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_admin_refuses_anonymous(client):
    response = client.get(reverse("competitions:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_admin_menu_groups_models_under_competitions(client, organiser):
    client.force_login(organiser)

    response = client.get(reverse("wagtailadmin_home"))

    body = response.content.decode()
    assert "Konkursy" in body
    assert reverse("institutions:index") in body


def test_admin_creates_competition(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        reverse("competitions:add"),
        {
            "name": "Samorządowy Lider Cyfryzacji",
            "slug": "slc",
            "code": "SLC",
            "organiser_name": "Mazowsze",
            **NO_PARTNER_LOGOS,
        },
    )

    assert response.status_code == 302
    assert Competition.objects.get(slug="slc").organiser_name == "Mazowsze"


# The branding panel's inline formset of partners' logos, empty.
NO_PARTNER_LOGOS = {
    "partner_logos-TOTAL_FORMS": "0",
    "partner_logos-INITIAL_FORMS": "0",
    "partner_logos-MIN_NUM_FORMS": "0",
    "partner_logos-MAX_NUM_FORMS": "1000",
}


def test_admin_refuses_an_accent_colour_without_enough_contrast(client, admin_user):
    # Adding a competition is for superusers; teams edit their own.
    client.force_login(admin_user)

    response = client.post(
        reverse("competitions:add"),
        {
            "name": "Innowacyjny Samorząd",
            "slug": "is",
            "organiser_name": "PAP",
            "accent_colour": "#ffd400",
            **NO_PARTNER_LOGOS,
        },
    )

    assert response.status_code == 200
    assert "#ffd400" in response.content.decode()
    assert "WCAG 2.1 AA" in response.content.decode()
    assert not Competition.objects.filter(slug="is").exists()


def test_admin_saves_a_competitions_branding(client, admin_user):
    logo = ImageFactory()
    # Adding a competition is for superusers; teams edit their own.
    client.force_login(admin_user)

    response = client.post(
        reverse("competitions:add"),
        {
            "name": "Innowacyjny Samorząd",
            "slug": "is",
            "organiser_name": "PAP",
            "accent_colour": "#00695c",
            "logo": logo.pk,
            "partner_logos-TOTAL_FORMS": "1",
            "partner_logos-INITIAL_FORMS": "0",
            "partner_logos-MIN_NUM_FORMS": "0",
            "partner_logos-MAX_NUM_FORMS": "1000",
            "partner_logos-0-image": ImageFactory().pk,
            "partner_logos-0-name": "Serwis Samorządowy PAP",
            "partner_logos-0-url": "https://example.org/",
            "partner_logos-0-ORDER": "1",
        },
    )

    competition = Competition.objects.get(slug="is")
    assert response.status_code == 302
    assert (competition.accent_colour, competition.logo) == ("#00695c", logo)
    assert [p.name for p in competition.partner_logos.all()] == ["Serwis Samorządowy PAP"]


def test_admin_asks_for_the_hero_images_alternative_text(client, admin_user):
    # Adding a competition is for superusers; teams edit their own.
    client.force_login(admin_user)

    response = client.post(
        reverse("competitions:add"),
        {
            "name": "Innowacyjny Samorząd",
            "slug": "is",
            "organiser_name": "PAP",
            "hero_image": ImageFactory().pk,
            **NO_PARTNER_LOGOS,
        },
    )

    assert response.status_code == 200
    assert not Competition.objects.filter(slug="is").exists()


def test_admin_creates_edition(client, organiser):
    competition = CompetitionFactory()
    client.force_login(organiser)

    response = client.post(
        reverse("editions:add"),
        {
            "competition": competition.pk,
            "number": 6,
            "year": 2026,
            "method": "trimmed",
            "entries_per_institution": 1,
            **EDITION_DATES,
        },
    )

    assert response.status_code == 302
    edition = Edition.objects.get(competition=competition)
    assert (edition.number, edition.method) == (6, "trimmed")


def test_admin_edition_dates_out_of_order_show_polish_error(client, organiser):
    competition = CompetitionFactory()
    client.force_login(organiser)
    dates = {**EDITION_DATES, "submission_deadline": "2026-02-01 12:00"}

    response = client.post(
        reverse("editions:add"),
        {
            "competition": competition.pk,
            "number": 1,
            "year": 2026,
            "method": "mean",
            "entries_per_institution": 1,
            **dates,
        },
    )

    assert response.status_code == 200
    assert "Ta data nie może być wcześniejsza niż „otwarcie naboru zgłoszeń”." in (
        response.content.decode()
    )
    assert not Edition.objects.exists()


def test_admin_errors_follow_users_english_preference(client, organiser):
    UserProfile.get_for_user(organiser).__class__.objects.filter(user=organiser).update(
        preferred_language="en"
    )
    competition = CompetitionFactory()
    client.force_login(organiser)
    dates = {**EDITION_DATES, "submission_deadline": "2026-02-01 12:00"}

    response = client.post(
        reverse("editions:add"),
        {
            "competition": competition.pk,
            "number": 1,
            "year": 2026,
            "method": "mean",
            "entries_per_institution": 1,
            **dates,
        },
    )

    assert "This date must not be earlier than “call for entries opens”." in (
        response.content.decode()
    )


def test_admin_creates_category_with_prizes(client, organiser):
    edition = EditionFactory()
    client.force_login(organiser)

    response = client.post(
        reverse("categories:add"),
        {
            "edition": edition.pk,
            "name": "Poza horyzonty",
            "description": "",
            "eligible_kinds": ["gmina_wiejska", "powiat"],
            "places": 3,
            "max_distinctions": 2,
            "min_award_share": "",
            "sort_order": 1,
            **inline("prizes", 1),
            "prizes-0-place": "1",
            "prizes-0-amount": "15000",
            "prizes-0-ORDER": "1",
            "prizes-0-DELETE": "",
            "prizes-0-id": "",
        },
    )

    assert response.status_code == 302
    category = Category.objects.get(name="Poza horyzonty")
    assert category.eligible_kinds == ["gmina_wiejska", "powiat"]
    assert category.prize_for_place(1) == 15000


def test_admin_category_without_kinds_is_refused(client, organiser):
    edition = EditionFactory()
    client.force_login(organiser)

    response = client.post(
        reverse("categories:add"),
        {
            "edition": edition.pk,
            "name": "Pusta",
            "places": 3,
            "max_distinctions": 0,
            "sort_order": 0,
            **inline("prizes"),
        },
    )

    assert response.status_code == 200
    assert "To pole jest wymagane." in response.content.decode()
    assert not Category.objects.exists()


def test_admin_criterion_with_zero_weight_shows_error(client, organiser):
    edition = EditionFactory()
    client.force_login(organiser)

    response = client.post(
        reverse("criteria:add"),
        {
            "edition": edition.pk,
            "name": "Innowacyjność",
            "scale_min": "0",
            "scale_max": "10",
            "step": "1",
            "weight": "0",
            "order": "1",
        },
    )

    assert response.status_code == 200
    assert "Waga musi być większa od zera." in response.content.decode()
    assert not Criterion.objects.exists()


def test_admin_creates_institution_and_rejects_bad_terc(client, organiser):
    client.force_login(organiser)
    data = {"name": "Urząd Miasta Legionowo", "kind": "gmina_miejska", "address": "", "website": ""}

    bad = client.post(reverse("institutions:add"), {**data, "terc": "1408012"})
    good = client.post(reverse("institutions:add"), {**data, "terc": "1408011"})

    assert bad.status_code == 200
    assert "Ostatnia cyfra kodu dla rodzaju „gmina miejska” to 1, a nie 2." in bad.content.decode()
    assert good.status_code == 302
    assert Institution.objects.get().voivodeship == "14"


def test_admin_institution_duplicate_terc_is_a_form_error(client, organiser):
    InstitutionFactory(terc="1408011", kind="gmina_miejska")
    client.force_login(organiser)

    response = client.post(
        reverse("institutions:add"),
        {"name": "Legionowo 2", "kind": "gmina_miejska", "terc": "1408011"},
    )

    assert response.status_code == 200
    assert "Instytucja z tym kodem TERC już istnieje." in response.content.decode()
    assert Institution.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "factory"), [("editions", EditionFactory), ("criteria", CriterionFactory)]
)
def test_admin_lists_query_count_same_for_1_and_20_rows(client, organiser, name, factory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factory()
    client.force_login(organiser)
    client.get(reverse(f"{name}:index"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(f"{name}:index"))
    factory.create_batch(19)

    with CaptureQueriesContext(connection) as twenty:
        client.get(reverse(f"{name}:index"))

    assert len(twenty) == len(one)


# The correction that reopens criteria after scoring opened ------------------------------------


def test_reopen_rules_page_by_role(client, organiser, applicant):
    import datetime as dt

    import time_machine

    from tests.factories import BASE, EditionFactory

    edition = EditionFactory()
    url = reverse("edition_reopen_rules", args=[edition.pk])
    during_scoring = BASE + dt.timedelta(days=50)

    with time_machine.travel(during_scoring, tick=False):
        anonymous = client.get(url)
        client.force_login(applicant)
        as_applicant = client.get(url)
        client.force_login(organiser)
        short = client.post(url, {"reason": "bo tak"})
        done = client.post(url, {"reason": "Błędna waga kryterium Rezultaty."})

    edition.refresh_from_db()
    assert anonymous.status_code == 302
    assert as_applicant.status_code in (302, 403)
    assert short.status_code == 200
    assert "co najmniej 10 znaków" in short.content.decode()
    assert done["Location"] == reverse("editions:edit", args=[edition.pk])
    assert edition.rules_reopened_at is not None


def test_reopen_rules_before_scoring_says_why_not(client, organiser):
    from tests.factories import EditionFactory

    edition = EditionFactory(frozen_at=None)
    edition.frozen_at = edition.scoring_closes_at
    edition.save()
    client.force_login(organiser)

    response = client.post(
        reverse("edition_reopen_rules", args=[edition.pk]),
        {"reason": "Błędna waga kryterium Rezultaty."},
    )

    edition.refresh_from_db()
    assert response.status_code == 200
    assert "nie jest już możliwy" in response.content.decode()
    assert edition.rules_reopened_at is None


def test_edition_with_a_huge_number_is_refused_by_the_form(client, organiser):
    competition = CompetitionFactory()
    client.force_login(organiser)

    response = client.post(
        reverse("editions:add"),
        {
            "competition": competition.pk,
            "number": "99999999999999999999",
            "year": 2026,
            "method": "mean",
            "entries_per_institution": 1,
            **EDITION_DATES,
        },
    )

    assert response.status_code == 200
    assert "mniejsza lub równa 999" in response.content.decode()
    assert not Edition.objects.exists()


def test_category_name_with_a_line_break_is_refused_by_the_form(client, organiser):
    edition = EditionFactory()
    client.force_login(organiser)

    response = client.post(
        reverse("categories:add"),
        {
            "edition": edition.pk,
            "name": "Poza horyzonty\r\nBcc: x@example.org",
            "eligible_kinds": ["gmina_wiejska"],
            **inline("prizes"),
        },
    )

    assert response.status_code == 200
    assert "Wpisz to w jednym wierszu" in response.content.decode()
    assert not Category.objects.exists()


def test_category_edit_whose_prizes_clash_in_the_database_shows_a_message(client, organiser):
    category = CategoryFactory(name="Poza horyzonty", eligible_kinds=["gmina_wiejska"])
    first = Prize.objects.create(category=category, place=1, amount=15000)
    second = Prize.objects.create(category=category, place=2, amount=10000)
    client.force_login(organiser)
    swapped = {
        f"prizes-{n}-{key}": value
        for n, (prize, place) in enumerate([(first, 2), (second, 1)])
        for key, value in {
            "id": prize.pk,
            "place": place,
            "amount": prize.amount,
            "ORDER": n + 1,
            "DELETE": "",
        }.items()
    }

    response = client.post(
        reverse("categories:edit", args=[category.pk]),
        {
            "edition": category.edition.pk,
            "name": category.name,
            "eligible_kinds": ["gmina_wiejska"],
            "places": 3,
            "max_distinctions": 0,
            "sort_order": 1,
            **inline("prizes", 2),
            "prizes-INITIAL_FORMS": "2",
            **swapped,
        },
    )

    assert response.status_code == 200
    assert "Nie udało się zapisać" in response.content.decode()
    assert sorted(category.prizes.values_list("pk", "place")) == [(first.pk, 1), (second.pk, 2)]


# Organiser teams ------------------------------------------------------------------------------


def team_form(**overrides) -> dict:
    return {
        "name": "Biuro konkursu",
        "competitions": [],
        "set_up": "on",
        "formal_check": "on",
        "members": "",
        **overrides,
    }


def test_superuser_creates_team_with_members_by_login_or_email(client, admin_user):
    competition = CompetitionFactory()
    anna, jan = UserFactory(username="anna"), UserFactory(username="jan")
    client.force_login(admin_user)

    response = client.post(
        reverse("organiser_teams:add"),
        team_form(competitions=[competition.pk], members="anna\n\n JAN@example.org \nanna"),
    )

    team = Team.objects.get()
    assert response.status_code == 302
    assert set(team.group.user_set.all()) == {anna, jan}
    assert list(team.competitions.all()) == [competition]
    assert (team.set_up, team.formal_check, team.run_jury) == (True, True, False)


def test_team_form_names_unknown_logins_and_saves_nothing(client, admin_user):
    UserFactory(username="anna")
    client.force_login(admin_user)

    response = client.post(
        reverse("organiser_teams:add"), team_form(members="anna\nnieznany\nktos@example.org")
    )

    assert response.status_code == 200
    assert {"nieznany", "ktos@example.org"} <= set(
        re.findall(r"[„“]([^”]+)”", response.content.decode())
    )
    assert not Team.objects.exists()


def test_team_edit_form_lists_members(client, admin_user):
    team = TeamFactory(members=[UserFactory(username="anna"), UserFactory(username="jan")])
    client.force_login(admin_user)

    response = client.get(reverse("organiser_teams:edit", args=[team.pk]))

    assert "anna\njan" in response.content.decode()


def test_organisers_do_not_manage_teams(client, organiser):
    team = TeamFactory()
    client.force_login(organiser)

    responses = [
        client.get(reverse("organiser_teams:index")),
        client.post(reverse("organiser_teams:edit", args=[team.pk]), team_form(name="Przejęty")),
    ]

    assert [r.status_code for r in responses] == [302, 302]
    team.refresh_from_db()
    assert team.name != "Przejęty"


def test_other_organiser_adds_edition_only_to_their_competition(client, other_organiser):
    theirs = CompetitionFactory()
    client.force_login(other_organiser)

    response = client.post(
        reverse("editions:add"),
        {
            "competition": theirs.pk,
            "number": 6,
            "year": 2026,
            "method": "trimmed",
            "entries_per_institution": 1,
            **EDITION_DATES,
        },
    )

    assert response.status_code == 200
    assert not Edition.objects.filter(competition=theirs).exists()


def test_superuser_deletes_team_with_its_group(client, admin_user):
    team = TeamFactory(name="Do usunięcia")
    client.force_login(admin_user)

    response = client.post(reverse("organiser_teams:delete", args=[team.pk]))

    assert response.status_code == 302
    assert not Team.objects.exists()
    assert not Group.objects.filter(name="Do usunięcia").exists()


def test_edition_page_links_results_only_for_a_team_that_sees_them(client):
    edition = EditionFactory()
    setting_up = UserFactory(username="tylko-edycje")
    TeamFactory(members=[setting_up], competitions=[edition.competition], results=False)
    judging = UserFactory(username="wyniki")
    TeamFactory(members=[judging], competitions=[edition.competition], results=True)
    results = reverse("scoring:edition_results", args=[edition.pk])

    client.force_login(setting_up)
    without = client.get(reverse("editions:edit", args=[edition.pk])).content.decode()
    client.force_login(judging)
    with_results = client.get(reverse("editions:edit", args=[edition.pk])).content.decode()

    assert results not in without
    assert results in with_results
