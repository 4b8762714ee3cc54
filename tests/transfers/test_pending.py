"""A transfer left waiting at the bank expires without the beat (the caps never count it
after 30 minutes), and the relative resumes or cancels it from "Voir l'historique"."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from establishments.models import Bank
from sandbox.models import SandboxPaymentRequest
from transfers import services
from transfers.constants import TransferAuditReason, TransferStatus
from transfers.models import Transfer
from transfers.psd2 import Psd2Unavailable

from .bankflow import path_of, payer_decides
from .factories import RegisteredPermitFactory, TransferFactory
from .test_tasks import CountingBank, DownBank
from .test_views import demo, submit_amount, text  # noqa: F401 - the fixture

S = TransferStatus
pytestmark = pytest.mark.django_db(transaction=True)
HISTORY = "/mon-espace/virements/historique/"


def start_and_leave_at_the_bank(client, registration, amount):
    """"Réaliser le virement", the bank chosen, then the payer closes the bank's page."""
    response = submit_amount(client, registration, amount)
    assert response.status_code == 302, text(response)[:2000]
    bank = Bank.objects.get(name="Banque de Démonstration")
    to_bank = client.post(response["Location"], {"bank": bank.pk})
    assert to_bank.status_code == 302
    reference = re.search(r"/virements/([A-Z0-9]+)/banque/", response["Location"]).group(1)
    transfer = Transfer.objects.get(reference=reference)
    assert transfer.status == S.AWAITING_AUTHORIZATION and transfer.consent_url == to_bank["Location"]
    return transfer


def already_sent(angela, registration, amount):
    return TransferFactory(relative=angela, permit=registration.permit, amount=Decimal(amount), status=S.EXECUTED)


def test_twenty_euros_left_at_the_bank_are_freed_after_30_minutes_without_any_beat(demo):  # noqa: F811
    client, angela, registration = demo
    already_sent(angela, registration, "280")  # 300 € per sender and per month: 20 € left
    start = timezone.now()
    with freeze_time(start):
        pending = start_and_leave_at_the_bank(client, registration, "20")
        refused = submit_amount(client, registration, "20")
        assert refused.status_code == 400 and "par expéditeur" in text(refused)
        history = text(client.get(HISTORY))
        assert "En attente de votre validation à la banque" in history
        assert "Reprendre le virement" in history and "Annuler le virement" in history
    with freeze_time(start + datetime.timedelta(minutes=29)):
        client.force_login(angela.user)
        assert "0,00\u00a0€" in text(client.get("/mon-espace/pecule/"))  # still within its 30 minutes
        assert Transfer.objects.get(pk=pending.pk).status == S.AWAITING_AUTHORIZATION
    with freeze_time(start + datetime.timedelta(minutes=31)):
        client.force_login(angela.user)  # she comes back half an hour later; no periodic task ran
        tab = text(client.get("/mon-espace/pecule/"))
        assert "20,00\u00a0€" in tab
        expired = Transfer.objects.get(pk=pending.pk)
        assert expired.status == S.EXPIRED
        row = expired.history.get(status=S.EXPIRED)
        assert row.history_change_reason == TransferAuditReason.EXPIRED
        history = text(client.get(HISTORY))
        assert "Abandonné (délai dépassé)" in history and "Reprendre le virement" not in history
        assert submit_amount(client, registration, "20").status_code == 302


def test_the_cap_check_itself_expires_what_should_have_expired(demo):  # noqa: F811
    """Straight to the amount form (no page read before): the check under the lock never counts it."""
    client, angela, registration = demo
    already_sent(angela, registration, "280")
    start = timezone.now()
    with freeze_time(start):
        pending = start_and_leave_at_the_bank(client, registration, "20")
    with freeze_time(start + datetime.timedelta(minutes=31)):
        transfer = services.create_draft(relative=angela, permit=registration.permit, amount=Decimal("20"))
        assert Transfer.objects.get(pk=pending.pk).status == S.EXPIRED
    with freeze_time(start + datetime.timedelta(minutes=33)):
        Transfer.objects.filter(pk=pending.pk).update(status=S.AWAITING_AUTHORIZATION)  # as if nobody had read it
        reserved = services.reserve(transfer_id=transfer.pk, bank=Bank.objects.get(name="Banque de Démonstration"))
        assert reserved.status == S.AWAITING_AUTHORIZATION
        assert Transfer.objects.get(pk=pending.pk).status == S.EXPIRED


