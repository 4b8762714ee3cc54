# Transfers: two indexes less to write at every transition (a statement's import rewrites 100,000 rows).
# - the bank's own index: the unique constraint on (bank, payment_request_id) leads with the bank;
# - the pattern index PostgreSQL gets for a unique CharField (``…_like``, for LIKE 'prefix%'): the
#   reference is looked up whole, or searched with icontains in the back office, which cannot use it.

import django.db.models.deletion
from django.db import migrations, models

LIKE_INDEX = "transfers_transfer_reference_4563b5a4_like"


def drop_reference_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {LIKE_INDEX}")


def create_reference_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {LIKE_INDEX} ON transfers_transfer (reference varchar_pattern_ops)"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('establishments', '0001_initial'),
        ('transfers', '0005_history_indexes_by_transfer_and_date'),
    ]

    operations = [
        migrations.AlterField(
            model_name='transfer',
            name='bank',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='transfers', to='establishments.bank', verbose_name='banque du payeur'),
        ),
        migrations.RunPython(drop_reference_pattern_index, create_reference_pattern_index),
    ]
