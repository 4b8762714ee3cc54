"""A streaming reader of ISO 20022 camt.053 statements (versions 001.02 to 001.13).

The file is read with lxml ``iterparse`` (no entity resolution, no network, no DTD, no huge tree),
one entry (``Ntry``) at a time, each cleared once read: memory stays flat whatever the file's size.
Elements are read by their local names, so that the versions' namespaces and their small differences
(``Sts`` as text or ``Sts/Cd``, ``Dbtr/Nm`` or ``Dbtr/Pty/Nm``, ``TxDtls/Amt`` or
``TxDtls/AmtDtls/TxAmt/Amt``) are all understood.

``parse_statement`` yields the statement's header first (a ``StatementHeader``, once the elements
before the first entry are read), then each ``EntryLine``; the header's balances and the checks of
the whole file come at the end (``StatementHeader.finished``)."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from django.utils.translation import gettext as _
from lxml import etree

from ..constants import CAMT053_NAMESPACE_PREFIX, CAMT053_VERSIONS, MAX_STATEMENT_BYTES, NOT_PROVIDED


class CamtError(ValueError):
    """The file cannot be read as a camt.053 statement; the message is French, for the user."""


@dataclass
class StatementHeader:
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
    finished: bool = False

    @property
    def opening(self) -> Decimal | None:
        for code in ("OPBD", "PRCD", "OPAV"):
            if code in self.balances:
                return self.balances[code]
        return None

    @property
    def closing(self) -> Decimal | None:
        for code in ("CLBD", "CLAV"):
            if code in self.balances:
                return self.balances[code]
        return None

    @property
    def statement_date(self) -> datetime.date | None:
        return self.balance_dates.get("CLBD") or self.to_date or self.from_date


@dataclass(slots=True)
class EntryLine:
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


def _amount(element, what) -> tuple[Decimal, str]:
    """``what`` is a callable giving the French name of the amount (built only for an error)."""
    raw = (element.text or "").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise CamtError(_("Montant illisible (%(what)s) : « %(raw)s ».") % {"what": what(), "raw": raw[:40]}) from exc
    if not value.is_finite() or value < 0 or value.as_tuple().exponent < -2:
        raise CamtError(_("Montant invalide (%(what)s) : « %(raw)s ».") % {"what": what(), "raw": raw[:40]})
    return value.quantize(CENT), (element.get("Ccy") or "").strip()


CENT = Decimal("0.01")


def _date(flat: dict, base: str) -> datetime.date | None:
    raw = _text(flat, f"{base}/Dt", f"{base}/DtTm")
    return _parse_date(raw)


def _parse_date(raw: str) -> datetime.date | None:
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw[:10])
    except ValueError as exc:
        raise CamtError(_("Date illisible : « %(raw)s ».") % {"raw": raw[:40]}) from exc


def _first_text(element) -> str:
    """The text of ``element``, or of its first child (``Sts`` vs ``Sts/Cd``, ``Dt/Dt`` vs ``Dt/DtTm``)."""
    if len(element):
        return (element[0].text or "").strip()
    return (element.text or "").strip()


def _detail(detail) -> dict:
    """The fields of one TxDtls, read by walking its children (faster than generic paths)."""
    out = {"e2e": "", "amount": None, "debtor": "", "iban": "", "bic": "", "remittance": [], "return": []}
    for child in detail:
        name = _local(child.tag)
        if name == "Refs":
            for ref in child:
                if _local(ref.tag) == "EndToEndId":
                    out["e2e"] = (ref.text or "").strip()
        elif name == "Amt":
            out["amount"] = child
        elif name == "AmtDtls" and out["amount"] is None:
            for sub in child.iter():
                if _local(sub.tag) == "Amt" and _local(sub.getparent().tag) in ("TxAmt", "InstdAmt"):
                    out["amount"] = sub
                    break
        elif name == "RltdPties":
            for party in child:
                pname = _local(party.tag)
                if pname == "Dbtr":
                    for sub in party:
                        sname = _local(sub.tag)
                        if sname == "Nm":
                            out["debtor"] = (sub.text or "").strip()
                        elif sname == "Pty":
                            for leaf in sub:
                                if _local(leaf.tag) == "Nm":
                                    out["debtor"] = (leaf.text or "").strip()
                elif pname == "DbtrAcct":
                    for sub in party.iter():
                        if _local(sub.tag) == "IBAN":
                            out["iban"] = (sub.text or "").strip()
        elif name == "RltdAgts":
            for sub in child.iter():
                if _local(sub.tag) in ("BICFI", "BIC") and _local(sub.getparent().getparent().tag) == "DbtrAgt":
                    out["bic"] = (sub.text or "").strip()
        elif name == "RmtInf":
            for sub in child:
                sname = _local(sub.tag)
                if sname == "Ustrd":
                    out["remittance"].append((sub.text or "").strip())
                elif sname == "Strd":
                    for leaf in sub.iter():
                        if _local(leaf.tag) == "Ref" and _local(leaf.getparent().tag) == "CdtrRefInf":
                            out["remittance"].append((leaf.text or "").strip())
        elif name == "RtrInf":
            for sub in child.iter():
                if _local(sub.tag) in ("Cd", "AddtlInf"):
                    out["return"].append((sub.text or "").strip())
    return out


def _entry_lines(entry, entry_index: int) -> list[EntryLine]:
    amount_el = None
    credit_debit = status = entry_ref = servicer_ref = ""
    reversal = False
    booking = value = None
    code = ""
    details = []
    for child in entry:
        name = _local(child.tag)
        if name == "Amt":
            amount_el = child
        elif name == "CdtDbtInd":
            credit_debit = (child.text or "").strip()
        elif name == "Sts":
            status = _first_text(child)
        elif name == "RvslInd":
            reversal = (child.text or "").strip().lower() in ("true", "1")
        elif name == "NtryRef":
            entry_ref = (child.text or "").strip()
        elif name == "AcctSvcrRef":
            servicer_ref = (child.text or "").strip()
        elif name == "BookgDt":
            booking = _parse_date(_first_text(child))
        elif name == "ValDt":
            value = _parse_date(_first_text(child))
        elif name == "BkTxCd":
            flat = _flatten(child)
            parts = (_text(flat, "Domn/Cd"), _text(flat, "Domn/Fmly/Cd"), _text(flat, "Domn/Fmly/SubFmlyCd"))
            code = "/".join(p for p in parts if p) or _text(flat, "Prtry/Cd")
        elif name == "NtryDtls":
            details += [d for d in child if _local(d.tag) == "TxDtls"]

    def where() -> str:
        return _("écriture n° %(n)s") % {"n": entry_index}

    if amount_el is None:
        raise CamtError(_("L'écriture n° %(n)s n'a pas de montant.") % {"n": entry_index})
    entry_amount, currency = _amount(amount_el, where)
    if credit_debit not in ("CRDT", "DBIT"):
        raise CamtError(_("L'écriture n° %(n)s n'indique pas si elle est au crédit ou au débit.") % {"n": entry_index})
    common = {
        "entry_index": entry_index,
        "entry_reference": entry_ref[:35],
        "account_servicer_reference": servicer_ref[:35],
        "booking_date": booking,
        "value_date": value,
        "entry_status": status[:10],
        "credit_debit": credit_debit,
        "reversal": reversal,
        "bank_transaction_code": code[:40],
        "entry_amount": entry_amount,
    }
    if not details:
        return [EntryLine(detail_index=1, amount=entry_amount, currency=currency, end_to_end_id="", remittance="",
                          debtor_name="", debtor_iban="", debtor_bic="", return_reason="", **common)]
    lines = []
    for index, detail in enumerate(details, start=1):
        tx = _detail(detail)
        if tx["amount"] is not None:
            amount, tx_currency = _amount(tx["amount"], where)
        elif len(details) == 1:
            amount, tx_currency = entry_amount, currency
        else:
            raise CamtError(
                _("L'écriture n° %(n)s a plusieurs détails sans montant chacun.") % {"n": entry_index}
            )
        end_to_end = tx["e2e"]
        if end_to_end.upper() == NOT_PROVIDED:
            end_to_end = ""
        lines.append(
            EntryLine(
                detail_index=index,
                amount=amount,
                currency=tx_currency or currency,
                end_to_end_id=end_to_end[:35],
                remittance=" ".join(r for r in tx["remittance"] if r)[:500],
                debtor_name=tx["debtor"][:140],
                debtor_iban="".join(tx["iban"].split()).upper()[:34],
                debtor_bic=tx["bic"][:11],
                return_reason=" ".join(r for r in tx["return"] if r)[:105],
                **common,
            )
        )
    return lines


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
    header.balances.setdefault(code, amount)
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


_EVENT_TAGS = ("{*}Ntry", "{*}GrpHdr", "{*}Acct", "{*}Bal", "{*}FrToDt", "{*}Stmt")


def parse_statement(
    source: str | BinaryIO, *, max_bytes: int = MAX_STATEMENT_BYTES
) -> Iterator[StatementHeader | EntryLine]:
    """Yield the header (once, before the first entry, and again at the end with ``finished``), then
    every line. Raises CamtError on anything not a readable, single camt.053 statement.

    lxml reports only the ends of the few elements read here (the filter runs in C): the entries,
    the group header, the account, the balances, the period and the statement itself."""
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
    announced = False
    statement = None
    entry_index = 0
    try:
        for _event, element in context:
            if not checked:
                _check_root(element.getroottree().getroot(), header)
                checked = True
            name = _local(element.tag)
            parent = element.getparent()
            parent_name = _local(parent.tag) if parent is not None else ""
            if name == "Ntry" and parent_name == "Stmt":
                if statement is None:
                    statement = parent
                elif parent is not statement:
                    raise CamtError(_("Le fichier contient plusieurs relevés : un seul relevé par fichier."))
                if not announced:
                    announced = True
                    yield header
                entry_index += 1
                yield from _entry_lines(element, entry_index)
                element.clear()
                while element.getprevious() is not None:
                    del parent[0]
            elif name == "Stmt":
                header.statement_count += 1
                if header.statement_count > 1:
                    raise CamtError(_("Le fichier contient plusieurs relevés : un seul relevé par fichier."))
            elif name == "GrpHdr":
                flat = _flatten(element)
                header.message_id = _text(flat, "MsgId")
                header.created_at = _text(flat, "CreDtTm")
            elif parent_name == "Stmt" and name == "Acct":
                flat = _flatten(element)
                header.iban = "".join(_text(flat, "Id/IBAN").split()).upper()
                header.currency = _text(flat, "Ccy") or header.currency
                for sibling in parent:
                    if _local(sibling.tag) == "Id":
                        header.statement_id = (sibling.text or "").strip()
                        break
            elif parent_name == "Stmt" and name == "FrToDt":
                flat = _flatten(element)
                header.from_date = _iso_date(_text(flat, "FrDtTm"))
                header.to_date = _iso_date(_text(flat, "ToDtTm"))
            elif parent_name == "Stmt" and name == "Bal":
                _balance(element, header)
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
        _check_root(root, header)
    if header.statement_count == 0:
        raise CamtError(_("Le fichier ne contient aucun relevé (Stmt)."))
    header.entry_count = entry_index
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


def _check_root(element, header: StatementHeader) -> None:
    docinfo = element.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise CamtError(DOCTYPE_REFUSED())
    namespace = element.tag.partition("}")[0].lstrip("{") if element.tag.startswith("{") else ""
    if not namespace.startswith(CAMT053_NAMESPACE_PREFIX) or _local(element.tag) != "Document":
        raise CamtError(_("Ce fichier n'est pas un relevé camt.053 (espace de noms « %(ns)s »).") % {"ns": namespace})
    version = namespace[len(CAMT053_NAMESPACE_PREFIX):]
    if version not in CAMT053_VERSIONS:
        raise CamtError(_("Version camt.053 non prise en charge : %(v)s.") % {"v": version})
    header.version = f"camt.053.001.{version}"
