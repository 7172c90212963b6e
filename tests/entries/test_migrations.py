"""Data migrations of the entries app."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_migration_gives_existing_teams_their_question_permissions():
    migration = importlib.import_module("entries.migrations.0006_teams_see_and_set_up_questions")
    setting_up = TeamFactory(name="Zespół edycji", set_up=True)
    publishing = TeamFactory(name="Zespół stron", set_up=False)
    for team in (setting_up, publishing):
        team.group.permissions.clear()

    migration.grant(apps, None)

    def codenames(team) -> set[str]:
        return set(team.group.permissions.values_list("codename", flat=True))

    assert codenames(setting_up) == {
        "view_question",
        "view_answer",
        "add_question",
        "change_question",
        "delete_question",
    }
    assert codenames(publishing) == {"view_question", "view_answer"}
