"""Trigram indexes for the directory's name search (`icontains` on first name, last
name and username is `UPPER(column) LIKE UPPER('%word%')`): PostgreSQL only, where the
pg_trgm extension is available; other databases keep their plain scan."""

from django.db import migrations

COLUMNS = ("first_name", "last_name", "username")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS profiles_user_{column}_trgm ON profiles_user "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS profiles_user_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("profiles", "0003_profile_most_followed")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
