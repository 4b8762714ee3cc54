"""What the sandbox bank does: receive a payment request, let the payer confirm or cancel it, report
its status. Each change in a transaction, the payment request's row locked."""

from __future__ import annotations

import hashlib
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from schwifty import IBAN

from core.text import fold
from sandbox.models import SandboxPaymentRequest

from . import constants as c

Status = SandboxPaymentRequest.Status
_AMOUNT = re.compile(r"^\d{1,10}(\.\d{1,2})?$")
_STET_TEXT = re.compile(r"^[A-Za-z0-9/\-?:().,'+ ]*$")


class InvalidPaymentRequest(ValueError):
    pass


def _get(data, *path, required=True):
    for key in path:
        if isinstance(key, int):
            data = data[key] if isinstance(data, list) and len(data) > key else None
        else:
            data = data.get(key) if isinstance(data, dict) else None
        if data is None:
            break
    if required and (data is None or data == ""):
        raise InvalidPaymentRequest("missing " + ".".join(str(p) for p in path))
    return data


def parse_payment_request(body) -> dict:
    """The fields the bank needs from a STET payment request, checked as a bank would."""
    if not isinstance(body, dict):
        raise InvalidPaymentRequest("body is not an object")
    if _get(body, "numberOfTransactions") != 1:
        raise InvalidPaymentRequest("numberOfTransactions must be 1")
    tx = _get(body, "creditTransferTransaction", 0)
    amount_text = _get(tx, "instructedAmount", "amount")
    if not isinstance(amount_text, str) or not _AMOUNT.match(amount_text):
        raise InvalidPaymentRequest("instructedAmount.amount must be a string like 50.00")
    try:
        amount = Decimal(amount_text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits digits only
        raise InvalidPaymentRequest("bad amount") from exc
    if amount <= 0:
        raise InvalidPaymentRequest("amount must be positive")
    if _get(tx, "instructedAmount", "currency") != "EUR":
        raise InvalidPaymentRequest("currency must be EUR")
    end_to_end = _get(tx, "paymentId", "endToEndId")
    instruction = _get(tx, "paymentId", "instructionId")
    remittance = _get(tx, "remittanceInformation", "unstructured", 0)
    if len(end_to_end) > 35 or len(instruction) > 35:
        raise InvalidPaymentRequest("identifiers are 35 characters at most")
    if len(remittance) > 140 or not _STET_TEXT.match(remittance):
        raise InvalidPaymentRequest("remittance information outside STET's character set or length")
    beneficiary = _get(body, "beneficiary")
    for url_field in ("successfulReportUrl", "unsuccessfulReportUrl"):
        url = _get(body, "supplementaryData", url_field)
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise InvalidPaymentRequest(f"{url_field} must be an absolute URL")
    if "REDIRECT" not in (_get(body, "supplementaryData", "acceptedAuthenticationApproach") or []):
        raise InvalidPaymentRequest("only the REDIRECT approach is offered")
    if _get(body, "paymentTypeInformation", "serviceLevel") != "SEPA":
        raise InvalidPaymentRequest("serviceLevel must be SEPA")
    local_instrument = _get(body, "paymentTypeInformation", "localInstrument", required=False)
    if local_instrument is None:
        local_instrument = ""
    if not isinstance(local_instrument, str) or local_instrument not in c.LOCAL_INSTRUMENTS:
        raise InvalidPaymentRequest("localInstrument must be INST or absent")
    return {
        "instruction_id": instruction,
        "end_to_end_id": end_to_end,
        "amount": amount,
        "currency": "EUR",
        "creditor_name": _get(beneficiary, "creditor", "name")[:140],
        "creditor_iban": _get(beneficiary, "creditorAccount", "iban"),
        "creditor_bic": (_get(beneficiary, "creditorAgent", "bicFi", required=False) or "")[:11],
        "remittance": remittance,
        "local_instrument": local_instrument,
        "debtor_name": (_get(body, "debtor", "name", required=False) or c.DEMO_ACCOUNT_HOLDER)[:140],
        "successful_report_url": body["supplementaryData"]["successfulReportUrl"],
        "unsuccessful_report_url": body["supplementaryData"]["unsuccessfulReportUrl"],
    }


def receive_payment_request(
    *, client_id: str, request_id: str, body: dict, offers_instant: bool = True
) -> tuple[SandboxPaymentRequest, bool]:
    """Record a payment request; the same instructionId from the same client gives back the first one. A bank
    that does not offer instant transfers (``offers_instant`` False) refuses an INST request."""
    fields = parse_payment_request(body)
    if fields["local_instrument"] == c.LOCAL_INSTRUMENT_INSTANT and not offers_instant:
        raise InvalidPaymentRequest("instant credit transfers (INST) are not offered")
    existing = SandboxPaymentRequest.objects.filter(
        client_id=client_id, instruction_id=fields["instruction_id"]
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            created = SandboxPaymentRequest.objects.create(
                resource_id=uuid.uuid4().hex, client_id=client_id, request_id=request_id[:100], body=body, **fields
            )
    except IntegrityError:
        return SandboxPaymentRequest.objects.get(client_id=client_id, instruction_id=fields["instruction_id"]), False
    return created, True


def customer_iban(debtor_name: str) -> str:
    """The account the customer named ``debtor_name`` pays from: a valid French IBAN (RIB key and IBAN
    checksum), the same for the same name (case, accents and spaces aside), another for another name —
    so that two relatives never share an account in the demo unless they share a name."""
    key = " ".join(fold(debtor_name or c.DEMO_ACCOUNT_HOLDER).split())
    number = int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10**c.ACCOUNT_NUMBER_DIGITS
    return str(IBAN.generate(
        "FR", bank_code=c.SANDBOX_BANK_CODE + c.SANDBOX_BRANCH_CODE,
        account_code=f"{number:0{c.ACCOUNT_NUMBER_DIGITS}d}",
    ))


def decide(*, resource_id: str, confirm: bool, failure_mode: str = "") -> SandboxPaymentRequest:
    """The payer's "Confirmer" or "Annuler". A second click finds the request decided and changes
    nothing: one payment, ever."""
    with transaction.atomic():
        payment = SandboxPaymentRequest.objects.select_for_update().get(resource_id=resource_id)
        if payment.status != Status.RECEIVED:
            return payment
        now = timezone.now()
        payment.decided_at = now
        if not confirm:
            payment.status = Status.CANCELLED
        elif failure_mode == c.FAILURE_REJECT:
            payment.status = Status.REJECTED
        elif failure_mode == c.FAILURE_ACCEPT_THEN_REJECT:
            payment.status = Status.ACCEPTED
        else:
            payment.status = Status.EXECUTED
            payment.executed_at = now
            payment.debtor_iban = customer_iban(payment.debtor_name)
        payment.save()
        return payment


def reported_status(payment: SandboxPaymentRequest) -> str:
    """The STET status code GET reports: an accepted instant transfer is ACSP (settlement in process)."""
    if payment.status == Status.ACCEPTED and payment.local_instrument == c.LOCAL_INSTRUMENT_INSTANT:
        return c.INSTANT_ACCEPTED_STATUS
    return payment.status


def report_status(*, resource_id: str, failure_mode: str = "") -> SandboxPaymentRequest:
    """The status as reported by GET; in ``accept_then_reject`` mode an accepted payment is reported
    once as accepted (ACCP, or ACSP for an instant transfer), then rejected."""
    with transaction.atomic():
        payment = SandboxPaymentRequest.objects.select_for_update().get(resource_id=resource_id)
        if (
            failure_mode == c.FAILURE_ACCEPT_THEN_REJECT
            and payment.status == Status.ACCEPTED
            and payment.status_reports >= 1
        ):
            payment.status = Status.REJECTED
        payment.status_reports += 1
        payment.save()
        return payment
