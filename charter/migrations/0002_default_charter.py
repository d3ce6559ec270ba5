"""Publish the project's default charter (charter/content/*.md) as version 1 on a new
installation, with the retention and moderation numbers taken from settings."""

from django.db import migrations


def load_default(apps, schema_editor):
    from charter.content import build_default_version

    version_model = apps.get_model("charter", "CharterVersion")
    if not version_model.objects.exists():
        build_default_version(version_model, apps.get_model("charter", "CharterSection"))


def unload_default(apps, schema_editor):
    version_model = apps.get_model("charter", "CharterVersion")
    version_model.objects.filter(number=1, acceptances__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("charter", "0001_charter_versions")]

    operations = [migrations.RunPython(load_default, unload_default)]
