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


# The staff's password reset by e-mail (/cms/password_reset/): at most this many requests per client address,
# and e-mails per account, within the window (seconds); beyond, the address is refused, the account's
# mailbox is left alone (the page says the same as when an e-mail went, so nobody learns who has an account).
PASSWORD_RESET_LIMIT_PER_ADDRESS = 5
PASSWORD_RESET_LIMIT_PER_ACCOUNT = 3
PASSWORD_RESET_WINDOW = 60 * 60
