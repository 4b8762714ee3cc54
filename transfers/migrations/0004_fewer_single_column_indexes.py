# Transfers: no single-column index on the status, the relative or the detainee (the composite indexes lead with them).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_roles'),
        ('permits', '0002_registered_permit'),
        ('transfers', '0003_history_index_covers_status'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicaltransfer',
            name='status',
            field=models.CharField(choices=[('draft', 'Brouillon'), ('awaiting_authorization', 'En attente de votre validation à la banque'), ('authorized', 'Accepté par votre banque'), ('executed', 'Exécuté par votre banque'), ('rejected', 'Refusé ou annulé'), ('expired', 'Abandonné (délai dépassé)'), ('received', "Reçu par l'établissement"), ('credited', 'Versé sur le pécule'), ('to_refund', 'À rembourser'), ('refunded', 'Remboursé')], default='draft', max_length=30, verbose_name='statut'),
        ),
        migrations.AlterField(
            model_name='transfer',
            name='detainee',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='transfers', to='permits.detainee', verbose_name='personne détenue'),
        ),
        migrations.AlterField(
            model_name='transfer',
            name='relative',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='transfers', to='accounts.relative', verbose_name='proche'),
        ),
        migrations.AlterField(
            model_name='transfer',
            name='status',
            field=models.CharField(choices=[('draft', 'Brouillon'), ('awaiting_authorization', 'En attente de votre validation à la banque'), ('authorized', 'Accepté par votre banque'), ('executed', 'Exécuté par votre banque'), ('rejected', 'Refusé ou annulé'), ('expired', 'Abandonné (délai dépassé)'), ('received', "Reçu par l'établissement"), ('credited', 'Versé sur le pécule'), ('to_refund', 'À rembourser'), ('refunded', 'Remboursé')], default='draft', max_length=30, verbose_name='statut'),
        ),
    ]
