import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .constants import CAP_FIELDS, DEFAULT_CASHIER_CUTOFFS, Disp, EstablishmentKind
from .validators import (
    normalize_iban,
    validate_bic,
    validate_cashier_cutoffs,
    validate_iban,
    validate_regie_holder,
)


def default_cashier_cutoffs() -> list[str]:
    return list(DEFAULT_CASHIER_CUTOFFS)


def _cap_field(label) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("En euros. Vide : pas de plafond propre (le plafond national s'applique)."),
    )


def _caps_constraints(prefix: str) -> list[models.BaseConstraint]:
    """Caps are never negative, and the minimum never exceeds the per-transfer maximum."""
    constraints: list[models.BaseConstraint] = [
        models.CheckConstraint(
            condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}),
            name=f"{prefix}_{name}_gte_0",
            violation_error_message=_("Un plafond ne peut être négatif."),
        )
        for name, _label in CAP_FIELDS
    ]
    constraints.append(
        models.CheckConstraint(
            condition=Q(min_amount__isnull=True)
            | Q(max_per_transfer__isnull=True)
            | Q(min_amount__lte=models.F("max_per_transfer")),
            name=f"{prefix}_min_lte_max",
            violation_error_message=_("Le montant minimum ne peut dépasser le montant maximum d'un virement."),
        )
    )
    return constraints


class NationalCeiling(models.Model):
    """The national ceilings: one row, set by national administrators; every establishment's caps
    stay at or below them."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    min_amount = _cap_field(_("plafond national du montant minimum"))
    max_per_transfer = _cap_field(_("plafond national par virement"))
    max_per_detainee_month = _cap_field(_("plafond national par personne détenue et par mois"))
    max_per_sender_month = _cap_field(_("plafond national par expéditeur et par mois"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plafonds nationaux")
        verbose_name_plural = _("plafonds nationaux")
        constraints = [
            *_caps_constraints("nationalceiling"),
            models.CheckConstraint(
                condition=Q(singleton=True),
                name="nationalceiling_singleton",
                violation_error_message=_("Les plafonds nationaux sont uniques."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Plafonds nationaux"))


class Establishment(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=EstablishmentKind.choices)
    disp = models.CharField(_("direction interrégionale"), max_length=20, choices=Disp.choices)
    address_line = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    regie_iban = models.CharField(
        _("IBAN de la régie des comptes nominatifs"), max_length=34, blank=True, validators=[validate_iban]
    )
    regie_bic = models.CharField(_("BIC de la régie"), max_length=11, blank=True, validators=[validate_bic])
    # As the bank holds it (SEPA characters, 70 at most): sent to the payer's bank and shown to the payer unchanged.
    regie_holder = models.CharField(
        _("titulaire du compte de la régie"), max_length=140, blank=True, validators=[validate_regie_holder],
        help_text=_("Exactement comme la banque le tient : lettres sans accents, chiffres, espaces et "
                    "/ - ? : ( ) . , ' +, 70 caractères au plus. La banque du payeur le vérifie avant un "
                    "virement instantané."),
    )
    transfers_enabled = models.BooleanField(_("virements ouverts"), default=False)
    min_amount = _cap_field(_("montant minimum d'un virement"))
    max_per_transfer = _cap_field(_("montant maximum d'un virement"))
    max_per_detainee_month = _cap_field(_("maximum par personne détenue et par mois"))
    max_per_sender_month = _cap_field(_("maximum par expéditeur et par mois"))
    # "HH:MM" strings (Europe/Paris), sorted: a cashier batch is made at each (reconciliation.services.cashier).
    cashier_cutoffs = models.JSONField(
        _("heures de passage à la caisse"), default=default_cashier_cutoffs, validators=[validate_cashier_cutoffs],
        help_text=_("Chaque jour, à chacune de ces heures, les virements reçus partent vers la caisse "
                    "(par exemple 10:00, 14:00, 17:00)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        ordering = ["name"]
        constraints = [
            *_caps_constraints("establishment"),
            models.CheckConstraint(
                condition=Q(transfers_enabled=False) | (~Q(regie_iban="") & ~Q(regie_holder="")),
                name="establishment_transfers_need_regie_account",
                violation_error_message=_(
                    "Les virements ne peuvent être ouverts sans le compte de la régie (IBAN et titulaire)."
                ),
            ),
            # A statement is attributed to its establishment by the account's IBAN: never two with one account.
            models.UniqueConstraint(
                fields=["regie_iban"],
                condition=~Q(regie_iban=""),
                name="establishment_regie_iban_unique",
                violation_error_message=_("Ce compte de régie (IBAN) est déjà celui d'un autre établissement."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def cutoff_times(self) -> list[datetime.time]:
        """The day's cashier cut-offs as times (Europe/Paris), in order."""
        return [datetime.time.fromisoformat(value) for value in self.cashier_cutoffs or DEFAULT_CASHIER_CUTOFFS]

    def clean(self) -> None:
        """The row's own rules; the caps against the national ceilings are checked by the admin form
        (``transfers.caps.cap_ceiling_errors``), which reads the ceilings."""
        self.regie_iban = normalize_iban(self.regie_iban)
        self.regie_bic = "".join(self.regie_bic.split()).upper()
        if self.transfers_enabled and not (self.regie_iban and self.regie_holder):
            raise ValidationError({"transfers_enabled": [
                _("Les virements ne peuvent être ouverts sans le compte de la régie (IBAN et titulaire).")
            ]})


class Bank(models.Model):
    """A payer's bank, as shown on the bank list ("Sélectionnez votre banque")."""

    name = models.CharField(_("nom"), max_length=140, unique=True)
    bic = models.CharField(_("BIC"), max_length=11, validators=[validate_bic])
    logo = models.ImageField(_("logo"), upload_to="banks/", blank=True)
    api_base_url = models.URLField(_("URL de base de l'API STET"), max_length=300)
    enabled = models.BooleanField(_("affichée dans la liste des banques"), default=True)
    # The portal asks this bank for an SEPA instant credit transfer (STET localInstrument "INST"), else an ordinary one.
    instant_payments = models.BooleanField(
        _("propose le virement instantané (SCT Inst)"), default=False,
        help_text=_("Le portail demande à cette banque un virement instantané : l'argent arrive sur le compte de "
                    "la régie en quelques secondes."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("banque")
        verbose_name_plural = _("banques")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
