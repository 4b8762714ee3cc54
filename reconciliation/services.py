"""Every change of the reconciliation: statement import and matching, the exceptions queue, cashier
batches and acknowledgements, refunds. One function per action, keyword arguments, in a transaction,
with the acting user in the history. Transfers change status through ``transfers.services`` only."""

from __future__ import annotations

import datetime
import hashlib
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from core.bulk_history import history_from_table, insert_rows, rows_by_key
from core.money import format_euros
from establishments.models import Establishment
from establishments.selectors import may_see_establishment
from permits.constants import DetaineeStatus
from transfers import services as transfer_services
from transfers.constants import TransferAuditReason, TransferStatus, staff_status_label
from transfers.models import Transfer
from transfers.states import ALREADY_RECEIVED

from . import cashier as cashier_module
from .camt import CamtError, EntryLine, StatementHeader, parse_statement
from .camt.parser import check_size
from .constants import (
    BULK_SIZE,
    CURRENCY,
    EXCEPTION_OUTCOMES,
    MAX_STATEMENT_BYTES,
    REFERENCE_PATTERN,
    AckStatus,
    CreditDebit,
    MatchOutcome,
    RefundFileStatus,
    RefundStatus,
    Resolution,
)
from .models import BankStatement, CashierBatch, CashierBatchLine, Refund, RefundFile, StatementEntry

S = TransferStatus
M = MatchOutcome
RECEIVABLE = transfer_services.RECEIVABLE_STATUSES
# Bank transaction sub-family codes of a returned payment (ISO 20022 external code list).
RETURN_SUBFAMILIES = ("RRTN", "RPCR", "ARET")


class ReconciliationError(Exception):
    """An action refused; ``messages`` are French, for the staff member or the operator."""

    def __init__(self, *messages: str):
        super().__init__(" ".join(str(m) for m in messages))
        self.messages = [str(m) for m in messages]


# -- statement import and matching ------------------------------------------------------------

@dataclass
class ImportResult:
    statement: BankStatement
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        s = self.statement
        parts = [
            _("Relevé %(msg)s du %(day)s importé pour %(code)s : %(n)s écritures.")
            % {"msg": s.message_id, "day": f"{s.statement_date:%d/%m/%Y}", "code": s.establishment.code,
               "n": s.entry_count}
        ]
        for outcome, count in sorted(self.counts.items()):
            parts.append(f"{M(outcome).label} : {count}")
        return " ".join(parts[:1]) + (" " + " ; ".join(parts[1:]) + "." if len(parts) > 1 else "")


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_header(header: StatementHeader, user) -> Establishment:
    if not header.message_id:
        raise CamtError(_("Le relevé n'a pas d'identifiant de message (GrpHdr/MsgId)."))
    if not header.iban:
        raise CamtError(_("Le relevé n'indique pas l'IBAN du compte (Acct/Id/IBAN)."))
    if header.currency and header.currency != CURRENCY:
        raise CamtError(_("Le compte est tenu en %(ccy)s : seuls les relevés en euros (EUR) sont acceptés.")
                        % {"ccy": header.currency})
    establishment = Establishment.objects.filter(regie_iban=header.iban).first()
    if establishment is None or (user is not None and not may_see_establishment(user, establishment.pk)):
        raise CamtError(
            _("Le compte %(iban)s n'est le compte de régie d'aucun établissement que vous pouvez gérer.")
            % {"iban": header.iban}
        )
    if BankStatement.objects.filter(message_id=header.message_id, iban=header.iban).exists():
        raise CamtError(
            _("Ce relevé a déjà été importé (message %(msg)s du compte %(iban)s).")
            % {"msg": header.message_id, "iban": header.iban}
        )
    return establishment


def _references(line: EntryLine) -> list[str]:
    refs = [line.end_to_end_id] if line.end_to_end_id else []
    if "PDP" in line.remittance:  # a transfer reference's prefix: most remittances have none to find
        refs += [r for r in REFERENCE_PATTERN.findall(line.remittance) if r not in refs]
    return refs


def _is_return(line: EntryLine) -> bool:
    return line.reversal or line.bank_transaction_code.rpartition("/")[2] in RETURN_SUBFAMILIES


