from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import AuditReason


class DetaineeStatus(models.TextChoices):
    DETAINED = "detained", _("Détenu")
    RELEASED = "released", _("Libéré")
    TRANSFERRED = "transferred", _("Transféré")


class PermitKind(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    TEMPORARY = "temporary", _("Temporaire")


class PermitStatus(models.TextChoices):
    ACTIVE = "active", _("Actif")
    SUSPENDED = "suspended", _("Suspendu")
    REVOKED = "revoked", _("Retiré")
    EXPIRED = "expired", _("Expiré")


# GENESIS export values → our choices.
GENESIS_DETAINEE_STATUS = {
    "detenu": DetaineeStatus.DETAINED,
    "libere": DetaineeStatus.RELEASED,
    "transfere": DetaineeStatus.TRANSFERRED,
}
GENESIS_PERMIT_KIND = {"permanent": PermitKind.PERMANENT, "temporaire": PermitKind.TEMPORARY}
GENESIS_PERMIT_STATUS = {
    "actif": PermitStatus.ACTIVE,
    "suspendu": PermitStatus.SUSPENDED,
    "retire": PermitStatus.REVOKED,
    "expire": PermitStatus.EXPIRED,
}
GENESIS_YES_NO = {"oui": True, "non": False}

# An import file larger than this is refused before it is read.
MAX_IMPORT_BYTES = 50 * 1024 * 1024


class RegistrationFailure(models.TextChoices):
    """Why a relative's attempt to register a visit permit failed (recorded for the rate limit)."""

    NOT_FOUND_OR_NOT_YOURS = "not_found_or_not_yours", _("Permis introuvable ou non nominatif")
    NOT_ACTIVE = "not_active", _("Permis suspendu, retiré ou expiré")
    INVALID_INPUT = "invalid_input", _("Saisie invalide")


# Failed registration attempts allowed per relative within the window, then refused until it passes.
REGISTRATION_MAX_FAILURES = 5
REGISTRATION_FAILURE_WINDOW_SECONDS = 3600


class RegistrationStatus(models.TextChoices):
    """Where a relative's registration of a visit permit stands. Only an accepted one gives rights
    (transfers, parloir): ``RegisteredPermit.grants_rights`` is the one place that says so."""

    PENDING = "pending", _("En attente de vérification par le greffe")
    ACCEPTED = "accepted", _("Accepté")
    REFUSED = "refused", _("Refusé par le greffe")


class RegistrationMatch(models.TextChoices):
    """How the relative's FranceConnect identity matched the permit's holder."""

    EXACT = "exact", _("Identité identique")
    # FranceConnect (INSEE's convention) gives 01 for an unknown day, 01-01 for an unknown day and month:
    # such a birth date matches the holder's only partly, which the greffe must check.
    PARTIAL_BIRTH_DATE = "partial_birth_date", _("Date de naissance incomplète à vérifier")


class RefusalReason(models.TextChoices):
    """Why the greffe refused a registration; the label is what the relative reads."""

    NOT_HOLDER = "not_holder", _("Vous n'êtes pas le titulaire de ce permis de visite.")
    BIRTH_DATE = "birth_date", _(
        "Votre date de naissance ne correspond pas à celle du titulaire de ce permis de visite."
    )
    OTHER = "other", _("Autre motif")


# The greffe's note on a decision (required with the reason "Autre motif").
DECISION_NOTE_MAX_LENGTH = 500


class PermitAuditReason(AuditReason):
    """Why a detainee, a visit permit or a registration changed, as the audit stores it (``core.audit``)."""

    # GENESIS imports (detail: the file's name) and the greffe's decisions (detail: the greffe's note).
    GENESIS_IMPORT = "permit_genesis_import", _("Import GENESIS")
    REGISTRATION_CONFIRMED = "permit_registration_confirmed", _("Confirmé par le greffe")
    REGISTRATION_REFUSED_NOT_HOLDER = "permit_registration_refused_not_holder", _(
        "Refusé par le greffe (le proche n'est pas le titulaire)"
    )
    REGISTRATION_REFUSED_BIRTH_DATE = "permit_registration_refused_birth_date", _(
        "Refusé par le greffe (date de naissance différente de celle du titulaire)"
    )
    REGISTRATION_REFUSED_OTHER = "permit_registration_refused_other", _("Refusé par le greffe (autre motif)")
