"""Transfer statuses and their labels, and the figures of the transfer flow (the transitions and the
status sets are in ``transfers.states``)."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit import AuditReason


class TransferStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    AWAITING_AUTHORIZATION = "awaiting_authorization", _("En attente de votre validation à la banque")
    AUTHORIZED = "authorized", _("Accepté par votre banque")
    EXECUTED = "executed", _("Exécuté par votre banque")
    REJECTED = "rejected", _("Refusé ou annulé")
    EXPIRED = "expired", _("Abandonné (délai dépassé)")
    RECEIVED = "received", _("Reçu par l'établissement")
    CREDITED = "credited", _("Versé sur le pécule")
    TO_REFUND = "to_refund", _("À rembourser")
    REFUNDED = "refunded", _("Remboursé")


S = TransferStatus

# The same statuses in the staff's words (the back office: lists, filters, the transfer page, the
# reconciliation pages and exports). The relatives keep TransferStatus's labels, written to them
# ("votre banque"); the staff read who does what ("le payeur", "la régie").
STAFF_STATUS_LABELS: dict[str, str] = {
    S.DRAFT: _("Brouillon (pas encore envoyé à la banque)"),
    S.AWAITING_AUTHORIZATION: _("En attente de la validation du payeur à sa banque"),
    S.AUTHORIZED: _("Accepté par la banque du payeur"),
    S.EXECUTED: _("Exécuté par la banque du payeur"),
    S.REJECTED: _("Refusé par la banque ou annulé par le payeur"),
    S.EXPIRED: _("Abandonné par le payeur (délai dépassé)"),
    S.RECEIVED: _("Reçu sur le compte de la régie"),
    S.CREDITED: _("Versé sur le pécule"),
    S.TO_REFUND: _("À rembourser au payeur"),
    S.REFUNDED: _("Remboursé au payeur"),
}


class TransferAuditReason(AuditReason):
    """Why a transfer changed, as its history stores it (``core.audit``): a code, the staff's words as label,
    and a detail that is data (a bank's status code, an entry number, a staff member's note)."""

    # A status reached with no other reason: the status itself, in the staff's words.
    AWAITING_AUTHORIZATION = "transfer_awaiting_authorization", STAFF_STATUS_LABELS[S.AWAITING_AUTHORIZATION]
    AUTHORIZED = "transfer_authorized", STAFF_STATUS_LABELS[S.AUTHORIZED]
    EXECUTED = "transfer_executed", STAFF_STATUS_LABELS[S.EXECUTED]
    REJECTED = "transfer_rejected", STAFF_STATUS_LABELS[S.REJECTED]
    RECEIVED = "transfer_received", STAFF_STATUS_LABELS[S.RECEIVED]
    CREDITED = "transfer_credited", STAFF_STATUS_LABELS[S.CREDITED]
    TO_REFUND = "transfer_to_refund", STAFF_STATUS_LABELS[S.TO_REFUND]
    REFUNDED = "transfer_refunded", STAFF_STATUS_LABELS[S.REFUNDED]
    # The relative's and the bank's part.
    AMOUNT_ENTERED = "transfer_amount_entered", _("Montant saisi")
    OTHER_BANK = "transfer_other_bank", _("Autre banque choisie")
    PAYMENT_REQUEST_CREATED = "transfer_payment_request_created", _("Demande de paiement créée à la banque")
    BANK_REFUSED = "transfer_bank_refused", _("Demande refusée par la banque")
    BANK_STATUS = "transfer_bank_status", _("Statut de la banque")
    EXPIRED = "transfer_expired", _("Délai de 30 minutes dépassé")
    CANCELLED_BY_PAYER = "transfer_cancelled_by_payer", _("Annulé par le payeur sur le portail")
    # The security review (monitoring): held out of the cashier batches, then released.
    HELD = "transfer_held", _("Retenu pour vérification (surveillance des flux)")
    RELEASED = "transfer_released", _("Vérification terminée : virement accepté")
    # The régie's reasons (a statement, an entry assigned by hand, a return, a refund) are the reconciliation's own
    # (reconciliation.constants.ReconciliationAuditReason), passed to receive, return_to_payer, mark_to_refund.


# The reason a status reached by ``_move`` is recorded with when the caller gives none.
STATUS_AUDIT_REASONS: dict[str, TransferAuditReason] = {
    S.AWAITING_AUTHORIZATION: TransferAuditReason.AWAITING_AUTHORIZATION,
    S.AUTHORIZED: TransferAuditReason.AUTHORIZED,
    S.EXECUTED: TransferAuditReason.EXECUTED,
    S.REJECTED: TransferAuditReason.REJECTED,
    S.EXPIRED: TransferAuditReason.EXPIRED,
    S.RECEIVED: TransferAuditReason.RECEIVED,
    S.CREDITED: TransferAuditReason.CREDITED,
    S.TO_REFUND: TransferAuditReason.TO_REFUND,
    S.REFUNDED: TransferAuditReason.REFUNDED,
}


# A transfer held by a money-flow rule (Transfer.held) once the payer's bank accepted it: what the relative reads
# instead of its status (never the rule), and what the staff read beside its status.
HELD_LABEL = _("En cours de vérification par l'établissement")
HELD_SHOWN_STATUSES = frozenset({S.AUTHORIZED, S.EXECUTED, S.RECEIVED})
STAFF_HELD_LABEL = _("retenu pour vérification (surveillance des flux)")


def staff_status_label(status: str) -> str:
    """A transfer's status in the back office's words."""
    return str(STAFF_STATUS_LABELS.get(status, status))


def staff_status_choices() -> list[tuple[str, str]]:
    return [(value, str(STAFF_STATUS_LABELS[value])) for value in S.values]


# A draft or a transfer waiting for the payer's approval is abandoned after this delay.
EXPIRY_DELAY = datetime.timedelta(minutes=30)

# Polling the bank: first after POLL_BASE_DELAY, doubling up to POLL_MAX_DELAY, at most POLL_MAX_ATTEMPTS.
POLL_BASE_DELAY = datetime.timedelta(seconds=30)
POLL_MAX_DELAY = datetime.timedelta(hours=1)
POLL_MAX_ATTEMPTS = 40

# Amounts: the largest a form accepts before any cap (an "absurd size" beyond it).
MAX_AMOUNT_DIGITS = 10
ABSURD_AMOUNT = 1_000_000

HISTORY_MONTHS = 6
HISTORY_PAGE_SIZE = 20

# The bank list's logos of banks without an uploaded one (Bank.logo), by BIC: static files under static/. A bank
# with neither shows its initials. Beside the bank's name, a logo is decorative (alt="").
BANK_STATIC_LOGOS = {
    "DEMOFRPP": "transfers/banques/banque-de-demonstration.svg",  # the sandbox's "Banque de Démonstration"
    "LITTFRPP": "transfers/banques/banque-du-littoral.svg",  # the demo's fictional "Banque du Littoral"
    "VOLCFRPP": "transfers/banques/credit-des-volcans.svg",  # the demo's fictional "Crédit des Volcans"
}
# Words left out of a bank's initials ("Banque de Démonstration" → "BD").
BANK_INITIALS_SKIPPED = frozenset({"de", "des", "du", "la", "le", "les", "l", "d", "et"})
# The confirmation's "au plus tard le …": money executed by the payer's bank reaches the régie's account
# within the business days after which the régie flags it as unseen (reconciliation UNSEEN_BUSINESS_DAYS,
# 3), and the régie credits it to the pécule on the next business day.
CREDIT_BUSINESS_DAYS = 4
