"""A streaming reader of the régie's ISO 20022 bank files (versions 001.02 to 001.13): the evening's
statement camt.053 (``BkToCstmrStmt/Stmt``), the intraday report camt.052 (``BkToCstmrAcctRpt/Rpt``) and the
debit/credit notification camt.054 (``BkToCstmrDbtCdtNtfctn/Ntfctn``). The three share their entries'
structure: they are read alike, with the same checks; the header says which kind was read
(``StatementHeader.kind``, a ``StatementKind``). A notice has no balances; a report may have them.

The file is read with lxml ``iterparse`` (no entity resolution, no network, no DTD, no huge tree),
one entry (``Ntry``) at a time, each cleared once read: memory stays flat whatever the file's size.
The file's namespace (one per camt.053 version) is resolved once, from the document element; each
entry is then read by walking its children and comparing their full names, without XPath nor a search
per field, and the versions' small differences (``Sts`` as text or ``Sts/Cd``, ``Dbtr/Nm`` or
``Dbtr/Pty/Nm``, ``TxDtls/Amt`` or ``TxDtls/AmtDtls/TxAmt/Amt``) are all understood.

``parse_statement`` yields the statement's header first (a ``StatementHeader``, once the elements
before the first entry are read), then each ``EntryLine``; the header's balances and the checks of
the whole file come at the end (``StatementHeader.finished``).

A statement must prove what it claims: each entry is checked as it is read, with its details in hand
(their amounts add up to the entry's, their currency and side are the entry's, the entry's currency
is the account's, a batch booking's ``Btch`` figures agree), and counted in a few running totals that
the statement's summary (``TxsSummry``), when it has one, must match at the end. No second pass,
nothing kept per entry. A refusal names the entry: its position, ``AcctSvcrRef`` and ``NtryRef``."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from lxml import etree

from core.money import CENT, ZERO, euro_sum, format_euros
from core.text import ascii_number

from ..constants import (
    CAMT053_VERSIONS,
    CAMT_CONTAINERS,
    CAMT_NAMESPACE_PREFIX,
    MAX_STATEMENT_BYTES,
    NOT_PROVIDED,
    StatementKind,
)


class CamtError(ValueError):
    """The file cannot be read as a camt.053, camt.052 or camt.054 file; the message is French, for the user."""


@dataclass
class StatementHeader:
    kind: str = StatementKind.STATEMENT
    version: str = ""
    message_id: str = ""
    statement_id: str = ""
    iban: str = ""
    currency: str = ""
    created_at: str = ""
    from_date: datetime.date | None = None
    to_date: datetime.date | None = None
    balances: dict[str, Decimal] = field(default_factory=dict)
    balance_dates: dict[str, datetime.date] = field(default_factory=dict)
    statement_count: int = 0
    other_currencies: set[str] = field(default_factory=set)
    entry_count: int = 0
    # The entries' own totals, counted as they are read (every entry, whatever its status), and what
    # the statement's summary (TxsSummry) announces, when it has one: compared once the file is read.
    credit_count: int = 0
    credit_sum: Decimal = ZERO
    debit_count: int = 0
    debit_sum: Decimal = ZERO
    summary: dict[str, int | Decimal] = field(default_factory=dict)
    finished: bool = False

    @property
    def opening(self) -> Decimal | None:
        for code in ("OPBD", "PRCD", "OPAV"):
            if code in self.balances:
                return self.balances[code]
        return None

    @property
    def closing(self) -> Decimal | None:
        # An intraday report closes on its interim booked balance (ITBD) when it has no CLBD.
        codes = ("CLBD", "ITBD", "CLAV") if self.kind == StatementKind.REPORT else ("CLBD", "CLAV")
        for code in codes:
            if code in self.balances:
                return self.balances[code]
        return None

    @property
    def statement_date(self) -> datetime.date | None:
        return (self.balance_dates.get("CLBD") or self.balance_dates.get("ITBD") or self.to_date
                or self.from_date or _iso_date(self.created_at))


@dataclass(slots=True, kw_only=True)
class EntryLine:
    """One transaction detail of an entry (an entry without details is one line): what the matching
    reads. ``amount`` is the detail's, ``entry_amount`` the whole entry's."""

    entry_index: int
    detail_index: int
    entry_reference: str
    account_servicer_reference: str
    booking_date: datetime.date | None
    value_date: datetime.date | None
    entry_status: str
    credit_debit: str
    reversal: bool
    bank_transaction_code: str
    amount: Decimal
    currency: str
    entry_amount: Decimal
    end_to_end_id: str
    remittance: str
    debtor_name: str
    debtor_iban: str
    debtor_bic: str
    return_reason: str
    # The detail's own reference at the bank (TxDtls/Refs/AcctSvcrRef): read for the transaction's key
    # (``matching.transaction_key``), not stored as such.
    transaction_reference: str = ""


_LOCAL_NAMES: dict[str, str] = {}


def _local(tag) -> str:
    try:
        return _LOCAL_NAMES[tag]
    except (KeyError, TypeError):
        if not isinstance(tag, str):
            return ""
        name = tag.rpartition("}")[2]
        if len(_LOCAL_NAMES) < 5000:  # a file cannot grow the cache without bound
            _LOCAL_NAMES[tag] = name
        return name


def _flatten(element, prefix: str = "", out: dict | None = None, skip: str | None = None) -> dict[str, list]:
    """``{"Refs/EndToEndId": [text], "Amt": [element]...}``: every descendant by its local path;
    ``skip`` names a child not to descend into (the transaction details of an entry)."""
    if out is None:
        out = {}
    for child in element:
        name = _local(child.tag)
        if not name or name == skip:
            continue
        path = f"{prefix}{name}"
        out.setdefault(path, []).append(child)
        if len(child):
            _flatten(child, path + "/", out)
    return out


def _text(flat: dict, *paths: str) -> str:
    for path in paths:
        elements = flat.get(path)
        if elements:
            text = (elements[0].text or "").strip()
            if text:
                return text
    return ""


class EntryChild(Enum):
    """The children of an entry (``Ntry``) that are read."""

    AMOUNT = "Amt"
    SIDE = "CdtDbtInd"
    STATUS = "Sts"
    REVERSAL = "RvslInd"
    ENTRY_REF = "NtryRef"
    SERVICER_REF = "AcctSvcrRef"
    BOOKING_DATE = "BookgDt"
    VALUE_DATE = "ValDt"
    TRANSACTION_CODE = "BkTxCd"
    DETAILS = "NtryDtls"


class DetailChild(Enum):
    """The children of a transaction detail (``TxDtls``) that are read."""

    REFS = "Refs"
    AMOUNT = "Amt"
    AMOUNT_DETAILS = "AmtDtls"
    PARTIES = "RltdPties"
    AGENTS = "RltdAgts"
    REMITTANCE = "RmtInf"
    RETURN = "RtrInf"
    SIDE = "CdtDbtInd"


_ENTRY_TAGS = {kind: kind.value for kind in EntryChild}
_DETAIL_TAGS = {kind: kind.value for kind in DetailChild}
# The members as module names: the loops below compare each element's kind with them (``is``), and an
# enum member's lookup on its class costs far more than a global's, a million times per file.
(E_AMOUNT, E_SIDE, E_STATUS, E_REVERSAL, E_ENTRY_REF, E_SERVICER_REF, E_BOOKING_DATE, E_VALUE_DATE,
 E_TRANSACTION_CODE, E_DETAILS) = EntryChild
D_REFS, D_AMOUNT, D_AMOUNT_DETAILS, D_PARTIES, D_AGENTS, D_REMITTANCE, D_RETURN, D_SIDE = DetailChild


class _Names:
    """The full names (``{namespace}Local``) of the elements of an entry, for the file's namespace:
    resolved once per file, so that each element is recognised by one string comparison (and an
    element of another namespace that happens to share a local name is not taken for the statement's)."""

    _LOCALS = (
        "Ntry", "Stmt", "Amt", "CdtDbtInd", "Sts", "RvslInd", "NtryRef", "AcctSvcrRef", "BookgDt", "ValDt",
        "BkTxCd", "Domn", "Fmly", "Cd", "SubFmlyCd", "Prtry", "NtryDtls", "TxDtls", "Refs", "EndToEndId",
        "AmtDtls", "TxAmt", "InstdAmt", "RltdPties", "Dbtr", "Nm", "Pty", "DbtrAcct", "IBAN", "RltdAgts",
        "DbtrAgt", "BICFI", "BIC", "RmtInf", "Ustrd", "Strd", "CdtrRefInf", "Ref", "RtrInf", "AddtlInf",
        "Btch", "NbOfTxs", "TtlAmt",
    )

    def __init__(self, namespace: str):
        prefix = f"{{{namespace}}}" if namespace else ""
        for local in self._LOCALS:
            setattr(self, local, prefix + local)
        # The element holding the entries: Stmt (camt.053), Rpt (camt.052) or Ntfctn (camt.054).
        kind = _kind_of(namespace)
        self.container_local = CAMT_CONTAINERS[kind][1] if kind else "Stmt"
        self.container = prefix + self.container_local
        # The children of an entry, and of a transaction detail, that are read: their tag → what it holds.
        self.entry_children = {getattr(self, tag): kind for kind, tag in _ENTRY_TAGS.items()}
        self.detail_children = {getattr(self, tag): kind for kind, tag in _DETAIL_TAGS.items()}


_NAMES: dict[str, _Names] = {}


def _names(namespace: str) -> _Names:
    names = _NAMES.get(namespace)
    if names is None:
        names = _NAMES[namespace] = _Names(namespace)
    return names


# Amounts and dates repeat from one entry to the next (the same 25.00, the same booking day): each raw
# text is checked and converted once. Bounded, so that a file cannot grow them without limit.
_AMOUNTS: dict[str, Decimal] = {}
_DATES: dict[str, datetime.date] = {}
_CACHE_LIMIT = 4096


def _amount(element, what) -> tuple[Decimal, str]:
    """``what`` is a callable giving the French name of the amount (built only for an error)."""
    raw = element.text or ""
    value = _AMOUNTS.get(raw)
    if value is None:
        value = _check_amount(raw.strip(), what)
        if len(_AMOUNTS) < _CACHE_LIMIT:
            _AMOUNTS[raw] = value
    currency = element.get("Ccy")
    return value, currency.strip() if currency else ""


def _check_amount(raw: str, what) -> Decimal:
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise CamtError(_("Montant illisible (%(what)s) : « %(raw)s ».") % {"what": what(), "raw": raw[:40]}) from exc
    if not value.is_finite() or value < 0 or value.as_tuple().exponent < -2:
        raise CamtError(_("Montant invalide (%(what)s) : « %(raw)s ».") % {"what": what(), "raw": raw[:40]})
    return value.quantize(CENT)


def _date(flat: dict, base: str) -> datetime.date | None:
    raw = _text(flat, f"{base}/Dt", f"{base}/DtTm")
    return _parse_date(raw)


def _parse_date(raw: str) -> datetime.date | None:
    if not raw:
        return None
    value = _DATES.get(raw)
    if value is None:
        try:
            value = datetime.date.fromisoformat(raw[:10])
        except ValueError as exc:
            raise CamtError(_("Date illisible : « %(raw)s ».") % {"raw": raw[:40]}) from exc
        if len(_DATES) < _CACHE_LIMIT:
            _DATES[raw] = value
    return value


def _first_text(element) -> str:
    """The text of ``element``, or of its first child (``Sts`` vs ``Sts/Cd``, ``Dt/Dt`` vs ``Dt/DtTm``)."""
    if len(element):
        element = element[0]
    text = element.text
    return text.strip() if text else ""


def _stripped(element) -> str:
    text = element.text
    return text.strip() if text else ""


def _transaction_code(element, n: _Names) -> str:
    """``Domn/Cd`` + ``Domn/Fmly/Cd`` + ``Domn/Fmly/SubFmlyCd`` as ``PMNT/RCDT/ESCT``, else ``Prtry/Cd``."""
    domain = family = subfamily = proprietary = ""
    for child in element:
        tag = child.tag
        if tag == n.Domn:
            for sub in child:
                if sub.tag == n.Cd:
                    domain = domain or _stripped(sub)
                elif sub.tag == n.Fmly:
                    for leaf in sub:
                        if leaf.tag == n.Cd:
                            family = family or _stripped(leaf)
                        elif leaf.tag == n.SubFmlyCd:
                            subfamily = subfamily or _stripped(leaf)
        elif tag == n.Prtry:
            for sub in child:
                if sub.tag == n.Cd:
                    proprietary = proprietary or _stripped(sub)
    return "/".join(p for p in (domain, family, subfamily) if p) or proprietary


def _detail(detail, n: _Names) -> tuple:
    """The fields of one TxDtls, read by walking its children: (end-to-end id, amount element, debtor,
    debtor IBAN, debtor BIC, remittance parts, return parts, credit or debit as the detail says)."""
    end_to_end = debtor = iban = bic = side = servicer = ""
    amount = instructed = None
    remittance: list[str] = []
    returned: list[str] = []
    kinds = n.detail_children
    for child in detail:
        kind = kinds.get(child.tag)
        if kind is None:
            continue
        if kind is D_REFS:
            for ref in child:
                if ref.tag == n.EndToEndId:
                    end_to_end = _stripped(ref)
                elif ref.tag == n.AcctSvcrRef:
                    servicer = _stripped(ref)
        elif kind is D_AMOUNT:
            amount = child
        elif kind is D_PARTIES:
            for party in child:
                tag = party.tag
                if tag == n.Dbtr:
                    for sub in party:
                        if sub.tag == n.Nm:
                            debtor = _stripped(sub)
                        elif sub.tag == n.Pty:
                            for leaf in sub:
                                if leaf.tag == n.Nm:
                                    debtor = _stripped(leaf)
                elif tag == n.DbtrAcct:
                    for sub in party.iter(n.IBAN):
                        iban = _stripped(sub)
        elif kind is D_REMITTANCE:
            for sub in child:
                if sub.tag == n.Ustrd:
                    remittance.append(_stripped(sub))
                elif sub.tag == n.Strd:
                    for leaf in sub.iter(n.Ref):
                        if leaf.getparent().tag == n.CdtrRefInf:
                            remittance.append(_stripped(leaf))
        elif kind is D_AGENTS:  # the debtor's agent's BIC
            for agent in child:
                if agent.tag == n.DbtrAgt:
                    for institution in agent:
                        for leaf in institution:
                            if leaf.tag == n.BICFI or leaf.tag == n.BIC:
                                bic = _stripped(leaf)
        elif kind is D_AMOUNT_DETAILS:  # the transaction's amount (else the instructed one), unless Amt gave it
            if amount is None:
                for sub in child:
                    if sub.tag == n.TxAmt:
                        amount = next(sub.iterchildren(n.Amt), None)
                    elif sub.tag == n.InstdAmt:
                        instructed = next(sub.iterchildren(n.Amt), None)
        elif kind is D_RETURN:
            returned += [_stripped(sub) for sub in child.iter(n.Cd, n.AddtlInf)]
        elif kind is D_SIDE:  # 001.08 and later
            side = _stripped(child)
    return (end_to_end, amount if amount is not None else instructed, debtor, iban, bic, remittance, returned, side,
            servicer)


def _entry_name(entry_index: int, servicer_ref: str, entry_ref: str) -> str:
    """``écriture n° 3 (réf. banque BANK3, réf. écriture 3)``: its position in the file and the
    references the bank gave it, so that the staff find it in the bank's own file."""
    refs = []
    if servicer_ref:
        refs.append(_("réf. banque %(ref)s") % {"ref": servicer_ref[:35]})
    if entry_ref:
        refs.append(_("réf. écriture %(ref)s") % {"ref": entry_ref[:35]})
    name = _("écriture n° %(n)s") % {"n": entry_index}
    return f"{name} ({', '.join(refs)})" if refs else name


def _refuse(entry_name: str, message: str, **values) -> CamtError:
    """A refusal naming the entry: ``L'écriture n° 3 (…) <message>``."""
    return CamtError(_("L'%(entry)s %(message)s") % {"entry": entry_name, "message": message % values})


def _side(credit_debit: str) -> str:
    return _("au crédit") if credit_debit == "CRDT" else _("au débit")


def _entry_lines(entry, entry_index: int, n: _Names, header: StatementHeader) -> list[EntryLine]:
    """The lines of one entry (one per transaction detail), once the entry is proved consistent: its
    currency is the account's, its details' currency and side are the entry's, their amounts add up
    to the entry's amount, and its batch figures (``Btch``), if any, agree. Counts the entry in the
    header's totals (for the statement's summary)."""
    amount_el = None
    credit_debit = status = entry_ref = servicer_ref = code = ""
    reversal = False
    booking = value = None
    details = []
    batches = []
    kinds = n.entry_children
    for child in entry:
        kind = kinds.get(child.tag)
        if kind is None:
            continue
        if kind is E_AMOUNT:
            amount_el = child
        elif kind is E_SIDE:
            credit_debit = _stripped(child)
        elif kind is E_STATUS:
            status = _first_text(child)
        elif kind is E_REVERSAL:
            reversal = _stripped(child).lower() in ("true", "1")
        elif kind is E_ENTRY_REF:
            entry_ref = _stripped(child)
        elif kind is E_SERVICER_REF:
            servicer_ref = _stripped(child)
        elif kind is E_BOOKING_DATE:
            booking = _parse_date(_first_text(child))
        elif kind is E_VALUE_DATE:
            value = _parse_date(_first_text(child))
        elif kind is E_TRANSACTION_CODE:
            code = _transaction_code(child, n)
        else:  # NtryDtls: its transaction details, and its batch figures if any
            own = []
            for sub in child:
                tag = sub.tag
                if tag == n.TxDtls:
                    own.append(sub)
                elif tag == n.Btch:
                    batches.append((sub, own))
            details += own

    def where() -> str:  # the entry's name, built only for an error
        return _entry_name(entry_index, servicer_ref, entry_ref)

    if amount_el is None:
        raise _refuse(where(), _("n'a pas de montant."))
    entry_amount, currency = _amount(amount_el, where)
    if not currency:
        raise _refuse(where(), _("n'indique pas la devise de son montant (Ccy)."))
    if header.currency and currency != header.currency:
        raise _refuse(where(), _("est en %(ccy)s, le compte en %(account)s : refusé."), ccy=currency,
                      account=header.currency)
    if credit_debit not in ("CRDT", "DBIT"):
        raise _refuse(where(), _("n'indique pas si elle est au crédit ou au débit."))
    if credit_debit == "CRDT":
        header.credit_count += 1
        header.credit_sum += entry_amount
    else:
        header.debit_count += 1
        header.debit_sum += entry_amount
    entry_ref = entry_ref[:35]
    servicer_ref = servicer_ref[:35]
    status = status[:10]
    code = code[:40]
    if not details:
        return [
            EntryLine(
                entry_index=entry_index, detail_index=1, entry_reference=entry_ref,
                account_servicer_reference=servicer_ref, booking_date=booking, value_date=value,
                entry_status=status, credit_debit=credit_debit, reversal=reversal, bank_transaction_code=code,
                amount=entry_amount, currency=currency, entry_amount=entry_amount, end_to_end_id="", remittance="",
                debtor_name="", debtor_iban="", debtor_bic="", return_reason="",
            )
        ]
    lines = []
    total = entry_amount
    amounts: dict[int, Decimal] | None = {} if batches else None
    for index, detail in enumerate(details, start=1):
        end_to_end, tx_amount, debtor, iban, bic, remittance, returned, side, servicer = _detail(detail, n)
        if tx_amount is not None:
            amount, tx_currency = _amount(tx_amount, where)
            if not tx_currency:
                raise _refuse(where(), _("a un détail (n° %(d)s) qui n'indique pas la devise de son montant (Ccy)."),
                              d=index)
            if tx_currency != currency:
                raise _refuse(where(), _("est en %(ccy)s mais son détail n° %(d)s en %(other)s."),
                              ccy=currency, d=index, other=tx_currency)
        elif len(details) == 1:
            amount = entry_amount
        else:
            raise _refuse(where(), _("a plusieurs détails sans montant chacun."))
        if side and side != credit_debit:
            raise _refuse(where(), _("est %(side)s mais son détail n° %(d)s est %(other)s."),
                          side=_side(credit_debit), d=index, other=_side(side))
        total = amount if index == 1 else total + amount
        if amounts is not None:
            amounts[id(detail)] = amount
        if end_to_end.upper() == NOT_PROVIDED:
            end_to_end = ""
        if iban:
            iban = "".join(iban.split()).upper()
        lines.append(
            EntryLine(
                entry_index=entry_index, detail_index=index, entry_reference=entry_ref,
                account_servicer_reference=servicer_ref, booking_date=booking, value_date=value,
                entry_status=status, credit_debit=credit_debit, reversal=reversal, bank_transaction_code=code,
                amount=amount, currency=currency, entry_amount=entry_amount, end_to_end_id=end_to_end[:35],
                remittance=(" ".join(r for r in remittance if r) if len(remittance) != 1 else remittance[0])[:500],
                debtor_name=debtor[:140], debtor_iban=iban[:34], debtor_bic=bic[:11],
                return_reason=" ".join(r for r in returned if r)[:105] if returned else "",
                transaction_reference=servicer[:35],
            )
        )
    if total != entry_amount:
        raise _refuse(where(), _("est de %(amount)s mais ses détails totalisent %(total)s."),
                      amount=format_euros(entry_amount), total=format_euros(total))
    for batch, own in batches:
        _check_batch(batch, own, amounts, where, currency, n)
    return lines


def _check_batch(batch, details: list, amounts: dict, where, currency: str, n: _Names) -> None:
    """A batch booking's figures (``NtryDtls/Btch``: number of transactions, total) against its details."""
    count = total = None
    for child in batch:
        if child.tag == n.NbOfTxs:
            count = _count(_stripped(child), lambda: _("%(entry)s, Btch/NbOfTxs") % {"entry": where()})
        elif child.tag == n.TtlAmt:
            total, ccy = _amount(child, lambda: _("%(entry)s, Btch/TtlAmt") % {"entry": where()})
            if ccy and ccy != currency:
                raise _refuse(where(), _("est en %(ccy)s mais son lot (Btch) en %(other)s."), ccy=currency, other=ccy)
    if count is not None and count != len(details):
        raise _refuse(where(), _("annonce %(count)s opérations mais en détaille %(n)s (Btch/NbOfTxs)."),
                      count=count, n=len(details))
    if total is not None and details:
        found = euro_sum(amounts[id(d)] for d in details)
        if found != total:
            raise _refuse(where(), _("annonce un total de %(total)s mais ses détails totalisent %(found)s "
                                  "(Btch/TtlAmt)."), total=format_euros(total), found=format_euros(found))


def _count(raw: str, what) -> int:
    count = ascii_number(raw, max_length=15)
    if count is None:
        raise CamtError(_("Nombre illisible (%(what)s) : « %(raw)s ».") % {"what": what(), "raw": raw[:40]})
    return count


def _balance(element, header: StatementHeader) -> None:
    flat = _flatten(element)
    code = _text(flat, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry")
    amounts = flat.get("Amt")
    if not code or not amounts:
        raise CamtError(_("Un solde du relevé est incomplet."))
    amount, currency = _amount(amounts[0], lambda: _("solde %(code)s") % {"code": code})
    if currency:
        header.other_currencies.add(currency)
    if _text(flat, "CdtDbtInd") == "DBIT":
        amount = -amount
    known = header.balances.setdefault(code, amount)
    if known != amount:
        raise CamtError(
            _("Le relevé indique deux soldes %(code)s différents : %(a)s et %(b)s.")
            % {"code": code, "a": format_euros(known), "b": format_euros(amount)}
        )
    balance_date = _date(flat, "Dt")
    if balance_date:
        header.balance_dates.setdefault(code, balance_date)


def check_size(path: str, max_bytes: int = MAX_STATEMENT_BYTES) -> int:
    size = os.path.getsize(path)
    if size > max_bytes:
        raise CamtError(
            _("Le fichier dépasse la taille maximale acceptée (%(size)s Mo pour %(max)s Mo au plus).")
            % {"size": round(size / 1024 / 1024, 1), "max": max_bytes // 1024 // 1024}
        )
    if size == 0:
        raise CamtError(_("Le fichier est vide."))
    return size


_EVENT_TAGS = ("{*}Ntry", "{*}GrpHdr", "{*}Acct", "{*}Bal", "{*}TxsSummry", "{*}FrToDt", "{*}Stmt", "{*}Rpt",
               "{*}Ntfctn")

# The figures of a statement's summary (TxsSummry) that are compared with its entries, by their path.
_SUMMARY_COUNTS = ("TtlNtries/NbOfNtries", "TtlCdtNtries/NbOfNtries", "TtlDbtNtries/NbOfNtries")
_SUMMARY_SUMS = ("TtlNtries/Sum", "TtlCdtNtries/Sum", "TtlDbtNtries/Sum")


def _summary(element, header: StatementHeader) -> None:
    """Read the statement's summary: numbers of entries and totals (all, credits, debits) and the net
    total (``TtlNetNtry/Amt`` + ``CdtDbtInd`` from 001.03, ``TtlNetNtryAmt`` + ``CdtDbtInd`` before).
    The totals per bank transaction code are not the statement's: not read."""
    flat = _flatten(element)

    def what(path: str):
        return lambda: _("résumé du relevé, %(path)s") % {"path": path}

    for path in _SUMMARY_COUNTS:
        raw = _text(flat, path)
        if raw:
            header.summary[path] = _count(raw, what(path))
    for path in _SUMMARY_SUMS:
        if _text(flat, path):
            header.summary[path] = _check_amount(_text(flat, path), what(path))
    for path, side in (("TtlNtries/TtlNetNtry/Amt", "TtlNtries/TtlNetNtry/CdtDbtInd"),
                       ("TtlNtries/TtlNetNtryAmt", "TtlNtries/CdtDbtInd")):
        raw = _text(flat, path)
        if raw:
            net = _check_amount(raw, what(path))
            header.summary["net"] = -net if _text(flat, side) == "DBIT" else net
            break


def _check_summary(header: StatementHeader) -> None:
    """The summary, when the statement has one, must describe the entries the file holds."""
    summary = header.summary
    if not summary:
        return
    found = {
        "TtlNtries/NbOfNtries": header.credit_count + header.debit_count,
        "TtlCdtNtries/NbOfNtries": header.credit_count,
        "TtlDbtNtries/NbOfNtries": header.debit_count,
        "TtlNtries/Sum": header.credit_sum + header.debit_sum,
        "TtlCdtNtries/Sum": header.credit_sum,
        "TtlDbtNtries/Sum": header.debit_sum,
        "net": header.credit_sum - header.debit_sum,
    }
    counts = {
        "TtlNtries/NbOfNtries": lambda n: ngettext("%(n)s écriture", "%(n)s écritures", n) % {"n": n},
        "TtlCdtNtries/NbOfNtries": lambda n: ngettext(
            "%(n)s écriture au crédit", "%(n)s écritures au crédit", n) % {"n": n},
        "TtlDbtNtries/NbOfNtries": lambda n: ngettext(
            "%(n)s écriture au débit", "%(n)s écritures au débit", n) % {"n": n},
    }
    sums = {
        "TtlNtries/Sum": _("un total des écritures de %(a)s, mais le relevé totalise %(b)s"),
        "TtlCdtNtries/Sum": _("un total au crédit de %(a)s, mais le relevé totalise %(b)s"),
        "TtlDbtNtries/Sum": _("un total au débit de %(a)s, mais le relevé totalise %(b)s"),
        "net": _("un solde net des écritures de %(a)s, mais le relevé donne %(b)s"),
    }
    for key, announced in summary.items():
        actual = found[key]
        if announced == actual:
            continue
        if key in counts:
            claim = _("%(announced)s, mais le relevé en contient %(n)s") % {
                "announced": counts[key](announced), "n": actual}
        else:
            claim = sums[key] % {"a": format_euros(announced), "b": format_euros(actual)}
        raise CamtError(_("Le résumé du relevé (TxsSummry) annonce %(claim)s : refusé.") % {"claim": claim})


def parse_statement(
    source: str | BinaryIO, *, max_bytes: int = MAX_STATEMENT_BYTES
) -> Iterator[StatementHeader | EntryLine]:
    """Yield the header (once, before the first entry, and again at the end with ``finished``), then
    every line. Raises CamtError on anything not a readable, single camt.053 statement, camt.052 report or
    camt.054 notification.

    lxml reports only the ends of the few elements read here (the filter runs in C): the entries,
    the group header, the account, the balances, the period and the statement (report, notification) itself."""
    if isinstance(source, str):
        check_size(source, max_bytes)
    _refuse_doctype(source)
    header = StatementHeader()
    context = etree.iterparse(
        source,
        events=("end",),
        tag=_EVENT_TAGS,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    checked = False
    names = _names("")
    announced = False
    statement = None
    entry_index = 0
    try:
        for _event, element in context:
            if not checked:
                names = _names(_check_root(element.getroottree().getroot(), header))
                checked = True
            parent = element.getparent()
            if parent is statement and statement is not None and element.tag == names.Ntry:
                # The entry of the statement: the common case, recognised at the least cost.
                entry_index += 1
                yield from _entry_lines(element, entry_index, names, header)
                element.clear()
                while element.getprevious() is not None:
                    del parent[0]
                continue
            name = _local(element.tag)
            parent_name = _local(parent.tag) if parent is not None else ""
            container = names.container_local
            if parent is not None and element.tag == names.Ntry and parent.tag == names.container:
                if statement is not None:
                    raise CamtError(_several(header))
                statement = parent
                if not announced:
                    announced = True
                    yield header
                entry_index += 1
                yield from _entry_lines(element, entry_index, names, header)
                element.clear()
                while element.getprevious() is not None:
                    del parent[0]
            elif name == container:
                header.statement_count += 1
                if header.statement_count > 1:
                    raise CamtError(_several(header))
            elif name == "GrpHdr":
                flat = _flatten(element)
                header.message_id = _text(flat, "MsgId")
                header.created_at = _text(flat, "CreDtTm")
            elif parent_name == container and name == "Acct":
                flat = _flatten(element)
                header.iban = "".join(_text(flat, "Id/IBAN").split()).upper()
                header.currency = _text(flat, "Ccy") or header.currency
                for sibling in parent:
                    if _local(sibling.tag) == "Id":
                        header.statement_id = (sibling.text or "").strip()
                        break
            elif parent_name == container and name == "FrToDt":
                flat = _flatten(element)
                header.from_date = _iso_date(_text(flat, "FrDtTm"))
                header.to_date = _iso_date(_text(flat, "ToDtTm"))
            elif parent_name == container and name == "Bal":
                _balance(element, header)
            elif parent_name == container and name == "TxsSummry":
                _summary(element, header)
    except etree.XMLSyntaxError as exc:
        if "entity" in str(exc).lower():
            raise CamtError(DOCTYPE_REFUSED()) from exc
        raise CamtError(
            _("Le fichier n'est pas un XML lisible (ligne %(line)s) : il est mal formé ou tronqué.")
            % {"line": exc.lineno or "?"}
        ) from exc
    if not checked:
        root = getattr(context, "root", None)
        if root is None:
            raise CamtError(_("Le fichier ne contient aucun relevé (Stmt)."))
        names = _names(_check_root(root, header))
    if header.statement_count == 0:
        raise CamtError(_("Le fichier ne contient aucun %(what)s (%(tag)s).")
                        % {"what": _kind_noun(header.kind), "tag": names.container_local})
    header.entry_count = entry_index
    _check_summary(header)
    header.finished = True
    yield header


def _iso_date(raw: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw[:10]) if raw else None
    except ValueError:
        return None


def DOCTYPE_REFUSED() -> str:  # noqa: N802 - a message, translated when raised
    return _("Le fichier contient une déclaration DOCTYPE (entités XML) : refusé par sécurité.")


def _refuse_doctype(source) -> None:
    """A statement has no DTD: a DOCTYPE in the file's prolog (entities: billion laughs, XXE) is
    refused before lxml reads anything (lxml does not expand or fetch them either)."""
    if isinstance(source, str):
        with open(source, "rb") as handle:
            head = handle.read(65536)
    else:
        position = source.tell()
        head = source.read(65536)
        source.seek(position)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise CamtError(DOCTYPE_REFUSED())


def _kind_of(namespace: str) -> str:
    """The kind of file (``StatementKind``) a namespace ``…:camt.05X.001.NN`` names, else ""."""
    if not namespace.startswith(CAMT_NAMESPACE_PREFIX):
        return ""
    kind = namespace[len(CAMT_NAMESPACE_PREFIX):].rpartition(".001.")[0]
    return kind if kind in CAMT_CONTAINERS else ""


def _kind_noun(kind: str) -> str:
    if kind == StatementKind.NOTIFICATION:
        return _("avis")
    if kind == StatementKind.REPORT:
        return _("relevé intrajournalier")
    return _("relevé")


def _several(header: StatementHeader) -> str:
    return _("Le fichier contient plusieurs %(what)s : un seul par fichier.") % {
        "what": _("avis") if header.kind == StatementKind.NOTIFICATION else _("relevés")}


def _check_root(element, header: StatementHeader) -> str:
    """Check the document element (a camt.053, camt.052 or camt.054 of a version read, its message element the
    kind's); returns the file's namespace."""
    docinfo = element.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise CamtError(DOCTYPE_REFUSED())
    namespace = element.tag.partition("}")[0].lstrip("{") if element.tag.startswith("{") else ""
    kind = _kind_of(namespace)
    if not kind or _local(element.tag) != "Document":
        raise CamtError(_("Ce fichier n'est ni un relevé camt.053, ni un relevé intrajournalier camt.052, ni un avis "
                          "camt.054 (espace de noms « %(ns)s »).") % {"ns": namespace})
    version = namespace.rpartition(".001.")[2]
    if version not in CAMT053_VERSIONS:
        raise CamtError(_("Version %(kind)s non prise en charge : %(v)s.") % {"kind": kind, "v": version})
    message = CAMT_CONTAINERS[kind][0]
    first = next((child for child in element if isinstance(child.tag, str)), None)
    if first is not None and _local(first.tag) != message:
        raise CamtError(_("Un fichier %(kind)s commence par %(expected)s, celui-ci par %(found)s : refusé.")
                        % {"kind": kind, "expected": message, "found": _local(first.tag)})
    header.kind = kind
    header.version = f"{kind}.001.{version}"
    return namespace
