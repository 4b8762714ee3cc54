"""Importing a file of a régie account — the evening's statement (camt.053), an intraday report (camt.052) or a
credit/debit notice (camt.054) — all alike: the file checked (size, not seen before, its header's account one the
user may manage, its balances), read by the reader thread (``camt.reader``) and matched chunk by chunk
(``matching``), all in one transaction that first locks the establishment's row: the files of one establishment
are imported one after the other, so that a notice and the statement imported at the same moment still see each
other's transactions (``MatchOutcome.ALREADY_SEEN``)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_reason
from core.money import ZERO, format_euros
from establishments.models import Establishment
from establishments.selectors import require_establishment

from ..camt import CamtError, StatementHeader
from ..camt.parser import check_size
from ..camt.reader import StatementReader
from ..constants import (
    CURRENCY,
    MAX_STATEMENT_BYTES,
    CreditDebit,
    MatchOutcome,
    ReconciliationAuditReason,
    StatementKind,
)
from ..models import BankStatement
from .matching import Matcher


@dataclass
class ImportResult:
    statement: BankStatement
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        s = self.statement
        values = {"msg": s.message_id, "day": f"{s.statement_date:%d/%m/%Y}", "code": s.establishment.code,
                  "n": s.entry_count}
        if s.kind == StatementKind.NOTIFICATION:
            first = _("Avis camt.054 %(msg)s du %(day)s importé pour %(code)s : %(n)s écritures.") % values
        elif s.kind == StatementKind.REPORT:
            first = _("Relevé intrajournalier camt.052 %(msg)s du %(day)s importé pour %(code)s : "
                      "%(n)s écritures.") % values
        else:
            first = _("Relevé %(msg)s du %(day)s importé pour %(code)s : %(n)s écritures.") % values
        parts = [first]
        for outcome, count in sorted(self.counts.items()):
            parts.append(f"{MatchOutcome(outcome).label} : {count}")
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
    unknown = CamtError(
        _("Le compte %(iban)s n'est le compte de régie d'aucun établissement que vous pouvez gérer.")
        % {"iban": header.iban}
    )
    if establishment is None:
        raise unknown
    require_establishment(user, establishment.pk, unknown)
    # The establishment's files are imported one at a time (until this transaction ends): what an earlier file
    # brought is seen by the next one's matching.
    establishment = Establishment.objects.select_for_update().get(pk=establishment.pk)
    if BankStatement.objects.filter(message_id=header.message_id, iban=header.iban).exists():
        message = (_("Cet avis a déjà été importé (message %(msg)s du compte %(iban)s).")
                   if header.kind == StatementKind.NOTIFICATION
                   else _("Ce relevé a déjà été importé (message %(msg)s du compte %(iban)s)."))
        raise CamtError(message % {"msg": header.message_id, "iban": header.iban})
    return establishment


def import_statement(
    *,
    path: str,
    user=None,
    file_name: str = "",
    max_bytes: int = MAX_STATEMENT_BYTES,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import a camt.053, camt.052 or camt.054 file of a régie account and match its entries, all or nothing
    (an entry another file already brought is ``ALREADY_SEEN``: nothing changes for it). ``user`` None
    is an operator (every establishment); a staff member may import only their establishments'
    statements. CamtError (French) when the file is refused; nothing is written then."""
    size = check_size(path, max_bytes)
    sha = file_sha256(path)
    if BankStatement.objects.filter(file_sha256=sha).exists():
        raise CamtError(_("Ce fichier a déjà été importé."))
    name = file_name or os.path.basename(path)
    reason = audit_reason(ReconciliationAuditReason.STATEMENT_IMPORTED, name)
    try:
        with transaction.atomic(), open(path, "rb") as handle:
            result = _import(handle, size=size, sha=sha, user=user, file_name=name, reason=reason,
                             max_bytes=max_bytes, progress=progress)
    except IntegrityError as exc:
        # Two imports of the same statement at once: the second one meets the unique constraints.
        raise CamtError(_("Ce relevé a déjà été importé.")) from exc
    return result


def _new_statement(header: StatementHeader, *, user, sha: str, file_name: str, reason: str) -> BankStatement:
    statement = BankStatement(
        establishment=_check_header(header, user), iban=header.iban, message_id=header.message_id[:35],
        statement_id=header.statement_id[:35], kind=header.kind, camt_version=header.version,
        file_name=file_name[:255],
        file_sha256=sha, statement_date=header.statement_date or timezone.localdate(),
        opening_balance=ZERO, closing_balance=ZERO, total_credits=ZERO, total_debits=ZERO, entry_count=0,
        imported_by=user,
    )
    statement._history_user = user
    statement._change_reason = reason
    statement.save()
    return statement


def _import(handle, *, size: int, sha: str, user, file_name: str, reason: str, max_bytes: int,
            progress: Callable[[int, int], None] | None) -> ImportResult:
    statement: BankStatement | None = None
    matcher: Matcher | None = None
    credits = debits = ZERO
    last_entry = 0
    header: StatementHeader | None = None
    reader = StatementReader(handle, max_bytes)
    reader.start()
    try:
        for item in reader:
            if isinstance(item, StatementHeader):
                header = item
                if statement is None:
                    statement = _new_statement(item, user=user, sha=sha, file_name=file_name, reason=reason)
                    matcher = Matcher(statement, user, reason)
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
    opening, closing = _balances(header)
    if opening is not None and opening + credits - debits != closing:
        raise CamtError(
            _("Les soldes ne concordent pas : solde d'ouverture %(o)s + crédits %(c)s − débits %(d)s = "
              "%(e)s, mais le solde de clôture est de %(f)s.")
            % {"o": format_euros(opening), "c": format_euros(credits), "d": format_euros(debits),
               "e": format_euros(opening + credits - debits), "f": format_euros(closing)}
        )
    # Every booked entry counts in the file's totals, ALREADY_SEEN ones too: the balances are the account's.
    statement.opening_balance, statement.closing_balance = opening, closing
    statement.total_credits, statement.total_debits = credits, debits
    statement.entry_count = header.entry_count
    statement._history_user = user
    statement._change_reason = reason
    statement.save()
    if progress:
        progress(size, size)
    return ImportResult(statement=statement, counts=matcher.counts)


def _balances(header: StatementHeader) -> tuple:
    """(opening, closing) of the file: both required of a statement (camt.053); a notice (camt.054) has none
    (both None); a report (camt.052) both or none, never one without the other."""
    if header.kind == StatementKind.NOTIFICATION:
        return None, None
    opening, closing = header.opening, header.closing
    if header.kind == StatementKind.REPORT:
        if opening is None and closing is None:
            return None, None
        if opening is None or closing is None:
            raise CamtError(_("Le relevé intrajournalier indique un solde d'ouverture (OPBD ou PRCD) sans solde de "
                              "clôture (ITBD ou CLBD), ou l'inverse : il doit donner les deux ou aucun."))
        return opening, closing
    if opening is None or closing is None:
        raise CamtError(_("Le relevé doit indiquer son solde d'ouverture (OPBD) et son solde de clôture (CLBD)."))
    return opening, closing
