"""The citizen flow, as Angela DUBOIS on the demo data, through the sandbox bank over real HTTP."""

import datetime
import html as html_lib
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.models import Relative, User
from establishments.models import Bank
from permits.constants import RegistrationStatus
from permits.models import RegisteredPermit, VisitPermit
from sandbox.demo import load_demo
from sandbox.models import SandboxPaymentRequest
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .bankflow import path_of, payer_decides
from .factories import RegisteredPermitFactory, TransferFactory

S = TransferStatus
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(live_server, settings):
    """The embedded default's demo data (manage.py load_demo) and Angela DUBOIS logged in."""
    cache.clear()
    settings.PORTAL_BASE_URL = live_server.url
    load_demo()
    user = User.objects.create_user(username="fc-angela")
    angela = Relative.objects.create(
        user=user, sub="sub-angela", given_name="Angela Claire Louise", family_name="DUBOIS",
        birthdate=datetime.date(1962, 8, 24), gender="female", email="angela.dubois@example.fr",
    )
    permit = VisitPermit.objects.get(number="PV-2026-000123")
    registration = RegisteredPermit.objects.create(relative=angela, permit=permit, status=RegistrationStatus.ACCEPTED)
    client = Client()
    client.force_login(user)
    yield client, angela, registration
    cache.clear()


def text(response) -> str:
    return html_lib.unescape(response.content.decode())


def amount_page(client, registration):
    page = client.get(f"/mon-espace/virements/nouveau/{registration.pk}/")
    assert page.status_code == 200
    key = re.search(r'name="key" value="([0-9a-f-]+)"', text(page)).group(1)
    return page, key


def submit_amount(client, registration, amount, key=None):
    if key is None:
        _page, key = amount_page(client, registration)
    return client.post(f"/mon-espace/virements/nouveau/{registration.pk}/", {"amount": amount, "key": key})


def pay(client, registration, amount="50"):
    """The whole flow; returns the confirmation page and the transfer."""
    response = submit_amount(client, registration, amount)
    assert response.status_code == 302, text(response)[:2000]
    bank_page = client.get(response["Location"])
    assert "Sélectionnez votre banque" in text(bank_page)
    bank = Bank.objects.get(name="Banque de Démonstration")
    to_bank = client.post(response["Location"], {"bank": bank.pk})
    assert to_bank.status_code == 302
    back, _bank_client = payer_decides(to_bank["Location"], client=client)
    done = client.get(path_of(back["Location"]))
    reference = re.search(r"/virements/([A-Z0-9]+)/retour/", back["Location"]).group(1)
    return done, Transfer.objects.get(reference=reference)


def test_done_when_angela_sends_50_euros_then_caps_refuse(demo):
    client, angela, registration = demo
    tab = text(client.get("/mon-espace/pecule/"))
    assert "Alimenter le pécule" in tab and "MARTIN" in tab and "Voir l'historique" in tab
    page, _key = amount_page(client, registration)
    html = text(page)
    assert "Le montant peut être plafonné par l'établissement pénitentiaire." in html
    assert "Réaliser le virement" in html and "200,00" in html and "400,00" in html and "300,00" in html

    done, transfer = pay(client, registration, "50")
    html = text(done)
    assert "Votre virement a été pris en compte" in html
    assert transfer.reference in html and "50,00" in html and "MARTIN" in html and "Voir l'historique" in html
    assert transfer.status == S.EXECUTED and transfer.amount == Decimal("50.00")
    assert len(mail.outbox) == 1 and transfer.reference in mail.outbox[0].subject
    assert mail.outbox[0].to == ["angela.dubois@example.fr"]
    history = text(client.get("/mon-espace/virements/historique/"))
    assert transfer.reference in history and "50,00\u00a0€" in history and "Exécuté par votre banque" in history

    refused = submit_amount(client, registration, "250")
    assert refused.status_code == 400
    assert "Le montant maximum d'un virement est de 200,00" in text(refused)

    pay(client, registration, "200,00")
    pay(client, registration, "50")  # 300 € this month
    refused = submit_amount(client, registration, "1")
    assert refused.status_code == 400 and "par expéditeur" in text(refused)
    assert Transfer.objects.filter(status=S.EXECUTED).count() == 3
    assert SandboxPaymentRequest.objects.filter(status="ACSC").count() == 3


def test_double_click_on_realiser_le_virement_and_back_button_make_one_transfer_one_payment(demo):
    client, angela, registration = demo
    _page, key = amount_page(client, registration)
    first = submit_amount(client, registration, "20", key)
    second = submit_amount(client, registration, "20", key)
    assert first["Location"] == second["Location"] and Transfer.objects.count() == 1
    bank = Bank.objects.get(name="Banque de Démonstration")
    to_bank = client.post(first["Location"], {"bank": bank.pk})
    again = client.post(first["Location"], {"bank": bank.pk})  # double click on the bank
    back = client.get(first["Location"])  # the browser's back button
    assert to_bank["Location"] == again["Location"] == back["Location"]
    resubmit = submit_amount(client, registration, "20", key)  # back to the amount form, submitted again
    assert client.get(resubmit["Location"])["Location"] == to_bank["Location"]
    assert Transfer.objects.count() == 1 and SandboxPaymentRequest.objects.count() == 1
    payer_decides(to_bank["Location"], client=client)
    assert SandboxPaymentRequest.objects.filter(status="ACSC").count() == 1


