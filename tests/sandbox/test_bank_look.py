"""The sandbox bank looks like a bank of its own (not the portal's DSFR), says it is a demonstration, and
shows amounts and IBANs as a French bank prints them."""

import re

import pytest
from django.test import Client

from sandbox.bank import services as bank

from .test_bank_statement import _body

pytestmark = pytest.mark.django_db


def _logged_in_consent(amount: str = "1234.5") -> str:
    payment, _ = bank.receive_payment_request(
        client_id="pisp", request_id="r", body=_body("PDPLOOK", amount, "FR7610007000010000000000109")
    )
    client = Client()
    consent = f"/sandbox/banque/virement/{payment.resource_id}/"
    client.post("/sandbox/banque/connexion/", {"identifier": "demo", "password": "demo", "next": consent})
    return client.get(consent).content.decode()


def test_the_confirmation_page_shows_the_amount_and_ibans_in_the_french_format():
    page = _logged_in_consent()
    assert "1\u202f234,50\u00a0€" in page
    assert "1234.50" not in page and "EUR" not in page
    assert "FR76 1000 7000 0100 0000 0000 109" in page  # the régie's IBAN, in groups of four
    assert "FR76 3000 4000 0026 3943 3475 690" in page  # the account of the payer (Angela DUBOIS) at this bank
    assert re.search(r'<button[^>]*value="confirm"[^>]*>Confirmer</button>', page)
    assert re.search(r'<button[^>]*value="cancel"[^>]*>Annuler</button>', page)


def test_the_bank_has_its_own_look_and_says_it_is_a_demonstration():
    login = Client().get("/sandbox/banque/connexion/").content.decode()
    assert "/static/sandbox/bank/bank.css" in login and "/static/sandbox/bank/logo.svg" in login
    assert "dsfr" not in login.lower() and "Marianne" not in login and "fr-" not in login
    assert "ceci n'est pas une vraie banque : aucun argent réel n'est débité." in login.replace("&#x27;", "'")
    assert "<style" not in login and "style=" not in login and "<script" not in login  # the strict CSP
    assert 'action=""' not in login


def test_a_wrong_password_is_announced_on_the_fields_and_in_the_title():
    page = Client().post("/sandbox/banque/connexion/", {"identifier": "demo", "password": "non"})
    body = page.content.decode()
    assert page.status_code == 400
    assert "<title>Erreur : Connexion à votre espace client" in body
    assert body.count('aria-invalid="true"') == 2 and body.count('aria-describedby="erreur-connexion"') == 2
