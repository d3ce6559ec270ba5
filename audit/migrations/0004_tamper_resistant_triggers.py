"""PostgreSQL closes the ways around the append-only trigger (issue 27, finding 6):

- TRUNCATE, which row triggers do not see, is refused on the three audit tables;
- the purge no longer opens with a setting any role can SET: entries are deleted only in
  a transaction holding a permit that only `audit_purge_through()` writes — a SECURITY
  DEFINER function that removes a prefix of expired entries and nothing else, which the
  application's role (or a role given EXECUTE on it) calls for the retention job;
- checkpoints are append-only, and the chain head only moves forward.

The owner of the tables (and any superuser) can still disable triggers: the keyed hashes
and the anchors written outside the database are what catch that (README)."""

from django.db import migrations

CREATE = """
CREATE TABLE audit_purge_permit (txid bigint PRIMARY KEY);
REVOKE ALL ON audit_purge_permit FROM PUBLIC;

CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND EXISTS (SELECT 1 FROM audit_purge_permit WHERE txid = txid_current()) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE FUNCTION audit_purge_through(through bigint, cutoff timestamptz) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    removed bigint;
BEGIN
    IF cutoff > now() THEN
        RAISE EXCEPTION 'the purge cutoff % is in the future', cutoff
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (
        SELECT 1 FROM audit_auditentry WHERE sequence <= through AND created_at >= cutoff
    ) THEN
        RAISE EXCEPTION 'audit entries up to #% are not all older than %', through, cutoff
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO audit_purge_permit (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
    DELETE FROM audit_auditentry WHERE sequence <= through;
    GET DIAGNOSTICS removed = ROW_COUNT;
    DELETE FROM audit_purge_permit WHERE txid = txid_current();
    RETURN removed;
END;
$$;
REVOKE ALL ON FUNCTION audit_purge_through(bigint, timestamptz) FROM PUBLIC;

CREATE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail cannot be truncated (% refused)', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_auditcheckpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_auditchainhead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();

CREATE FUNCTION audit_checkpoint_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit checkpoints are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_auditcheckpoint
    FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_append_only();

CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.id = OLD.id
           AND NEW.keyed_from_sequence = OLD.keyed_from_sequence
           AND NEW.keyed_from_mac = OLD.keyed_from_mac
           AND (NEW.last_sequence > OLD.last_sequence
                OR (NEW.last_sequence = OLD.last_sequence AND NEW.last_hash = OLD.last_hash))
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'the audit chain head only moves forward (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_auditchainhead
    FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_head_forward_only();
DROP TRIGGER IF EXISTS audit_checkpoint_append_only ON audit_auditcheckpoint;
DROP FUNCTION IF EXISTS audit_checkpoint_append_only();
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_checkpoint_no_truncate ON audit_auditcheckpoint;
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_auditchainhead;
DROP FUNCTION IF EXISTS audit_refuse_truncate();
DROP FUNCTION IF EXISTS audit_purge_through(bigint, timestamptz);
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('rse.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql SECURITY INVOKER RESET search_path;
DROP TABLE IF EXISTS audit_purge_permit;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
    sql = CREATE.replace("{schema}", schema_editor.quote_name(schema))
    schema_editor.execute(sql, params=None)  # the SQL has literal % signs


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_chain")]

    operations = [migrations.RunPython(create, drop)]
