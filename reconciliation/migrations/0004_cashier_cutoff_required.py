from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reconciliation", "0003_same_day"),
    ]

    operations = [
        migrations.AlterField(
            model_name="cashierbatch",
            name="cutoff",
            field=models.TimeField(verbose_name="heure de passage"),
        ),
        migrations.AlterField(
            model_name="historicalcashierbatch",
            name="cutoff",
            field=models.TimeField(verbose_name="heure de passage"),
        ),
    ]
