"""The data migration that gives the teams that existed their own collection."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from wagtail.models import Collection, GroupCollectionPermission

from competition.models import Team

pytestmark = pytest.mark.django_db

migration = importlib.import_module("competition.migrations.0013_team_collection")


def test_existing_teams_get_a_collection_each_and_the_tree_stays_sound():
    Collection.get_first_root_node().add_child(name="Zdjęcia sprzed zespołów")
    first = Team.objects.create(name="Pierwszy", group=Group.objects.create(name="Pierwszy"))
    second = Team.objects.create(name="Drugi", group=Group.objects.create(name="Drugi"))

    migration.team_collections(apps, None)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.collection.name == "Pierwszy" and second.collection.name == "Drugi"
    assert first.collection.get_parent() == Collection.get_first_root_node()
    assert first.collection != second.collection
    assert all(not problems for problems in Collection.find_problems())
    assert set(
        GroupCollectionPermission.objects.filter(group=first.group).values_list(
            "permission__codename", flat=True
        )
    ) == {
        "add_image",
        "change_image",
        "choose_image",
        "add_document",
        "change_document",
        "choose_document",
    }
    new = Collection.get_first_root_node().add_child(name="Po migracji")
    assert new.get_parent() == Collection.get_first_root_node()
