"""A post is found by the words of its tags as well as its text (issue 17): on
PostgreSQL its stored vector holds the body (weight A) and the names of its tags
(weight B). A trigger on the post–tag links recomputes the vector of the post whose tags
changed; the post's own trigger reads the tags it carries. SQLite looks in the tags'
names at query time (search/selectors.py)."""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION rse_post_tag_names(bigint) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(string_agg(t.name, ' ' ORDER BY t.id), '')
          FROM posts_taggedpost l JOIN taggit_tag t ON t.id = l.tag_id
          WHERE l.content_object_id = $1 $$
    """,
    """
    CREATE OR REPLACE FUNCTION rse_search_post() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector := ts_delete(
        rse_bilingual(NEW.body, 'A') || rse_bilingual(rse_post_tag_names(NEW.id), 'B'),
        'rsegap');
      RETURN NEW;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION rse_search_post_tags() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'DELETE' THEN
        UPDATE posts_post SET body = body WHERE id = NEW.content_object_id;
      END IF;
      IF TG_OP <> 'INSERT' AND (TG_OP = 'DELETE' OR OLD.content_object_id <> NEW.content_object_id) THEN
        UPDATE posts_post SET body = body WHERE id = OLD.content_object_id;
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER rse_search_post_tags
    AFTER INSERT OR DELETE OR UPDATE OF tag_id, content_object_id ON posts_taggedpost
    FOR EACH ROW EXECUTE FUNCTION rse_search_post_tags()
    """,
    # The posts that carry tags today (the others' vectors do not change).
    """
    UPDATE posts_post SET body = body
    WHERE id IN (SELECT DISTINCT content_object_id FROM posts_taggedpost)
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS rse_search_post_tags ON posts_taggedpost",
    "DROP FUNCTION IF EXISTS rse_search_post_tags()",
    """
    CREATE OR REPLACE FUNCTION rse_search_post() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector := ts_delete(rse_bilingual(NEW.body, 'A'), 'rsegap');
      RETURN NEW;
    END $$
    """,
    """
    UPDATE posts_post SET body = body
    WHERE id IN (SELECT DISTINCT content_object_id FROM posts_taggedpost)
    """,
    "DROP FUNCTION IF EXISTS rse_post_tag_names(bigint)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_postgres_search"),
        ("posts", "0005_tag_links_keep_the_typed_spelling"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
