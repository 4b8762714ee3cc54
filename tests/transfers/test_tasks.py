"""Following transfers at their bank and expiring abandoned ones (Celery tasks, eager here)."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from sandbox.models import SandboxPaymentRequest
from tests.threads import all_at_once
from transfers import caps, services, tasks
from transfers.constants import TransferStatus
from transfers.models import Transfer
from transfers.psd2 import PaymentRequestStatus, Psd2Unavailable

from .bankflow import payer_decides, sandbox_bank
from .factories import RegisteredPermitFactory, TransferFactory

S = TransferStatus
OK_URL, KO_URL = "https://portail.example/ok", "https://portail.example/ko"


def _age(transfer, minutes):
    Transfer.objects.filter(pk=transfer.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=minutes))


class CountingBank:
    """A stand-in client counting GETs (for the race test); answers ACSC."""

    calls = 0
    lock = threading.Lock()

    def __init__(self, bank):
        pass

    def get_payment_request(self, resource_id):
        with CountingBank.lock:
            CountingBank.calls += 1
        return PaymentRequestStatus(code="ACSC", payment_information_status="ACSC", transaction_status="ACSC")


class DownBank(CountingBank):
    def get_payment_request(self, resource_id):
        raise Psd2Unavailable("timeout")


@pytest.mark.django_db
def test_beat_schedule_runs_both_tasks():
    tasks_named = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"transfers.poll_pending_transfers", "transfers.expire_stale_transfers"} <= tasks_named


@pytest.mark.django_db
def test_abandoned_drafts_and_unsent_reservations_expire_after_30_minutes_and_free_the_cap():
    reg = RegisteredPermitFactory()
    old_draft = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("10"))
    reserved = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("200"))
    services.reserve(transfer_id=reserved.pk, bank=sandbox_bank_stub())
    recent = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("5"))
    _age(old_draft, 31)
    _age(reserved, 45)
    _age(recent, 29)
    assert caps.counted_this_month(detainee_id=reg.permit.detainee_id) == Decimal("200.00")
    assert tasks.expire_stale_transfers.delay().get() == 2
    statuses = dict(Transfer.objects.values_list("pk", "status"))
    assert statuses == {old_draft.pk: S.EXPIRED, reserved.pk: S.EXPIRED, recent.pk: S.DRAFT}
    assert caps.counted_this_month(detainee_id=reg.permit.detainee_id) == Decimal("0.00")
    assert tasks.expire_stale_transfers.delay().get() == 0  # running again changes nothing
    assert Transfer.objects.get(pk=reserved.pk).history.filter(status=S.EXPIRED).count() == 1


def sandbox_bank_stub():
    from tests.establishments.factories import BankFactory

    return BankFactory()


@pytest.mark.django_db
def test_expiry_asks_the_bank_first_and_waits_when_it_is_down():
    approved = TransferFactory(status=S.AWAITING_AUTHORIZATION, payment_request_id="abc")
    down = TransferFactory(status=S.AWAITING_AUTHORIZATION, payment_request_id="def")
    _age(approved, 40)
    _age(down, 40)
    assert services.expire_transfer(transfer_id=approved.pk, client_factory=CountingBank) is False
    assert Transfer.objects.get(pk=approved.pk).status == S.EXECUTED
    assert services.expire_transfer(transfer_id=down.pk, client_factory=DownBank) is False
    assert Transfer.objects.get(pk=down.pk).status == S.AWAITING_AUTHORIZATION
    _age(down, 60 * 25)
    assert services.expire_transfer(transfer_id=down.pk, client_factory=DownBank) is True
    assert Transfer.objects.get(pk=down.pk).status == S.EXPIRED


@pytest.mark.django_db
def test_polling_backs_off_and_stops_at_a_final_state(monkeypatch):
    transfer = TransferFactory(status=S.AWAITING_AUTHORIZATION, payment_request_id="abc")
    now = timezone.now()
    Transfer.objects.filter(pk=transfer.pk).update(next_poll_at=now)
    services.poll_transfer(transfer_id=transfer.pk, now=now, client_factory=DownBank)
    first = Transfer.objects.get(pk=transfer.pk)
    assert first.poll_attempts == 1 and first.next_poll_at == now + datetime.timedelta(seconds=30)
    assert services.poll_transfer(transfer_id=transfer.pk, now=now, client_factory=DownBank) is None  # not due
    later = now + datetime.timedelta(seconds=31)
    services.poll_transfer(transfer_id=transfer.pk, now=later, client_factory=DownBank)
    second = Transfer.objects.get(pk=transfer.pk)
    assert second.poll_attempts == 2 and second.next_poll_at == later + datetime.timedelta(seconds=60)
    monkeypatch.setattr(services, "StetClient", CountingBank)
    Transfer.objects.filter(pk=transfer.pk).update(next_poll_at=now)
    assert tasks.poll_pending_transfers.delay().get() == 1
    final = Transfer.objects.get(pk=transfer.pk)
    assert final.status == S.EXECUTED and final.next_poll_at is None
    assert tasks.poll_pending_transfers.delay().get() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_poll_task_running_twice_at_once_asks_once_and_moves_once(monkeypatch):
    transfers = [TransferFactory(status=S.AWAITING_AUTHORIZATION, payment_request_id=f"r{i}") for i in range(10)]
    Transfer.objects.update(next_poll_at=timezone.now() - datetime.timedelta(seconds=1))
    monkeypatch.setattr(services, "StetClient", CountingBank)
    CountingBank.calls = 0
    results, errors = all_at_once([tasks.poll_pending_transfers] * 4)
    assert not errors, errors
    assert sum(results) == 10 and CountingBank.calls == 10
    for transfer in transfers:
        statuses = list(transfer.history.values_list("status", flat=True))
        assert statuses.count(S.EXECUTED) == 1 and statuses.count(S.AUTHORIZED) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_expiry_task_running_twice_at_once_expires_once():
    reg = RegisteredPermitFactory()
    drafts = [services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("1")) for _ in range(8)]
    Transfer.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    results, _errors = all_at_once([tasks.expire_stale_transfers] * 3)
    assert sum(results) == 8
    for draft in drafts:
        assert draft.history.filter(status=S.EXPIRED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_polling_the_real_sandbox_bank_until_the_payer_confirms(live_server):
    cache.clear()
    reg = RegisteredPermitFactory()
    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("25"))
    transfer = services.initiate_payment(
        transfer_id=transfer.pk, bank=sandbox_bank(live_server), successful_report_url=OK_URL,
        unsuccessful_report_url=KO_URL,
    )
    Transfer.objects.filter(pk=transfer.pk).update(next_poll_at=timezone.now())
    tasks.poll_pending_transfers.delay().get()
    assert Transfer.objects.get(pk=transfer.pk).status == S.AWAITING_AUTHORIZATION
    payer_decides(transfer.consent_url)
    Transfer.objects.filter(pk=transfer.pk).update(next_poll_at=timezone.now())
    tasks.poll_pending_transfers.delay().get()
    assert Transfer.objects.get(pk=transfer.pk).status == S.EXECUTED
    assert SandboxPaymentRequest.objects.get().executed_at is not None
    cache.clear()
