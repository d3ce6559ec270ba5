"""Tag links keep a copy of their post's publication time, indexed with the tag, so that
a tag's posts are read newest first from its links (tag pages, followed tags)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_post_times(apps, schema_editor):
    Post = apps.get_model("posts", "Post")
    TaggedPost = apps.get_model("posts", "TaggedPost")
    published = Post.objects.filter(pk=OuterRef("content_object_id")).values("created_at")[:1]
    TaggedPost.objects.update(created_at=Subquery(published))


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0002_stream_indexes_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="taggedpost",
            name="created_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="published at"),
        ),
        migrations.RunPython(copy_post_times, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="taggedpost",
            name="created_at",
            field=models.DateTimeField(editable=False, verbose_name="published at"),
        ),
        migrations.AddIndex(
            model_name="taggedpost",
            index=models.Index(
                fields=["tag", "-created_at", "-content_object"], name="tag_stream"
            ),
        ),
    ]
