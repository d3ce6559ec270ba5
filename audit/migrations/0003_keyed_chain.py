"""The audit chain becomes keyed (HMAC under AUDIT_HMAC_KEY, audit/chain.py).

Entries already written keep their plain SHA-256 hash (hash_version 1); the head records,
signed, the first sequence that will be keyed, and the checkpoints of earlier purges are
signed, so the existing chain still verifies and everything after it is keyed."""

import django.utils.timezone
from django.db import migrations, models

from audit import chain


def sign_the_existing_chain(apps, schema_editor):
    head_model = apps.get_model("audit", "AuditChainHead")
    checkpoint_model = apps.get_model("audit", "AuditCheckpoint")
    head, _ = head_model.objects.get_or_create(pk=1)
    head.keyed_from_sequence = head.last_sequence + 1
    head.keyed_from_mac = chain.keyed_from_mac(head.keyed_from_sequence)
    head.save(update_fields=["keyed_from_sequence", "keyed_from_mac"])
    for checkpoint in checkpoint_model.objects.all():
        checkpoint.mac = chain.checkpoint_mac(
            through=checkpoint.purged_through_sequence,
            last_hash=checkpoint.last_purged_hash,
            last_at=None,
            created_at=checkpoint.created_at,
            count=checkpoint.purged_count,
        )
        checkpoint.save(update_fields=["mac"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                default=1, editable=False, verbose_name="hash version"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="keyed_from_sequence",
            field=models.PositiveBigIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="keyed_from_mac",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="auditcheckpoint",
            name="last_purged_at",
            field=models.DateTimeField(null=True, verbose_name="date of the last purged entry"),
        ),
        migrations.AddField(
            model_name="auditcheckpoint",
            name="mac",
            field=models.CharField(blank=True, max_length=64, verbose_name="signature"),
        ),
        migrations.AlterField(
            model_name="auditcheckpoint",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="when"),
        ),
        migrations.RunPython(sign_the_existing_chain, migrations.RunPython.noop),
    ]
