"""The sandbox bank's end-of-day statement of a régie account: ISO 20022 camt.053.001.08, with one
entry per payment it executed to that account that day; and its intraday notice (camt.054.001.08) of the
instant payments executed to that account so far that day, each entry written as the statement writes it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from lxml import etree

from core.money import euro_sum, queryset_euro_sum
from sandbox.models import SandboxPaymentRequest

from .constants import LOCAL_INSTRUMENT_INSTANT, SANDBOX_BANK_BIC

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
NOTICE_NS = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"
Status = SandboxPaymentRequest.Status


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return start, datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)


def _amount(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):.2f}"


def _sub(parent, tag: str, text: str | None = None, **attrs):
    """A child in its parent's namespace (camt.053 or camt.054)."""
    element = etree.SubElement(parent, f"{{{etree.QName(parent).namespace}}}{tag}", **attrs)
    if text is not None:
        element.text = text
    return element


def _path(parent, *tags: str, text: str | None = None):
    for tag in tags[:-1]:
        parent = _sub(parent, tag)
    return _sub(parent, tags[-1], text)


def _balance(stmt, code: str, amount: Decimal, day: datetime.date) -> None:
    bal = _sub(stmt, "Bal")
    _path(bal, "Tp", "CdOrPrtry", "Cd", text=code)
    _sub(bal, "Amt", _amount(abs(amount)), Ccy="EUR")
    _sub(bal, "CdtDbtInd", "CRDT" if amount >= 0 else "DBIT")
    _path(bal, "Dt", "Dt", text=day.isoformat())


def _entry(parent, payment: SandboxPaymentRequest, index: int) -> None:
    """One payment's ``Ntry``, written alike in the camt.053 statement and the camt.054 notice (same
    ``AcctSvcrRef``, ``EndToEndId``, amount, debtor, remittance, and ``NtryRef``: its rank among the day's
    payments), so that the reconciliation recognises one transaction in both files."""
    booked = payment.executed_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    entry = _sub(parent, "Ntry")
    _sub(entry, "NtryRef", f"{index}")
    _sub(entry, "Amt", _amount(payment.amount), Ccy=payment.currency)
    _sub(entry, "CdtDbtInd", "CRDT")
    _path(entry, "Sts", "Cd", text="BOOK")
    _path(entry, "BookgDt", "Dt", text=booked.isoformat())
    _path(entry, "ValDt", "Dt", text=booked.isoformat())
    _sub(entry, "AcctSvcrRef", payment.resource_id)
    domain = _path(entry, "BkTxCd", "Domn")
    _sub(domain, "Cd", "PMNT")
    family = _sub(domain, "Fmly")
    _sub(family, "Cd", "RCDT")
    _sub(family, "SubFmlyCd", "ESCT")
    tx = _path(entry, "NtryDtls", "TxDtls")
    refs = _sub(tx, "Refs")
    _sub(refs, "AcctSvcrRef", payment.resource_id)
    _sub(refs, "InstrId", payment.instruction_id)
    _sub(refs, "EndToEndId", payment.end_to_end_id)
    _sub(tx, "Amt", _amount(payment.amount), Ccy=payment.currency)
    _sub(tx, "CdtDbtInd", "CRDT")
    parties = _sub(tx, "RltdPties")
    _path(parties, "Dbtr", "Pty", "Nm", text=payment.debtor_name[:140])
    _path(parties, "DbtrAcct", "Id", "IBAN", text=payment.debtor_iban)
    _path(parties, "Cdtr", "Pty", "Nm", text=payment.creditor_name[:140])
    _path(parties, "CdtrAcct", "Id", "IBAN", text=payment.creditor_iban)
    agents = _sub(tx, "RltdAgts")
    _path(agents, "DbtrAgt", "FinInstnId", "BICFI", text=SANDBOX_BANK_BIC)
    _path(tx, "RmtInf", "Ustrd", text=payment.remittance)


def _executed_to(iban: str):
    return SandboxPaymentRequest.objects.filter(status=Status.EXECUTED, creditor_iban=iban)


def _day_payments(iban: str, start: datetime.datetime, end: datetime.datetime) -> list[SandboxPaymentRequest]:
    """The payments executed to ``iban`` in [start, end), in the statement's order (its ``NtryRef``)."""
    return list(_executed_to(iban).filter(executed_at__gte=start, executed_at__lt=end).order_by("executed_at", "pk"))


