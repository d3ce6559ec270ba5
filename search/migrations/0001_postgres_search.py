"""Full-text search on PostgreSQL: extensions, stored search vectors, GIN indexes.

Only on PostgreSQL (SQLite searches with case- and accent-folded matching, see
search/selectors.py). The columns live on the other apps' tables but belong to search:
their models do not declare them; triggers keep them up to date when the searched
fields change (and only then: counters and logins do not recompute them).

- `rse_unaccent(text)`: an IMMUTABLE wrapper of unaccent, usable in indexes.
- posts_post.search_vector: the body, French and English.
- communities_community.search_vector: name (weight A) and description (B), French and
  English; trigram index on the folded name (suggestions, partial words).
- profiles_user.search_vector: names and username (simple: never stemmed, weight A), job
  title, department and site (French and English, B); search_name: the folded full
  name, with a trigram index (typos: "Jean Dupond" finds "Jean Dupont").
- profiles_skill.normalized and taggit_tag's folded name: trigram indexes.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    CREATE OR REPLACE FUNCTION rse_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
    """,
    # Parts of a vector (French and English readings, name and description) are joined
    # with a gap, removed at the end, so that no phrase spans two parts.
    """
    CREATE OR REPLACE FUNCTION rse_gap() RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT to_tsvector('simple', 'rsegap rsegap rsegap rsegap rsegap') $$
    """,
    """
    CREATE OR REPLACE FUNCTION rse_bilingual(text, "char") RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT setweight(
      to_tsvector('french', rse_unaccent(coalesce($1, ''))) || rse_gap()
      || to_tsvector('english', rse_unaccent(coalesce($1, ''))) || rse_gap(), $2) $$
    """,
    # Posts.
    "ALTER TABLE posts_post ADD COLUMN search_vector tsvector",
    """
    CREATE OR REPLACE FUNCTION rse_search_post() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector := ts_delete(rse_bilingual(NEW.body, 'A'), 'rsegap');
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER rse_search_post BEFORE INSERT OR UPDATE OF body ON posts_post
    FOR EACH ROW EXECUTE FUNCTION rse_search_post()
    """,
    "UPDATE posts_post SET body = body",
    "CREATE INDEX search_post_vector ON posts_post USING gin (search_vector)",
    # Communities.
    "ALTER TABLE communities_community ADD COLUMN search_vector tsvector",
    """
    CREATE OR REPLACE FUNCTION rse_search_community() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector := ts_delete(
        rse_bilingual(NEW.name, 'A') || rse_bilingual(NEW.description, 'B'), 'rsegap');
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER rse_search_community
    BEFORE INSERT OR UPDATE OF name, description ON communities_community
    FOR EACH ROW EXECUTE FUNCTION rse_search_community()
    """,
    "UPDATE communities_community SET name = name",
    "CREATE INDEX search_community_vector ON communities_community USING gin (search_vector)",
    """
    CREATE INDEX search_community_name_trgm ON communities_community
    USING gin (rse_unaccent(lower(name)) gin_trgm_ops)
    """,
    # People.
    "ALTER TABLE profiles_user ADD COLUMN search_vector tsvector, ADD COLUMN search_name text",
    """
    CREATE OR REPLACE FUNCTION rse_search_user() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_name := rse_unaccent(lower(concat_ws(' ', NEW.first_name, NEW.last_name)));
      NEW.search_vector := ts_delete(
        setweight(to_tsvector('simple', rse_unaccent(
          concat_ws(' ', NEW.first_name, NEW.last_name, NEW.username))), 'A') || rse_gap()
        || rse_bilingual(concat_ws(' ', NEW.job_title, NEW.department, NEW.site), 'B'),
        'rsegap');
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER rse_search_user
    BEFORE INSERT OR UPDATE OF first_name, last_name, username, job_title, department, site
    ON profiles_user FOR EACH ROW EXECUTE FUNCTION rse_search_user()
    """,
    "UPDATE profiles_user SET username = username",
    "CREATE INDEX search_user_vector ON profiles_user USING gin (search_vector)",
    "CREATE INDEX search_user_name_trgm ON profiles_user USING gin (search_name gin_trgm_ops)",
    # Skills and tags: partial words and typos.
    """
    CREATE INDEX search_skill_trgm ON profiles_skill USING gin (normalized gin_trgm_ops)
    """,
    """
    CREATE INDEX search_tag_name_trgm ON taggit_tag
    USING gin (rse_unaccent(lower(name)) gin_trgm_ops)
    """,
]

BACKWARD = [
    "DROP INDEX IF EXISTS search_tag_name_trgm",
    "DROP INDEX IF EXISTS search_skill_trgm",
    "DROP TRIGGER IF EXISTS rse_search_user ON profiles_user",
    "DROP FUNCTION IF EXISTS rse_search_user()",
    "ALTER TABLE profiles_user DROP COLUMN IF EXISTS search_vector,"
    " DROP COLUMN IF EXISTS search_name",
    "DROP INDEX IF EXISTS search_community_name_trgm",
    "DROP TRIGGER IF EXISTS rse_search_community ON communities_community",
    "DROP FUNCTION IF EXISTS rse_search_community()",
    "ALTER TABLE communities_community DROP COLUMN IF EXISTS search_vector",
    "DROP TRIGGER IF EXISTS rse_search_post ON posts_post",
    "DROP FUNCTION IF EXISTS rse_search_post()",
    "ALTER TABLE posts_post DROP COLUMN IF EXISTS search_vector",
    'DROP FUNCTION IF EXISTS rse_bilingual(text, "char")',
    "DROP FUNCTION IF EXISTS rse_gap()",
    "DROP FUNCTION IF EXISTS rse_unaccent(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0002_profile_skills"),
        ("communities", "0002_external_invitation"),
        ("posts", "0001_posts_comments_likes_follows"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
