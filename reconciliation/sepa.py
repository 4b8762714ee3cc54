"""The SEPA credit transfer file (pain.001.001.03, made with sepaxml) of a batch of refunds, debiting
the establishment's régie account. Names and texts in SEPA's character set (``core.text.sepa_text``);
a name with nothing left is written ``-`` (the schema wants one)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from sepaxml import SepaTransfer

from core.text import sepa_text


def _name(value: str) -> str:
    return sepa_text(value, 70) or "-"


def build_pain001(*, establishment, message_id: str, refunds, execution_date: datetime.date | None = None) -> str:
    config = {
        "name": _name(establishment.regie_holder),
        "IBAN": establishment.regie_iban,
        "BIC": establishment.regie_bic,
        "batch": True,
        "currency": "EUR",
    }
    sepa = SepaTransfer(config, schema="pain.001.001.03", clean=True)
    sepa.msg_id = message_id
    sepa._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId").text = message_id
    when = execution_date or timezone.localdate()
    for refund in refunds:
        payment = {
            "name": _name(refund.creditor_name),
            "IBAN": refund.creditor_iban,
            "amount": int(refund.amount * 100),
            "execution_date": when,
            "description": sepa_text(f"Remboursement {refund.reason}", 140) or "-",
            "endtoend_id": refund.end_to_end_id,
        }
        if refund.creditor_bic:
            payment["BIC"] = refund.creditor_bic
        sepa.add_payment(payment)
    return sepa.export(validate=True).decode("utf-8")
