# Transfers' history: indexed by transfer (id), date and author only.

import django.db.models.deletion
import transfers.models
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_roles'),
        ('establishments', '0002_constraint_messages'),
        ('permits', '0002_registered_permit'),
        ('transfers', '0004_fewer_single_column_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicaltransfer',
            name='bank',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='establishments.bank', verbose_name='banque du payeur'),
        ),
        migrations.AlterField(
            model_name='historicaltransfer',
            name='created_at',
            field=models.DateTimeField(blank=True, editable=False, verbose_name='créé le'),
        ),
        migrations.AlterField(
            model_name='historicaltransfer',
            name='detainee',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='permits.detainee', verbose_name='personne détenue'),
        ),
        migrations.AlterField(
            model_name='historicaltransfer',
            name='establishment',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='establishments.establishment', verbose_name='établissement'),
        ),
        migrations.AlterField(
            model_name='historicaltransfer',
            name='idempotency_key',
            field=models.UUIDField(default=uuid.uuid4, editable=False, verbose_name="clé d'idempotence"),
        ),
        migrations.AlterField(
            model_name='historicaltransfer',
            name='permit',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='permits.visitpermit', verbose_name='permis de visite'),
        ),
        migrations.AlterField(
            model_name='historicaltransfer',
            name='reference',
            field=models.CharField(default=transfers.models.new_reference, editable=False, max_length=35, verbose_name='référence'),
        ),
        migrations.AlterField(
            model_name='historicaltransfer',
            name='relative',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.relative', verbose_name='proche'),
        ),
    ]