def _account(parent, iban: str, holder: str) -> None:
    """The régie's account, as the statement and the notice both name it."""
    acct = _sub(parent, "Acct")
    _path(acct, "Id", "IBAN", text=iban)
    _sub(acct, "Ccy", "EUR")
    _path(acct, "Ownr", "Nm", text=holder[:140])
    _path(acct, "Svcr", "FinInstnId", "BICFI", text=SANDBOX_BANK_BIC)


def _summary(parent, count: int, total: Decimal) -> None:
    """The entries' count and sum (TxsSummry), credits only."""
    totals = _path(parent, "TxsSummry", "TtlNtries")
    _sub(totals, "NbOfNtries", str(count))
    _sub(totals, "Sum", _amount(total))
    net = _sub(totals, "TtlNetNtry")
    _sub(net, "Amt", _amount(total))
    _sub(net, "CdtDbtInd", "CRDT")


def build_statement(*, iban: str, holder: str, day: datetime.date, now: datetime.datetime | None = None) -> bytes:
    now = now or timezone.now()
    start, end = _day_bounds(day)
    executed = _executed_to(iban)
    entries = _day_payments(iban, start, end)
    opening = queryset_euro_sum(executed.filter(executed_at__lt=start))
    day_total = euro_sum(e.amount for e in entries)
    closing = opening + day_total
    stamp = now.astimezone(ZoneInfo(settings.TIME_ZONE)).isoformat(timespec="seconds")
    statement_id = f"STMT-{iban[-11:]}-{day:%Y%m%d}"

    root = etree.Element(f"{{{NS}}}Document", nsmap={None: NS})
    report = _sub(root, "BkToCstmrStmt")
    header = _sub(report, "GrpHdr")
    _sub(header, "MsgId", f"SANDBOX-{day:%Y%m%d}-{iban[-11:]}")
    _sub(header, "CreDtTm", stamp)
    stmt = _sub(report, "Stmt")
    _sub(stmt, "Id", statement_id)
    _sub(stmt, "ElctrncSeqNb", f"{day:%Y%m%d}")
    _sub(stmt, "CreDtTm", stamp)
    period = _sub(stmt, "FrToDt")
    _sub(period, "FrDtTm", start.isoformat(timespec="seconds"))
    _sub(period, "ToDtTm", (end - datetime.timedelta(seconds=1)).isoformat(timespec="seconds"))
    _account(stmt, iban, holder)
    _balance(stmt, "OPBD", opening, day)
    _balance(stmt, "CLBD", closing, day)
    _summary(stmt, len(entries), day_total)
    for index, payment in enumerate(entries, start=1):
        _entry(stmt, payment, index)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def build_notice(*, iban: str, holder: str, day: datetime.date, now: datetime.datetime | None = None) -> bytes:
    """The camt.054.001.08 notice (``BkToCstmrDbtCdtNtfctn``, no balances) of the instant payments (SCT Inst)
    executed to ``iban`` on ``day`` up to ``now``: an ordinary SEPA transfer reaches the account with the
    evening's statement only. Each entry is the statement's own (same ``NtryRef`` among the day's payments);
    the message id names the time, so that each notice of the day is another message."""
    now = now or timezone.now()
    tz = ZoneInfo(settings.TIME_ZONE)
    start, end = _day_bounds(day)
    until = min(max(now, start), end)
    day_so_far = _day_payments(iban, start, min(until + datetime.timedelta(microseconds=1), end))
    entries = [
        (index, payment) for index, payment in enumerate(day_so_far, start=1)
        if payment.local_instrument == LOCAL_INSTRUMENT_INSTANT
    ]
    total = euro_sum(payment.amount for _index, payment in entries)
    local_now = now.astimezone(tz)
    stamp = local_now.isoformat(timespec="seconds")

    root = etree.Element(f"{{{NOTICE_NS}}}Document", nsmap={None: NOTICE_NS})
    message = _sub(root, "BkToCstmrDbtCdtNtfctn")
    header = _sub(message, "GrpHdr")
    _sub(header, "MsgId", f"N{local_now:%Y%m%d%H%M%S%f}-{iban[-11:]}")
    _sub(header, "CreDtTm", stamp)
    notice = _sub(message, "Ntfctn")
    _sub(notice, "Id", f"NTF-{iban[-11:]}-{local_now:%Y%m%d%H%M%S}")
    _sub(notice, "CreDtTm", stamp)
    period = _sub(notice, "FrToDt")
    _sub(period, "FrDtTm", start.isoformat(timespec="seconds"))
    _sub(period, "ToDtTm", until.astimezone(tz).isoformat(timespec="seconds"))
    _account(notice, iban, holder)
    _summary(notice, len(entries), total)
    for index, payment in entries:
        _entry(notice, payment, index)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
