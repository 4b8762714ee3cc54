"""The refunds' pain.001 (``reconciliation.sepa``): names and texts in SEPA's character set through
``core.text.sepa_text``; a name with nothing left is written ``-``."""

from decimal import Decimal
from types import SimpleNamespace

from lxml import etree

from reconciliation.sepa import build_pain001

PAIN = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def test_names_in_the_sepa_set_and_a_dash_for_nothing():
    establishment = SimpleNamespace(
        regie_holder="Régie  des comptes — Fresnes", regie_iban="FR7610071750000000100012302", regie_bic="TRPUFRP1"
    )
    refund = SimpleNamespace(
        creditor_name="€€€", creditor_iban="FR7630004000000001234567942", creditor_bic="", amount=Decimal("12.50"),
        reason="Référence inconnue", end_to_end_id="RBTABCDEFGHJKLMNPQRSTUVW",
    )
    root = etree.fromstring(build_pain001(establishment=establishment, message_id="RBT1", refunds=[refund]).encode())
    assert root.findtext(".//p:Dbtr/p:Nm", namespaces=PAIN) == "Regie des comptes Fresnes"
    assert root.findtext(".//p:Cdtr/p:Nm", namespaces=PAIN) == "-"
    assert root.findtext(".//p:RmtInf/p:Ustrd", namespaces=PAIN) == "Remboursement Reference inconnue"