def test_return_url_replayed_or_forged(demo):
    client, angela, registration = demo
    done, transfer = pay(client, registration, "30")
    url = f"/mon-espace/virements/{transfer.reference}/retour/"
    rows = transfer.history.count()
    replay = client.get(url)
    assert "Votre virement a été pris en compte" in text(replay)
    assert transfer.history.count() == rows and Transfer.objects.get(pk=transfer.pk).status == S.EXECUTED
    # Another relative's session with Angela's reference, and Angela with someone else's reference.
    other = RegisteredPermitFactory()
    other_client = Client()
    other_client.force_login(other.relative.user)
    assert other_client.get(url).status_code == 404
    stranger = TransferFactory(status=S.AWAITING_AUTHORIZATION, payment_request_id="x")
    assert client.get(f"/mon-espace/virements/{stranger.reference}/retour/").status_code == 404
    assert client.get("/mon-espace/virements/PDPNOPE/retour/").status_code == 404
    assert Transfer.objects.get(pk=stranger.pk).status == S.AWAITING_AUTHORIZATION


def test_payer_cancels_at_the_bank(demo):
    client, angela, registration = demo
    response = submit_amount(client, registration, "40")
    bank = Bank.objects.get(name="Banque de Démonstration")
    to_bank = client.post(response["Location"], {"bank": bank.pk})
    back, _c = payer_decides(to_bank["Location"], "cancel", client=client)
    html = text(client.get(path_of(back["Location"])))
    assert "Votre virement n'a pas été effectué" in html
    assert Transfer.objects.get().status == S.REJECTED and not mail.outbox


def test_bank_answering_500_gives_a_french_message_and_no_payment(demo, settings):
    client, angela, registration = demo
    response = submit_amount(client, registration, "40")
    bank = Bank.objects.get(name="Banque de Démonstration")
    settings.SANDBOX_BANK_FAILURE = "error"
    failed = client.post(response["Location"], {"bank": bank.pk})
    html = text(failed)
    assert failed.status_code == 502 and "Votre banque ne répond pas" in html and "Traceback" not in html
    assert SandboxPaymentRequest.objects.count() == 0
    settings.SANDBOX_BANK_FAILURE = ""
    retry = client.post(response["Location"], {"bank": bank.pk})
    assert retry.status_code == 302 and SandboxPaymentRequest.objects.count() == 1 and Transfer.objects.count() == 1


def test_bank_down_on_return_keeps_the_transfer_and_says_so(demo, settings):
    client, angela, registration = demo
    response = submit_amount(client, registration, "40")
    bank = Bank.objects.get(name="Banque de Démonstration")
    to_bank = client.post(response["Location"], {"bank": bank.pk})
    back, _c = payer_decides(to_bank["Location"], client=client)
    settings.SANDBOX_BANK_FAILURE = "timeout"
    settings.SANDBOX_BANK_TIMEOUT_SECONDS = 1.5
    settings.PSD2_TIMEOUT = (1.0, 0.3)
    page = client.get(path_of(back["Location"]))
    assert page.status_code == 200 and "Votre banque ne répond pas" in text(page)
    assert Transfer.objects.get().status == S.AWAITING_AUTHORIZATION


@pytest.mark.parametrize(
    "raw, message",
    [("0", "supérieur à zéro"), ("-10", "positif"), ("10,123", "deux chiffres"), ("dix", "nombre en euros"),
     ("1" * 30, "caractères"), ("9999999999", "trop élevé")],
)
def test_bad_amounts_are_refused_in_french_and_create_nothing(demo, raw, message):
    client, angela, registration = demo
    response = submit_amount(client, registration, raw)
    assert response.status_code == 400 and message in text(response)
    assert not Transfer.objects.exists()


def test_a_permit_that_cannot_be_used_says_why(demo):
    client, angela, registration = demo
    permit = registration.permit
    permit.status = "suspended"
    permit.save()
    tab = text(client.get("/mon-espace/pecule/"))
    assert "Le permis de visite est suspendu." in tab and "/mon-espace/virements/nouveau/" not in tab
    response = client.get(f"/mon-espace/virements/nouveau/{registration.pk}/")
    assert response.status_code == 302


def test_pages_are_for_the_relative_only(demo):
    client, angela, registration = demo
    other = RegisteredPermitFactory()
    assert client.get(f"/mon-espace/virements/nouveau/{other.pk}/").status_code == 404
    anonymous = Client()
    for url in ("/mon-espace/pecule/", f"/mon-espace/virements/nouveau/{registration.pk}/",
                "/mon-espace/virements/historique/"):
        assert anonymous.get(url).status_code == 302


def test_history_six_months_newest_first_nobody_elses_paginated(demo):
    client, angela, registration = demo
    now = timezone.now()
    common = {"relative": angela, "permit": registration.permit}
    old = TransferFactory(**common, amount=Decimal("11.00"))
    Transfer.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=200))
    newest = TransferFactory(**common, amount=Decimal("12.50"))
    older = TransferFactory(**common, amount=Decimal("13.00"))
    Transfer.objects.filter(pk=older.pk).update(created_at=now - datetime.timedelta(days=30))
    someone = TransferFactory(amount=Decimal("14.00"))
    for _ in range(25):
        TransferFactory(**common, amount=Decimal("1.00"))
    ones = Transfer.objects.filter(relative=angela, amount=Decimal("1.00"))
    ones.update(created_at=now - datetime.timedelta(days=10))
    first = text(client.get("/mon-espace/virements/historique/"))
    assert first.index(newest.reference) < first.index("Page 1 sur 2")
    assert "12,50\u00a0€" in first and older.reference not in first
    second = text(client.get("/mon-espace/virements/historique/?page=2"))
    assert older.reference in second
    for html in (first, second):
        assert old.reference not in html and someone.reference not in html
