"""The rights of each staff role: one place, applied to the role groups after every migrate.

Each role is a Django group (created by the migration ``accounts.0003_roles``); its permissions are
set from ``ROLE_PERMISSIONS`` by ``sync_role_permissions``, so that a new model's rights are granted
by editing this map only. Auditors read everything: they also get the view permission of every model
of ``AUDITED_APPS``, so that a new model is readable by them without a change here.
"""

from __future__ import annotations

from django.apps import apps as global_apps

from .constants import Role

VIEW = ("view",)
EDIT = ("view", "add", "change")

# role → {"app_label.model": actions}
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.GREFFE: {
        "establishments.establishment": VIEW,
        "permits.detainee": EDIT,
        "permits.visitpermit": EDIT,
        # The queue of registrations to check (a birth date FranceConnect knows only in part);
        # the greffe confirms or refuses them (permits.services), nobody adds or deletes one by hand.
        "permits.registeredpermit": ("view", "change"),
        # The greffe reads the parloir (who visits whom), the visit office runs it.
        "visits.visitingarea": VIEW,
        "visits.bookingrules": VIEW,
        "visits.sessiontemplate": VIEW,
        "visits.closure": VIEW,
        "visits.visitsession": VIEW,
        "visits.visit": VIEW,
        "visits.visitcompanion": VIEW,
        "visits.detaineevisitblock": VIEW,
    },
    Role.REGIE: {
        "establishments.establishment": ("view", "change"),
        "establishments.nationalceiling": VIEW,
        "establishments.bank": VIEW,
        "permits.detainee": VIEW,
        "permits.visitpermit": VIEW,
        "transfers.transfer": VIEW,
        # Reconciliation: import statements, resolve exceptions, batches and acknowledgements,
        # refunds (the four-eyes rule is in reconciliation.services.refunds).
        "reconciliation.bankstatement": ("view", "add"),
        "reconciliation.statemententry": ("view", "change"),
        "reconciliation.cashierbatch": ("view", "add"),
        "reconciliation.cashierbatchline": ("view", "change"),
        "reconciliation.refund": VIEW,
        "reconciliation.refundfile": ("view", "add", "change"),
        "reconciliation.reconciliationjob": VIEW,
    },
    Role.NATIONAL: {
        "accounts.user": ("view", "add", "change"),
        "accounts.proconnectaccount": ("view", "delete"),
        "accounts.relative": VIEW,
        "accounts.stafflockout": ("view", "unlock"),
        "auth.group": VIEW,
        "establishments.establishment": ("view", "add", "change", "delete"),
        "establishments.nationalceiling": ("view", "add", "change"),
        "establishments.bank": ("view", "add", "change", "delete"),
        "permits.detainee": EDIT,
        "permits.visitpermit": EDIT,
        "permits.registeredpermit": VIEW,
        "transfers.transfer": VIEW,
        "reconciliation.bankstatement": VIEW,
        "reconciliation.statemententry": VIEW,
        "reconciliation.cashierbatch": VIEW,
        "reconciliation.cashierbatchline": VIEW,
        "reconciliation.refund": VIEW,
        "reconciliation.refundfile": VIEW,
        "reconciliation.reconciliationjob": VIEW,
        # National configures the parloir of every establishment.
        "visits.visitingarea": ("view", "add", "change", "delete"),
        "visits.bookingrules": ("view", "add", "change", "delete"),
        "visits.sessiontemplate": ("view", "add", "change", "delete"),
        "visits.closure": ("view", "add", "change", "delete"),
        "visits.visitsession": VIEW,
        "visits.visit": VIEW,
        "visits.visitcompanion": VIEW,
        "visits.detaineevisitblock": VIEW,
        # National sets the money-flow rules' thresholds and sees every establishment's queue.
        "monitoring.rule": ("view", "change"),
        "monitoring.alert": ("view", "change"),
        "monitoring.alerthit": VIEW,
        "monitoring.allowedpair": EDIT,
        "monitoring.payeraccount": VIEW,
    },
    Role.AUDITEUR: {
        "accounts.user": VIEW,
        "accounts.relative": VIEW,
        "auth.group": VIEW,
        "establishments.establishment": VIEW,
        "establishments.nationalceiling": VIEW,
        "establishments.bank": VIEW,
        "permits.detainee": VIEW,
        "permits.visitpermit": VIEW,
        "permits.registeredpermit": VIEW,
    },
    # The visit office: its establishment's areas, rules, weekly sessions, closures, the day's lists, the
    # visits (arrivals, cancellations, bookings by phone), a detainee's blocked dates.
    Role.PARLOIRS: {
        "establishments.establishment": VIEW,
        "permits.detainee": VIEW,
        "permits.visitpermit": VIEW,
        "visits.visitingarea": EDIT,
        "visits.bookingrules": EDIT,
        "visits.sessiontemplate": ("view", "add", "change", "delete"),
        "visits.closure": EDIT,
        "visits.visitsession": ("view", "change"),
        "visits.visit": EDIT,
        "visits.visitcompanion": VIEW,
        "visits.detaineevisitblock": EDIT,
    },
    # The establishment's security staff: the money-flow review queue (assign, accept, reject), the pairs accepted
    # always, the payers' and detainees' flows; the rules' thresholds are the national role's.
    Role.SECURITE: {
        "establishments.establishment": VIEW,
        "permits.detainee": VIEW,
        "permits.visitpermit": VIEW,
        "transfers.transfer": VIEW,
        "monitoring.rule": VIEW,
        "monitoring.alert": ("view", "change"),
        "monitoring.alerthit": VIEW,
        "monitoring.allowedpair": EDIT,
        "monitoring.payeraccount": VIEW,
    },
    # The communications team reaches Wagtail's admin (/cms/) only; its page, image and document rights
    # and its place in the moderation workflow are set by the migration cms.0002_communication_rights.
    Role.COMMUNICATION: {
        "wagtailadmin.admin": ("access",),
        # simple_translation's « Traduire » (the content pages in English and Arabic, cms.demo_i18n).
        "simple_translation.translation": ("submit",),
    },
}

