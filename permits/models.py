from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .constants import (
    DECISION_NOTE_MAX_LENGTH,
    DetaineeStatus,
    LegalStatus,
    PermitKind,
    PermitStatus,
    RefusalReason,
    RegistrationFailure,
    RegistrationMatch,
    RegistrationStatus,
)


class Detainee(models.Model):
    """A person held in an establishment (personne détenue)."""

    establishment = models.ForeignKey(
        "establishments.Establishment",
        verbose_name=_("établissement"),
        on_delete=models.PROTECT,
        related_name="detainees",
    )
    ecrou = models.CharField(_("numéro d'écrou"), max_length=20)
    family_name = models.CharField(_("nom"), max_length=150)
    first_name = models.CharField(_("prénom"), max_length=150)
    birth_date = models.DateField(_("date de naissance"))
    status = models.CharField(
        _("situation"), max_length=12, choices=DetaineeStatus.choices, default=DetaineeStatus.DETAINED
    )
    legal_status = models.CharField(
        _("statut juridique"),
        max_length=10,
        choices=LegalStatus.choices,
        blank=True,
        help_text=_("Prévenu ou condamné (GENESIS) : fixe le nombre de parloirs par semaine."),
    )
    may_receive_money = models.BooleanField(
        _("peut recevoir de l'argent"),
        default=True,
        help_text=_("Décision du chef d'établissement."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("personne détenue")
        verbose_name_plural = _("personnes détenues")
        ordering = ["family_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "ecrou"], name="detainee_unique_ecrou"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name.upper()} {self.first_name} ({self.ecrou})"


class VisitPermit(models.Model):
    """A nominative visit permit (permis de visite)."""

    number = models.CharField(_("numéro du permis"), max_length=40, unique=True)
    detainee = models.ForeignKey(
        Detainee, verbose_name=_("personne détenue"), on_delete=models.PROTECT, related_name="permits"
    )
    holder_family_name = models.CharField(_("nom du titulaire"), max_length=150)
    holder_first_names = models.CharField(_("prénoms du titulaire"), max_length=250)
    holder_birth_date = models.DateField(_("date de naissance du titulaire"))
    relationship = models.CharField(_("lien avec la personne détenue"), max_length=100, blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=PermitKind.choices, default=PermitKind.PERMANENT)
    valid_from = models.DateField(_("valable à partir du"))
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=PermitStatus.choices, default=PermitStatus.ACTIVE
    )
    transfers_authorized = models.BooleanField(
        _("virements autorisés par le chef d'établissement"),
        default=False,
        help_text=_("Pour un permis temporaire : autorisation d'envoyer de l'argent (R332-3)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("permis de visite")
        verbose_name_plural = _("permis de visite")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="visitpermit_valid_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def establishment(self):
        return self.detainee.establishment


class RegisteredPermit(models.Model):
    """A relative's claim on a visit permit nominative to them (added from "Mon espace")."""

    relative = models.ForeignKey(
        "accounts.Relative", verbose_name=_("proche"), on_delete=models.CASCADE, related_name="registered_permits"
    )
    permit = models.ForeignKey(
        VisitPermit, verbose_name=_("permis de visite"), on_delete=models.PROTECT, related_name="registrations"
    )
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    match = models.CharField(
        _("correspondance d'identité"), max_length=20, choices=RegistrationMatch.choices,
        default=RegistrationMatch.EXACT,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("décidé par"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    refusal_reason = models.CharField(_("motif du refus"), max_length=20, choices=RefusalReason.choices, blank=True)
    decision_note = models.CharField(_("précisions du greffe"), max_length=DECISION_NOTE_MAX_LENGTH, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("permis enregistré")
        verbose_name_plural = _("permis enregistrés")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["relative", "permit"], name="registeredpermit_unique_relative_permit"),
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values), name="registeredpermit_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(match__in=RegistrationMatch.values), name="registeredpermit_match_valid"
            ),
            # Pending: nobody decided yet. Refused: always with a reason, and only a refusal has one.
            models.CheckConstraint(
                condition=~Q(status=RegistrationStatus.PENDING) | Q(decided_by__isnull=True, decided_at__isnull=True),
                name="registeredpermit_pending_undecided",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=RegistrationStatus.REFUSED, refusal_reason__in=RefusalReason.values)
                    | (~Q(status=RegistrationStatus.REFUSED) & Q(refusal_reason=""))
                ),
                name="registeredpermit_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(refusal_reason=RefusalReason.OTHER) | ~Q(decision_note=""),
                name="registeredpermit_other_reason_explained",
            ),
        ]
        indexes = [
            # The greffe's queue.
            models.Index(
                fields=["created_at"], condition=Q(status=RegistrationStatus.PENDING),
                name="registeredpermit_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.permit} — {self.relative}"

    @property
    def grants_rights(self) -> bool:
        """The one rule: only an accepted registration lets the relative send money or book a parloir."""
        return self.status == RegistrationStatus.ACCEPTED


class RegistrationAttempt(models.Model):
    """A failed attempt to register a visit permit: the record behind the rate limit (5 an hour)."""

    relative = models.ForeignKey(
        "accounts.Relative", verbose_name=_("proche"), on_delete=models.CASCADE, related_name="registration_attempts"
    )
    attempted_at = models.DateTimeField(_("tentée le"), auto_now_add=True, db_index=True)
    submitted_number = models.CharField(_("numéro saisi"), max_length=60, blank=True)
    submitted_family_name = models.CharField(_("nom saisi"), max_length=150, blank=True)
    reason = models.CharField(_("motif"), max_length=30, choices=RegistrationFailure.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tentative d'enregistrement échouée")
        verbose_name_plural = _("tentatives d'enregistrement échouées")
        ordering = ["-attempted_at", "-pk"]
        indexes = [models.Index(fields=["relative", "attempted_at"], name="regattempt_relative_time")]

    def __str__(self) -> str:
        return f"{self.relative} — {self.attempted_at:%d/%m/%Y %H:%M}"
