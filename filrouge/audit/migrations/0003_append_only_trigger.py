"""PostgreSQL itself refuses to change or remove audit entries, whatever sends the query.

Allowed on the entries: INSERT; an UPDATE that only re-encrypts the stored values (`filrouge keys
rotate`: another ciphertext of the same content, which the sealed digest still checks); and, in a
transaction that declares `filrouge.audit_maintenance = on` (`filrouge.audit.models.maintenance`),
the redaction (the values removed once, nothing else) and the purge (DELETE). TRUNCATE only in
such a transaction too. On the chain heads: appends move the head forward, a verification records
its outcome, a declared purge moves the anchor forward; nothing else. Declaring the maintenance
is no secret: this guards against mistakes and scripts; against someone holding the credentials,
the application's role lacks the privileges (`filrouge audit grants`) and the chains are keyed.
SQLite has no such guard (the application's own refusal and the keyed chains remain).
"""

from django.db import migrations

ENTRY_GUARD = """
CREATE OR REPLACE FUNCTION filrouge_audit_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    in_maintenance boolean := coalesce(current_setting('filrouge.audit_maintenance', true), '') = 'on';
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (to_jsonb(NEW) - 'changes') = (to_jsonb(OLD) - 'changes')
           AND OLD.changes LIKE 'enc:%' AND NEW.changes LIKE 'enc:%' THEN
            RETURN NEW;
        END IF;
        IF in_maintenance
           AND (to_jsonb(NEW) - ARRAY['changes', 'redacted_at']) = (to_jsonb(OLD) - ARRAY['changes', 'redacted_at'])
           AND NEW.changes = '' AND OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL THEN
            RETURN NEW;
        END IF;
    ELSIF in_maintenance THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'filrouge: audit entries are append-only (% refused)', TG_OP
        USING HINT = 'Only the purge and the redaction change or remove entries (filrouge.audit_maintenance).';
END
$$;
CREATE TRIGGER filrouge_audit_entry_append_only BEFORE UPDATE OR DELETE ON {entries}
    FOR EACH ROW EXECUTE FUNCTION filrouge_audit_entry_guard();
CREATE TRIGGER filrouge_audit_entry_no_truncate BEFORE TRUNCATE ON {entries}
    FOR EACH STATEMENT EXECUTE FUNCTION filrouge_audit_entry_guard();

CREATE OR REPLACE FUNCTION filrouge_audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    in_maintenance boolean := coalesce(current_setting('filrouge.audit_maintenance', true), '') = 'on';
    moving text[] := ARRAY['seq', 'hash', 'verified_at', 'verified_ok'];
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF in_maintenance THEN
            moving := moving || ARRAY['anchor_seq', 'anchor_hash'];
        END IF;
        IF (to_jsonb(NEW) - moving) = (to_jsonb(OLD) - moving)
           AND (NEW.seq > OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash = OLD.hash))
           AND NEW.anchor_seq >= OLD.anchor_seq THEN
            RETURN NEW;
        END IF;
    ELSIF in_maintenance THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'filrouge: audit chain heads only move forward (% refused)', TG_OP
        USING HINT = 'Only appends, verifications and the purge change a chain head.';
END
$$;
CREATE TRIGGER filrouge_audit_head_forward_only BEFORE UPDATE OR DELETE ON {heads}
    FOR EACH ROW EXECUTE FUNCTION filrouge_audit_head_guard();
CREATE TRIGGER filrouge_audit_head_no_truncate BEFORE TRUNCATE ON {heads}
    FOR EACH STATEMENT EXECUTE FUNCTION filrouge_audit_head_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS filrouge_audit_entry_append_only ON {entries};
DROP TRIGGER IF EXISTS filrouge_audit_entry_no_truncate ON {entries};
DROP FUNCTION IF EXISTS filrouge_audit_entry_guard();
DROP TRIGGER IF EXISTS filrouge_audit_head_forward_only ON {heads};
DROP TRIGGER IF EXISTS filrouge_audit_head_no_truncate ON {heads};
DROP FUNCTION IF EXISTS filrouge_audit_head_guard();
"""


def run(sql):
    def step(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        quote = connection.ops.quote_name
        tables = {
            "entries": quote(apps.get_model("audit", "AuditEntry")._meta.db_table),
            "heads": quote(apps.get_model("audit", "ChainHead")._meta.db_table),
        }
        schema_editor.execute(sql.format(**tables), params=None)

    return step


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_keyed_chains"),
    ]

    operations = [
        migrations.RunPython(run(ENTRY_GUARD), run(DROP), elidable=False),
    ]
