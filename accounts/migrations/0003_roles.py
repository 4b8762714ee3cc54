from django.db import migrations


def create_groups(apps, schema_editor):
    from accounts.roles import create_role_groups

    create_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
