# The text search configuration "polish" that WAGTAILSEARCH_BACKENDS names (see cms/search.py).
# With Debian's hunspell-pl prepared on the database server (deploy/polish_search_dictionary.py)
# it stems Polish words; without it the migration still succeeds with `unaccent, simple` and logs
# a warning. Re-run later with `manage.py setup_search`, then `manage.py update_index`.

from django.db import migrations


def create_polish_config(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from cms.search import install_polish_config

    install_polish_config(using=schema_editor.connection.alias)


def drop_polish_config(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS polish")
    schema_editor.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS polish_ispell")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_user_email_unique"),
    ]

    operations = [
        migrations.RunPython(create_polish_config, drop_polish_config),
    ]