def test_another_senders_stale_reservation_does_not_hold_the_detainees_cap():
    reg = RegisteredPermitFactory()
    reg.permit.detainee.establishment.max_per_detainee_month = Decimal("400.00")
    reg.permit.detainee.establishment.save()
    draft = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("10"))
    other = TransferFactory(permit=reg.permit, amount=Decimal("400.00"), status=S.AWAITING_AUTHORIZATION)
    Transfer.objects.filter(pk=other.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=31))
    assert services.reserve(transfer_id=draft.pk, bank=other.bank).status == S.AWAITING_AUTHORIZATION
    assert Transfer.objects.get(pk=other.pk).status == S.EXPIRED


def test_resume_goes_back_to_the_bank_while_valid_then_explains(demo):  # noqa: F811
    client, angela, registration = demo
    start = timezone.now()
    with freeze_time(start):
        first = start_and_leave_at_the_bank(client, registration, "40")
        resumed = client.get(f"/mon-espace/virements/{first.reference}/reprendre/")
        assert resumed.status_code == 302 and resumed["Location"] == first.consent_url
        back, _c = payer_decides(resumed["Location"], client=client)
        assert "Votre virement a été pris en compte" in text(client.get(path_of(back["Location"])))
        assert Transfer.objects.get(pk=first.pk).status == S.EXECUTED
        late = start_and_leave_at_the_bank(client, registration, "15")
        # Nothing to resume once executed.
        over = client.get(f"/mon-espace/virements/{first.reference}/reprendre/")
        assert over.status_code == 409 and "Exécuté par votre banque" in text(over)
    with freeze_time(start + datetime.timedelta(minutes=31)):
        client.force_login(angela.user)
        page = client.get(f"/mon-espace/virements/{late.reference}/reprendre/")
        html = text(page)
        assert page.status_code == 409
        assert "Ce virement ne peut plus être repris" in html and "Le délai de 30 minutes" in html
        assert "Faire un nouveau virement" in html
        assert Transfer.objects.get(pk=late.pk).status == S.EXPIRED


def test_resume_without_a_payment_request_goes_back_to_the_bank_list(demo):  # noqa: F811
    client, angela, registration = demo
    waiting = TransferFactory(relative=angela, permit=registration.permit, status=S.AWAITING_AUTHORIZATION)
    page = client.get(f"/mon-espace/virements/{waiting.reference}/reprendre/")
    assert page.status_code == 302 and page["Location"] == f"/mon-espace/virements/{waiting.reference}/banque/"


def test_cancel_asks_for_confirmation_then_frees_the_cap_with_angela_in_the_history(demo):  # noqa: F811
    client, angela, registration = demo
    already_sent(angela, registration, "280")
    pending = start_and_leave_at_the_bank(client, registration, "20")
    url = f"/mon-espace/virements/{pending.reference}/annuler/"
    page = client.get(url)
    html = text(page)
    assert page.status_code == 200
    assert f"<h1>Annuler le virement {pending.reference} ?</h1>" in html
    assert '<button type="submit" class="fr-btn">Annuler le virement</button>' in html
    assert "csrfmiddlewaretoken" in html and "Garder ce virement" in html
    assert Transfer.objects.get(pk=pending.pk).status == S.AWAITING_AUTHORIZATION  # a GET changes nothing

    forged = Client(enforce_csrf_checks=True)
    forged.force_login(angela.user)
    assert forged.post(url).status_code == 403
    assert Transfer.objects.get(pk=pending.pk).status == S.AWAITING_AUTHORIZATION

    done = client.post(url, follow=True)
    html = text(done)
    assert f"Le virement {pending.reference} a été annulé" in html and "Refusé ou annulé" in html
    cancelled = Transfer.objects.get(pk=pending.pk)
    assert cancelled.status == S.REJECTED and cancelled.rejected_at is not None
    row = cancelled.history.get(status=S.REJECTED)
    assert row.history_user == angela.user and row.history_change_reason == TransferAuditReason.CANCELLED_BY_PAYER
    assert submit_amount(client, registration, "20").status_code == 302  # the 20 € freed at once

    rows = cancelled.history.count()
    again = client.post(url, follow=True)  # double click, or the back button
    assert "Ce virement ne peut plus être annulé : son statut est « Refusé ou annulé »." in text(again)
    assert cancelled.history.count() == rows and Transfer.objects.get(pk=pending.pk).status == S.REJECTED
    assert "Ce virement ne peut plus être annulé" in text(client.get(url, follow=True))
    # The bank's page, later: the payment request is still there, but the transfer stays cancelled.
    assert SandboxPaymentRequest.objects.filter(end_to_end_id=pending.reference).exists()


