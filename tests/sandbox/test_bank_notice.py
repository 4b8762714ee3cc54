"""The sandbox bank's instant transfers (localInstrument INST, the no_instant mode) and its intraday camt.054.001.08
notice of the instant payments so far (manage.py sandbox_statement --notice, the back office's button), each entry
written as the evening's camt.053 writes the same payment."""

import base64
import datetime
import html
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from lxml import etree

from reconciliation.models import BankStatement, ReconciliationJob
from sandbox.bank import backoffice
from sandbox.bank import constants as c
from sandbox.bank import services as bank
from sandbox.bank.camt import build_notice, build_statement
from sandbox.models import SandboxPaymentRequest
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.establishments.factories import EstablishmentFactory

from .test_bank_statement import _body

NOTICE = {"n": "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"}
STATEMENT = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"}
PARIS = ZoneInfo("Europe/Paris")
IMPORT = "/gestion/rapprochement/releves/importer/"
SANDBOX = "/gestion/rapprochement/releves/banque-de-demonstration/"
pytestmark = pytest.mark.django_db


def _inst_body(e2e, amount, iban, local_instrument="INST", **kwargs):
    body = _body(e2e, amount, iban, **kwargs)
    body["paymentTypeInformation"]["localInstrument"] = local_instrument
    return body


def _executed(e2e, amount, iban, at, *, instant=True, debtor="Angela Claire Louise DUBOIS"):
    body = _inst_body(e2e, amount, iban, debtor=debtor) if instant else _body(e2e, amount, iban, debtor=debtor)
    payment, _ = bank.receive_payment_request(client_id="pisp", request_id=e2e, body=body)
    bank.decide(resource_id=payment.resource_id, confirm=True)
    SandboxPaymentRequest.objects.filter(pk=payment.pk).update(executed_at=at, decided_at=at)
    return SandboxPaymentRequest.objects.get(pk=payment.pk)


# -- the STET side: localInstrument ------------------------------------------------------------------------

