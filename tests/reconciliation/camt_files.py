"""camt.053 statements, camt.052 intraday reports and camt.054 notices for the tests, written by hand (not by
the code under test): versions 001.02 and 001.08, with the variations banks produce. Each entry carries the bank's
reference (``AcctSvcrRef``): by default one of its own file (``BANK<n>-<MsgId>``); the same money in a notice and
in the statement carries the same one (``Entry.ref``, ``Tx.ref``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape


@dataclass
class Tx:
    amount: str
    end_to_end: str = "NOTPROVIDED"
    remittance: str = ""
    debtor: str = "Angela DUBOIS"
    debtor_iban: str = "FR7630004000000001234567845"
    currency: str = ""  # the entry's, unless given
    credit: bool | None = None  # v08's TxDtls/CdtDbtInd: the entry's side, unless given
    ref: str = ""  # TxDtls/Refs/AcctSvcrRef, none unless given


@dataclass
class Entry:
    amount: str
    txs: list[Tx] = field(default_factory=list)
    credit: bool = True
    status: str = "BOOK"
    reversal: bool = False
    family: str = "RCDT"
    subfamily: str = "ESCT"
    currency: str = "EUR"
    return_reason: str = ""
    batch: tuple[int, str] | None = None  # NtryDtls/Btch: (NbOfTxs, TtlAmt)
    ref: str = ""  # Ntry/AcctSvcrRef: BANK<n>-<MsgId> unless given


def credit(amount: str, end_to_end: str = "NOTPROVIDED", remittance: str = "", ref: str = "", **kw) -> Entry:
    return Entry(amount, [Tx(amount, end_to_end, remittance, **kw)], ref=ref)


# The message element and the element holding the entries of each kind.
CONTAINERS = {"053": ("BkToCstmrStmt", "Stmt"), "052": ("BkToCstmrAcctRpt", "Rpt"),
              "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn")}


def build(
    *,
    iban: str,
    entries: list[Entry],
    version: str = "08",
    msg_id: str = "MSG-1",
    opening: str = "0.00",
    closing: str | None = None,
    currency: str = "EUR",
    day: str = "2026-06-10",
    summary: str = "",
    kind: str = "053",
    balances: tuple[str, ...] | None = None,
) -> bytes:
    """``summary``: the statement's TxsSummry, as written (after the balances). ``kind``: "053" (a statement),
    "052" (an intraday report) or "054" (a notice). ``balances``: the codes of the balances written, the opening
    one first (default OPBD and CLBD, none in a notice)."""
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.{kind}.001.{version}"
    message, container = CONTAINERS[kind]
    if balances is None:
        balances = () if kind == "054" else ("OPBD", "CLBD")
    if closing is None:
        total = Decimal(opening)
        for e in entries:
            if e.status == "BOOK":
                total += Decimal(e.amount) if e.credit else -Decimal(e.amount)
        closing = f"{total:.2f}"
    v2 = version == "02"

    def bal(code: str, amount: str) -> str:
        value = Decimal(amount)
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"{currency}\">{abs(value):.2f}</Amt>"
            f"<CdtDbtInd>{'CRDT' if value >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
        )

    parts = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{ns}"><{message}>',
        f"<GrpHdr><MsgId>{msg_id}</MsgId><CreDtTm>{day}T20:00:00</CreDtTm></GrpHdr>",
        f"<{container}><Id>STMT-{msg_id}</Id><CreDtTm>{day}T20:00:00</CreDtTm>",
        f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>{currency}</Ccy></Acct>",
        *(bal(code, opening if i == 0 else closing) for i, code in enumerate(balances)),
        summary,
    ]
    for index, e in enumerate(entries, start=1):
        status = f"<Sts>{e.status}</Sts>" if v2 else f"<Sts><Cd>{e.status}</Cd></Sts>"
        parts.append(
            f"<Ntry><NtryRef>{index}</NtryRef><Amt Ccy=\"{e.currency}\">{e.amount}</Amt>"
            f"<CdtDbtInd>{'CRDT' if e.credit else 'DBIT'}</CdtDbtInd>"
            + ("<RvslInd>true</RvslInd>" if e.reversal else "")
            + f"{status}<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
            f"<AcctSvcrRef>{e.ref or f'BANK{index}-{msg_id}'}</AcctSvcrRef>"
            f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{e.family}</Cd><SubFmlyCd>{e.subfamily}</SubFmlyCd></Fmly>"
            f"</Domn></BkTxCd>"
        )
        if e.txs:
            parts.append("<NtryDtls>")
            if e.batch:
                parts.append(
                    f"<Btch><NbOfTxs>{e.batch[0]}</NbOfTxs><TtlAmt Ccy=\"{e.currency}\">{e.batch[1]}</TtlAmt></Btch>"
                )
            for tx in e.txs:
                side = "CRDT" if (e.credit if tx.credit is None else tx.credit) else "DBIT"
                ccy = tx.currency or e.currency
                debtor = (
                    f"<Dbtr><Nm>{escape(tx.debtor)}</Nm></Dbtr>" if v2
                    else f"<Dbtr><Pty><Nm>{escape(tx.debtor)}</Nm></Pty></Dbtr>"
                )
                amount = (
                    f"<AmtDtls><TxAmt><Amt Ccy=\"{ccy}\">{tx.amount}</Amt></TxAmt></AmtDtls>" if v2
                    else f"<Amt Ccy=\"{ccy}\">{tx.amount}</Amt><CdtDbtInd>{side}</CdtDbtInd>"
                )
                if not tx.amount:  # a detail without an amount of its own
                    amount = ""
                ret = (
                    f"<RtrInf><Rsn><Cd>{e.return_reason}</Cd></Rsn></RtrInf>" if e.return_reason else ""
                )
                parts.append(
                    f"<TxDtls><Refs>{f'<AcctSvcrRef>{tx.ref}</AcctSvcrRef>' if tx.ref else ''}"
                    f"<EndToEndId>{tx.end_to_end}</EndToEndId></Refs>{amount}"
                    f"<RltdPties>{debtor}<DbtrAcct><Id><IBAN>{tx.debtor_iban}</IBAN></Id></DbtrAcct></RltdPties>"
                    f"<RmtInf><Ustrd>{escape(tx.remittance)}</Ustrd></RmtInf>{ret}</TxDtls>"
                )
            parts.append("</NtryDtls>")
        parts.append("</Ntry>")
    parts.append(f"</{container}></{message}></Document>")
    return "".join(parts).encode("utf-8")


def write(tmp_path, content: bytes, name: str = "releve.xml") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)