def test_cancel_someone_elses_transfer_is_404_and_changes_nothing(demo):  # noqa: F811
    client, angela, registration = demo
    stranger = TransferFactory(status=S.AWAITING_AUTHORIZATION)
    rows = stranger.history.count()
    for method in (client.get, client.post):
        assert method(f"/mon-espace/virements/{stranger.reference}/annuler/").status_code == 404
    assert client.get(f"/mon-espace/virements/{stranger.reference}/reprendre/").status_code == 404
    assert client.post("/mon-espace/virements/PDPNOPE/annuler/").status_code == 404
    assert Transfer.objects.get(pk=stranger.pk).status == S.AWAITING_AUTHORIZATION
    assert stranger.history.count() == rows
    with pytest.raises(services.TransferRefused, match="n'existe pas dans votre espace"):
        services.cancel_transfer(transfer_id=stranger.pk, relative=angela)
    assert Transfer.objects.get(pk=stranger.pk).status == S.AWAITING_AUTHORIZATION


def test_an_executed_transfer_cannot_be_cancelled(demo):  # noqa: F811
    client, angela, registration = demo
    executed = already_sent(angela, registration, "50")
    rows = executed.history.count()
    assert "Annuler le virement" not in text(client.get(HISTORY))
    response = client.post(f"/mon-espace/virements/{executed.reference}/annuler/", follow=True)
    assert "Ce virement ne peut plus être annulé : son statut est « Exécuté par votre banque »." in text(response)
    assert Transfer.objects.get(pk=executed.pk).status == S.EXECUTED and executed.history.count() == rows


def test_cancel_asks_the_bank_first():
    """The payer approved at the bank a moment ago: cancelling here is refused, the transfer executed."""
    reg = RegisteredPermitFactory()
    approved = TransferFactory(relative=reg.relative, status=S.AWAITING_AUTHORIZATION, payment_request_id="abc")
    with pytest.raises(services.TransferRefused, match="Exécuté par votre banque"):
        services.cancel_transfer(transfer_id=approved.pk, relative=reg.relative, client_factory=CountingBank)
    assert Transfer.objects.get(pk=approved.pk).status == S.EXECUTED
    # A bank that cannot answer does not keep the payer from cancelling.
    down = TransferFactory(relative=reg.relative, status=S.AWAITING_AUTHORIZATION, payment_request_id="def")
    services.cancel_transfer(transfer_id=down.pk, relative=reg.relative, client_factory=DownBank)
    assert Transfer.objects.get(pk=down.pk).status == S.REJECTED


def test_a_bank_that_does_not_answer_slows_one_page_a_minute_not_every_page(monkeypatch):
    reg = RegisteredPermitFactory()
    for i in range(3):
        TransferFactory(relative=reg.relative, permit=reg.permit, status=S.AWAITING_AUTHORIZATION,
                        payment_request_id=f"r{i}")
    Transfer.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=40))
    asked = []

    class SilentBank:
        def __init__(self, bank):
            pass

        def get_payment_request(self, resource_id):
            asked.append(resource_id)
            raise Psd2Unavailable("timeout")

    monkeypatch.setattr(services, "StetClient", SilentBank)
    cache.clear()
    client = Client()
    client.force_login(reg.relative.user)
    assert client.get(HISTORY).status_code == 200
    assert len(asked) == services.EXPIRE_ON_READ_BANK_LIMIT == 2
    assert client.get(HISTORY).status_code == 200
    assert len(asked) == 3  # the third one now; the first two wait for their minute
    assert client.get(HISTORY).status_code == 200
    assert len(asked) == 3
    # The bank could not say: they keep counting (the payer may have approved them).
    assert set(Transfer.objects.values_list("status", flat=True)) == {S.AWAITING_AUTHORIZATION}
    cache.clear()
