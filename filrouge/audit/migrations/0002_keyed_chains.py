"""The chains are sealed with a key kept outside the database from now on.

Entries already written keep their plain SHA-256 and the key id "legacy-sha256": rewriting them
would launder whatever happened before, and the purge records hold their hashes. Each chain's
head gets the boundary of its unkeyed entries (its seq and hash now), sealed with the audit key,
and that head is published outside the database (`filrouge.audit.heads`): from then on an
unkeyed entry after the boundary, or a rewrite of the entries before it, is reported.
"""

from django.db import migrations, models


def seal_boundaries(apps, schema_editor):
    from filrouge.audit import heads
    from filrouge.audit.chain import legacy_boundary_seal

    ChainHead = apps.get_model("audit", "ChainHead")
    sealed = []
    for head in ChainHead.objects.using(schema_editor.connection.alias).filter(seq__gt=0).order_by("pk"):
        head.legacy_seq, head.legacy_hash = head.seq, head.hash
        head.legacy_seal = legacy_boundary_seal(head.key, head.seq, head.hash)
        head.save(update_fields=["legacy_seq", "legacy_hash", "legacy_seal"])
        sealed.append(heads.Head(head.key, head.seq, head.hash))
    heads.publish(sealed)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(default="legacy-sha256", max_length=20),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="chainhead",
            name="legacy_seq",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="chainhead",
            name="legacy_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="chainhead",
            name="legacy_seal",
            field=models.CharField(blank=True, max_length=90),
        ),
        migrations.RunPython(seal_boundaries, migrations.RunPython.noop, elidable=False),
    ]
