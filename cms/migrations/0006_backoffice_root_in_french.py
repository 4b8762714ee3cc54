"""Wagtail's root page and root collection, made by its migrations as "Root", named in French: the
editors see the root collection in every upload form and the root page in the page explorer."""

from django.db import migrations

ROOT_FR = "Racine"


def forwards(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    Page.objects.filter(depth=1, title="Root").update(title=ROOT_FR, draft_title=ROOT_FR)
    Collection.objects.filter(depth=1, name="Root").update(name=ROOT_FR)


def backwards(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    Page.objects.filter(depth=1, title=ROOT_FR).update(title="Root", draft_title="Root")
    Collection.objects.filter(depth=1, name=ROOT_FR).update(name="Root")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0005_content_substep_title"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
