from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import AuditReason


class Role(models.TextChoices):
    """Staff roles, each a Django group created by a migration (accounts.roles holds their rights)."""

    GREFFE = "greffe", _("Greffe")
    REGIE = "regie", _("Régie")
    NATIONAL = "national", _("Administration nationale")
    AUDITEUR = "auditeur", _("Auditeur")
    COMMUNICATION = "communication", _("Communication")
    PARLOIRS = "parloirs", _("Bureau des parloirs")
    SECURITE = "securite", _("Sécurité (surveillance des flux)")


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


# Session lifetimes (accounts.middleware): the session keys of a relative's last activity, and of a staff
# session's start and last activity.
LAST_ACTIVITY_KEY = "relative_last_activity"
STAFF_LOGIN_AT_KEY = "staff_login_at"
STAFF_LAST_ACTIVITY_KEY = "staff_last_activity"
# RGAA 13.1: the dialog "Votre session va bientôt prendre fin" opens this many seconds before a session ends
# for inactivity (static/js/session-warning.js), with "Prolonger ma session".
SESSION_WARNING_SECONDS = 120
# Left on the new, anonymous session when a session ended for inactivity (its idle limit in seconds): the next
# page says so (templates/includes/session_ended.html), once.
SESSION_ENDED_KEY = "session_ended_idle_seconds"
# Set when a relative not logged in opens « Mes préférences de courriel » (the credited e-mail's link): the
# FranceConnect login then leads there instead of « Mon espace ».
AFTER_LOGIN_PREFERENCES_KEY = "after_login_email_preferences"
# A relative's session cookie dies with the idle limit (its max-age), so the next request cannot tell an
# expired session from none: this signed cookie, written with each activity stamp and outliving the session
# by SESSION_MARK_GRACE_SECONDS, holds the stamp; deleted at logout.
RELATIVE_SESSION_MARK_COOKIE = "portail_session_active"
SESSION_MARK_GRACE_SECONDS = 12 * 60 * 60


class AccountAuditReason(AuditReason):
    """Why an account's history has a line (``core.audit``); the detail is data (a count, a name, a note)."""

    SECOND_FACTOR_ENABLED = "account_second_factor_enabled", _(
        "Second facteur activé : application d'authentification et codes de secours (nombre)"
    )
    RECOVERY_CODE_USED = "account_recovery_code_used", _("Connexion avec un code de secours (codes restants)")
    PASSKEY_ADDED = "account_passkey_added", _("Clé d'accès ajoutée")
    SECOND_FACTOR_RESET = "account_second_factor_reset", _(
        "Second facteur réinitialisé (dispositifs supprimés, motif)"
    )
    EMAIL_PREFERENCES = "account_email_preferences", _(
        "Préférences de courriel enregistrées (courriel quand un virement est versé sur le pécule)"
    )
    LANGUAGE = "account_language", _("Langue choisie (code de la langue)")
