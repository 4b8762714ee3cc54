"""Instant transfers (SCT Inst, STET localInstrument "INST") at a bank that offers them, against the sandbox
bank over real HTTP; an ordinary SEPA transfer elsewhere, and when a bank flagged INST refuses the INST request."""

import logging
from decimal import Decimal

import pytest
from django.core.cache import cache

from core.audit import reason_label
from sandbox.models import SandboxPaymentRequest
from tests.establishments.factories import BankFactory
from transfers import caps, services
from transfers.constants import TransferStatus
from transfers.models import Transfer
from transfers.psd2 import Psd2Refused, StetClient

from .bankflow import KO_URL, OK_URL, payer_decides, sandbox_bank, start
from .factories import RegisteredPermitFactory

S = TransferStatus
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def last_reason(transfer) -> str:
    return reason_label(transfer.history.order_by("history_id").last().history_change_reason)


def test_a_bank_offering_instant_transfers_is_asked_for_an_sct_inst(live_server):
    reg = RegisteredPermitFactory()
    transfer = start(reg, sandbox_bank(live_server, instant_payments=True))
    sent = SandboxPaymentRequest.objects.get()
    assert sent.body["paymentTypeInformation"] == {"serviceLevel": "SEPA", "localInstrument": "INST"}
    assert sent.local_instrument == "INST"
    transfer.refresh_from_db()
    assert transfer.instant is True and transfer.payment_request_id == sent.resource_id
    assert "INST" in last_reason(transfer) and "Demande de paiement créée" in last_reason(transfer)


def test_a_bank_without_instant_transfers_is_asked_for_an_ordinary_sepa_transfer(live_server):
    reg = RegisteredPermitFactory()
    transfer = start(reg, sandbox_bank(live_server, instant_payments=False))
    sent = SandboxPaymentRequest.objects.get()
    assert sent.body["paymentTypeInformation"] == {"serviceLevel": "SEPA"}
    assert sent.local_instrument == ""
    transfer.refresh_from_db()
    assert transfer.instant is False and transfer.payment_request_id == sent.resource_id
    assert sent.request_id == str(transfer.idempotency_key)


def test_the_client_body_says_inst_only_when_asked():
    reg = RegisteredPermitFactory()
    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("10"))
    client = StetClient(BankFactory(instant_payments=True))
    urls = {"successful_report_url": OK_URL, "unsuccessful_report_url": KO_URL}
    assert client.payment_request_body(transfer, instant=True, **urls)["paymentTypeInformation"] == {
        "serviceLevel": "SEPA", "localInstrument": "INST",
    }
    assert client.payment_request_body(transfer, instant=False, **urls)["paymentTypeInformation"] == {
        "serviceLevel": "SEPA",
    }
    # The régie's holder goes to the bank exactly as the establishment holds it (validated, not transliterated).
    body = client.payment_request_body(transfer, **urls)
    assert body["beneficiary"]["creditor"]["name"] == transfer.establishment.regie_holder


def test_a_bank_refusing_inst_gets_the_same_transfer_as_an_ordinary_one(live_server, settings, caplog):
    settings.SANDBOX_BANK_FAILURE = "no_instant"
    reg = RegisteredPermitFactory()
    with caplog.at_level(logging.WARNING, logger="transfers.services"):
        transfer = start(reg, sandbox_bank(live_server, instant_payments=True))
    assert "refused the instant transfer" in caplog.text
    sent = SandboxPaymentRequest.objects.get()  # the INST request was refused: one payment request only
    assert sent.local_instrument == "" and "localInstrument" not in sent.body["paymentTypeInformation"]
    assert sent.request_id != str(transfer.idempotency_key)  # another body, another X-Request-ID
    transfer.refresh_from_db()
    assert Transfer.objects.count() == 1
    assert transfer.status == S.AWAITING_AUTHORIZATION and transfer.instant is False
    assert transfer.payment_request_id == sent.resource_id and transfer.consent_url
    assert "SEPA" in last_reason(transfer) and "HTTP 400" in last_reason(transfer)
    # The payer goes on as with any bank.
    payer_decides(transfer.consent_url)
    services.refresh_from_bank(transfer_id=transfer.pk)
    assert Transfer.objects.get(pk=transfer.pk).status == S.EXECUTED


