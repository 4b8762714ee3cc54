"""Matching a statement's lines with the portal's transfers, a chunk at a time: a credit carrying a
transfer's reference and its exact amount makes the transfer received; a bank's return of a transfer
refunds it; a debit of a refund file is recognised; anything else waits in the exceptions queue
(``MatchOutcome``). Only clean matches change a transfer, through ``transfers.services``.

Once only: each line has the bank's identity of its transaction (``transaction_key``). A line whose key an earlier
file of the establishment already brought (a notice, then the evening's statement, or the other way round) is
``ALREADY_SEEN``: it points at its first sighting (``first_seen``) and its transfer, and changes nothing else."""

from __future__ import annotations

import dataclasses
import datetime
import operator
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.utils import timezone

from core.bulk_history import history_from_table, insert_rows, rows_by_key
from transfers import services as transfer_services
from transfers.constants import TransferStatus
from transfers.models import Transfer
from transfers.references import REFERENCE_PATTERN
from transfers.states import ALREADY_RECEIVED, RECEIVABLE_STATUSES

from ..camt import EntryLine
from ..constants import CreditDebit, MatchOutcome, ReconciliationAuditReason, Resolution
from ..models import BankStatement, Refund, StatementEntry

S = TransferStatus
M = MatchOutcome
# Bank transaction sub-family codes of a returned payment (ISO 20022 external code list).
RETURN_SUBFAMILIES = ("RRTN", "RPCR", "ARET")


# The parsed line's fields that a statement entry stores: all but its currency (checked to be the
# account's), the whole entry's amount (for the statement's totals) and the detail's bank reference (in its key).
LINE_COLUMNS = tuple(
    f.name for f in dataclasses.fields(EntryLine) if f.name not in ("currency", "entry_amount", "transaction_reference")
)
_line_values = operator.attrgetter(*LINE_COLUMNS)
# The columns of a statement entry the import writes (COPY), in the order of the values ``Matcher.run`` sends.
ENTRY_COLUMNS = (
    "statement_id", "establishment_id", *LINE_COLUMNS, "transaction_key", "first_seen_id",
    "transfer_id", "outcome", "resolution", "resolution_note", "resolved_at", "resolved_by_id",
)
TRANSACTION_KEY_LENGTH = 120


class EntryRow(NamedTuple):
    """A statement line and what the matching made of it."""

    line: EntryLine
    transfer_id: int | None
    outcome: str
    resolution: str = ""
    resolved_at: datetime.datetime | None = None
    key: str = ""
    first_seen: int | None = None


class TransferRow(NamedTuple):
    """The fields of a transfer the matcher reads."""

    pk: int
    reference: str
    amount: Decimal
    status: str
    establishment_id: int


def references(line: EntryLine) -> list[str]:
    """The transfer references a line carries: its EndToEndId, then any found in its remittance."""
    refs = [line.end_to_end_id] if line.end_to_end_id else []
    if "PDP" in line.remittance:  # a transfer reference's prefix: most remittances have none to find
        refs += [r for r in REFERENCE_PATTERN.findall(line.remittance) if r not in refs]
    return refs


def transaction_key(line: EntryLine) -> str:
    """The bank's identity of the transaction a line is, the same in every file that shows it (camt.054, camt.052,
    camt.053): the detail's own bank reference (``TxDtls/Refs/AcctSvcrRef``), else the entry's (``Ntry/AcctSvcrRef``)
    with the detail's rank, else its EndToEndId with its amount, side, payer's IBAN and booking date; "" when it
    carries none of these (such a line is matched as it comes, every time)."""
    if line.transaction_reference:
        key = f"TX:{line.transaction_reference}"
    elif line.account_servicer_reference:
        key = f"NTRY:{line.account_servicer_reference}:{line.detail_index}"
    elif line.end_to_end_id:
        booked = line.booking_date.isoformat() if line.booking_date else ""
        key = f"E2E:{line.end_to_end_id}:{line.amount}:{line.credit_debit}:{line.debtor_iban}:{booked}"
    else:
        return ""
    return key[:TRANSACTION_KEY_LENGTH]


