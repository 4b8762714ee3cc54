from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import AuditReason


class DetaineeStatus(models.TextChoices):
    DETAINED = "detained", _("Détenu")
    RELEASED = "released", _("Libéré")
    TRANSFERRED = "transferred", _("Transféré")


class LegalStatus(models.TextChoices):
    """A detainee's legal status (GENESIS): the parloir's weekly limits differ (code pénitentiaire: a prévenu
    may be visited at least three times a week, a condamné at least once)."""

    PREVENU = "prevenu", _("Prévenu")
    CONDAMNE = "condamne", _("Condamné")


class Service(models.TextChoices):
    """The two services of a permit card, each with its own eligibility (``permits.eligibility``)."""

    TRANSFER = "transfer", _("virement")
    PARLOIR = "parloir", _("rendez-vous parloir")


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
GENESIS_LEGAL_STATUS = {"prevenu": LegalStatus.PREVENU, "condamne": LegalStatus.CONDAMNE}

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


class Ineligibility(models.TextChoices):
    """Why a registered permit cannot be used now (``permits.eligibility``): one code per reason, stable
    for the services that read it (transfers today, the parloir next)."""

    REGISTRATION_PENDING = "registration_pending", _(
        "Ce permis de visite est en attente de vérification par le greffe."
    )
    REGISTRATION_REFUSED = "registration_refused", _(
        "Le greffe a refusé l'enregistrement de ce permis de visite sur votre espace."
    )
    PERMIT_SUSPENDED = "permit_suspended", _("Le permis de visite est suspendu.")
    PERMIT_REVOKED = "permit_revoked", _("Le permis de visite a été retiré.")
    PERMIT_EXPIRED = "permit_expired", _("Le permis de visite a expiré.")
    PERMIT_NOT_STARTED = "permit_not_started", _("Le permis de visite n'est valable qu'à partir du %(date)s.")
    PERMIT_ENDED = "permit_ended", _("Le permis de visite n'est plus valable depuis le %(date)s.")
    TEMPORARY_NOT_AUTHORIZED = "temporary_not_authorized", _(
        "Un permis de visite temporaire ne permet d'envoyer de l'argent que sur autorisation du chef "
        "d'établissement."
    )
    DETAINEE_RELEASED = "detainee_released", _("La personne détenue a été libérée.")
    DETAINEE_TRANSFERRED = "detainee_transferred", _(
        "La personne détenue a été transférée dans un autre établissement."
    )
    DETAINEE_MAY_NOT_RECEIVE_MONEY = "detainee_may_not_receive_money", _(
        "La personne détenue ne peut pas recevoir d'argent pour le moment."
    )
    ESTABLISHMENT_CLOSED = "establishment_closed", _("L'établissement n'accepte pas les virements pour le moment.")


class EligibilityContact(models.TextChoices):
    """Whom the relative asks about a reason: the greffe keeps permits and detainees, the régie the money."""

    GREFFE = "greffe", _("le greffe de l'établissement")
    REGIE = "regie", _("la régie des comptes nominatifs de l'établissement")


class PermitAuditReason(AuditReason):
    """Why a detainee, a visit permit or a registration changed, as the audit stores it (``core.audit``)."""

    IDENTITY_MATCHES = "permit_identity_matches", _("Identité FranceConnect identique à celle du titulaire")
    BIRTH_DATE_INCOMPLETE = "permit_birth_date_incomplete", _(
        "Date de naissance FranceConnect incomplète : vérification par le greffe"
    )

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
