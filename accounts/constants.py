from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles, each a Django group created by a migration (accounts.roles holds their rights)."""

    GREFFE = "greffe", _("Greffe")
    REGIE = "regie", _("Régie")
    NATIONAL = "national", _("Administration nationale")
    AUDITEUR = "auditeur", _("Auditeur")
    COMMUNICATION = "communication", _("Communication")


# Roles that see every establishment.
NATIONAL_SCOPE_ROLES = frozenset({Role.NATIONAL, Role.AUDITEUR})


class Gender(models.TextChoices):
    FEMALE = "female", _("Femme")
    MALE = "male", _("Homme")
