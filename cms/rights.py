"""The Wagtail rights of the communications team, granted by ``grant_communication_rights`` (run by the
migration cms.0002_communication_rights and by load_demo):

- the ``communication`` role (demo account ``communication``) has page rights on the whole tree and on
  images and documents, publishes, and approves the task of the moderation workflow;
- for other members of the team, Wagtail's groups carry French names: « Rédacteurs » write and submit
  for moderation without publishing, « Modérateurs » publish and approve.

Access to /cms/ itself (``wagtailadmin.access_admin``) comes from accounts.roles.

The content site is in French, English and Arabic (settings.WAGTAIL_CONTENT_LANGUAGES): ``ensure_locales`` makes
Wagtail's Locale records, and ``grant_translation_rights`` gives these groups simple_translation's « Traduire »."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

RENAMES = {"Editors": "Rédacteurs", "Moderators": "Modérateurs"}
WORKFLOW_NAME = "Validation par un modérateur"
PAGE_ACTIONS = ("add", "change", "publish", "lock", "unlock")
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "image", ("add", "change", "choose")),
    ("wagtaildocs", "document", ("add", "change", "choose")),
)


TRANSLATING_GROUPS = ("communication", "Rédacteurs", "Modérateurs")


def ensure_locales(apps=global_apps) -> None:
    """One Locale record per content language (idempotent)."""
    from django.conf import settings

    Locale = apps.get_model("wagtailcore", "Locale")
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


def grant_translation_rights(apps=global_apps) -> None:
    """simple_translation's « submit_translation » for the communications team's groups (idempotent)."""
    try:
        app_config = apps.get_app_config("simple_translation")
    except LookupError:
        return
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    _create_permissions(app_config)
    permission = Permission.objects.filter(
        content_type__app_label="simple_translation", codename="submit_translation"
    ).first()
    if permission is None:
        return
    for group in Group.objects.filter(name__in=TRANSLATING_GROUPS):
        group.permissions.add(permission)


def _create_permissions(app_config) -> None:
    """An app's permissions, in a migration's historical apps too (create_permissions skips an app without models
    module)."""
    if getattr(app_config, "models_module", None) is None:  # the migration's historical apps
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    else:
        create_permissions(app_config, verbosity=0)


def _ensure_permissions(apps):
    for label in ("wagtailcore", "wagtailimages", "wagtaildocs"):
        _create_permissions(apps.get_app_config(label))


def grant_communication_rights(apps=global_apps) -> None:
    """Idempotent: run by the migration, and by load_demo on a database emptied by tests."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    _ensure_permissions(apps)

    for old, new in RENAMES.items():
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)

    communication, _ = Group.objects.get_or_create(name="communication")
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        for action in PAGE_ACTIONS:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{action}_page")
            GroupPagePermission.objects.get_or_create(group=communication, page=root, permission=permission)
    collection = Collection.objects.filter(depth=1).order_by("path").first()
    if collection is not None:
        for app_label, model, actions in COLLECTION_PERMISSIONS:
            for action in actions:
                permission = Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                GroupCollectionPermission.objects.get_or_create(
                    group=communication, collection=collection, permission=permission
                )
    moderators = Group.objects.filter(name=RENAMES["Moderators"]).first()
    for task in GroupApprovalTask.objects.all():
        if not task.groups.exists() or (moderators is not None and task.groups.filter(pk=moderators.pk).exists()):
            task.groups.add(communication)
        if task.name == "Moderators approval":
            task.name = WORKFLOW_NAME
            task.save(update_fields=["name"])
    Workflow.objects.filter(name="Moderators approval").update(name=WORKFLOW_NAME)
    if root is not None and not Workflow.objects.exists():  # a database emptied by tests: the workflow again
        WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
        WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
        ContentType = apps.get_model("contenttypes", "ContentType")
        task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
        task = GroupApprovalTask.objects.create(name=WORKFLOW_NAME, content_type=task_type, active=True)
        task.groups.add(communication)
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.create(workflow=workflow, page=root)
    if apps is global_apps:  # load_demo (the migrations run these themselves, after simple_translation's)
        ensure_locales(apps)
        grant_translation_rights(apps)
