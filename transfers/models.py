import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .constants import HELD_LABEL, HELD_SHOWN_STATUSES, STAFF_HELD_LABEL, TransferStatus, staff_status_label

# new_reference stays importable here: the migrations name it transfers.models.new_reference.
from .references import new_reference


class Transfer(models.Model):
    """A relative's transfer to a detainee's pécule. Only ``transfers.services`` changes its status."""

    reference = models.CharField(_("référence"), max_length=35, unique=True, default=new_reference, editable=False)
    idempotency_key = models.UUIDField(_("clé d'idempotence"), unique=True, default=uuid.uuid4, editable=False)
    # No index of their own: the composite indexes of Meta lead with the relative and with the detainee,
    # and a row of this table is rewritten at every transition (a statement's import rewrites 100,000).
    relative = models.ForeignKey(
        "accounts.Relative", verbose_name=_("proche"), on_delete=models.PROTECT, related_name="transfers",
        db_index=False,
    )
    permit = models.ForeignKey(
        "permits.VisitPermit", verbose_name=_("permis de visite"), on_delete=models.PROTECT, related_name="transfers"
    )
    detainee = models.ForeignKey(
        "permits.Detainee", verbose_name=_("personne détenue"), on_delete=models.PROTECT, related_name="transfers",
        db_index=False,
    )
    establishment = models.ForeignKey(
        "establishments.Establishment",
        verbose_name=_("établissement"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    # No index of its own: the unique constraint on (bank, payment_request_id) leads with it, and a bank
    # is switched off, never deleted.
    bank = models.ForeignKey(
        "establishments.Bank",
        verbose_name=_("banque du payeur"),
        on_delete=models.PROTECT,
        related_name="transfers",
        null=True,
        blank=True,
        db_index=False,
    )
    payment_request_id = models.CharField(_("identifiant de la demande de paiement"), max_length=100, blank=True)
    consent_url = models.URLField(_("adresse de validation à la banque"), max_length=2000, blank=True)
    bank_status = models.CharField(_("dernier statut de la banque"), max_length=10, blank=True)
    # Searched through the composite indexes (transfer_poll leads with it), not an index of its own.
    status = models.CharField(_("statut"), max_length=30, choices=TransferStatus.choices, default=TransferStatus.DRAFT)
    failure_reason = models.CharField(_("motif"), max_length=300, blank=True)
    # A money-flow rule fired before crediting (monitoring): kept out of every cashier batch until a staff member
    # accepts it (transfers.services.hold / release); the relative reads HELD_LABEL, never the rule.
    held = models.BooleanField(_("en vérification"), default=False)
    # Asked of the payer's bank as an SEPA instant credit transfer (STET localInstrument "INST": Bank.instant_payments).
    instant = models.BooleanField(_("virement instantané demandé"), default=False)
    initiation_claimed_until = models.DateTimeField(
        _("création de la demande de paiement en cours jusqu'au"), null=True, blank=True, editable=False
    )
    poll_attempts = models.PositiveIntegerField(_("interrogations de la banque"), default=0)
    next_poll_at = models.DateTimeField(_("prochaine interrogation de la banque"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    initiated_at = models.DateTimeField(_("envoyé à la banque le"), null=True, blank=True)
    authorized_at = models.DateTimeField(_("accepté le"), null=True, blank=True)
    executed_at = models.DateTimeField(_("exécuté le"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("refusé le"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expiré le"), null=True, blank=True)
    received_at = models.DateTimeField(_("reçu le"), null=True, blank=True)
    credited_at = models.DateTimeField(_("versé le"), null=True, blank=True)
    to_refund_at = models.DateTimeField(_("à rembourser depuis le"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("remboursé le"), null=True, blank=True)
    # The history is read by transfer (id) and date; its other columns keep no index (a statement's import
    # writes 100,000 history rows at once, each index written again for every one).
    history = HistoricalRecords(no_db_index=[
        "reference", "idempotency_key", "relative", "permit", "detainee", "establishment", "bank", "created_at",
    ])

    class Meta:
        verbose_name = _("virement")
        verbose_name_plural = _("virements")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in TransferStatus]), name="transfer_status_valid"
            ),
            models.UniqueConstraint(
                fields=["bank", "payment_request_id"],
                condition=~Q(payment_request_id=""),
                name="transfer_unique_payment_request",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(initiated_at__isnull=False) | Q(status="expired"),
                name="transfer_initiated_at_set",
            ),
        ]
        indexes = [
            models.Index(fields=["detainee", "status", "initiated_at"], name="transfer_detainee_month"),
            models.Index(fields=["relative", "status", "initiated_at"], name="transfer_sender_month"),
            # The history counts and pages a relative's transfers from this index alone (status included).
            models.Index(fields=["relative", "-created_at", "status"], name="transfer_relative_history"),
            models.Index(fields=["status", "next_poll_at"], name="transfer_poll"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def status_label(self) -> str:
        """The status in words (as get_status_display, without rebuilding the choices on every call: the
        history prints it for every row)."""
        if self.held and self.status in HELD_SHOWN_STATUSES:
            return str(HELD_LABEL)
        return str(TransferStatus(self.status).label)

    @property
    def staff_status_label(self) -> str:
        """The status in the back office's words (transfers.constants.STAFF_STATUS_LABELS), and whether the
        transfer is held for a security review."""
        if self.held:
            return f"{staff_status_label(self.status)} — {STAFF_HELD_LABEL}"
        return staff_status_label(self.status)

    @property
    def may_resume_or_cancel(self) -> bool:
        """Waiting for the payer at their bank: the history and the transfer's page offer « Reprendre » and
        « Annuler » (the views check again, through consent_still_valid and cancellation_refusal)."""
        return self.status == TransferStatus.AWAITING_AUTHORIZATION