def _api():
    client = Client()
    basic = base64.b64encode(f"{c.SANDBOX_CLIENT_ID}:{c.SANDBOX_CLIENT_SECRET}".encode()).decode()
    token = client.post("/sandbox/banque/stet/v1/token", {"grant_type": "client_credentials"},
                        HTTP_AUTHORIZATION=f"Basic {basic}").json()["access_token"]
    return client, {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _post(client, headers, body, request_id="req-1"):
    return client.post("/sandbox/banque/stet/v1/payment-requests", data=json.dumps(body),
                       content_type="application/json", HTTP_X_REQUEST_ID=request_id, **headers)


def test_the_bank_stores_the_local_instrument_and_offers_both_kinds():
    client, headers = _api()
    assert _post(client, headers, _inst_body("PDPINST", "50.00", "FR76"), "a").status_code == 201
    assert _post(client, headers, _body("PDPSCT", "20.00", "FR76"), "b").status_code == 201
    stored = dict(SandboxPaymentRequest.objects.values_list("end_to_end_id", "local_instrument"))
    assert stored == {"PDPINST": "INST", "PDPSCT": ""}


@pytest.mark.parametrize("value", ["XYZ", "inst", "SDCL", 42, {"code": "INST"}])
def test_an_unknown_local_instrument_is_refused_with_a_400(value):
    client, headers = _api()
    response = _post(client, headers, _inst_body("PDPBAD", "50.00", "FR76", local_instrument=value))
    assert response.status_code == 400 and "localInstrument" in response.json()["message"]
    assert not SandboxPaymentRequest.objects.exists()


def test_no_instant_mode_refuses_inst_requests_only(settings):
    settings.SANDBOX_BANK_FAILURE = c.FAILURE_NO_INSTANT
    client, headers = _api()
    refused = _post(client, headers, _inst_body("PDPINST", "50.00", "FR76"), "a")
    assert refused.status_code == 400 and "INST" in refused.json()["message"]
    assert not SandboxPaymentRequest.objects.exists()
    assert _post(client, headers, _body("PDPSCT", "50.00", "FR76"), "b").status_code == 201
    assert SandboxPaymentRequest.objects.get().local_instrument == ""


def test_an_instant_payment_accepted_then_rejected_is_reported_acsp_once_then_rjct(settings):
    settings.SANDBOX_BANK_FAILURE = c.FAILURE_ACCEPT_THEN_REJECT
    client, headers = _api()
    _post(client, headers, _inst_body("PDPINST", "50.00", "FR76"))
    payment = SandboxPaymentRequest.objects.get()
    bank.decide(resource_id=payment.resource_id, confirm=True, failure_mode=c.FAILURE_ACCEPT_THEN_REJECT)
    url = f"/sandbox/banque/stet/v1/payment-requests/{payment.resource_id}"
    first = client.get(url, **headers).json()["paymentRequest"]
    second = client.get(url, **headers).json()["paymentRequest"]
    assert first["paymentInformationStatus"] == "ACSP"
    assert first["creditTransferTransaction"][0]["transactionStatus"] == "ACSP"
    assert second["paymentInformationStatus"] == "RJCT"
    assert SandboxPaymentRequest.objects.get().executed_at is None


def test_an_instant_payment_executes_at_confirmation():
    payment, _ = bank.receive_payment_request(client_id="pisp", request_id="r", body=_inst_body("PDPI", "9.00", "FR76"))
    decided = bank.decide(resource_id=payment.resource_id, confirm=True)
    assert decided.status == "ACSC" and decided.executed_at is not None and decided.debtor_iban


# -- the notice ----------------------------------------------------------------------------------------------

def _entry_xml(entry) -> bytes:
    """An entry's XML without its namespace, to compare one payment's entry in the camt.053 and the camt.054."""
    copy = etree.fromstring(etree.tostring(entry))
    for element in copy.iter():
        element.tag = etree.QName(element).localname
    etree.cleanup_namespaces(copy)
    return etree.tostring(copy, method="c14n")


def test_the_notice_lists_the_instant_payments_so_far_as_the_statement_writes_them():
    establishment = EstablishmentFactory(code="CPTEST", regie_holder="REGIE CP TEST")
    iban = establishment.regie_iban
    day = datetime.date(2026, 6, 10)
    _executed("PDPYESTERDAY", "100.00", iban, datetime.datetime(2026, 6, 9, 12, tzinfo=PARIS))
    _executed("PDPINST1", "50.00", iban, datetime.datetime(2026, 6, 10, 9, 12, tzinfo=PARIS),
              debtor="Pierre DUPONT")
    _executed("PDPSCT", "30.00", iban, datetime.datetime(2026, 6, 10, 9, 30, tzinfo=PARIS), instant=False)
    _executed("PDPINST2", "12.34", iban, datetime.datetime(2026, 6, 10, 10, 0, tzinfo=PARIS))
    _executed("PDPLATER", "7.00", iban, datetime.datetime(2026, 6, 10, 16, 0, tzinfo=PARIS))
    _executed("PDPOTHER", "9.00", "FR7630004000000001234567942", datetime.datetime(2026, 6, 10, 9, tzinfo=PARIS))
    now = datetime.datetime(2026, 6, 10, 10, 0, tzinfo=PARIS)

    xml = build_notice(iban=iban, holder=establishment.regie_holder, day=day, now=now)
    root = etree.fromstring(xml)
    assert root.tag == "{urn:iso:std:iso:20022:tech:xsd:camt.054.001.08}Document"
    notice = root.find("n:BkToCstmrDbtCdtNtfctn/n:Ntfctn", NOTICE)
    assert notice is not None and not root.xpath("//n:Bal", namespaces=NOTICE)  # a notice has no balances
    assert notice.xpath("string(n:Acct/n:Id/n:IBAN)", namespaces=NOTICE) == iban
    assert notice.xpath("string(n:Acct/n:Ownr/n:Nm)", namespaces=NOTICE) == "REGIE CP TEST"
    entries = notice.findall("n:Ntry", NOTICE)
    # The instant payments of the day up to 10:00 (that one included); not the ordinary SCT, not 16:00, not the eve.
    assert [e.xpath("string(.//n:TxDtls/n:Refs/n:EndToEndId)", namespaces=NOTICE) for e in entries] == [
        "PDPINST1", "PDPINST2",
    ]
    first = entries[0]
    payment = SandboxPaymentRequest.objects.get(end_to_end_id="PDPINST1")
    assert first.xpath("string(n:AcctSvcrRef)", namespaces=NOTICE) == payment.resource_id
    assert first.xpath("string(.//n:TxDtls/n:Refs/n:AcctSvcrRef)", namespaces=NOTICE) == payment.resource_id
    assert first.xpath("string(n:Amt)", namespaces=NOTICE) == "50.00"
    assert first.xpath("string(n:Amt/@Ccy)", namespaces=NOTICE) == "EUR"
    assert first.xpath("string(n:CdtDbtInd)", namespaces=NOTICE) == "CRDT"
    assert first.xpath("string(.//n:RltdPties/n:Dbtr/n:Pty/n:Nm)", namespaces=NOTICE) == "Pierre DUPONT"
    assert first.xpath("string(.//n:RltdPties/n:DbtrAcct/n:Id/n:IBAN)", namespaces=NOTICE) == bank.customer_iban(
        "Pierre DUPONT")
    assert "REF PDPINST1" in first.xpath("string(.//n:RmtInf/n:Ustrd)", namespaces=NOTICE)
    assert notice.xpath("string(n:TxsSummry/n:TtlNtries/n:NbOfNtries)", namespaces=NOTICE) == "2"
    assert notice.xpath("string(n:TxsSummry/n:TtlNtries/n:Sum)", namespaces=NOTICE) == "62.34"

    # The evening's statement writes the same payments' entries byte for byte (NtryRef: the rank of the day).
    statement = etree.fromstring(build_statement(iban=iban, holder=establishment.regie_holder, day=day))
    in_statement = {
        e.xpath("string(.//c:TxDtls/c:Refs/c:EndToEndId)", namespaces=STATEMENT): _entry_xml(e)
        for e in statement.xpath("//c:Ntry", namespaces=STATEMENT)
    }
    assert len(in_statement) == 4
    for entry in entries:
        e2e = entry.xpath("string(.//n:TxDtls/n:Refs/n:EndToEndId)", namespaces=NOTICE)
        assert _entry_xml(entry) == in_statement[e2e]


def test_each_notice_of_the_day_is_another_message():
    establishment = EstablishmentFactory(code="CPTEST")
    day = datetime.date(2026, 6, 10)
    ids = {
        etree.fromstring(build_notice(iban=establishment.regie_iban, holder="X", day=day, now=now)).xpath(
            "string(//n:GrpHdr/n:MsgId)", namespaces=NOTICE)
        for now in (datetime.datetime(2026, 6, 10, 9, 0, tzinfo=PARIS),
                    datetime.datetime(2026, 6, 10, 9, 5, tzinfo=PARIS))
    }
    assert len(ids) == 2 and all(0 < len(msg_id) <= 35 for msg_id in ids)


def test_the_notice_command_writes_the_camt054_to_stdout():
    establishment = EstablishmentFactory(code="CPTEST")
    _executed("PDPINST1", "50.00", establishment.regie_iban, datetime.datetime(2026, 6, 10, 9, 12, tzinfo=PARIS))
    out = io.StringIO()
    call_command("sandbox_statement", "CPTEST", "--date", "2026-06-10", "--notice", stdout=out)
    root = etree.fromstring(out.getvalue().encode())
    assert root.xpath("string(//n:Ntry//n:EndToEndId)", namespaces=NOTICE) == "PDPINST1"
    statement = io.StringIO()
    call_command("sandbox_statement", "CPTEST", "--date", "2026-06-10", stdout=statement)
    assert "camt.053.001.08" in statement.getvalue() and "camt.054" not in statement.getvalue()


def test_the_notice_command_errors_are_french_and_non_zero():
    with pytest.raises(CommandError, match="Établissement inconnu : NOPE"):
        call_command("sandbox_statement", "NOPE", "--notice")
    EstablishmentFactory(code="CPX", regie_iban="", regie_holder="", transfers_enabled=False)
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("sandbox_statement", "CPX", "--notice", "--date", "31/06/2026")
    with pytest.raises(CommandError, match="n'a pas de compte de régie"):
        call_command("sandbox_statement", "CPX", "--notice")


# -- the back office's button ------------------------------------------------------------------------------

def test_the_back_office_fetches_the_notice_so_far(settings, tmp_path, monkeypatch):
    settings.SANDBOX_ENABLED = True
    settings.RECONCILIATION_UPLOAD_DIR = str(tmp_path)
    est = EstablishmentFactory(code="CPTEST")
    payment, _ = bank.receive_payment_request(
        client_id="pisp", request_id="r", body=_inst_body("PDPINST1", "50.00", est.regie_iban))
    bank.decide(resource_id=payment.resource_id, confirm=True)
    queued = []
    monkeypatch.setattr(backoffice.tasks.run_import_job, "delay", queued.append)
    regie = login_staff(Client(), StaffFactory(role="regie", establishments=[est]))
    page = html.unescape(regie.get(IMPORT).content.decode())
    assert "relevé de fin de journée (camt.053) ou un avis en cours de journée (camt.054 ou camt.052)" in page
    assert ('name="file" value="notice">Récupérer l\'avis des virements instantanés reçus jusqu\'ici</button>'
            in page)
    response = regie.post(SANDBOX, {"establishment": est.pk, "file": "notice"})
    job = ReconciliationJob.objects.get()
    assert response["Location"].endswith(f"/{job.pk}/") and queued == [job.pk]
    assert job.file_name.startswith("avis-banque-demonstration-CPTEST-")
    root = etree.fromstring(Path(job.file_path).read_bytes())
    assert root.xpath("string(//n:Ntry//n:EndToEndId)", namespaces=NOTICE) == "PDPINST1"
    # The other button still fetches the statement of the day.
    regie.post(SANDBOX, {"establishment": est.pk, "file": "statement"})
    statement_job = ReconciliationJob.objects.exclude(pk=job.pk).get()
    assert statement_job.file_name.startswith("releve-banque-demonstration-CPTEST-")
    assert b"camt.053.001.08" in Path(statement_job.file_path).read_bytes()
    assert not BankStatement.objects.exists()  # nothing imported by the fetch itself: the job does it
