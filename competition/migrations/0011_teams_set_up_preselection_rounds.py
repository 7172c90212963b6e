"""Teams made before pre-selection rounds existed get their permissions on them (as entries'
0006 did for questions): every member views them, the set-up duty adds, changes, deletes."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ("view_preselectionround",)
SET_UP = ("add_preselectionround", "change_preselectionround", "delete_preselectionround")


def grant(apps, schema_editor):
    competition = apps.get_app_config("competition")
    competition.models_module = True
    create_permissions(competition, verbosity=0, apps=apps)
    competition.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Team = apps.get_model("competition", "Team")
    found = Permission.objects.filter(content_type__app_label="competition")
    view = list(found.filter(codename__in=VIEW))
    set_up = list(found.filter(codename__in=SET_UP))
    for team in Team.objects.select_related("group"):
        team.group.permissions.add(*view, *(set_up if team.set_up else []))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Team = apps.get_model("competition", "Team")
    granted = Permission.objects.filter(
        content_type__app_label="competition", codename__in=VIEW + SET_UP
    )
    for team in Team.objects.select_related("group"):
        team.group.permissions.remove(*granted)


class Migration(migrations.Migration):
    dependencies = [("competition", "0010_preselection_round")]

    operations = [migrations.RunPython(grant, revoke)]
