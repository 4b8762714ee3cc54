"""The money-flow rules with their thresholds, the alerts they raise on transfers (held before crediting,
flagged after) with their review, the payer–detainee pairs accepted always, and the bank accounts seen
paying for each relative (so that "one account, several relatives" costs one index lookup)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .constants import RULE_DEFAULTS, AlertKind, AlertStatus, DecisionReason, RuleCode, ScreeningPoint


class Rule(models.Model):
    """A coded rule and its thresholds in force (one row per ``RuleCode``, made by the migrations)."""

    code = models.CharField(_("code"), max_length=40, choices=RuleCode.choices, unique=True)
    enabled = models.BooleanField(_("active"), default=True)
    holds = models.BooleanField(
        _("retient le virement"), default=True,
        help_text=_("Si la règle se déclenche avant le versement, le virement attend la décision d'un agent."),
    )
    threshold = models.PositiveIntegerField(_("seuil (se déclenche au-delà)"), default=0)
    window_days = models.PositiveIntegerField(_("période (jours)"), default=0)
    margin_percent = models.PositiveSmallIntegerField(_("marge sous le plafond (%)"), default=0)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("règle de surveillance")
        verbose_name_plural = _("règles de surveillance")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(margin_percent__lte=50), name="rule_margin_at_most_50"),
            models.CheckConstraint(
                condition=Q(code__in=[c.value for c in RuleCode]), name="rule_code_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        return str(RuleCode(self.code).label)

    @property
    def explanation(self) -> str:
        """The rule explained with its thresholds in force."""
        return str(RULE_DEFAULTS[self.code].explanation).format(
            threshold=self.threshold, window_days=self.window_days, margin_percent=self.margin_percent
        )


class Alert(models.Model):
    """A transfer that one or more rules fired on (its ``hits``), and its review. At most one open alert per
    transfer; a transfer screened again later (at its statement) adds its hits to the open one, or opens a
    new alert when the first was decided."""

    transfer = models.ForeignKey(
        "transfers.Transfer", verbose_name=_("virement"), on_delete=models.PROTECT, related_name="alerts"
    )
    # The transfer's establishment (scoping of the queue without a join).
    establishment = models.ForeignKey(
        "establishments.Establishment", verbose_name=_("établissement"), on_delete=models.PROTECT,
        related_name="alerts",
    )
    kind = models.CharField(_("type"), max_length=10, choices=AlertKind.choices)
    status = models.CharField(_("statut"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    raised_at_point = models.CharField(_("déclenchée"), max_length=20, choices=ScreeningPoint.choices)
    created_at = models.DateTimeField(_("levée le"), auto_now_add=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pris en charge par"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    assigned_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("décidé par"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    decision_reason = models.CharField(
        _("motif de la décision"), max_length=30, choices=DecisionReason.choices, blank=True
    )
    decision_note = models.CharField(_("précisions"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["transfer"], condition=Q(status="open"), name="alert_one_open_per_transfer"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in AlertStatus]), name="alert_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in AlertKind]), name="alert_kind_valid"),
            # Open ⇔ not decided; a decision by a person names its reason.
            models.CheckConstraint(
                condition=(Q(status="open", decided_at__isnull=True)
                           | (~Q(status="open") & Q(decided_at__isnull=False))),
                name="alert_decided_when_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "rejected"]) | ~Q(decision_reason=""),
                name="alert_decision_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["establishment", "status", "-created_at"], name="alert_queue"),
            models.Index(fields=["status", "assigned_to"], name="alert_assigned"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.transfer_id}"


class AlertHit(models.Model):
    """One rule fired on an alert's transfer, with what it measured against which threshold."""

    alert = models.ForeignKey(Alert, verbose_name=_("alerte"), on_delete=models.CASCADE, related_name="hits")
    rule_code = models.CharField(_("règle"), max_length=40, choices=RuleCode.choices)
    measured = models.PositiveIntegerField(_("valeur mesurée"), default=0)
    threshold = models.PositiveIntegerField(_("seuil en vigueur"), default=0)
    detail = models.CharField(_("détail"), max_length=300, blank=True)
    point = models.CharField(_("déclenchée"), max_length=20, choices=ScreeningPoint.choices)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("règle déclenchée")
        verbose_name_plural = _("règles déclenchées")
        ordering = ["alert", "rule_code"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "rule_code"], name="alerthit_once_per_rule"),
        ]
        indexes = [models.Index(fields=["rule_code", "alert"], name="alerthit_by_rule")]

    def __str__(self) -> str:
        return self.get_rule_code_display()


class AllowedPair(models.Model):
    """« Toujours accepter pour ce payeur et cette personne détenue »: the rules still run and record, but no
    longer hold this relative's transfers to this detainee. Revoked, never deleted (history)."""

    relative = models.ForeignKey(
        "accounts.Relative", verbose_name=_("payeur (proche)"), on_delete=models.PROTECT, related_name="+"
    )
    detainee = models.ForeignKey(
        "permits.Detainee", verbose_name=_("personne détenue"), on_delete=models.PROTECT, related_name="+"
    )
    establishment = models.ForeignKey(
        "establishments.Establishment", verbose_name=_("établissement"), on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("motif"), max_length=30, choices=DecisionReason.choices)
    note = models.CharField(_("précisions"), max_length=500, blank=True)
    active = models.BooleanField(_("en vigueur"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("créée par"), on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("paire toujours acceptée")
        verbose_name_plural = _("paires toujours acceptées")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["relative", "detainee"], condition=Q(active=True), name="allowedpair_one_active"
            ),
            models.CheckConstraint(
                condition=Q(active=True, revoked_at__isnull=True) | Q(active=False, revoked_at__isnull=False),
                name="allowedpair_revoked_when_inactive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relative} → {self.detainee}"


class PayerAccount(models.Model):
    """A bank account (IBAN read on a statement) seen paying a relative's transfer, and the name its bank
    gave (camt ``Dbtr/Nm``). One row per account and relative, refreshed at each statement."""

    iban = models.CharField(_("IBAN du payeur"), max_length=34)
    relative = models.ForeignKey(
        "accounts.Relative", verbose_name=_("proche"), on_delete=models.PROTECT, related_name="+"
    )
    holder_name = models.CharField(_("titulaire (relevé)"), max_length=140, blank=True)
    first_seen = models.DateField(_("vu la première fois le"))
    last_seen = models.DateField(_("vu la dernière fois le"))
    transfer_count = models.PositiveIntegerField(_("virements"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compte payeur")
        verbose_name_plural = _("comptes payeurs")
        ordering = ["iban", "relative"]
        constraints = [models.UniqueConstraint(fields=["iban", "relative"], name="payeraccount_unique")]
        indexes = [models.Index(fields=["relative", "-last_seen"], name="payeraccount_by_relative")]

    def __str__(self) -> str:
        return self.iban
