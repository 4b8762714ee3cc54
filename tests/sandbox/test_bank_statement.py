"""The sandbox bank's camt.053.001.08 statement of a régie account (manage.py sandbox_statement)."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from sandbox.bank import services as bank
from sandbox.models import SandboxPaymentRequest
from tests.establishments.factories import EstablishmentFactory

NS = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"}
PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def _body(e2e: str, amount: str, iban: str, debtor: str = "Angela Claire Louise DUBOIS") -> dict:
    return {
        "paymentInformationId": e2e, "creationDateTime": "2026-06-10T10:00:00+02:00", "numberOfTransactions": 1,
        "paymentTypeInformation": {"serviceLevel": "SEPA"},
        "debtor": {"name": debtor},
        "beneficiary": {"creditor": {"name": "REGIE CP DEMO"}, "creditorAccount": {"iban": iban},
                        "creditorAgent": {"bicFi": "TRPUFRP1"}},
        "creditTransferTransaction": [{
            "paymentId": {"instructionId": e2e, "endToEndId": e2e},
            "instructedAmount": {"currency": "EUR", "amount": amount},
            "remittanceInformation": {"unstructured": [f"PECULE MARTIN JEAN ECROU 123456 REF {e2e}"]},
        }],
        "supplementaryData": {"acceptedAuthenticationApproach": ["REDIRECT"],
                              "successfulReportUrl": "https://p.example/ok",
                              "unsuccessfulReportUrl": "https://p.example/ko"},
    }


def _executed(e2e, amount, iban, at, confirm=True):
    payment, _ = bank.receive_payment_request(client_id="pisp", request_id=e2e, body=_body(e2e, amount, iban))
    bank.decide(resource_id=payment.resource_id, confirm=confirm)
    SandboxPaymentRequest.objects.filter(pk=payment.pk).update(executed_at=at, decided_at=at)
    return payment


def test_statement_lists_each_payment_executed_that_day_with_its_references():
    establishment = EstablishmentFactory(code="CPTEST")
    iban = establishment.regie_iban
    _executed("PDPBEFORE", "100.00", iban, datetime.datetime(2026, 6, 9, 12, tzinfo=PARIS))
    _executed("PDPAAAA", "50.00", iban, datetime.datetime(2026, 6, 10, 0, 5, tzinfo=PARIS))
    _executed("PDPBBBB", "12.34", iban, datetime.datetime(2026, 6, 10, 23, 55, tzinfo=PARIS))
    _executed("PDPNEXT", "7.00", iban, datetime.datetime(2026, 6, 11, 0, 1, tzinfo=PARIS))
    _executed("PDPOTHER", "9.00", "FR7630004000000001234567942", datetime.datetime(2026, 6, 10, 12, tzinfo=PARIS))
    bank.decide(resource_id=bank.receive_payment_request(
        client_id="pisp", request_id="x", body=_body("PDPCANC", "5.00", iban))[0].resource_id, confirm=False)
    out = io.StringIO()
    call_command("sandbox_statement", "CPTEST", "--date", "2026-06-10", stdout=out)
    root = etree.fromstring(out.getvalue().encode())
    assert root.xpath("string(//c:GrpHdr/c:MsgId)", namespaces=NS)
    assert root.xpath("string(//c:Stmt/c:Acct/c:Id/c:IBAN)", namespaces=NS) == iban
    balances = {
        b.xpath("string(c:Tp/c:CdOrPrtry/c:Cd)", namespaces=NS): b.xpath("string(c:Amt)", namespaces=NS)
        for b in root.xpath("//c:Bal", namespaces=NS)
    }
    assert balances == {"OPBD": "100.00", "CLBD": "162.34"}
    entries = root.xpath("//c:Ntry", namespaces=NS)
    assert [e.xpath("string(.//c:TxDtls/c:Refs/c:EndToEndId)", namespaces=NS) for e in entries] == [
        "PDPAAAA", "PDPBBBB",
    ]
    first = entries[0]
    assert first.xpath("string(c:Amt)", namespaces=NS) == "50.00"
    assert first.xpath("string(c:CdtDbtInd)", namespaces=NS) == "CRDT"
    assert "REF PDPAAAA" in first.xpath("string(.//c:RmtInf/c:Ustrd)", namespaces=NS)
    assert first.xpath("string(.//c:RltdPties/c:Dbtr/c:Pty/c:Nm)", namespaces=NS) == "Angela Claire Louise DUBOIS"
    assert first.xpath("string(.//c:RltdPties/c:DbtrAcct/c:Id/c:IBAN)", namespaces=NS) == bank.customer_iban(
        "Angela Claire Louise DUBOIS")
    assert Decimal(root.xpath("string(//c:TxsSummry/c:TtlNtries/c:Sum)", namespaces=NS)) == Decimal("62.34")


def test_statement_command_errors_are_french_and_non_zero():
    with pytest.raises(CommandError, match="Établissement inconnu"):
        call_command("sandbox_statement", "NOPE")
    EstablishmentFactory(code="CPX")
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("sandbox_statement", "CPX", "--date", "31/06/2026")
