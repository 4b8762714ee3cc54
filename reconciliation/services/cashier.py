"""The cashier system (GENESIS comptes nominatifs): the day's batch of received transfers handed to it,
and its acknowledgement applied (credited, or rejected and sent to refund). A transfer is credited once,
ever. The files' format is ``reconciliation.cashier``'s."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_reason
from core.money import euro_sum, format_euros
from establishments.models import Establishment
from establishments.selectors import cutoff_moment, due_cutoff, may_see_establishment, require_establishment
from permits.constants import DetaineeStatus
from transfers import services as transfer_services
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .. import cashier as cashier_system
from ..constants import AckStatus, CreditDebit, ReconciliationAuditReason
from ..errors import ReconciliationError
from ..models import CashierBatch, CashierBatchLine, StatementEntry
from .refunds import send_transfer_to_refund

R = ReconciliationAuditReason
logger = logging.getLogger(__name__)


def cannot_be_credited(transfer: Transfer) -> ReconciliationAuditReason | None:
    """Why a received transfer cannot be credited now (the detainee left), or None."""
    detainee = transfer.detainee
    if detainee.status == DetaineeStatus.RELEASED:
        return R.DETAINEE_RELEASED
    if detainee.status == DetaineeStatus.TRANSFERRED or detainee.establishment_id != transfer.establishment_id:
        return R.DETAINEE_TRANSFERRED
    return None


@dataclass
class BatchResult:
    batch: CashierBatch | None
    created: bool
    sent_to_refund: list[str] = field(default_factory=list)


def generate_batch(
    *, establishment_id: int, day: datetime.date | None = None, cutoff: datetime.time | None = None, user=None
) -> BatchResult:
    """A batch of an establishment: every received transfer not yet in a batch and not held for a security review
    (``Transfer.held``: its rows are never read here until a staff member releases it). At a cut-off (``cutoff``
    given), the transfers received BEFORE that time of ``day`` (or earlier): one received at 10:30 waits for the
    14:00 batch. By hand (``cutoff`` None), a batch at the current minute with every transfer received by the end of
    ``day``. One batch per (establishment, day, cut-off): asking again gives back the same batch (same file).
    Transfers whose detainee was released or transferred go to refund instead. Concurrent calls are serialised on
    the establishment's row."""
    day = day or timezone.localdate()
    by_hand = cutoff is None
    cutoff = (cutoff or timezone.localtime().time()).replace(second=0, microsecond=0)
    with transaction.atomic():
        establishment = Establishment.objects.select_for_update().get(pk=establishment_id)
        require_establishment(user, establishment.pk, ReconciliationError(_("Établissement inconnu.")))
        existing = CashierBatch.objects.filter(establishment=establishment, day=day, cutoff=cutoff).first()
        if existing is not None:
            return BatchResult(batch=existing, created=False)
        end = _day_end(day) if by_hand else cutoff_moment(day, cutoff)
        candidates = list(
            _waiting(establishment.pk, end).select_related("detainee", "relative", "establishment")
            .order_by("received_at", "pk")
        )
        refunded, lines = [], []
        for transfer in candidates:
            why = cannot_be_credited(transfer)
            if why:
                send_transfer_to_refund(transfer_id=transfer.pk, reason=why, user=user)
                refunded.append(transfer.reference)
            else:
                lines.append(transfer)
        if not lines:
            return BatchResult(batch=None, created=False, sent_to_refund=refunded)
        payers = _payer_names([t.pk for t in lines])
        content = cashier_system.get_cashier().render_batch(
            [cashier_system.BatchItem.from_transfer(t, payers.get(t.pk, "")) for t in lines]
        )
        batch = CashierBatch(
            establishment=establishment, day=day, cutoff=cutoff, line_count=len(lines),
            total=euro_sum(t.amount for t in lines), content=content, created_by=user,
        )
        batch._history_user = user
        batch._change_reason = audit_reason(R.BATCH_GENERATED)
        batch.save()
        rows = [CashierBatchLine(batch=batch, transfer=t, amount=t.amount) for t in lines]
        CashierBatchLine.objects.bulk_create(rows)
        CashierBatchLine.history.bulk_history_create(
            rows, default_user=user, default_change_reason=audit_reason(R.BATCH_GENERATED)
        )
    return BatchResult(batch=batch, created=True, sent_to_refund=refunded)


def _day_end(day: datetime.date) -> datetime.datetime:
    return cutoff_moment(day + datetime.timedelta(days=1), datetime.time.min)


def _waiting(establishment_id: int, before: datetime.datetime):
    """The received transfers of an establishment waiting for a batch, received before ``before``."""
    return Transfer.objects.filter(
        establishment_id=establishment_id, status=TransferStatus.RECEIVED, received_at__lt=before,
        cashier_line__isnull=True, held=False,
    )


