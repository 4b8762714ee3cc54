"""Choices and figures of the reconciliation: statements, matching outcomes, cashier batches, refunds."""


from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import AuditReason

# A statement file larger than this is refused before parsing (100,000 entries weigh about 150 MB).
MAX_STATEMENT_BYTES = 200 * 1024 * 1024
# An acknowledgement file of the cashier system.
MAX_ACK_BYTES = 20 * 1024 * 1024

CURRENCY = "EUR"
CAMT_NAMESPACE_PREFIX = "urn:iso:std:iso:20022:tech:xsd:"
# Versions read, of camt.053, camt.052 and camt.054 alike (their namespaces differ; their structure is read by
# element names).
CAMT053_VERSIONS = frozenset(f"{n:02d}" for n in range(2, 14))

NOT_PROVIDED = "NOTPROVIDED"

# Executed transfers not seen on any statement after this many business days are flagged.
UNSEEN_BUSINESS_DAYS = 3

BULK_SIZE = 10000


class CreditDebit(models.TextChoices):
    CREDIT = "CRDT", _("Crédit")
    DEBIT = "DBIT", _("Débit")


class StatementKind(models.TextChoices):
    """The three kinds of file the régie's bank sends, all imported and matched alike (``import_statement``)."""

    STATEMENT = "camt.053", _("Relevé de fin de journée (camt.053)")
    REPORT = "camt.052", _("Relevé intrajournalier (camt.052)")
    NOTIFICATION = "camt.054", _("Avis de crédit ou de débit (camt.054)")


# Each kind's message element and the element holding its entries.
CAMT_CONTAINERS = {
    StatementKind.STATEMENT: ("BkToCstmrStmt", "Stmt"),
    StatementKind.REPORT: ("BkToCstmrAcctRpt", "Rpt"),
    StatementKind.NOTIFICATION: ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}


class MatchOutcome(models.TextChoices):
    MATCHED = "matched", _("Rapproché")
    AMOUNT_MISMATCH = "amount_mismatch", _("Montant différent")
    UNKNOWN_REFERENCE = "unknown_reference", _("Référence inconnue")
    DUPLICATE = "duplicate", _("Paiement en double")
    RETURNED = "returned", _("Retour ou annulation d'un virement")
    UNEXPECTED_STATUS = "unexpected_status", _("Virement dans un état inattendu")
    REFUND_SENT = "refund_sent", _("Remboursement émis")
    OTHER = "other", _("Autre mouvement")
    NOT_BOOKED = "not_booked", _("Écriture non comptabilisée")
    # The same bank transaction read earlier in another file (a notice, then the evening's statement, or the
    # other way round): matched once, by its first sighting (StatementEntry.first_seen); this one changes nothing.
    ALREADY_SEEN = "already_seen", _("Déjà lu dans un avis ou un relevé")


# Outcomes that wait in the exceptions queue until someone resolves them.
EXCEPTION_OUTCOMES = frozenset(
    {
        MatchOutcome.AMOUNT_MISMATCH,
        MatchOutcome.UNKNOWN_REFERENCE,
        MatchOutcome.DUPLICATE,
        MatchOutcome.UNEXPECTED_STATUS,
        MatchOutcome.OTHER,
    }
)


class Resolution(models.TextChoices):
    NONE = "", _("À traiter")
    ASSIGNED = "assigned", _("Attribué à un virement")
    REFUND = "refund", _("À rembourser")
    DISMISSED = "dismissed", _("Classé")
    RETURN_APPLIED = "return_applied", _("Retour appliqué")


class AckStatus(models.TextChoices):
    PENDING = "pending", _("En attente de l'accusé")
    CREDITED = "CREDITED", _("Versé")
    REJECTED = "REJECTED", _("Rejeté")


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("À rembourser")
    IN_FILE = "in_file", _("Dans un fichier de virements")
    REFUNDED = "refunded", _("Remboursé")


class RefundFileStatus(models.TextChoices):
    PREPARED = "prepared", _("Préparé")
    APPROVED = "approved", _("Approuvé")
    SENT = "sent", _("Envoyé à la banque")


class JobKind(models.TextChoices):
    IMPORT = "import", _("Import d'un relevé")
    BATCH = "batch", _("Lot pour la caisse")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


# The job page's title and heading, by the job's state.
JOB_TITLES = {
    JobStatus.QUEUED: _("Traitement en attente"),
    JobStatus.RUNNING: _("Traitement en cours"),
    JobStatus.DONE: _("Traitement terminé"),
    JobStatus.FAILED: _("Traitement en échec"),
}


# Cashier batch file (DESIGN.md): UTF-8, ";", header row.
BATCH_COLUMNS = (
    "etablissement", "numero_ecrou", "nom", "prenom", "montant", "devise", "reference", "payeur", "date_reception",
)
# Acknowledgement file: reference, CREDITED or REJECTED, cashier operation id, reason (and, when the
# cashier system gives it, the amount it credited: checked against the batch).
ACK_COLUMNS = ("reference", "statut", "operation", "motif")
ACK_OPTIONAL_COLUMNS = ("montant",)


class ReconciliationAuditReason(AuditReason):
    """Why the reconciliation changed a row (stored as a code in the history; see ``core.audit``)."""

    STATEMENT_IMPORTED = "reconciliation_statement_imported", _("Import du relevé")
    RECEIVED_ON_STATEMENT = "reconciliation_received_on_statement", _("Reçu sur le relevé de la régie")
    RETURNED_BY_BANK = "reconciliation_returned_by_bank", _("Retourné au payeur par la banque")
    ASSIGNED_BY_HAND = "reconciliation_assigned_by_hand", _("Attribué à la main à l'écriture")
    ENTRY_ASSIGNED = "reconciliation_entry_assigned", _("Attribué à un virement")
    ENTRY_TO_REFUND = "reconciliation_entry_to_refund", _("À rembourser")
    ENTRY_DISMISSED = "reconciliation_entry_dismissed", _("Classé")
    DETAINEE_RELEASED = "reconciliation_detainee_released", _("La personne détenue a été libérée avant le versement.")
    DETAINEE_TRANSFERRED = "reconciliation_detainee_transferred", _(
        "La personne détenue a été transférée dans un autre établissement avant le versement."
    )
    CASHIER_REFUSED = "reconciliation_cashier_refused", _("Refusé par la caisse")
    SECURITY_REJECTED = "reconciliation_security_rejected", _(
        "Refusé après vérification de sécurité (surveillance des flux)"
    )
    BATCH_GENERATED = "reconciliation_batch_generated", _("Lot généré")
    LINE_CREDITED = "reconciliation_line_credited", _("Versé")
    LINE_REJECTED = "reconciliation_line_rejected", _("Rejeté")
    BATCH_ACKNOWLEDGED = "reconciliation_batch_acknowledged", _("Accusé de la caisse reçu")
    REFUND_CREATED = "reconciliation_refund_created", _("Remboursement à faire")
    REFUND_IN_FILE = "reconciliation_refund_in_file", _("Ajouté au fichier")
    REFUNDED = "reconciliation_refunded", _("Remboursé")
    FILE_PREPARED = "reconciliation_file_prepared", _("Fichier préparé")
    FILE_APPROVED = "reconciliation_file_approved", _("Fichier approuvé")
    FILE_SENT = "reconciliation_file_sent", _("Fichier envoyé à la banque")
