"""The one global "Organisers" group becomes a team that runs every competition there is.

Its Wagtail page permissions move from wherever they were granted (the home page) to each
competition's page tree: a team drafts only its competitions' pages. Competitions are now made
by a superuser and given to teams, so the group no longer adds or deletes them.
"""

from django.db import migrations

ORGANISERS = "Organisers"


def organisers_become_team(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Team = apps.get_model("competition", "Team")
    Competition = apps.get_model("competition", "Competition")
    CompetitionPage = apps.get_model("cms", "CompetitionPage")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    group = Group.objects.filter(name=ORGANISERS).first()
    if group is None or Team.objects.filter(group=group).exists():
        return
    team = Team.objects.create(name=ORGANISERS, group=group)
    team.competitions.set(Competition.objects.all())
    group.permissions.remove(
        *Permission.objects.filter(
            content_type__app_label="competition",
            codename__in=["add_competition", "delete_competition"],
        )
    )
    competition_pages = list(CompetitionPage.objects.values_list("pk", flat=True))
    granted = set(
        GroupPagePermission.objects.filter(group=group).values_list("permission_id", flat=True)
    )
    for page_id in competition_pages:
        for permission_id in granted:
            GroupPagePermission.objects.get_or_create(
                group=group, page_id=page_id, permission_id=permission_id
            )
    GroupPagePermission.objects.filter(group=group).exclude(page_id__in=competition_pages).delete()


def team_becomes_group(apps, schema_editor):
    # The group and its members stay; page permissions granted on the home page are not restored.
    apps.get_model("competition", "Team").objects.filter(group__name=ORGANISERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("competition", "0007_organiser_team"),
        ("cms", "0004_polish_search"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(organisers_become_team, team_becomes_group)]
