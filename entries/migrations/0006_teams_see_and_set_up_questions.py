"""Teams made before the entry form's questions existed get their permissions on them.

A team's model permissions follow its duties (competition.services.team_permissions); saving a
team recomputes them, but teams saved before 0005_questions were never given the new ones:
every member views questions and answers, the set-up duty also adds, changes and deletes
questions. The permissions are created here first (Django makes them only after migrating).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ("view_question", "view_answer")
SET_UP = ("add_question", "change_question", "delete_question")


def grant(apps, schema_editor):
    entries = apps.get_app_config("entries")
    entries.models_module = True
    create_permissions(entries, verbosity=0, apps=apps)
    entries.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Team = apps.get_model("competition", "Team")
    view = list(Permission.objects.filter(content_type__app_label="entries", codename__in=VIEW))
    set_up = list(
        Permission.objects.filter(content_type__app_label="entries", codename__in=SET_UP)
    )
    for team in Team.objects.select_related("group"):
        team.group.permissions.add(*view, *(set_up if team.set_up else []))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Team = apps.get_model("competition", "Team")
    granted = Permission.objects.filter(
        content_type__app_label="entries", codename__in=VIEW + SET_UP
    )
    for team in Team.objects.select_related("group"):
        team.group.permissions.remove(*granted)


class Migration(migrations.Migration):
    dependencies = [
        ("entries", "0005_questions"),
        ("competition", "0008_organisers_group_becomes_team"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
