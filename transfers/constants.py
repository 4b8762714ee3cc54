"""Transfer states, their transitions, and the figures of the transfer flow."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


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


def staff_status_label(status: str) -> str:
    """A transfer's status in the back office's words."""
    return str(STAFF_STATUS_LABELS.get(status, status))


def staff_status_choices() -> list[tuple[str, str]]:
    return [(value, str(STAFF_STATUS_LABELS[value])) for value in S.values]


# The state diagram of DESIGN.md. "authorized → rejected": a bank may reject a payment it had
# accepted (e.g. at execution); the issue asks for the right final state in that case.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.AWAITING_AUTHORIZATION, S.EXPIRED}),
    S.AWAITING_AUTHORIZATION: frozenset({S.AUTHORIZED, S.REJECTED, S.EXPIRED}),
    S.AUTHORIZED: frozenset({S.EXECUTED, S.REJECTED}),
    S.EXECUTED: frozenset({S.RECEIVED}),
    S.RECEIVED: frozenset({S.CREDITED, S.TO_REFUND}),
    S.TO_REFUND: frozenset({S.REFUNDED}),
    S.REJECTED: frozenset(),
    S.EXPIRED: frozenset(),
    S.CREDITED: frozenset(),
    S.REFUNDED: frozenset(),
}

# The timestamp field set when a transfer enters each state.
STATUS_TIMESTAMP_FIELD: dict[str, str] = {
    S.AWAITING_AUTHORIZATION: "initiated_at",
    S.AUTHORIZED: "authorized_at",
    S.EXECUTED: "executed_at",
    S.REJECTED: "rejected_at",
    S.EXPIRED: "expired_at",
    S.RECEIVED: "received_at",
    S.CREDITED: "credited_at",
    S.TO_REFUND: "to_refund_at",
    S.REFUNDED: "refunded_at",
}

# States whose amount counts against the caps (reserved or paid).
COUNTING_STATUSES = frozenset({S.AWAITING_AUTHORIZATION, S.AUTHORIZED, S.EXECUTED, S.RECEIVED, S.CREDITED})
# States in which the payer's bank still has something to tell us.
BANK_PENDING_STATUSES = frozenset({S.AWAITING_AUTHORIZATION, S.AUTHORIZED})
# States a transfer is abandoned in after EXPIRY_DELAY.
EXPIRABLE_STATUSES = frozenset({S.DRAFT, S.AWAITING_AUTHORIZATION})
# The payer's bank accepted it and it was not sent back: the confirmation page says « pris en compte ».
ACCEPTED_STATUSES = frozenset({S.AUTHORIZED, S.EXECUTED, S.RECEIVED, S.CREDITED})
# The payer's bank accepted it: the money left (or is leaving) their account (the receipt says paid).
PAID_STATUSES = ACCEPTED_STATUSES | {S.TO_REFUND, S.REFUNDED}
# On its way to the pécule: an expected date is given.
ON_ITS_WAY_STATUSES = frozenset({S.AUTHORIZED, S.EXECUTED, S.RECEIVED})
# Paid, but the money goes back to the payer.
REFUND_STATUSES = frozenset({S.TO_REFUND, S.REFUNDED})
EXPIRY_DELAY = datetime.timedelta(minutes=30)

# Polling the bank: first after POLL_BASE_DELAY, doubling up to POLL_MAX_DELAY, at most POLL_MAX_ATTEMPTS.
POLL_BASE_DELAY = datetime.timedelta(seconds=30)
POLL_MAX_DELAY = datetime.timedelta(hours=1)
POLL_MAX_ATTEMPTS = 40

# Public reference: unguessable, also the SEPA EndToEndId (≤ 35 characters, A–Z and 0–9 only).
REFERENCE_PREFIX = "PDP"
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: easy to read out
REFERENCE_RANDOM_LENGTH = 20  # 100 bits

# Amounts: the largest a form accepts before any cap (an "absurd size" beyond it).
MAX_AMOUNT_DIGITS = 10
ABSURD_AMOUNT = 1_000_000

HISTORY_MONTHS = 6
HISTORY_PAGE_SIZE = 20

# The bank list's logos of banks without an uploaded one (Bank.logo), by BIC: static files under static/. A bank
# with neither shows its initials. Beside the bank's name, a logo is decorative (alt="").
BANK_STATIC_LOGOS = {
    "DEMOFRPP": "transfers/banques/banque-de-demonstration.svg",  # the sandbox's "Banque de Démonstration"
}
# Words left out of a bank's initials ("Banque de Démonstration" → "BD").
BANK_INITIALS_SKIPPED = frozenset({"de", "des", "du", "la", "le", "les", "l", "d", "et"})
# The confirmation's "au plus tard le …": money executed by the payer's bank reaches the régie's account
# within the business days after which the régie flags it as unseen (reconciliation UNSEEN_BUSINESS_DAYS,
# 3), and the régie credits it to the pécule on the next business day.
CREDIT_BUSINESS_DAYS = 4
