"""ISO 20022 payment statuses as STET reports them, and what each means for a transfer."""

from transfers.constants import TransferStatus

# Received / pending / technically valid: the payer has not approved yet.
WAITING_CODES = frozenset({"RCVD", "PDNG", "ACTC"})
# Accepted by the bank, not settled yet.
ACCEPTED_CODES = frozenset({"ACCP", "ACWC", "ACWP", "ACSP", "PATC", "PART", "ACFC"})
# Settled: the money left the payer's account.
EXECUTED_CODES = frozenset({"ACSC"})
# Rejected by the bank or cancelled by the payer.
REJECTED_CODES = frozenset({"RJCT", "CANC"})


def target_status(code: str) -> str | None:
    """The transfer state a bank status code leads to, or None for an unknown code."""
    if code in WAITING_CODES:
        return TransferStatus.AWAITING_AUTHORIZATION
    if code in ACCEPTED_CODES:
        return TransferStatus.AUTHORIZED
    if code in EXECUTED_CODES:
        return TransferStatus.EXECUTED
    if code in REJECTED_CODES:
        return TransferStatus.REJECTED
    return None