# The columns of a statement entry as written by the import, in the order of the matcher's rows.
_ENTRY_COLUMNS = (
    "statement_id", "establishment_id", "entry_index", "detail_index", "entry_reference",
    "account_servicer_reference", "booking_date", "value_date", "entry_status", "credit_debit", "reversal",
    "bank_transaction_code", "amount", "end_to_end_id", "remittance", "debtor_name", "debtor_iban", "debtor_bic",
    "return_reason", "transfer_id", "outcome", "resolution", "resolution_note", "resolved_at", "resolved_by_id",
)
_TRANSFER, _OUTCOME, _RESOLUTION, _RESOLVED_AT = (_ENTRY_COLUMNS.index(c) for c in (
    "transfer_id", "outcome", "resolution", "resolved_at"))


class _Matcher:
    """Matches the lines of a statement, a chunk at a time: one query for the chunk's transfers, one
    conditional UPDATE for its clean matches, its entries written by COPY and their history by the
    database."""

    def __init__(self, statement: BankStatement, user, reason: str):
        self.statement = statement
        self.user = user
        self.reason = reason
        self.counts: dict[str, int] = {}
        self.history_date = timezone.now()

    def run(self, lines: list[EntryLine]) -> None:
        references = [_references(line) for line in lines]
        transfers = {
            row[1]: row
            for row in rows_by_key(
                Transfer, "reference", {r for refs in references for r in refs},
                ("pk", "reference", "amount", "status", "establishment_id"),
            )
        }
        debit_refs = {r for line, refs in zip(lines, references, strict=True) if line.credit_debit != "CRDT"
                      for r in refs}
        refund_amounts = dict(rows_by_key(Refund, "end_to_end_id", debit_refs, ("end_to_end_id", "amount")))
        statement_id = self.statement.pk
        establishment_id = self.statement.establishment_id
        # Transfer id → status once this chunk is applied (a transfer paid twice in the chunk). The
        # earlier chunks' outcomes are in the database already, read above: nothing grows with the file.
        taken: dict[int, str] = {}
        rows: list[list] = []
        to_receive: list[int] = []
        returns: list[tuple[int, list]] = []
        for line, candidates in zip(lines, references, strict=True):
            transfer = None
            for ref in candidates:
                found = transfers.get(ref)
                if found is not None and found[4] == establishment_id:
                    transfer = found
                    break
            transfer_id = transfer[0] if transfer else None
            row = [
                statement_id, establishment_id, line.entry_index, line.detail_index, line.entry_reference,
                line.account_servicer_reference, line.booking_date, line.value_date, line.entry_status,
                line.credit_debit, line.reversal, line.bank_transaction_code, line.amount, line.end_to_end_id,
                line.remittance, line.debtor_name, line.debtor_iban, line.debtor_bic, line.return_reason,
                transfer_id, "", "", "", None, None,
            ]
            status = taken.get(transfer_id, transfer[3]) if transfer else None
            if line.entry_status not in ("BOOK", ""):
                outcome = M.NOT_BOOKED
            elif line.credit_debit == CreditDebit.DEBIT or (line.reversal and line.credit_debit == CreditDebit.CREDIT):
                refund_ref = next((r for r in candidates if r in refund_amounts), None)
                if transfer and _is_return(line) and line.credit_debit == CreditDebit.DEBIT:
                    if line.amount != transfer[2]:
                        # Only the transfer's own amount returns it: anything else waits for a person.
                        outcome = M.AMOUNT_MISMATCH
                    elif status == S.CREDITED:
                        outcome = M.UNEXPECTED_STATUS
                    else:
                        outcome = M.RETURNED
                        row[_RESOLUTION] = Resolution.RETURN_APPLIED
                        row[_RESOLVED_AT] = timezone.now()
                        returns.append((transfer_id, row))
                        taken[transfer_id] = S.REFUNDED
                elif line.credit_debit == CreditDebit.DEBIT and refund_ref is not None:
                    outcome = M.REFUND_SENT if line.amount == refund_amounts[refund_ref] else M.AMOUNT_MISMATCH
                else:
                    outcome = M.OTHER
            elif transfer is None:
                outcome = M.UNKNOWN_REFERENCE
            elif line.amount != transfer[2]:
                outcome = M.AMOUNT_MISMATCH
            elif status in RECEIVABLE:
                outcome = M.MATCHED
                to_receive.append(transfer_id)
                taken[transfer_id] = S.RECEIVED
            elif status in ALREADY_RECEIVED:
                outcome = M.DUPLICATE
            else:
                outcome = M.UNEXPECTED_STATUS
            row[_OUTCOME] = outcome
            rows.append(row)
        refused = set(transfer_services.receive_many(
            transfer_ids=to_receive, user=self.user, reason=TransferAuditReason.RECEIVED_ON_STATEMENT,
            detail=self.statement.file_name,
        ))
        counts = self.counts
        for row in rows:
            if refused and row[_OUTCOME] == M.MATCHED and row[_TRANSFER] in refused:
                row[_OUTCOME] = M.UNEXPECTED_STATUS
            counts[row[_OUTCOME]] = counts.get(row[_OUTCOME], 0) + 1
        for transfer_id, row in returns:
            transfer_services.return_to_payer(
                transfer_id=transfer_id, user=self.user,
                reason=TransferAuditReason.RETURNED_BY_BANK, detail=row[18] or "—",
            )
        insert_rows(StatementEntry, _ENTRY_COLUMNS, rows)
        # The creation history of these entries, written by the database (a chunk holds whole entries).
        history_from_table(
            StatementEntry, where="statement_id = %s AND entry_index BETWEEN %s AND %s",
            params=[statement_id, lines[0].entry_index, lines[-1].entry_index], user=self.user,
            reason=self.reason, date=self.history_date, history_type="+",
        )