def test_a_bank_refusing_both_rejects_the_transfer_once(live_server, settings):
    settings.SANDBOX_BANK_FAILURE = "reject_request"
    reg = RegisteredPermitFactory()
    with pytest.raises(Psd2Refused):
        start(reg, sandbox_bank(live_server, instant_payments=True), amount="200")
    transfer = Transfer.objects.get()
    assert transfer.status == S.REJECTED and not transfer.payment_request_id and transfer.instant is False
    assert SandboxPaymentRequest.objects.count() == 0
    assert caps.counted_this_month(detainee_id=transfer.detainee_id) == Decimal("0.00")


def test_no_fallback_for_a_bank_without_the_flag(live_server, settings):
    """A bank not flagged INST refusing an ordinary request is not asked again."""
    settings.SANDBOX_BANK_FAILURE = "reject_request"
    reg = RegisteredPermitFactory()
    calls = []

    class CountingClient(StetClient):
        def create_payment_request(self, transfer, **kwargs):
            calls.append(kwargs["instant"])
            return super().create_payment_request(transfer, **kwargs)

    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("10"))
    with pytest.raises(Psd2Refused):
        services.initiate_payment(
            transfer_id=transfer.pk, bank=sandbox_bank(live_server), successful_report_url=OK_URL,
            unsuccessful_report_url=KO_URL, client_factory=CountingClient,
        )
    assert calls == [False]


def test_instant_transfer_acsp_then_acsc(live_server, settings):
    """STET: ACSP (accepted, settlement in process) authorizes, ACSC executes."""
    reg = RegisteredPermitFactory()
    transfer = start(reg, sandbox_bank(live_server, instant_payments=True))
    payer_decides(transfer.consent_url)
    payment = SandboxPaymentRequest.objects.get()
    assert payment.status == "ACSC" and payment.executed_at is not None  # executed at confirmation
    services.apply_bank_status(transfer_id=transfer.pk, code="ACSP")
    transfer.refresh_from_db()
    assert transfer.status == S.AUTHORIZED and transfer.bank_status == "ACSP"
    services.refresh_from_bank(transfer_id=transfer.pk)
    transfer.refresh_from_db()
    assert transfer.status == S.EXECUTED and transfer.bank_status == "ACSC" and transfer.executed_at


def test_instant_transfer_accepted_then_rejected_frees_the_reservation(live_server, settings):
    """The sandbox bank in accept_then_reject reports an INST payment ACSP once, then RJCT."""
    settings.SANDBOX_BANK_FAILURE = "accept_then_reject"
    reg = RegisteredPermitFactory()
    transfer = start(reg, sandbox_bank(live_server, instant_payments=True), amount="200")
    payer_decides(transfer.consent_url)
    services.refresh_from_bank(transfer_id=transfer.pk)
    transfer.refresh_from_db()
    assert transfer.status == S.AUTHORIZED and transfer.bank_status == "ACSP"
    assert caps.counted_this_month(detainee_id=transfer.detainee_id) == Decimal("200.00")
    services.refresh_from_bank(transfer_id=transfer.pk)
    transfer.refresh_from_db()
    assert transfer.status == S.REJECTED and transfer.bank_status == "RJCT" and transfer.rejected_at
    assert caps.counted_this_month(detainee_id=transfer.detainee_id) == Decimal("0.00")
    assert list(transfer.history.order_by("history_id").values_list("status", flat=True))[-2:] == [
        "authorized", "rejected",
    ]


def test_a_rejection_after_acsc_changes_nothing_and_is_logged(live_server, caplog):
    reg = RegisteredPermitFactory()
    transfer = start(reg, sandbox_bank(live_server, instant_payments=True))
    payer_decides(transfer.consent_url)
    services.refresh_from_bank(transfer_id=transfer.pk)
    transfer.refresh_from_db()
    assert transfer.status == S.EXECUTED
    versions = transfer.history.count()
    with caplog.at_level(logging.ERROR, logger="transfers.services"):
        services.apply_bank_status(transfer_id=transfer.pk, code="RJCT")
    assert "the statement will tell" in caplog.text and transfer.reference in caplog.text
    after = Transfer.objects.get(pk=transfer.pk)
    assert after.status == S.EXECUTED and after.bank_status == "ACSC" and after.rejected_at is None
    assert after.history.count() == versions
    assert caps.counted_this_month(detainee_id=transfer.detainee_id) == Decimal("50.00")
