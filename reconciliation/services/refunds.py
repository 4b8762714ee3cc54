"""Refunds: money that reached the régie but cannot be credited goes back to the payer's account. A
refund is made from its statement entry; pending refunds are gathered into a SEPA credit transfer file
(pain.001, built by ``reconciliation.sepa``) that another person approves (four eyes) before it is
marked sent to the bank, which refunds the transfers."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from core.audit import audit_reason
from core.money import euro_sum
from establishments.models import Establishment
from establishments.selectors import require_establishment
from transfers import services as transfer_services
from transfers.models import Transfer

from ..constants import (
    CreditDebit,
    MatchOutcome,
    ReconciliationAuditReason,
    RefundFileStatus,
    RefundStatus,
    Resolution,
)
from ..errors import ReconciliationError
from ..models import Refund, RefundFile, StatementEntry
from ..sepa import build_pain001

R = ReconciliationAuditReason


def _new_refund_reference() -> str:
    return "RBT" + get_random_string(20, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


def refund_from_entry(entry: StatementEntry, *, reason: str, user, transfer: Transfer | None = None) -> Refund:
    """A refund of ``entry``'s amount to the account it came from; ``reason`` is what the staff read."""
    if not entry.debtor_iban:
        raise ReconciliationError(
            _("Le relevé n'indique pas le compte du payeur : remboursement impossible depuis le portail.")
        )
    refund = Refund(
        establishment_id=entry.establishment_id, entry=entry, transfer=transfer,
        end_to_end_id=_new_refund_reference(), amount=entry.amount,
        creditor_name=entry.debtor_name or _("Payeur inconnu"), creditor_iban=entry.debtor_iban,
        creditor_bic=entry.debtor_bic, reason=reason[:300], created_by=user,
    )
    refund._history_user = user
    refund._change_reason = audit_reason(R.REFUND_CREATED)
    try:
        with transaction.atomic():
            refund.save()
    except IntegrityError as exc:
        raise ReconciliationError(_("Cette écriture fait déjà l'objet d'un remboursement.")) from exc
    return refund


def send_transfer_to_refund(*, transfer_id: int, reason: ReconciliationAuditReason, detail: str = "",
                            user=None) -> Refund:
    """A received transfer that cannot be credited (``reason``, with ``detail`` as data: the cashier's
    own words): to refund, paid back to the account it came from."""
    with transaction.atomic():
        transfer_services.mark_to_refund(transfer_id=transfer_id, reason=reason, detail=detail, user=user)
        entry = (
            StatementEntry.objects.filter(transfer_id=transfer_id, credit_debit=CreditDebit.CREDIT)
            .filter(Q(outcome=MatchOutcome.MATCHED) | Q(resolution=Resolution.ASSIGNED))
            .order_by("pk").first()
        )
        if entry is None:
            raise ReconciliationError(_("Ce virement n'a été vu sur aucun relevé : remboursement impossible."))
        why = f"{reason.label} : {detail}" if detail else str(reason.label)
        return refund_from_entry(entry, reason=why, user=user, transfer=Transfer.objects.get(pk=transfer_id))


def prepare_refund_file(*, establishment_id: int, user) -> RefundFile:
    """Gather the establishment's pending refunds into a SEPA credit transfer file (pain.001)."""
    with transaction.atomic():
        establishment = Establishment.objects.select_for_update().get(pk=establishment_id)
        require_establishment(user, establishment.pk, ReconciliationError(_("Établissement inconnu.")))
        refunds = list(
            Refund.objects.select_for_update().filter(establishment=establishment, status=RefundStatus.PENDING)
            .order_by("pk")
        )
        if not refunds:
            raise ReconciliationError(_("Aucun remboursement en attente pour cet établissement."))
        message_id = f"RBT{timezone.now():%Y%m%d%H%M%S}{get_random_string(6, '0123456789')}"
        refund_file = RefundFile(
            establishment=establishment, message_id=message_id, refund_count=len(refunds),
            total=euro_sum(r.amount for r in refunds), prepared_by=user,
        )
        refund_file.xml = build_pain001(establishment=establishment, message_id=message_id, refunds=refunds)
        refund_file._history_user = user
        refund_file._change_reason = audit_reason(R.FILE_PREPARED)
        refund_file.save()
        for refund in refunds:
            refund.status = RefundStatus.IN_FILE
            refund.file = refund_file
            refund._history_user = user
            refund._change_reason = audit_reason(R.REFUND_IN_FILE, message_id)
            refund.save()
        return refund_file


def _locked_file(file_id: int, user) -> RefundFile:
    refund_file = RefundFile.objects.select_for_update().get(pk=file_id)
    require_establishment(user, refund_file.establishment_id, ReconciliationError(_("Ce fichier n'existe pas.")))
    return refund_file


def approve_refund_file(*, file_id: int, user) -> RefundFile:
    """The second pair of eyes: someone other than the person who prepared the file."""
    with transaction.atomic():
        refund_file = _locked_file(file_id, user)
        if refund_file.status != RefundFileStatus.PREPARED:
            raise ReconciliationError(_("Ce fichier a déjà été approuvé."))
        if refund_file.prepared_by_id == user.pk:
            raise ReconciliationError(
                _("Vous avez préparé ce fichier : une autre personne doit l'approuver (principe des quatre yeux).")
            )
        refund_file.status = RefundFileStatus.APPROVED
        refund_file.approved_by = user
        refund_file.approved_at = timezone.now()
        refund_file._history_user = user
        refund_file._change_reason = audit_reason(R.FILE_APPROVED)
        refund_file.save()
        return refund_file


def mark_refund_file_sent(*, file_id: int, user) -> RefundFile:
    """The approved file was handed to the bank: its refunds are done, their transfers refunded."""
    with transaction.atomic():
        refund_file = _locked_file(file_id, user)
        if refund_file.status != RefundFileStatus.APPROVED:
            raise ReconciliationError(
                _("Seul un fichier approuvé peut être marqué envoyé (statut actuel : %(s)s).")
                % {"s": refund_file.get_status_display()}
            )
        now = timezone.now()
        refund_file.status = RefundFileStatus.SENT
        refund_file.sent_by = user
        refund_file.sent_at = now
        refund_file._history_user = user
        refund_file._change_reason = audit_reason(R.FILE_SENT)
        refund_file.save()
        for refund in refund_file.refunds.select_for_update().order_by("pk"):
            refund.status = RefundStatus.REFUNDED
            refund.refunded_at = now
            refund._history_user = user
            refund._change_reason = audit_reason(R.REFUNDED)
            refund.save()
            if refund.transfer_id:
                transfer_services.mark_refunded(transfer_id=refund.transfer_id, user=user)
        return refund_file
