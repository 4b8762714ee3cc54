"""The communications team's rights in Wagtail.

- The ``communication`` role (the demo account ``communication``) edits, publishes and moderates:
  page rights on the whole tree, images and documents, and it approves the moderation workflow's task.
- Wagtail's groups are named in French: « Rédacteurs » (write and submit for moderation, cannot
  publish) and « Modérateurs » (publish and approve), for other members of the team.
Access to /cms/ itself (``wagtailadmin.access_admin``) is granted by accounts.roles."""

from django.db import migrations

RENAMES = {"Editors": "Rédacteurs", "Moderators": "Modérateurs"}


def grant(apps, schema_editor):
    from cms.rights import grant_communication_rights

    grant_communication_rights(apps)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    communication = Group.objects.filter(name="communication").first()
    if communication is not None:
        GroupPagePermission.objects.filter(group=communication).delete()
        GroupCollectionPermission.objects.filter(group=communication).delete()
        for task in apps.get_model("wagtailcore", "GroupApprovalTask").objects.filter(groups=communication):
            task.groups.remove(communication)
    for old, new in RENAMES.items():
        if not Group.objects.filter(name=old).exists():
            Group.objects.filter(name=new).update(name=old)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("accounts", "0003_roles"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
