"""The sandbox bank's own pages and API checks."""

import pytest
from django.test import Client

from sandbox.bank import services as bank
from sandbox.models import SandboxPaymentRequest

from .test_bank_statement import _body

pytestmark = pytest.mark.django_db


def test_login_refuses_a_wrong_password_in_french_and_then_shows_the_confirmation_page():
    payment, _ = bank.receive_payment_request(client_id="pisp", request_id="r", body=_body("PDPX", "50.00", "FR76"))
    client = Client()
    consent = f"/sandbox/banque/virement/{payment.resource_id}/"
    to_login = client.get(consent)
    assert to_login.status_code == 302 and "/sandbox/banque/connexion/" in to_login["Location"]
    wrong = client.post("/sandbox/banque/connexion/", {"identifier": "demo", "password": "nope", "next": consent})
    assert wrong.status_code == 400 and "Identifiant ou mot de passe incorrect." in wrong.content.decode()
    ok = client.post("/sandbox/banque/connexion/", {"identifier": "demo", "password": "demo", "next": consent})
    assert ok["Location"] == consent
    page = client.get(consent).content.decode()
    assert "Confirmer un virement ponctuel" in page and "Confirmer" in page and "Annuler" in page
    evil = client.post("/sandbox/banque/connexion/", {"identifier": "demo", "password": "demo",
                                                      "next": "https://evil.example/"})
    assert "evil" not in evil["Location"]


def test_api_needs_a_token_and_a_request_id():
    client = Client()
    assert client.post("/sandbox/banque/stet/v1/payment-requests", data="{}",
                       content_type="application/json").status_code == 401
    assert client.get("/sandbox/banque/stet/v1/payment-requests/abc").status_code == 401
    assert client.post("/sandbox/banque/stet/v1/token", {"grant_type": "client_credentials", "client_id": "x",
                                                         "client_secret": "y"}).status_code == 401


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b["creditTransferTransaction"][0]["instructedAmount"].update(amount=50),
        lambda b: b["creditTransferTransaction"][0]["instructedAmount"].update(amount="50.001"),
        lambda b: b["creditTransferTransaction"][0]["instructedAmount"].update(currency="USD"),
        lambda b: b["creditTransferTransaction"][0]["remittanceInformation"].update(unstructured=["é" * 10]),
        lambda b: b["creditTransferTransaction"][0]["paymentId"].update(endToEndId="X" * 36),
        lambda b: b["supplementaryData"].update(successfulReportUrl="javascript:alert(1)"),
        lambda b: b.update(numberOfTransactions=2),
    ],
)
def test_the_bank_refuses_malformed_payment_requests(change):
    body = _body("PDPY", "50.00", "FR76")
    change(body)
    with pytest.raises(bank.InvalidPaymentRequest):
        bank.receive_payment_request(client_id="pisp", request_id="r", body=body)
    assert not SandboxPaymentRequest.objects.exists()