class Sighting(NamedTuple):
    """The first row that brought a transaction key: its id and its transfer."""

    pk: int
    transfer_id: int | None


def first_sightings(*, establishment_id: int, statement_id: int, keys: set[str]) -> dict[str, Sighting]:
    """The first sighting of each of ``keys`` in the establishment's other files: one query on the index
    (establishment, transaction_key). A sighting that was not booked (a pending line of a notice) does not count:
    the booked line that follows is matched."""
    keys.discard("")
    if not keys:
        return {}
    fields = ("transaction_key", "id", "transfer_id")
    if connection.vendor == "postgresql":
        sql = (
            "SELECT transaction_key, id, transfer_id FROM reconciliation_statemententry "
            "WHERE establishment_id = %s AND transaction_key <> '' AND transaction_key = ANY(%s) "
            "AND statement_id <> %s AND first_seen_id IS NULL AND outcome <> %s ORDER BY id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [establishment_id, list(keys), statement_id, M.NOT_BOOKED])
            rows = cursor.fetchall()
    else:
        rows = list(
            StatementEntry.objects.filter(establishment_id=establishment_id, transaction_key__in=keys,
                                          first_seen__isnull=True)
            .exclude(statement_id=statement_id).exclude(outcome=M.NOT_BOOKED).order_by("pk").values_list(*fields)
        )
    found: dict[str, Sighting] = {}
    for key, pk, transfer_id in rows:
        found.setdefault(key, Sighting(pk, transfer_id))
    return found


def is_return(line: EntryLine) -> bool:
    return line.reversal or line.bank_transaction_code.rpartition("/")[2] in RETURN_SUBFAMILIES


class Matcher:
    """Matches the lines of a statement, a chunk at a time: one query for the chunk's transfers, one
    conditional UPDATE for its clean matches, its entries written by COPY and their history by the
    database. ``reason`` is the stored audit reason of the import."""

    def __init__(self, statement: BankStatement, user, reason: str):
        self.statement = statement
        self.user = user
        self.reason = reason
        self.counts: dict[str, int] = {}
        self.history_date = timezone.now()

    def run(self, lines: list[EntryLine]) -> None:
        statement_id = self.statement.pk
        establishment_id = self.statement.establishment_id
        keys = [transaction_key(line) for line in lines]
        seen = first_sightings(establishment_id=establishment_id, statement_id=statement_id, keys=set(keys))
        candidates_of = [[] if key in seen else references(line) for line, key in zip(lines, keys, strict=True)]
        transfers = {
            row.reference: row
            for row in map(TransferRow._make, rows_by_key(
                Transfer, "reference", {r for refs in candidates_of for r in refs}, TransferRow._fields,
            ))
        }
        debit_refs = {r for line, refs in zip(lines, candidates_of, strict=True) if line.credit_debit != "CRDT"
                      for r in refs}
        refund_amounts = dict(rows_by_key(Refund, "end_to_end_id", debit_refs, ("end_to_end_id", "amount")))
        # Transfer id → status once this chunk is applied (a transfer paid twice in the chunk). The
        # earlier chunks' outcomes are in the database already, read above: nothing grows with the file.
        taken: dict[int, str] = {}
        rows: list[EntryRow] = []
        to_receive: list[int] = []
        returns: list[EntryRow] = []
        for line, candidates, key in zip(lines, candidates_of, keys, strict=True):
            sighting = seen.get(key) if seen else None
            if sighting is not None:
                # The same money read earlier in another file: matched there, once. Nothing changes here.
                rows.append(EntryRow(line=line, transfer_id=sighting.transfer_id, outcome=M.ALREADY_SEEN, key=key,
                                     first_seen=sighting.pk))
                continue
            transfer = None
            for ref in candidates:
                found = transfers.get(ref)
                if found is not None and found.establishment_id == establishment_id:
                    transfer = found
                    break
            transfer_id = transfer.pk if transfer else None
            status = taken.get(transfer_id, transfer.status) if transfer else None
            resolution, resolved_at, returned = "", None, False
            if line.entry_status not in ("BOOK", ""):
                outcome = M.NOT_BOOKED
            elif line.credit_debit == CreditDebit.DEBIT or (line.reversal and line.credit_debit == CreditDebit.CREDIT):
                refund_ref = next((r for r in candidates if r in refund_amounts), None)
                if transfer and is_return(line) and line.credit_debit == CreditDebit.DEBIT:
                    if line.amount != transfer.amount:
                        # Only the transfer's own amount returns it: anything else waits for a person.
                        outcome = M.AMOUNT_MISMATCH
                    elif status == S.CREDITED:
                        outcome = M.UNEXPECTED_STATUS
                    else:
                        outcome = M.RETURNED
                        resolution, resolved_at, returned = Resolution.RETURN_APPLIED, timezone.now(), True
                        taken[transfer_id] = S.REFUNDED
                elif line.credit_debit == CreditDebit.DEBIT and refund_ref is not None:
                    outcome = M.REFUND_SENT if line.amount == refund_amounts[refund_ref] else M.AMOUNT_MISMATCH
                else:
                    outcome = M.OTHER
            elif transfer is None:
                outcome = M.UNKNOWN_REFERENCE
            elif line.amount != transfer.amount:
                outcome = M.AMOUNT_MISMATCH
            elif status in RECEIVABLE_STATUSES:
                outcome = M.MATCHED
                to_receive.append(transfer_id)
                taken[transfer_id] = S.RECEIVED
            elif status in ALREADY_RECEIVED:
                outcome = M.DUPLICATE
            else:
                outcome = M.UNEXPECTED_STATUS
            row = EntryRow(line=line, transfer_id=transfer_id, outcome=outcome, resolution=resolution,
                           resolved_at=resolved_at, key=key)
            rows.append(row)
            if returned:
                returns.append(row)
        # The entries are written before the receipt is announced (transfers_received): the monitoring
        # reads their payer's name and account in the same transaction.
        insert_rows(StatementEntry, ENTRY_COLUMNS, [
            (statement_id, establishment_id, *_line_values(row.line), row.key, row.first_seen, row.transfer_id,
             row.outcome, row.resolution, "", row.resolved_at, None)
            for row in rows
        ])
        refused = set(transfer_services.receive_many(
            transfer_ids=to_receive, user=self.user, reason=ReconciliationAuditReason.RECEIVED_ON_STATEMENT,
            detail=self.statement.file_name,
        ))
        if refused:
            # Received meanwhile by someone else: not this entry's to match.
            rows = [
                row._replace(outcome=M.UNEXPECTED_STATUS)
                if row.outcome == M.MATCHED and row.transfer_id in refused else row
                for row in rows
            ]
            StatementEntry.objects.filter(
                statement_id=statement_id, entry_index__gte=lines[0].entry_index,
                entry_index__lte=lines[-1].entry_index, outcome=M.MATCHED, transfer_id__in=refused,
            ).update(outcome=M.UNEXPECTED_STATUS)
        counts = self.counts
        for row in rows:
            counts[row.outcome] = counts.get(row.outcome, 0) + 1
        for row in returns:
            transfer_services.return_to_payer(
                transfer_id=row.transfer_id, user=self.user,
                reason=ReconciliationAuditReason.RETURNED_BY_BANK, detail=row.line.return_reason,
            )
        # The creation history of these entries, written by the database (a chunk holds whole entries).
        history_from_table(
            StatementEntry, where="statement_id = %s AND entry_index BETWEEN %s AND %s",
            params=[statement_id, lines[0].entry_index, lines[-1].entry_index], user=self.user,
            reason=self.reason, date=self.history_date, history_type="+",
        )
