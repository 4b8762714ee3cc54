"""Bank statements of the régie accounts, their entries and matching, cashier batches, refunds, and the
background jobs that import and batch. Amounts are Decimal euros with 2 places."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.money import format_euros

from .constants import (
    JOB_TITLES,
    AckStatus,
    CreditDebit,
    JobKind,
    JobStatus,
    MatchOutcome,
    RefundFileStatus,
    RefundStatus,
    Resolution,
    StatementKind,
)


def _money(label, **kwargs) -> models.DecimalField:
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)


class BankStatement(models.Model):
    """An imported file of an establishment's régie account: the evening's statement (camt.053), an intraday
    report (camt.052) or a debit/credit notification (camt.054). A notice may have no balances."""

    establishment = models.ForeignKey(
        "establishments.Establishment", verbose_name=_("établissement"), on_delete=models.PROTECT,
        related_name="bank_statements",
    )
    iban = models.CharField(_("IBAN du compte"), max_length=34)
    message_id = models.CharField(_("identifiant du message (MsgId)"), max_length=35)
    statement_id = models.CharField(_("identifiant du relevé"), max_length=35, blank=True)
    kind = models.CharField(_("type de fichier"), max_length=10, choices=StatementKind.choices,
                            default=StatementKind.STATEMENT)
    camt_version = models.CharField(_("version camt"), max_length=20)
    file_name = models.CharField(_("fichier"), max_length=255, blank=True)
    file_sha256 = models.CharField(_("empreinte SHA-256 du fichier"), max_length=64, unique=True)
    statement_date = models.DateField(_("date du relevé"), db_index=True)
    opening_balance = _money(_("solde d'ouverture"), null=True, blank=True)
    closing_balance = _money(_("solde de clôture"), null=True, blank=True)
    total_credits = _money(_("total des crédits"))
    total_debits = _money(_("total des débits"))
    entry_count = models.PositiveIntegerField(_("nombre d'écritures"))
    imported_at = models.DateTimeField(_("importé le"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("importé par"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("relevé bancaire")
        verbose_name_plural = _("relevés bancaires")
        ordering = ["-statement_date", "-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["message_id", "iban"], name="bankstatement_unique_message"),
            models.CheckConstraint(
                condition=Q(closing_balance=F("opening_balance") + F("total_credits") - F("total_debits"))
                | (~Q(kind=StatementKind.STATEMENT) & Q(opening_balance__isnull=True, closing_balance__isnull=True)),
                name="bankstatement_balances_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.iban} — {self.statement_date:%d/%m/%Y} ({self.message_id})"


class StatementEntry(models.Model):
    """One transaction of a statement: an entry (Ntry) with one of its transaction details (TxDtls); an
    entry with several details gives several rows (same ``entry_index``), one without gives one."""

    # A statement brings 100,000 entries at once: each index costs on every row written, so the
    # foreign keys that lead the composite indexes below get no index of their own.
    statement = models.ForeignKey(
        BankStatement, verbose_name=_("relevé"), on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    establishment = models.ForeignKey(
        "establishments.Establishment", verbose_name=_("établissement"), on_delete=models.PROTECT,
        related_name="statement_entries", db_index=False,
    )
    entry_index = models.PositiveIntegerField(_("rang de l'écriture"))
    detail_index = models.PositiveIntegerField(_("rang du détail"))
    entry_reference = models.CharField(_("référence de l'écriture"), max_length=35, blank=True)
    account_servicer_reference = models.CharField(_("référence de la banque"), max_length=35, blank=True)
    booking_date = models.DateField(_("date de comptabilisation"), null=True, blank=True)
    value_date = models.DateField(_("date de valeur"), null=True, blank=True)
    entry_status = models.CharField(_("statut de l'écriture"), max_length=10)
    credit_debit = models.CharField(_("sens"), max_length=4, choices=CreditDebit.choices)
    reversal = models.BooleanField(_("contre-passation"), default=False)
    bank_transaction_code = models.CharField(_("code opération"), max_length=40, blank=True)
    amount = _money(_("montant"))
    end_to_end_id = models.CharField(_("EndToEndId"), max_length=35, blank=True)
    remittance = models.CharField(_("motif"), max_length=500, blank=True)
    debtor_name = models.CharField(_("nom du payeur"), max_length=140, blank=True)
    debtor_iban = models.CharField(_("IBAN du payeur"), max_length=34, blank=True)
    debtor_bic = models.CharField(_("BIC de la banque du payeur"), max_length=11, blank=True)
    return_reason = models.CharField(_("motif du retour"), max_length=105, blank=True)
    # The bank's own identity of this transaction (reconciliation.services.matching.transaction_key): the same key
    # in a notice and in the evening's statement is the same money, matched once (``first_seen``).
    transaction_key = models.CharField(_("identifiant de l'opération à la banque"), max_length=120, blank=True,
                                       default="")
    first_seen = models.ForeignKey(
        "self", verbose_name=_("déjà lue dans"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="later_sightings", db_index=False,
    )
    transfer = models.ForeignKey(
        "transfers.Transfer", verbose_name=_("virement"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="statement_entries",
    )
    outcome = models.CharField(_("résultat du rapprochement"), max_length=20, choices=MatchOutcome.choices)
    resolution = models.CharField(_("traitement"), max_length=20, choices=Resolution.choices, blank=True, default="")
    resolution_note = models.CharField(_("motif du traitement"), max_length=300, blank=True)
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("traité par"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", db_index=False,
    )
    # The history is read per entry (its id) and by date; its other columns need no index.
    history = HistoricalRecords(no_db_index=["statement", "establishment", "transfer", "resolved_by", "first_seen"])

    class Meta:
        verbose_name = _("écriture de relevé")
        verbose_name_plural = _("écritures de relevé")
        ordering = ["statement", "entry_index", "detail_index"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "entry_index", "detail_index"], name="statemententry_unique_position"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="statemententry_amount_gte_0"),
        ]
        indexes = [
            models.Index(fields=["establishment", "outcome", "resolution"], name="statemententry_queue"),
            # Exact look-ups only (no LIKE index); most entries of other banks' payments have none.
            models.Index(fields=["end_to_end_id"], name="statemententry_e2e", condition=~Q(end_to_end_id="")),
            models.Index(
                fields=["resolved_by"], name="statemententry_resolved_by", condition=Q(resolved_by__isnull=False)
            ),
            models.Index(
                fields=["establishment", "transaction_key"], name="statemententry_txkey",
                condition=~Q(transaction_key=""),
            ),
        ]

    def __str__(self) -> str:
        sign = "+" if self.credit_debit == CreditDebit.CREDIT else "−"
        return f"{sign}{format_euros(self.amount)} {self.end_to_end_id or self.remittance[:40]}"


class CashierBatch(models.Model):
    """The received transfers of an establishment handed to the cashier system at one of the day's cut-offs
    (Establishment.cashier_cutoffs), or by hand at the time it was asked."""

    establishment = models.ForeignKey(
        "establishments.Establishment", verbose_name=_("établissement"), on_delete=models.PROTECT,
        related_name="cashier_batches",
    )
    day = models.DateField(_("jour"))
    cutoff = models.TimeField(_("heure de passage"))
    line_count = models.PositiveIntegerField(_("nombre de virements"))
    total = _money(_("montant total"))
    content = models.TextField(_("fichier du lot"))
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("créé par"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("accusé reçu le"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lot pour la caisse")
        verbose_name_plural = _("lots pour la caisse")
        ordering = ["-day", "-cutoff", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "day", "cutoff"], name="cashierbatch_one_per_cutoff"),
        ]

    def __str__(self) -> str:
        return f"{self.establishment.code} — {self.day:%d/%m/%Y} {self.cutoff:%H:%M}"


class CashierBatchLine(models.Model):
    """A transfer in a batch: one batch only, ever (unique transfer), credited once."""

    batch = models.ForeignKey(CashierBatch, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="lines")
    transfer = models.OneToOneField(
        "transfers.Transfer", verbose_name=_("virement"), on_delete=models.PROTECT, related_name="cashier_line"
    )
    amount = _money(_("montant"))
    ack_status = models.CharField(
        _("accusé"), max_length=10, choices=AckStatus.choices, default=AckStatus.PENDING
    )
    operation_id = models.CharField(_("opération de la caisse"), max_length=64, blank=True)
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    acknowledged_at = models.DateTimeField(_("accusé le"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ligne de lot")
        verbose_name_plural = _("lignes de lot")
        ordering = ["batch", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["operation_id"], condition=~Q(operation_id=""), name="cashierline_unique_operation"
            ),
            models.CheckConstraint(
                condition=Q(ack_status="CREDITED", operation_id__gt="") | ~Q(ack_status="CREDITED"),
                name="cashierline_credited_has_operation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.transfer_id} ({self.get_ack_status_display()})"


class RefundFile(models.Model):
    """A SEPA credit transfer file (pain.001) of refunds: prepared by one staff member, approved by
    another, then marked sent."""

    establishment = models.ForeignKey(
        "establishments.Establishment", verbose_name=_("établissement"), on_delete=models.PROTECT,
        related_name="refund_files",
    )
    message_id = models.CharField(_("identifiant du message"), max_length=35, unique=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=RefundFileStatus.choices, default=RefundFileStatus.PREPARED
    )
    refund_count = models.PositiveIntegerField(_("nombre de remboursements"))
    total = _money(_("montant total"))
    xml = models.TextField(_("fichier pain.001"), blank=True)
    prepared_at = models.DateTimeField(_("préparé le"), auto_now_add=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("préparé par"), on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approuvé le"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approuvé par"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("envoyé par"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fichier de remboursements")
        verbose_name_plural = _("fichiers de remboursements")
        ordering = ["-prepared_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("prepared_by")),
                name="refundfile_four_eyes",
                violation_error_message=_("La personne qui a préparé le fichier ne peut pas l'approuver."),
            ),
        ]

    def __str__(self) -> str:
        return self.message_id


class Refund(models.Model):
    """Money that reached the régie but cannot be credited, paid back to the payer's account as read on
    the statement."""

    establishment = models.ForeignKey(
        "establishments.Establishment", verbose_name=_("établissement"), on_delete=models.PROTECT,
        related_name="refunds",
    )
    entry = models.ForeignKey(
        StatementEntry, verbose_name=_("écriture du relevé"), on_delete=models.PROTECT, related_name="refunds"
    )
    transfer = models.ForeignKey(
        "transfers.Transfer", verbose_name=_("virement"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="refunds",
    )
    end_to_end_id = models.CharField(_("référence du remboursement"), max_length=35, unique=True)
    amount = _money(_("montant"))
    creditor_name = models.CharField(_("bénéficiaire (payeur d'origine)"), max_length=140)
    creditor_iban = models.CharField(_("IBAN du bénéficiaire"), max_length=34)
    creditor_bic = models.CharField(_("BIC du bénéficiaire"), max_length=11, blank=True)
    reason = models.CharField(_("motif"), max_length=300)
    status = models.CharField(_("statut"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    file = models.ForeignKey(
        RefundFile, verbose_name=_("fichier"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="refunds",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("créé par"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    refunded_at = models.DateTimeField(_("remboursé le"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("remboursement")
        verbose_name_plural = _("remboursements")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_gt_0"),
            # One refund per statement line: money is sent back once.
            models.UniqueConstraint(fields=["entry"], name="refund_one_per_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.end_to_end_id} ({format_euros(self.amount)})"


class ReconciliationJob(models.Model):
    """A long piece of work run by Celery (statement import and matching, batch generation), with its
    progress for the back office's progress bar."""

    kind = models.CharField(_("type"), max_length=10, choices=JobKind.choices)
    status = models.CharField(_("état"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    establishment = models.ForeignKey(
        "establishments.Establishment", verbose_name=_("établissement"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    file_name = models.CharField(_("fichier"), max_length=255, blank=True)
    file_path = models.CharField(_("chemin du fichier reçu"), max_length=500, blank=True)
    day = models.DateField(_("jour"), null=True, blank=True)
    done = models.PositiveIntegerField(_("fait"), default=0)
    total = models.PositiveIntegerField(_("à faire"), default=0)
    messages = models.JSONField(_("messages"), default=list, blank=True)
    statement = models.ForeignKey(
        BankStatement, verbose_name=_("relevé"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    batch = models.ForeignKey(
        CashierBatch, verbose_name=_("lot"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lancé par"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["done", "total"])

    class Meta:
        verbose_name = _("traitement")
        verbose_name_plural = _("traitements")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def title(self) -> str:
        """« Traitement en cours », « Traitement terminé »…: what the job page is titled."""
        return str(JOB_TITLES[JobStatus(self.status)])

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
