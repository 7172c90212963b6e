# One account per e-mail address, case ignored: concurrent sign-ups and jury invitations of one
# address used to create several accounts. auth.User is Django's model, so the constraint is an
# expression index (SQLite and PostgreSQL both support it). Duplicates already in the table
# must be merged by hand before this migration runs.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("cms", "0002_text_limits"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE UNIQUE INDEX auth_user_email_ci_uniq ON auth_user (LOWER(email)) "
            "WHERE email <> ''",
            "DROP INDEX auth_user_email_ci_uniq",
        ),
    ]
