"""Teams made before pre-selection rounds existed get their permissions on them (as entries'
0006 did for questions): every member views them, the set-up duty adds, changes, deletes.
Every member also views the assignments' log, now in the Jury menu beside the sheets' log."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ("view_preselectionround",)
SET_UP = ("add_preselectionround", "change_preselectionround", "delete_preselectionround")
AUDIT = "view_assignmentaudit"


def grant(apps, schema_editor):
    for label in ("competition", "scoring"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Team = apps.get_model("competition", "Team")
    found = Permission.objects.filter(content_type__app_label="competition")
    view = [
        *found.filter(codename__in=VIEW),
        *Permission.objects.filter(content_type__app_label="scoring", codename=AUDIT),
    ]
    set_up = list(found.filter(codename__in=SET_UP))
    for team in Team.objects.select_related("group"):
        team.group.permissions.add(*view, *(set_up if team.set_up else []))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Team = apps.get_model("competition", "Team")
    granted = Permission.objects.filter(
        content_type__app_label="competition", codename__in=VIEW + SET_UP
    )
    audit = Permission.objects.filter(content_type__app_label="scoring", codename=AUDIT)
    for team in Team.objects.select_related("group"):
        team.group.permissions.remove(*granted, *audit)


class Migration(migrations.Migration):
    dependencies = [
        ("competition", "0011_preselection_round"),
        ("scoring", "0011_rounds_and_shortlists"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
