"""Each customer of the sandbox bank pays from their own account, as at a real bank: a valid French IBAN
derived from the name the payment request carries, written on the régie's statement as DbtrAcct — so the
"one account, several relatives" rule does not fire on every demo payer."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from lxml import etree
from schwifty import IBAN

from sandbox.bank import services as bank
from sandbox.models import SandboxPaymentRequest
from tests.establishments.factories import EstablishmentFactory

from .test_bank_statement import NS, _body

PARIS = ZoneInfo("Europe/Paris")
NAMES = ["Angela Claire Louise DUBOIS", "Pierre DUPONT", "Sophie Marie LEROY", "CLIENT DEMO", "Zoé O'NEILL"]


@pytest.mark.parametrize("name", NAMES)
def test_each_customer_has_a_valid_french_iban(name):
    iban = IBAN(bank.customer_iban(name))  # raises on a wrong checksum
    assert iban.validate(validate_bban=True)  # the RIB key too
    assert iban.country_code == "FR" and iban.bank_code == "30004"
    assert str(iban) == bank.customer_iban(name)  # the same every time


def test_two_customers_two_accounts_and_the_same_customer_one():
    assert len({bank.customer_iban(name) for name in NAMES}) == len(NAMES)
    assert bank.customer_iban("Sophie Marie LEROY") == bank.customer_iban("sophie  marie Leroy")
    assert bank.customer_iban("Zoé O'NEILL") == bank.customer_iban("ZOE O'NEILL")
    assert bank.customer_iban("Sophie LEROY") != bank.customer_iban("Sophie Marie LEROY")


@pytest.mark.django_db
def test_the_statement_names_each_payers_own_account():
    establishment = EstablishmentFactory(code="CPACCT")
    at = datetime.datetime(2026, 6, 10, 12, tzinfo=PARIS)
    for e2e, debtor in (("PDPSOPHIE1", "Sophie Marie LEROY"), ("PDPSOPHIE2", "Sophie Marie LEROY"),
                        ("PDPPIERRE", "Pierre DUPONT")):
        payment, _ = bank.receive_payment_request(
            client_id="pisp", request_id=e2e, body=_body(e2e, "20.00", establishment.regie_iban, debtor=debtor))
        bank.decide(resource_id=payment.resource_id, confirm=True)
        SandboxPaymentRequest.objects.filter(pk=payment.pk).update(executed_at=at, decided_at=at)
    out = io.StringIO()
    call_command("sandbox_statement", "CPACCT", "--date", "2026-06-10", stdout=out)
    root = etree.fromstring(out.getvalue().encode())
    accounts = {
        entry.xpath("string(.//c:TxDtls/c:Refs/c:EndToEndId)", namespaces=NS):
            entry.xpath("string(.//c:RltdPties/c:DbtrAcct/c:Id/c:IBAN)", namespaces=NS)
        for entry in root.xpath("//c:Ntry", namespaces=NS)
    }
    assert accounts == {
        "PDPSOPHIE1": bank.customer_iban("Sophie Marie LEROY"),
        "PDPSOPHIE2": bank.customer_iban("Sophie Marie LEROY"),
        "PDPPIERRE": bank.customer_iban("Pierre DUPONT"),
    }
    assert accounts["PDPSOPHIE1"] != accounts["PDPPIERRE"]


@pytest.mark.django_db
def test_a_cancelled_payment_has_no_account():
    payment, _ = bank.receive_payment_request(
        client_id="pisp", request_id="c", body=_body("PDPCANCEL", "5.00", "FR7610007000010000000000109"))
    assert bank.decide(resource_id=payment.resource_id, confirm=False).debtor_iban == ""