def run_due_cutoffs(*, now: datetime.datetime | None = None) -> list[BatchResult]:
    """Every establishment's due cut-off (``due_cutoff``: the last passed today, Establishment.cashier_cutoffs,
    Europe/Paris) without its batch: its batch made, once (the beat's ``reconciliation.run_cashier_cutoffs``).
    A cut-off with nothing received before it makes no batch, and no later run gives it one: a batch at a cut-off
    only ever takes the transfers received before that time. Never two batches for a cut-off (the unique
    constraint, under the establishment's row lock), never a transfer in two batches (the one-to-one line)."""
    now = now or timezone.now()
    day = timezone.localtime(now).date()
    results = []
    for establishment in Establishment.objects.filter(transfers_enabled=True).order_by("pk"):
        cutoff = due_cutoff(establishment, now)
        if cutoff is None or CashierBatch.objects.filter(establishment=establishment, day=day, cutoff=cutoff).exists():
            continue
        if not _waiting(establishment.pk, cutoff_moment(day, cutoff)).exists():
            continue
        try:
            results.append(generate_batch(establishment_id=establishment.pk, day=day, cutoff=cutoff))
        except Exception:  # one establishment's failure must not hold back the others' batches
            logger.exception("Cut-off %s of %s on %s failed", cutoff, establishment.code, day)
    return results


def _payer_names(transfer_ids: list[int]) -> dict[int, str]:
    """The payer's name as read on the statement (else the relative's name)."""
    names = {}
    for transfer_id, name in StatementEntry.objects.filter(
        transfer_id__in=transfer_ids, credit_debit=CreditDebit.CREDIT
    ).exclude(debtor_name="").values_list("transfer_id", "debtor_name"):
        names.setdefault(transfer_id, name)
    return names


@dataclass
class AckResult:
    credited: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _("Accusé appliqué : %(c)s virement(s) versé(s), %(r)s envoyé(s) en remboursement.") % {
            "c": len(self.credited), "r": len(self.refused)
        }


def apply_acknowledgement(*, data: bytes, user=None) -> AckResult:
    """Apply the cashier system's acknowledgement, all or nothing: each line names a transfer of a
    batch still waiting for its acknowledgement; CREDITED → credited with the cashier's operation id,
    REJECTED → to refund with the reason. Unknown or already acknowledged references, an amount other
    than the batch's, an operation id used twice: refused with every reason, nothing written."""
    items = cashier_system.get_cashier().read_acknowledgement(data)
    result = AckResult()
    with transaction.atomic():
        references = [i.reference for i in items]
        lines = {
            line.transfer.reference: line
            for line in CashierBatchLine.objects.select_for_update(of=("self",))
            .select_related("transfer", "batch")
            .filter(transfer__reference__in=references)
            .order_by("pk")
        }
        errors = []
        operations = [i.operation_id for i in items if i.status == AckStatus.CREDITED]
        used = set(
            CashierBatchLine.objects.filter(operation_id__in=operations).values_list("operation_id", flat=True)
        )
        for item in items:
            line = lines.get(item.reference)
            where = _("ligne %(n)s") % {"n": item.line_number}
            # A line of another establishment's batch is, for this user, in no batch at all.
            if line is None or (user is not None and not may_see_establishment(user, line.batch.establishment_id)):
                errors.append(_("%(w)s : la référence %(r)s n'est dans aucun lot.") % {"w": where, "r": item.reference})
                continue
            if line.ack_status != AckStatus.PENDING:
                errors.append(
                    _("%(w)s : le virement %(r)s a déjà été traité par la caisse (%(s)s, opération %(o)s).")
                    % {"w": where, "r": item.reference, "s": line.get_ack_status_display(),
                       "o": line.operation_id or "—"}
                )
                continue
            if item.amount is not None and item.amount != line.amount:
                errors.append(
                    _("%(w)s : montant %(a)s pour le virement %(r)s, mais le lot porte %(b)s.")
                    % {"w": where, "a": format_euros(item.amount), "r": item.reference, "b": format_euros(line.amount)}
                )
            if item.status == AckStatus.CREDITED and item.operation_id in used:
                errors.append(_("%(w)s : l'opération de caisse %(o)s a déjà été utilisée.")
                              % {"w": where, "o": item.operation_id})
            if item.status == AckStatus.CREDITED:
                used.add(item.operation_id)
        if errors:
            raise ReconciliationError(*errors)
        now = timezone.now()
        for item in items:
            line = lines[item.reference]
            credited = item.status == AckStatus.CREDITED
            line.ack_status = item.status
            line.operation_id = item.operation_id if credited else ""
            line.reason = item.reason[:300]
            line.acknowledged_at = now
            line._history_user = user
            line._change_reason = audit_reason(R.LINE_CREDITED if credited else R.LINE_REJECTED, line.operation_id)
            line.save()
            if credited:
                transfer_services.mark_credited(transfer_id=line.transfer_id, user=user)
                result.credited.append(item.reference)
            else:
                send_transfer_to_refund(
                    transfer_id=line.transfer_id, user=user, reason=R.CASHIER_REFUSED, detail=item.reason or "—",
                )
                result.refused.append(item.reference)
        batch_ids = {lines[i.reference].batch_id for i in items}
        for batch in CashierBatch.objects.filter(pk__in=batch_ids):
            if not batch.lines.filter(ack_status=AckStatus.PENDING).exists():
                batch.acknowledged_at = now
                batch._history_user = user
                batch._change_reason = audit_reason(R.BATCH_ACKNOWLEDGED)
                batch.save()
    return result
