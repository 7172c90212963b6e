"""Each organiser team gets its own collection of images and documents, with its group's
permissions to upload, edit and choose there (cms.services.grant_team_collection does the same
for teams saved from now on).

Historical models have no treebeard methods, so each new collection is appended under the root
with a path computed here; then, as Wagtail's own 0059_apply_collection_ordering does, the real
model's fix_tree puts the root's children back in the order by name that Collection keeps
(treebeard's sorted inserts break on siblings out of order). fix_tree touches only the tree's
fields, so it is safe with the real model.
"""

import django.db.models.deletion
from django.db import migrations, models

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4
PERMISSIONS = {
    ("wagtailimages", "image"): ("add_image", "change_image", "choose_image"),
    ("wagtaildocs", "document"): ("add_document", "change_document", "choose_document"),
}


def _step(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


def team_collections(apps, schema_editor):
    Team = apps.get_model("competition", "Team")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    teams = list(Team.objects.filter(collection__isnull=True).select_related("group"))
    if not teams:
        return
    root = Collection.objects.filter(depth=1).order_by("path").first()
    permissions = []
    for (app_label, model), codenames in PERMISSIONS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        for codename in codenames:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": f"Can {codename.replace('_', ' ')}"},
            )
            permissions.append(permission)
    for team in teams:
        last = (
            Collection.objects.filter(depth=2, path__startswith=root.path)
            .order_by("-path")
            .values_list("path", flat=True)
            .first()
        )
        number = int(last[STEPLEN:], len(ALPHABET)) + 1 if last else 1
        team.collection = Collection.objects.create(
            name=team.name, path=root.path + _step(number), depth=2, numchild=0
        )
        team.save(update_fields=["collection"])
        root.numchild += 1
        for permission in permissions:
            GroupCollectionPermission.objects.get_or_create(
                group=team.group, collection=team.collection, permission=permission
            )
    root.save(update_fields=["numchild"])
    from wagtail.models import Collection as TreeCollection

    TreeCollection.fix_tree(fix_paths=True)


class Migration(migrations.Migration):
    dependencies = [
        ("competition", "0012_teams_set_up_preselection_rounds"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        migrations.AddField(
            model_name="team",
            name="collection",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="team",
                to="wagtailcore.collection",
                verbose_name="collection of images and documents",
            ),
        ),
        # The collections stay on the way back: they may hold the teams' files by then.
        migrations.RunPython(team_collections, migrations.RunPython.noop),
    ]
