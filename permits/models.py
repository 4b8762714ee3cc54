from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .constants import DetaineeStatus, PermitKind, PermitStatus


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
