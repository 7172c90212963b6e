"""Organiser teams: saving one gives its group the permissions of its duties, and is logged."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from wagtail.models import GroupPagePermission, ModelLogEntry

from cms import services as cms_services
from competition.models import Competition, Team
from competition.services import delete_team, save_team
from tests.factories import CompetitionFactory, EditionFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def codenames(team: Team) -> set[str]:
    return set(team.group.permissions.values_list("codename", flat=True))


def test_save_team_makes_group_with_members_and_competitions():
    competition = CompetitionFactory()
    anna, jan = UserFactory(username="anna"), UserFactory(username="jan")

    team = save_team(
        team=Team(name="Biuro konkursu"), members=[anna, jan], competitions=[competition], by=None
    )

    assert team.group.name == "Biuro konkursu"
    assert set(team.group.user_set.all()) == {anna, jan}
    assert list(team.competitions.all()) == [competition]


def test_save_team_gives_duties_their_model_permissions():
    team = TeamFactory(set_up=False, formal_check=True, run_jury=False)

    granted = codenames(team)

    assert {"access_admin", "view_entry", "view_edition", "change_entry"} <= granted
    assert not {"change_edition", "add_categoryuserobjectpermission"} & granted
    # Competitions are a superuser's to make and give to teams.
    assert not {"add_competition", "delete_competition"} & granted


def test_save_team_takes_away_permissions_of_duties_removed():
    team = TeamFactory()
    assert "change_edition" in codenames(team)
    team.set_up = False

    save_team(team=team, members=[], competitions=[], by=None)

    assert "change_edition" not in codenames(team)


def test_save_team_logs_who_and_what_was_added_and_removed():
    old, new = CompetitionFactory(name="Stary konkurs"), CompetitionFactory(name="Nowy konkurs")
    anna, admin = UserFactory(username="anna"), UserFactory(username="admin", is_superuser=True)
    team = TeamFactory(members=[anna], competitions=[old])
    team.results = False

    save_team(team=team, members=[], competitions=[new], by=admin)

    entry = ModelLogEntry.objects.for_instance(team).order_by("-timestamp", "-pk").first()
    assert (entry.action, entry.user) == ("competition.team_changed", admin)
    assert entry.data == {
        "members": {"added": [], "removed": ["anna"]},
        "competitions": {"added": ["Nowy konkurs"], "removed": ["Stary konkurs"]},
        "duties": {"added": [], "removed": ["results"]},
    }


def test_save_team_refuses_the_name_of_another_group_and_saves_nothing():
    Group.objects.create(name="Moderatorzy")

    with pytest.raises(ValidationError) as refused:
        save_team(team=Team(name="Moderatorzy"), members=[], competitions=[], by=None)

    assert "name" in refused.value.message_dict
    assert not Team.objects.exists()
    assert Group.objects.filter(name="Moderatorzy").count() == 1


def test_renaming_team_renames_its_group():
    team = TeamFactory(name="Zespół A")
    team.name = "Zespół B"

    save_team(team=team, members=[], competitions=[], by=None)

    team.group.refresh_from_db()
    assert team.group.name == "Zespół B"


def test_delete_team_takes_its_group_and_permissions_with_it():
    member = UserFactory(username="byly-czlonek")
    team = TeamFactory(members=[member], competitions=[CompetitionFactory()])
    group_pk = team.group.pk

    delete_team(team=team, by=None)

    member = type(member).objects.get(pk=member.pk)
    assert not Team.objects.exists()
    assert not Group.objects.filter(pk=group_pk).exists()
    assert not member.has_perm("wagtailadmin.access_admin")


# Page permissions (cms.services.grant_team_pages, on every save) ------------------------------


@pytest.fixture
def pages(db):
    from wagtail.models import Locale

    Locale.objects.get_or_create(language_code="en")
    home = cms_services.ensure_home_page(title="Konkursy")
    ours, theirs = CompetitionFactory(name="Nasz"), CompetitionFactory(name="Ich")
    return {
        "home": home,
        "ours": cms_services.ensure_competition_page(competition=ours, home=home),
        "theirs": cms_services.ensure_competition_page(competition=theirs, home=home),
    }


def test_team_edits_only_its_competitions_page_tree(pages):
    member = UserFactory(username="redaktorka")
    TeamFactory(members=[member], competitions=[pages["ours"].competition])
    edition_page = cms_services.ensure_edition_page(
        edition=EditionFactory(competition=pages["ours"].competition), parent=pages["ours"]
    )

    can_edit = {
        name: page.permissions_for_user(member).can_edit()
        for name, page in {**pages, "edition": edition_page}.items()
    }

    assert can_edit == {"home": False, "ours": True, "theirs": False, "edition": True}


def test_competition_page_made_later_is_editable_by_the_teams(pages):
    member = UserFactory(username="redaktor2")
    later = CompetitionFactory(name="Późniejszy")
    TeamFactory(members=[member], competitions=[later])

    page = cms_services.ensure_competition_page(competition=later, home=pages["home"])

    assert page.permissions_for_user(member).can_edit()


def test_team_without_publishing_edits_no_page(pages):
    member = UserFactory(username="bez-stron")
    TeamFactory(members=[member], competitions=[pages["ours"].competition], publish=False)

    assert not pages["ours"].permissions_for_user(member).can_edit()
    assert not GroupPagePermission.objects.filter(group__user=member).exists()


# The data migration ----------------------------------------------------------------------------


def test_migration_turns_organisers_group_into_team_of_every_competition(pages):
    migration = importlib.import_module("competition.migrations.0008_organisers_group_becomes_team")
    group = Group.objects.create(name="Organisers")
    organiser = UserFactory(username="organizator")
    group.user_set.add(organiser)
    group.permissions.add(
        *Permission.objects.filter(codename__in=["add_competition", "view_entry"])
    )
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.create(
            group=group, page=pages["home"], permission=Permission.objects.get(codename=codename)
        )

    migration.organisers_become_team(apps, None)

    team = Team.objects.get(group=group)
    assert team.name == "Organisers"
    assert set(team.competitions.all()) == set(Competition.objects.all())
    assert set(group.permissions.values_list("codename", flat=True)) == {"view_entry"}
    assert set(
        GroupPagePermission.objects.filter(group=group).values_list("page_id", flat=True)
    ) == {pages["ours"].pk, pages["theirs"].pk}
    assert pages["theirs"].permissions_for_user(organiser).can_edit()
    assert not pages["home"].permissions_for_user(organiser).can_edit()
