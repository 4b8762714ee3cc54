"""The sandbox bank's end-of-day statement of a régie account: ISO 20022 camt.053.001.08, with one
entry per payment it executed to that account that day."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from lxml import etree

from core.money import euro_sum, queryset_euro_sum
from sandbox.models import SandboxPaymentRequest

from .constants import SANDBOX_BANK_BIC

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
Status = SandboxPaymentRequest.Status


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return start, datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)


def _amount(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):.2f}"


def _sub(parent, tag: str, text: str | None = None, **attrs):
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", **attrs)
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


def build_statement(*, iban: str, holder: str, day: datetime.date, now: datetime.datetime | None = None) -> bytes:
    now = now or timezone.now()
    start, end = _day_bounds(day)
    executed = SandboxPaymentRequest.objects.filter(status=Status.EXECUTED, creditor_iban=iban)
    entries = list(executed.filter(executed_at__gte=start, executed_at__lt=end).order_by("executed_at", "pk"))
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
    acct = _sub(stmt, "Acct")
    _path(acct, "Id", "IBAN", text=iban)
    _sub(acct, "Ccy", "EUR")
    _path(acct, "Ownr", "Nm", text=holder[:140])
    _path(acct, "Svcr", "FinInstnId", "BICFI", text=SANDBOX_BANK_BIC)
    _balance(stmt, "OPBD", opening, day)
    _balance(stmt, "CLBD", closing, day)
    summary = _sub(stmt, "TxsSummry")
    total = _sub(summary, "TtlNtries")
    _sub(total, "NbOfNtries", str(len(entries)))
    _sub(total, "Sum", _amount(day_total))
    net = _sub(total, "TtlNetNtry")
    _sub(net, "Amt", _amount(day_total))
    _sub(net, "CdtDbtInd", "CRDT")
    for index, payment in enumerate(entries, start=1):
        booked = payment.executed_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
        entry = _sub(stmt, "Ntry")
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
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
