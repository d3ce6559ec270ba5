"""Tags are named from their slug; each post's link keeps the spelling its author typed.

Existing tags carried the spelling that first created them, perhaps on a hidden post:
they are renamed from their slug (where that name is free). Existing links keep no
spelling (their posts show the tag's new name): which one typed the old name is not
known for sure.
"""

from django.db import migrations, models


def name_tags_from_their_slug(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    taken = set(Tag.objects.values_list("name", flat=True))
    for pk, name, slug in Tag.objects.values_list("pk", "name", "slug").iterator():
        new = slug.replace("-", " ")[:100]
        if new != name and new not in taken:
            Tag.objects.filter(pk=pk).update(name=new)
            taken.discard(name)
            taken.add(new)


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0004_attachment_image_preview"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="taggedpost",
            name="name",
            field=models.CharField(
                blank=True, default="", max_length=100, verbose_name="spelling"
            ),
        ),
        migrations.RunPython(name_tags_from_their_slug, migrations.RunPython.noop),
    ]