# Auditors may view every model of these apps (history included), and change none.
AUDITED_APPS = ("accounts", "establishments", "permits", "transfers", "reconciliation", "visits", "monitoring")

# Roles whose members reach the staff back office (/gestion/); communication works in /cms/ only.
BACK_OFFICE_ROLES = frozenset({Role.GREFFE, Role.REGIE, Role.NATIONAL, Role.AUDITEUR, Role.PARLOIRS, Role.SECURITE})


def create_role_groups(apps=global_apps) -> None:
    Group = apps.get_model("auth", "Group")
    for role in Role:
        Group.objects.get_or_create(name=role.value)


def sync_role_permissions(apps=global_apps, **kwargs) -> None:
    """Give each role group exactly the permissions of ``ROLE_PERMISSIONS`` that exist now."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    create_role_groups(apps)
    wanted: dict[str, set[tuple[str, str]]] = {}
    for role, models in ROLE_PERMISSIONS.items():
        wanted[role] = {
            (label.split(".")[0], f"{action}_{label.split('.')[1]}")
            for label, actions in models.items()
            for action in actions
        }
    for role, pairs in wanted.items():
        group = Group.objects.get(name=role)
        perms = [
            p
            for p in Permission.objects.select_related("content_type").filter(
                codename__in={codename for _app, codename in pairs}
            )
            if (p.content_type.app_label, p.codename) in pairs
        ]
        if role == Role.AUDITEUR:
            perms += Permission.objects.filter(
                content_type__app_label__in=AUDITED_APPS, codename__startswith="view_"
            ).exclude(pk__in=[p.pk for p in perms])
        group.permissions.set(perms)
