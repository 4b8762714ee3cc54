"""The exceptions queue: statement entries the matching could not settle (unknown reference, amount
mismatch, duplicate…), handled by a staff member: assigned to the transfer they were for, sent back to
the payer, or dismissed with a reason."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_reason
from core.money import format_euros
from establishments.selectors import require_establishment
from transfers import services as transfer_services
from transfers.constants import staff_status_label
from transfers.models import Transfer
from transfers.states import RECEIVABLE_STATUSES

from ..constants import EXCEPTION_OUTCOMES, CreditDebit, ReconciliationAuditReason, Resolution
from ..errors import ReconciliationError
from ..models import Refund, StatementEntry
from .refunds import refund_from_entry

R = ReconciliationAuditReason
# The audit reason of each way out of the queue.
_RESOLUTION_REASONS = {
    Resolution.ASSIGNED: R.ENTRY_ASSIGNED,
    Resolution.REFUND: R.ENTRY_TO_REFUND,
    Resolution.DISMISSED: R.ENTRY_DISMISSED,
}


def _open_exception(entry_id: int, user) -> StatementEntry:
    entry = StatementEntry.objects.select_for_update().select_related("statement").get(pk=entry_id)
    require_establishment(user, entry.establishment_id, ReconciliationError(_("Cette écriture n'existe pas.")))
    if entry.outcome not in EXCEPTION_OUTCOMES or entry.resolution:
        raise ReconciliationError(_("Cette écriture n'est pas (ou plus) dans la file des anomalies."))
    return entry


def _resolve(entry: StatementEntry, resolution: str, note: str, user) -> None:
    entry.resolution = resolution
    entry.resolution_note = note[:300]
    entry.resolved_at = timezone.now()
    entry.resolved_by = user
    entry._history_user = user
    entry._change_reason = audit_reason(_RESOLUTION_REASONS[resolution], note)
    entry.save()


def assign_entry(*, entry_id: int, reference: str, user=None) -> StatementEntry:
    """A staff member recognises the transfer a credit was for: the transfer becomes received."""
    reference = (reference or "").strip().upper()
    with transaction.atomic():
        entry = _open_exception(entry_id, user)
        if entry.credit_debit != CreditDebit.CREDIT:
            raise ReconciliationError(_("Seul un crédit peut être attribué à un virement."))
        transfer = Transfer.objects.filter(reference=reference, establishment_id=entry.establishment_id).first()
        if transfer is None:
            raise ReconciliationError(_("Aucun virement de cet établissement n'a la référence « %(r)s ».")
                                      % {"r": reference})
        if transfer.amount != entry.amount:
            raise ReconciliationError(
                _("Le montant reçu (%(a)s) diffère de celui du virement %(r)s (%(b)s) : attribution refusée.")
                % {"a": format_euros(entry.amount), "r": reference, "b": format_euros(transfer.amount)}
            )
        if transfer.status not in RECEIVABLE_STATUSES:
            raise ReconciliationError(
                _("Le virement %(r)s est déjà « %(s)s » : il ne peut recevoir ce paiement.")
                % {"r": reference, "s": staff_status_label(transfer.status)}
            )
        # The entry names its transfer before the receipt is announced (transfers_received): the monitoring
        # reads the payer's name and account from it in the same transaction.
        entry.transfer = transfer
        _resolve(entry, Resolution.ASSIGNED, reference, user)
        transfer_services.receive(
            transfer_id=transfer.pk, user=user, reason=R.ASSIGNED_BY_HAND, detail=entry.pk
        )
        return entry


def mark_entry_for_refund(*, entry_id: int, reason: str, user=None) -> Refund:
    """Money that cannot be kept (unknown reference, duplicate, wrong amount…) goes back to the payer."""
    reason = (reason or "").strip()
    if not reason:
        raise ReconciliationError(_("Indiquez le motif du remboursement."))
    with transaction.atomic():
        entry = _open_exception(entry_id, user)
        if entry.credit_debit != CreditDebit.CREDIT:
            raise ReconciliationError(_("Seul un crédit peut être remboursé."))
        refund = refund_from_entry(entry, reason=reason, user=user)
        _resolve(entry, Resolution.REFUND, reason, user)
        return refund


def dismiss_entry(*, entry_id: int, reason: str, user=None) -> StatementEntry:
    reason = (reason or "").strip()
    if not reason:
        raise ReconciliationError(_("Indiquez pourquoi l'écriture est classée."))
    with transaction.atomic():
        entry = _open_exception(entry_id, user)
        _resolve(entry, Resolution.DISMISSED, reason, user)
        return entry
