"""The observers' group named in settings (RSE_OBSERVERS_GROUP): a fresh database has
it, so that an administrator only adds people (communications, HR, DPO) to it."""

from django.conf import settings
from django.db import migrations


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=settings.RSE_OBSERVERS_GROUP)


def remove_empty_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=settings.RSE_OBSERVERS_GROUP, user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("observatory", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, remove_empty_group)]
