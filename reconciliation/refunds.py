"""The SEPA credit transfer file (pain.001.001.03, made with sepaxml) of a batch of refunds, debiting
the establishment's régie account."""

from __future__ import annotations

import datetime

from django.utils import timezone
from sepaxml import SepaTransfer


def _sepa_text(value: str, limit: int) -> str:
    allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ "
    import unicodedata

    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "".join(c if c in allowed else " " for c in plain)[:limit].strip() or "-"


def build_pain001(*, establishment, message_id: str, refunds, execution_date: datetime.date | None = None) -> str:
    config = {
        "name": _sepa_text(establishment.regie_holder, 70),
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
            "name": _sepa_text(refund.creditor_name, 70),
            "IBAN": refund.creditor_iban,
            "amount": int(refund.amount * 100),
            "execution_date": when,
            "description": _sepa_text(f"Remboursement {refund.reason}", 140),
            "endtoend_id": refund.end_to_end_id,
        }
        if refund.creditor_bic:
            payment["BIC"] = refund.creditor_bic
        sepa.add_payment(payment)
    return sepa.export(validate=True).decode("utf-8")
