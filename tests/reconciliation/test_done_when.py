"""The issue's "Done when", on the embedded default's demo data: Angela DUBOIS pays 50 € through the
sandbox bank; the sandbox bank's statement of the day for CPDEMO is imported in the back office; the
transfer is matched, batched, acknowledged by the sandbox cashier and shown credited in her history;
an unknown entry waits in the exceptions queue and is refunded through the four-eyes flow."""

import csv
import html
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from reconciliation.constants import MatchOutcome, RefundStatus
from reconciliation.models import BankStatement, Refund, StatementEntry
from sandbox.bank import services as bank
from sandbox.demo import demo_totp_code
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.transfers.test_views import demo, pay  # noqa: F401 - the demo fixture and the citizen flow
from transfers.constants import TransferStatus

S = TransferStatus
pytestmark = pytest.mark.django_db(transaction=True)


def text(response) -> str:
    return html.unescape(response.content.decode())


def unknown_payment(iban: str) -> None:
    body = {
        "paymentInformationId": "X", "creationDateTime": "2026-06-10T10:00:00+02:00", "numberOfTransactions": 1,
        "paymentTypeInformation": {"serviceLevel": "SEPA"}, "debtor": {"name": "Paul INCONNU"},
        "beneficiary": {"creditor": {"name": "REGIE"}, "creditorAccount": {"iban": iban}},
        "creditTransferTransaction": [{
            "paymentId": {"instructionId": "INCONNU1", "endToEndId": "INCONNU1"},
            "instructedAmount": {"currency": "EUR", "amount": "35.00"},
            "remittanceInformation": {"unstructured": ["CADEAU POUR JEAN"]},
        }],
        "supplementaryData": {"acceptedAuthenticationApproach": ["REDIRECT"],
                              "successfulReportUrl": "https://p.example/ok",
                              "unsuccessfulReportUrl": "https://p.example/ko"},
    }
    payment, _ = bank.receive_payment_request(client_id="autre-pisp", request_id="r", body=body)
    bank.decide(resource_id=payment.resource_id, confirm=True)


def test_done_when(demo, tmp_path):  # noqa: F811 - pytest fixture
    citizen, angela, registration = demo
    _done, transfer = pay(citizen, registration, "50")
    assert transfer.status == S.EXECUTED
    cpdemo = transfer.establishment
    unknown_payment(cpdemo.regie_iban)

    statement_file = tmp_path / "releve.xml"
    call_command("sandbox_statement", "CPDEMO", "--output", str(statement_file))

    regie = Client()
    assert regie.login(username="regie", password="demo-portail")
    # Its second factor, as the régie would type it: the demo TOTP code.
    assert regie.post("/gestion/second-facteur/", {"code": demo_totp_code()})["Location"] == "/gestion/"
    with open(statement_file, "rb") as handle:
        upload = regie.post("/gestion/rapprochement/releves/importer/", {"file": handle})
    assert upload.status_code == 302
    job_page = regie.get(upload["Location"])
    page = text(job_page)
    assert "Terminé" in page and "Rapproché : 1" in page and "Référence inconnue : 1" in page
    assert 'value="100"' in page and "progress.js" in page
    status = regie.get(upload["Location"] + "etat.json").json()
    assert status["finished"] and status["percent"] == 100
    transfer.refresh_from_db()
    assert transfer.status == S.RECEIVED
    assert BankStatement.objects.get().establishment == cpdemo

    queue = text(regie.get("/gestion/rapprochement/anomalies/"))
    assert "Référence inconnue" in queue and "INCONNU1" in queue and "35,00\u00a0€" in queue
    unknown = StatementEntry.objects.get(outcome=MatchOutcome.UNKNOWN_REFERENCE)

    batch_job = regie.post("/gestion/rapprochement/caisse/", {"establishment": cpdemo.pk, "day": ""})
    assert batch_job.status_code == 302
    assert "1 virement(s), 50,00\u00a0€" in text(regie.get(batch_job["Location"]))
    batch_csv = regie.get(re.search(r'href="(/gestion/rapprochement/caisse/lots/\d+\.csv)"',
                                    text(regie.get("/gestion/rapprochement/caisse/"))).group(1))
    rows = list(csv.reader(io.StringIO(batch_csv.content.decode()), delimiter=";"))
    assert rows[1][:8] == ["CPDEMO", "123456", "MARTIN", "Jean", "50.00", "EUR", transfer.reference,
                           "Angela Claire Louise DUBOIS"]
    batch_file = tmp_path / "lot.csv"
    batch_file.write_bytes(batch_csv.content)
    ack = io.StringIO()
    call_command("sandbox_cashier_ack", str(batch_file), stdout=ack)
    answer = regie.post("/gestion/rapprochement/caisse/accuse/",
                        {"file": io.BytesIO(ack.getvalue().encode())}, follow=True)
    assert "1 virement(s) versé(s)" in text(answer)
    transfer.refresh_from_db()
    assert transfer.status == S.CREDITED
    history = text(citizen.get("/mon-espace/virements/historique/"))
    assert transfer.reference in history and "Versé sur le pécule" in history

    # The unknown entry: refunded through the four-eyes flow.
    regie.post(f"/gestion/rapprochement/anomalies/{unknown.pk}/rembourser/", {"reason": "Référence inconnue"})
    regie.post("/gestion/rapprochement/remboursements/", {"establishment": cpdemo.pk})
    refund = Refund.objects.get(entry=unknown)
    assert refund.creditor_name == "Paul INCONNU" and refund.status == RefundStatus.IN_FILE
    refused = regie.post(f"/gestion/rapprochement/remboursements/fichiers/{refund.file_id}/approuver/", follow=True)
    assert "une autre personne doit l'approuver" in text(refused)
    second = StaffFactory(username="regie2", role="regie", establishments=[cpdemo])
    other = Client()
    login_staff(other, second)
    other.post(f"/gestion/rapprochement/remboursements/fichiers/{refund.file_id}/approuver/")
    xml = other.get(f"/gestion/rapprochement/remboursements/fichiers/{refund.file_id}.xml")
    assert b"pain.001.001.03" in xml.content and b"35.00" in xml.content
    assert refund.end_to_end_id.encode() in xml.content
    other.post(f"/gestion/rapprochement/remboursements/fichiers/{refund.file_id}/envoye/")
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REFUNDED
    assert {User.objects.get(username="regie"), second} == {
        h.history_user for h in refund.file.history.all()
    }

    report = text(regie.get("/gestion/rapprochement/rapport/?etablissement=CPDEMO"))
    assert "Les totaux concordent" in report and "<svg" in report
