"""The role groups named in settings (site moderators, communications): a fresh
database has them, so that an administrator only adds people to them."""

from django.conf import settings
from django.db import migrations


def _names() -> list[str]:
    return [settings.RSE_SITE_MODERATORS_GROUP, settings.RSE_COMMUNICATIONS_GROUP]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in _names():
        Group.objects.get_or_create(name=name)


def remove_empty_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=_names(), user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, remove_empty_groups)]
