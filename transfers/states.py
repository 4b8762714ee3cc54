"""The state machine of a transfer, in one place: the transitions of DESIGN.md's diagram, the paths the
bank's answers and the régie's statements move a transfer along, and every set of statuses the flow reads
(what counts against the caps, what the bank may still change, what the confirmation, the receipt and the
reconciliation call accepted, paid or received).

Only ``transfers.services`` writes a status: ``_move`` one transfer at a time along ``TRANSITIONS``, and
``receive_many`` (the bulk receipt of a statement's clean matches) ``executed → received`` for many rows in
one UPDATE, the same transition."""

from __future__ import annotations

from .constants import TransferStatus

S = TransferStatus

# The state diagram of DESIGN.md. "authorized → rejected": a bank may reject a payment it had
# accepted (e.g. at execution), and the transfer must then end rejected.
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
# States a transfer is abandoned in after transfers.constants.EXPIRY_DELAY.
EXPIRABLE_STATUSES = frozenset({S.DRAFT, S.AWAITING_AUTHORIZATION})
# The payer's bank accepted it and it was not sent back: the confirmation page says « pris en compte ».
ACCEPTED_STATUSES = frozenset({S.AUTHORIZED, S.EXECUTED, S.RECEIVED, S.CREDITED})
# The payer's bank accepted it: the money left (or is leaving) their account (the receipt says paid).
PAID_STATUSES = ACCEPTED_STATUSES | {S.TO_REFUND, S.REFUNDED}
# On its way to the pécule: an expected date is given.
ON_ITS_WAY_STATUSES = frozenset({S.AUTHORIZED, S.EXECUTED, S.RECEIVED})
# Paid, but the money goes back to the payer.
REFUND_STATUSES = frozenset({S.TO_REFUND, S.REFUNDED})
# A money-flow rule may hold a transfer from its reservation until it is credited (transfers.services.hold).
HOLDABLE_STATUSES = frozenset({S.AWAITING_AUTHORIZATION, S.AUTHORIZED, S.EXECUTED, S.RECEIVED})

# The régie's statement shows the money: every transfer past ``executed`` was already received.
ALREADY_RECEIVED = frozenset({S.RECEIVED, S.CREDITED, S.TO_REFUND, S.REFUNDED})

# Seen on a statement before the bank told us it executed the payment: the steps to "received".
RECEIVABLE_PATHS: dict[str, tuple[str, ...]] = {
    S.AWAITING_AUTHORIZATION: (S.AUTHORIZED, S.EXECUTED, S.RECEIVED),
    S.AUTHORIZED: (S.EXECUTED, S.RECEIVED),
    S.EXECUTED: (S.RECEIVED,),
}
RECEIVABLE_STATUSES = frozenset(RECEIVABLE_PATHS)

# What the bank's answer may move a transfer to, from where, through which steps.
_BANK_PATHS: dict[str, dict[str, tuple[str, ...]]] = {
    S.AWAITING_AUTHORIZATION: {
        S.AUTHORIZED: (S.AUTHORIZED,), S.EXECUTED: (S.AUTHORIZED, S.EXECUTED), S.REJECTED: (S.REJECTED,),
    },
    S.AUTHORIZED: {S.EXECUTED: (S.EXECUTED,), S.REJECTED: (S.REJECTED,)},
}


def bank_path(current: str, target: str) -> tuple[str, ...] | None:
    """The steps from ``current`` to ``target`` along the bank's part of the diagram, or None when
    the bank's answer is stale or does not apply."""
    return _BANK_PATHS.get(current, {}).get(target)


def may_move(current: str, to: str) -> bool:
    return to in TRANSITIONS.get(current, frozenset())
