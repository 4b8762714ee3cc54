"""The content site in three languages (issue 18): the Locale records of French, English and Arabic (Wagtail
creates only the default one), and the right to translate a page (simple_translation's « Traduire ») for the
communications team."""

from django.db import migrations


def forwards(apps, schema_editor):
    from cms.rights import ensure_locales, grant_translation_rights

    ensure_locales(apps)
    grant_translation_rights(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0008_tutorial_poster"),
        ("simple_translation", "0001_initial"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