_END = object()


class _Reader(threading.Thread):
    """Reads the statement in a thread of its own while the caller's thread matches and writes the
    previous chunk (the database works meanwhile): items come through a small queue, so memory stays
    flat. Chunks hold whole entries. The reader touches no database; it stops when told to."""

    def __init__(self, handle, max_bytes: int):
        super().__init__(name="camt-reader", daemon=True)
        self.handle = handle
        self.max_bytes = max_bytes
        self.language = translation.get_language()
        self.items: queue.Queue = queue.Queue(maxsize=2)
        self.stopped = threading.Event()

    def _put(self, item) -> bool:
        while not self.stopped.is_set():
            try:
                self.items.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def run(self) -> None:
        try:
            with translation.override(self.language):
                chunk: list[EntryLine] = []
                last_entry = 0
                # A small first chunk, so that the matching starts early; then up to BULK_SIZE lines.
                limit = min(500, BULK_SIZE)
                for item in parse_statement(self.handle, max_bytes=self.max_bytes):
                    if isinstance(item, StatementHeader):
                        if chunk and not self._put((chunk, self.handle.tell())):
                            return
                        chunk = []
                        if not self._put(item):
                            return
                        continue
                    if item.entry_index != last_entry:
                        last_entry = item.entry_index
                        if len(chunk) >= limit:
                            if not self._put((chunk, self.handle.tell())):
                                return
                            chunk = []
                            limit = min(limit * 4, BULK_SIZE)
                    chunk.append(item)
                if chunk:
                    self._put((chunk, self.handle.tell()))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, which raises it
            self._put(exc)
        else:
            self._put(_END)

    def __iter__(self):
        while True:
            try:
                item = self.items.get(timeout=1)
            except queue.Empty:
                if not self.is_alive() and self.items.empty():  # died without a word: never wait forever
                    raise RuntimeError("camt reader stopped") from None
                continue
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def import_statement(
    *,
    path: str,
    user=None,
    file_name: str = "",
    max_bytes: int = MAX_STATEMENT_BYTES,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import a camt.053 file of a régie account and match its entries, all or nothing. ``user`` None
    is an operator (every establishment); a staff member may import only their establishments'
    statements. CamtError (French) when the file is refused; nothing is written then."""
    size = check_size(path, max_bytes)
    sha = file_sha256(path)
    if BankStatement.objects.filter(file_sha256=sha).exists():
        raise CamtError(_("Ce fichier a déjà été importé."))
    reason = _("Import du relevé %(name)s") % {"name": file_name or os.path.basename(path)}
    try:
        with transaction.atomic(), open(path, "rb") as handle:
            result = _import(handle, size, sha, user, file_name or os.path.basename(path), reason, max_bytes, progress)
    except IntegrityError as exc:
        # Two imports of the same statement at once: the second one meets the unique constraints.
        raise CamtError(_("Ce relevé a déjà été importé.")) from exc
    return result


def _import(handle, size, sha, user, file_name, reason, max_bytes, progress) -> ImportResult:
    statement: BankStatement | None = None
    matcher: _Matcher | None = None
    credits = debits = Decimal("0.00")
    last_entry = 0
    header: StatementHeader | None = None
    reader = _Reader(handle, max_bytes)
    reader.start()
    try:
        for item in reader:
            if isinstance(item, StatementHeader):
                header = item
                if statement is None:
                    establishment = _check_header(item, user)
                    statement = BankStatement(
                        establishment=establishment, iban=item.iban, message_id=item.message_id[:35],
                        statement_id=item.statement_id[:35], camt_version=item.version, file_name=file_name[:255],
                        file_sha256=sha, statement_date=item.statement_date or timezone.localdate(),
                        opening_balance=Decimal("0.00"), closing_balance=Decimal("0.00"),
                        total_credits=Decimal("0.00"), total_debits=Decimal("0.00"), entry_count=0, imported_by=user,
                    )
                    statement._history_user = user
                    statement._change_reason = reason
                    statement.save()
                    matcher = _Matcher(statement, user, reason)
                continue
            lines, position = item
            for line in lines:
                if line.currency and line.currency != CURRENCY:
                    raise CamtError(
                        _("L'écriture n° %(n)s est en %(ccy)s : seuls les montants en euros (EUR) sont acceptés.")
                        % {"n": line.entry_index, "ccy": line.currency}
                    )
                if line.entry_index != last_entry:
                    last_entry = line.entry_index
                    if line.entry_status in ("BOOK", ""):
                        if line.credit_debit == CreditDebit.CREDIT:
                            credits += line.entry_amount
                        else:
                            debits += line.entry_amount
            matcher.run(lines)
            if progress:
                progress(min(position, size), size)
    finally:
        reader.stop()
    assert header is not None and statement is not None and matcher is not None
    foreign = header.other_currencies - {CURRENCY}
    if foreign:
        raise CamtError(_("Le relevé est en %(ccy)s : seuls les relevés en euros (EUR) sont acceptés.")
                        % {"ccy": ", ".join(sorted(foreign))})
    opening, closing = header.opening, header.closing
    if opening is None or closing is None:
        raise CamtError(_("Le relevé doit indiquer son solde d'ouverture (OPBD) et son solde de clôture (CLBD)."))
    if opening + credits - debits != closing:
        raise CamtError(
            _("Les soldes ne concordent pas : solde d'ouverture %(o)s + crédits %(c)s − débits %(d)s = "
              "%(e)s, mais le solde de clôture est de %(f)s.")
            % {"o": format_euros(opening), "c": format_euros(credits), "d": format_euros(debits),
               "e": format_euros(opening + credits - debits), "f": format_euros(closing)}
        )
    statement.opening_balance, statement.closing_balance = opening, closing
    statement.total_credits, statement.total_debits = credits, debits
    statement.entry_count = header.entry_count
    statement._history_user = user
    statement._change_reason = reason
    statement.save()
    if progress:
        progress(size, size)
    return ImportResult(statement=statement, counts=matcher.counts)


# -- the exceptions queue ---------------------------------------------------------------------

def _open_exception(entry_id: int, user) -> StatementEntry:
    entry = StatementEntry.objects.select_for_update().select_related("statement").get(pk=entry_id)
    if user is not None and not may_see_establishment(user, entry.establishment_id):
        raise ReconciliationError(_("Cette écriture n'existe pas."))
    if entry.outcome not in EXCEPTION_OUTCOMES or entry.resolution:
        raise ReconciliationError(_("Cette écriture n'est pas (ou plus) dans la file des anomalies."))
    return entry


def _resolve(entry: StatementEntry, resolution: str, note: str, user) -> None:
    entry.resolution = resolution
    entry.resolution_note = note[:300]
    entry.resolved_at = timezone.now()
    entry.resolved_by = user
    entry._history_user = user
    entry._change_reason = f"{Resolution(resolution).label}" + (f" : {note}" if note else "")
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
        if transfer.status not in RECEIVABLE:
            raise ReconciliationError(
                _("Le virement %(r)s est déjà « %(s)s » : il ne peut recevoir ce paiement.")
                % {"r": reference, "s": staff_status_label(transfer.status)}
            )
        transfer_services.receive(
            transfer_id=transfer.pk, user=user, reason=TransferAuditReason.ASSIGNED_BY_HAND, detail=entry.pk
        )
        entry.transfer = transfer
        _resolve(entry, Resolution.ASSIGNED, reference, user)
        return entry


def _new_refund_reference() -> str:
    return "RBT" + get_random_string(20, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


def _refund_from_entry(entry: StatementEntry, *, reason: str, user, transfer: Transfer | None = None) -> Refund:
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
    refund._change_reason = reason[:100]
    try:
        with transaction.atomic():
            refund.save()
    except IntegrityError as exc:
        raise ReconciliationError(_("Cette écriture fait déjà l'objet d'un remboursement.")) from exc
    return refund


def mark_entry_for_refund(*, entry_id: int, reason: str, user=None) -> Refund:
    """Money that cannot be kept (unknown reference, duplicate, wrong amount…) goes back to the payer."""
    reason = (reason or "").strip()
    if not reason:
        raise ReconciliationError(_("Indiquez le motif du remboursement."))
    with transaction.atomic():
        entry = _open_exception(entry_id, user)
        if entry.credit_debit != CreditDebit.CREDIT:
            raise ReconciliationError(_("Seul un crédit peut être remboursé."))
        refund = _refund_from_entry(entry, reason=reason, user=user)
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


def send_transfer_to_refund(*, transfer_id: int, reason: str, user=None) -> Refund:
    """A received transfer that cannot be credited: to refund, paid back to the account it came from."""
    with transaction.atomic():
        transfer_services.mark_to_refund(
            transfer_id=transfer_id, reason=TransferAuditReason.SENT_TO_REFUND, detail=reason, user=user
        )
        entry = (
            StatementEntry.objects.filter(transfer_id=transfer_id, credit_debit=CreditDebit.CREDIT)
            .filter(Q(outcome=M.MATCHED) | Q(resolution=Resolution.ASSIGNED))
            .order_by("pk").first()
        )
        if entry is None:
            raise ReconciliationError(_("Ce virement n'a été vu sur aucun relevé : remboursement impossible."))
        return _refund_from_entry(entry, reason=reason, user=user, transfer=Transfer.objects.get(pk=transfer_id))


# -- the cashier system -----------------------------------------------------------------------

def cannot_be_credited(transfer: Transfer) -> str:
    """Why a received transfer cannot be credited now (the detainee left), or ""."""
    detainee = transfer.detainee
    if detainee.status == DetaineeStatus.RELEASED:
        return _("La personne détenue a été libérée avant le versement.")
    if detainee.status == DetaineeStatus.TRANSFERRED or detainee.establishment_id != transfer.establishment_id:
        return _("La personne détenue a été transférée dans un autre établissement avant le versement.")
    return ""


@dataclass
class BatchResult:
    batch: CashierBatch | None
    created: bool
    sent_to_refund: list[str] = field(default_factory=list)


def generate_batch(*, establishment_id: int, day: datetime.date | None = None, user=None) -> BatchResult:
    """The day's batch of an establishment: every received transfer not yet in a batch. Generated once
    a day: asking again gives back the same batch (same file). Transfers whose detainee was released or
    transferred go to refund instead. Concurrent calls are serialised on the establishment's row."""
    day = day or timezone.localdate()
    with transaction.atomic():
        establishment = Establishment.objects.select_for_update().get(pk=establishment_id)
        if user is not None and not may_see_establishment(user, establishment.pk):
            raise ReconciliationError(_("Établissement inconnu."))
        existing = CashierBatch.objects.filter(establishment=establishment, day=day).first()
        if existing is not None:
            return BatchResult(batch=existing, created=False)
        end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
        candidates = list(
            Transfer.objects.select_related("detainee", "relative", "establishment")
            .filter(establishment=establishment, status=S.RECEIVED, received_at__lt=end, cashier_line__isnull=True)
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
        content = cashier_module.get_cashier().render_batch(
            [cashier_module.BatchItem.from_transfer(t, payers.get(t.pk, "")) for t in lines]
        )
        batch = CashierBatch(
            establishment=establishment, day=day, line_count=len(lines),
            total=sum((t.amount for t in lines), Decimal("0.00")), content=content, created_by=user,
        )
        batch._history_user = user
        batch._change_reason = _("Lot généré")
        batch.save()
        rows = [CashierBatchLine(batch=batch, transfer=t, amount=t.amount) for t in lines]
        CashierBatchLine.objects.bulk_create(rows)
        CashierBatchLine.history.bulk_history_create(rows, default_user=user, default_change_reason=_("Lot généré"))
    return BatchResult(batch=batch, created=True, sent_to_refund=refunded)


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
    items = cashier_module.get_cashier().read_acknowledgement(data)
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
            if line is None:
                errors.append(_("%(w)s : la référence %(r)s n'est dans aucun lot.") % {"w": where, "r": item.reference})
                continue
            if user is not None and not may_see_establishment(user, line.batch.establishment_id):
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
            line.ack_status = item.status
            line.operation_id = item.operation_id if item.status == AckStatus.CREDITED else ""
            line.reason = item.reason[:300]
            line.acknowledged_at = now
            line._history_user = user
            line._change_reason = f"{AckStatus(item.status).label} {item.operation_id}".strip()
            line.save()
            if item.status == AckStatus.CREDITED:
                transfer_services.mark_credited(transfer_id=line.transfer_id, user=user)
                result.credited.append(item.reference)
            else:
                send_transfer_to_refund(
                    transfer_id=line.transfer_id, user=user,
                    reason=_("Refusé par la caisse : %(why)s") % {"why": item.reason or "—"},
                )
                result.refused.append(item.reference)
        batch_ids = {lines[i.reference].batch_id for i in items}
        for batch in CashierBatch.objects.filter(pk__in=batch_ids):
            if not batch.lines.filter(ack_status=AckStatus.PENDING).exists():
                batch.acknowledged_at = now
                batch._history_user = user
                batch._change_reason = _("Accusé de la caisse reçu")
                batch.save()
    return result


# -- refunds ----------------------------------------------------------------------------------

def prepare_refund_file(*, establishment_id: int, user) -> RefundFile:
    """Gather the establishment's pending refunds into a SEPA credit transfer file (pain.001)."""
    from .refunds import build_pain001

    with transaction.atomic():
        establishment = Establishment.objects.select_for_update().get(pk=establishment_id)
        if not may_see_establishment(user, establishment.pk):
            raise ReconciliationError(_("Établissement inconnu."))
        refunds = list(
            Refund.objects.select_for_update().filter(establishment=establishment, status=RefundStatus.PENDING)
            .order_by("pk")
        )
        if not refunds:
            raise ReconciliationError(_("Aucun remboursement en attente pour cet établissement."))
        message_id = f"RBT{timezone.now():%Y%m%d%H%M%S}{get_random_string(6, '0123456789')}"
        refund_file = RefundFile(
            establishment=establishment, message_id=message_id, refund_count=len(refunds),
            total=sum((r.amount for r in refunds), Decimal("0.00")), prepared_by=user,
        )
        refund_file.xml = build_pain001(establishment=establishment, message_id=message_id, refunds=refunds)
        refund_file._history_user = user
        refund_file._change_reason = _("Fichier préparé")
        refund_file.save()
        for refund in refunds:
            refund.status = RefundStatus.IN_FILE
            refund.file = refund_file
            refund._history_user = user
            refund._change_reason = _("Ajouté au fichier %(m)s") % {"m": message_id}
            refund.save()
        return refund_file


def _locked_file(file_id: int, user) -> RefundFile:
    refund_file = RefundFile.objects.select_for_update().get(pk=file_id)
    if not may_see_establishment(user, refund_file.establishment_id):
        raise ReconciliationError(_("Ce fichier n'existe pas."))
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
        refund_file._change_reason = _("Fichier approuvé")
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
        refund_file._change_reason = _("Fichier envoyé à la banque")
        refund_file.save()
        for refund in refund_file.refunds.select_for_update().order_by("pk"):
            refund.status = RefundStatus.REFUNDED
            refund.refunded_at = now
            refund._history_user = user
            refund._change_reason = _("Remboursé")
            refund.save()
            if refund.transfer_id:
                transfer_services.mark_refunded(transfer_id=refund.transfer_id, user=user)
        return refund_file
