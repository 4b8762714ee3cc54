"""The STET client against the sandbox bank, over real HTTP: same code as with a real bank."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from sandbox.models import SandboxPaymentRequest
from tests.threads import all_at_once
from transfers import caps, services
from transfers.constants import TransferStatus
from transfers.models import Transfer
from transfers.psd2 import Psd2BadResponse, Psd2Refused, Psd2Unavailable, StetClient
from transfers.psd2.client import remittance_text

from .bankflow import KO_URL, OK_URL, payer_decides, sandbox_bank, start
from .factories import RegisteredPermitFactory

S = TransferStatus
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_payment_request_carries_the_stet_fields_and_the_payer_confirms_once(live_server):
    reg = RegisteredPermitFactory(permit__detainee__family_name="MARTIN", permit__detainee__first_name="Jéan")
    bank = sandbox_bank(live_server)
    transfer = start(reg, bank)
    assert transfer.status == S.AWAITING_AUTHORIZATION and transfer.consent_url.startswith(live_server.url)
    sent = SandboxPaymentRequest.objects.get()
    body = sent.body
    tx = body["creditTransferTransaction"][0]
    assert tx["instructedAmount"] == {"currency": "EUR", "amount": "50.00"}
    assert tx["paymentId"] == {"instructionId": transfer.reference, "endToEndId": transfer.reference}
    assert body["beneficiary"]["creditorAccount"]["iban"] == transfer.establishment.regie_iban
    assert body["beneficiary"]["creditorAgent"]["bicFi"] == transfer.establishment.regie_bic
    assert body["paymentTypeInformation"]["serviceLevel"] == "SEPA"
    assert body["supplementaryData"]["successfulReportUrl"] == OK_URL
    assert body["supplementaryData"]["acceptedAuthenticationApproach"] == ["REDIRECT"]
    remittance = tx["remittanceInformation"]["unstructured"][0]
    assert "MARTIN JEAN" in remittance.upper() and transfer.reference in remittance and len(remittance) <= 140
    assert sent.request_id == str(transfer.idempotency_key)

    response, client = payer_decides(transfer.consent_url)
    assert response.status_code == 302 and response["Location"] == OK_URL
    again = client.post(transfer.consent_url.replace(live_server.url, ""), {"decision": "confirm"})  # double click
    assert again["Location"] == OK_URL
    assert SandboxPaymentRequest.objects.filter(status="ACSC").count() == 1

    services.refresh_from_bank(transfer_id=transfer.pk)
    transfer.refresh_from_db()
    assert transfer.status == S.EXECUTED and transfer.bank_status == "ACSC"


def test_token_is_cached_until_expiry(live_server):
    bank = sandbox_bank(live_server)
    client = StetClient(bank)
    first = client.access_token()
    assert client.access_token() == first
    assert client.access_token(refresh=True) != "" and cache.get(client._token_cache_key)


def test_bad_client_secret_is_a_typed_refusal(live_server, settings):
    bank = sandbox_bank(live_server)
    settings.PSD2_CLIENT_SECRET = "wrong"
    with pytest.raises(Psd2Refused):
        StetClient(bank).access_token()


def test_double_click_on_realiser_le_virement_makes_one_payment_request(live_server):
    reg = RegisteredPermitFactory()
    bank = sandbox_bank(live_server)
    transfer = start(reg, bank)
    again = services.initiate_payment(
        transfer_id=transfer.pk, bank=bank, successful_report_url=OK_URL, unsuccessful_report_url=KO_URL
    )
    assert again.consent_url == transfer.consent_url
    assert SandboxPaymentRequest.objects.count() == 1 and Transfer.objects.count() == 1


def test_payer_cancels_and_the_reservation_is_freed(live_server):
    reg = RegisteredPermitFactory()
    transfer = start(reg, sandbox_bank(live_server), amount="200")
    response, _client = payer_decides(transfer.consent_url, "cancel")
    assert response["Location"] == KO_URL
    services.refresh_from_bank(transfer_id=transfer.pk)
    transfer.refresh_from_db()
    assert transfer.status == S.REJECTED
    assert caps.counted_this_month(detainee_id=transfer.detainee_id) == Decimal("0.00")


def test_bank_rejects_at_confirmation(live_server, settings):
    settings.SANDBOX_BANK_FAILURE = "reject"
    reg = RegisteredPermitFactory()
    transfer = start(reg, sandbox_bank(live_server))
    response, _client = payer_decides(transfer.consent_url)
    assert response["Location"] == KO_URL
    services.refresh_from_bank(transfer_id=transfer.pk)
    assert Transfer.objects.get(pk=transfer.pk).status == S.REJECTED


def test_bank_accepts_then_rejects(live_server, settings):
    settings.SANDBOX_BANK_FAILURE = "accept_then_reject"
    reg = RegisteredPermitFactory()
    transfer = start(reg, sandbox_bank(live_server))
    payer_decides(transfer.consent_url)
    services.refresh_from_bank(transfer_id=transfer.pk)
    assert Transfer.objects.get(pk=transfer.pk).status == S.AUTHORIZED
    services.refresh_from_bank(transfer_id=transfer.pk)
    transfer.refresh_from_db()
    assert transfer.status == S.REJECTED
    assert list(transfer.history.order_by("history_id").values_list("status", flat=True))[-2:] == [
        "authorized", "rejected",
    ]


def test_bank_refusing_the_request_rejects_the_transfer_with_a_french_message(live_server, settings):
    settings.SANDBOX_BANK_FAILURE = "reject_request"
    reg = RegisteredPermitFactory()
    with pytest.raises(Psd2Refused) as caught:
        start(reg, sandbox_bank(live_server))
    assert "refusé" in str(caught.value.user_message)
    transfer = Transfer.objects.get()
    assert transfer.status == S.REJECTED and not transfer.payment_request_id


@pytest.mark.parametrize("mode, error", [("error", Psd2Unavailable), ("garbled", Psd2BadResponse)])
def test_bank_500_or_garbled_leaves_the_transfer_reserved_and_a_retry_makes_one_payment(
    live_server, settings, mode, error
):
    reg = RegisteredPermitFactory()
    bank = sandbox_bank(live_server)
    settings.SANDBOX_BANK_FAILURE = mode
    with pytest.raises(error) as caught:
        start(reg, bank)
    assert "Aucun nouveau virement" in str(caught.value.user_message)
    transfer = Transfer.objects.get()
    assert transfer.status == S.AWAITING_AUTHORIZATION and not transfer.payment_request_id
    assert SandboxPaymentRequest.objects.count() == 0
    settings.SANDBOX_BANK_FAILURE = ""
    retried = services.initiate_payment(
        transfer_id=transfer.pk, bank=bank, successful_report_url=OK_URL, unsuccessful_report_url=KO_URL
    )
    assert retried.payment_request_id and SandboxPaymentRequest.objects.count() == 1
    assert Transfer.objects.count() == 1


def test_bank_timing_out_is_cut_short_by_the_client(live_server, settings):
    reg = RegisteredPermitFactory()
    bank = sandbox_bank(live_server)
    StetClient(bank).access_token()  # the token is fetched before the bank slows down
    settings.SANDBOX_BANK_FAILURE = "timeout"
    settings.SANDBOX_BANK_TIMEOUT_SECONDS = 2.0
    settings.PSD2_TIMEOUT = (1.0, 0.5)
    with pytest.raises(Psd2Unavailable):
        start(reg, bank)
    assert Transfer.objects.get().status == S.AWAITING_AUTHORIZATION


def test_unknown_status_keeps_the_state(live_server, settings):
    reg = RegisteredPermitFactory()
    transfer = start(reg, sandbox_bank(live_server))
    payer_decides(transfer.consent_url)
    settings.SANDBOX_BANK_FAILURE = "unknown_status"
    with pytest.raises(services.Psd2UnknownStatus):
        services.refresh_from_bank(transfer_id=transfer.pk)
    assert Transfer.objects.get(pk=transfer.pk).status == S.AWAITING_AUTHORIZATION
    settings.SANDBOX_BANK_FAILURE = ""
    services.refresh_from_bank(transfer_id=transfer.pk)
    assert Transfer.objects.get(pk=transfer.pk).status == S.EXECUTED


def test_retry_after_a_lost_answer_gets_the_same_payment_request(live_server):
    """The bank created the request but its answer was lost: the retry carries the same
    instructionId and X-Request-ID, and the bank gives back the same request."""
    reg = RegisteredPermitFactory()
    bank = sandbox_bank(live_server)
    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("20"))
    transfer = services.reserve(transfer_id=transfer.pk, bank=bank)
    first = StetClient(bank).create_payment_request(
        transfer, successful_report_url=OK_URL, unsuccessful_report_url=KO_URL
    )
    second = StetClient(bank).create_payment_request(
        transfer, successful_report_url=OK_URL, unsuccessful_report_url=KO_URL
    )
    assert first == second and SandboxPaymentRequest.objects.count() == 1


def test_remittance_keeps_the_reference_when_names_are_long():
    reg = RegisteredPermitFactory(permit__detainee__family_name="A" * 150)
    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("5"))
    text = remittance_text(transfer)
    assert len(text) <= 140 and text.endswith(transfer.reference)


@pytest.mark.postgres
def test_two_simultaneous_clicks_on_the_bank_make_one_payment_request(live_server):
    reg = RegisteredPermitFactory()
    bank = sandbox_bank(live_server)
    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("30"))

    def click() -> str:
        return services.initiate_payment(
            transfer_id=transfer.pk, bank=bank, successful_report_url=OK_URL, unsuccessful_report_url=KO_URL,
            wait_seconds=20,
        ).consent_url

    results, errors = all_at_once([click] * 4)
    assert not errors, errors
    assert len(set(results)) == 1 and len(results) == 4
    assert SandboxPaymentRequest.objects.count() == 1 and Transfer.objects.count() == 1


def test_a_failing_mail_server_does_not_break_the_payment(live_server, settings):
    settings.EMAIL_BACKEND = "tests.transfers.broken_mail.BrokenBackend"
    reg = RegisteredPermitFactory()
    transfer = start(reg, sandbox_bank(live_server))
    payer_decides(transfer.consent_url)
    services.refresh_from_bank(transfer_id=transfer.pk)
    assert Transfer.objects.get(pk=transfer.pk).status == S.EXECUTED
