# The history's index holds the status too: the count of a relative's last six months is an index-only scan.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_roles'),
        ('establishments', '0002_constraint_messages'),
        ('permits', '0002_registered_permit'),
        ('transfers', '0002_initiation_claim'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='transfer',
            name='transfer_relative_history',
        ),
        migrations.AddIndex(
            model_name='transfer',
            index=models.Index(fields=['relative', '-created_at', 'status'], name='transfer_relative_history'),
        ),
    ]
