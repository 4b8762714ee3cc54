"""A STET PSD2 (v1.4.x) PISP client: client-credentials token, payment request creation and status.

Every call has a timeout and an ``X-Request-ID``; every failure becomes a typed ``Psd2Error``. The
same code talks to real banks and to the sandbox bank: the bank is chosen by ``Bank.api_base_url``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.addresses import rebased
from core.outbound import unreachable
from core.text import sepa_text

from .errors import Psd2BadResponse, Psd2Error, Psd2Refused, Psd2Unavailable
from .http import make_session, request_signer

logger = logging.getLogger(__name__)

REMITTANCE_MAX_LENGTH = 140
NAME_MAX_LENGTH = 70
# STET's paymentTypeInformation.localInstrument of an SEPA instant credit transfer (SCT Inst).
INSTANT_LOCAL_INSTRUMENT = "INST"


def payment_type_information(*, instant: bool) -> dict:
    """An SEPA credit transfer; with ``instant``, an SCT Inst (localInstrument "INST"), else an ordinary one."""
    if instant:
        return {"serviceLevel": "SEPA", "localInstrument": INSTANT_LOCAL_INSTRUMENT}
    return {"serviceLevel": "SEPA"}


def format_amount(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01')):.2f}"


def remittance_text(transfer) -> str:
    """Names the detainee (family name, first name, écrou) and the reference, within 140 characters;
    the reference always survives the cut."""
    detainee = transfer.detainee
    suffix = f" REF {transfer.reference}"
    head = sepa_text(
        f"PECULE {detainee.family_name} {detainee.first_name} ECROU {detainee.ecrou} {transfer.establishment.code}",
        REMITTANCE_MAX_LENGTH - len(suffix),
    )
    return f"{head}{suffix}"


@dataclass(frozen=True)
class PaymentRequestCreated:
    resource_id: str
    consent_url: str


@dataclass(frozen=True)
class PaymentRequestStatus:
    code: str
    payment_information_status: str
    transaction_status: str


class StetClient:
    """The PISP's client for one bank."""

    def __init__(self, bank, session: requests.Session | None = None):
        self.bank = bank
        # The sandbox bank follows the address the portal is reached at (core.addresses, embedded default).
        self.base_url = rebased(bank.api_base_url.rstrip("/"))
        self.session = session or make_session(bank)
        self.signer = request_signer()

    # -- token -------------------------------------------------------------------------------
    @property
    def _token_cache_key(self) -> str:
        digest = hashlib.sha256(f"{self.base_url}|{settings.PSD2_CLIENT_ID}".encode()).hexdigest()[:32]
        return f"psd2:token:{digest}"

    def access_token(self, *, refresh: bool = False) -> str:
        """The OAuth2 client-credentials token, cached until shortly before it expires."""
        if not refresh:
            token = cache.get(self._token_cache_key)
            if token:
                return token
        response = self._send(
            "POST",
            f"{self.base_url}/token",
            data={"grant_type": "client_credentials", "scope": "pisp"},
            auth=(settings.PSD2_CLIENT_ID, settings.PSD2_CLIENT_SECRET),
            request_id=str(uuid.uuid4()),
        )
        if response.status_code != 200:
            raise Psd2Refused(f"token: HTTP {response.status_code}", status_code=response.status_code)
        body = self._json(response)
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise Psd2BadResponse("token: no access_token")
        try:
            expires_in = int(body.get("expires_in", 300))
        except (TypeError, ValueError) as exc:
            raise Psd2BadResponse("token: bad expires_in") from exc
        cache.set(self._token_cache_key, token, timeout=max(expires_in - 60, 1))
        return token

    # -- payment requests --------------------------------------------------------------------
    def payment_request_body(
        self, transfer, *, successful_report_url: str, unsuccessful_report_url: str, instant: bool = False
    ) -> dict:
        establishment = transfer.establishment
        relative = transfer.relative
        return {
            "paymentInformationId": transfer.reference,
            "creationDateTime": timezone.now().isoformat(timespec="seconds"),
            "numberOfTransactions": 1,
            "initiatingParty": {
                "name": sepa_text(settings.PSD2_INITIATING_PARTY_NAME, NAME_MAX_LENGTH),
                "organisationId": {
                    "identification": settings.PSD2_ORGANISATION_ID,
                    "schemeName": "COID",
                    "issuer": "ACPR",
                },
            },
            "paymentTypeInformation": payment_type_information(instant=instant),
            "debtor": {"name": sepa_text(f"{relative.given_name} {relative.family_name}", NAME_MAX_LENGTH)},
            "beneficiary": {
                # Unchanged: validated as the bank holds it (establishments.validators.validate_regie_holder),
                # shown so to the payer, and compared by their bank's payee check before an instant transfer.
                "creditor": {"name": establishment.regie_holder},
                "creditorAccount": {"iban": establishment.regie_iban},
                "creditorAgent": {"bicFi": establishment.regie_bic},
            },
            "requestedExecutionDate": timezone.now().isoformat(timespec="seconds"),
            "chargeBearer": "SLEV",
            "creditTransferTransaction": [
                {
                    "paymentId": {"instructionId": transfer.reference, "endToEndId": transfer.reference},
                    "instructedAmount": {"currency": "EUR", "amount": format_amount(transfer.amount)},
                    "remittanceInformation": {"unstructured": [remittance_text(transfer)]},
                }
            ],
            "supplementaryData": {
                "acceptedAuthenticationApproach": ["REDIRECT"],
                "successfulReportUrl": successful_report_url,
                "unsuccessfulReportUrl": unsuccessful_report_url,
            },
        }

    def create_payment_request(
        self, transfer, *, successful_report_url: str, unsuccessful_report_url: str, instant: bool = False
    ) -> PaymentRequestCreated:
        """POST /payment-requests, as an SCT Inst with ``instant``. The X-Request-ID is derived from the
        transfer, so a retry of the same transfer carries the same identifiers (instructionId and endToEndId
        too); the ordinary transfer asked after a bank refused the instant one has an X-Request-ID of its own
        (another body), derived from the transfer too."""
        body = self.payment_request_body(
            transfer, successful_report_url=successful_report_url, unsuccessful_report_url=unsuccessful_report_url,
            instant=instant,
        )
        request_id = transfer.idempotency_key
        if not instant and getattr(self.bank, "instant_payments", False):
            request_id = uuid.uuid5(transfer.idempotency_key, "sct")
        response = self._authorized(
            "POST", f"{self.base_url}/payment-requests", json=body, request_id=str(request_id)
        )
        if response.status_code not in (200, 201):
            raise Psd2BadResponse(f"payment-requests: unexpected HTTP {response.status_code}")
        payload = self._json(response)
        resource_id = ""
        location = response.headers.get("Location", "")
        if location:
            resource_id = urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1]
        resource_id = resource_id or str(payload.get("paymentRequestResourceId", ""))
        try:
            consent_url = payload["_links"]["consentApproval"]["href"]
        except (KeyError, TypeError) as exc:
            raise Psd2BadResponse("payment-requests: no consentApproval link") from exc
        if not resource_id or len(resource_id) > 100:
            raise Psd2BadResponse("payment-requests: no resource id")
        if not isinstance(consent_url, str) or urlsplit(consent_url).scheme not in ("https", "http"):
            raise Psd2BadResponse("payment-requests: bad consentApproval link")
        return PaymentRequestCreated(resource_id=resource_id, consent_url=consent_url)

    def get_payment_request(self, resource_id: str) -> PaymentRequestStatus:
        response = self._authorized(
            "GET", f"{self.base_url}/payment-requests/{resource_id}", request_id=str(uuid.uuid4())
        )
        if response.status_code != 200:
            raise Psd2BadResponse(f"payment-requests/{{id}}: unexpected HTTP {response.status_code}")
        payload = self._json(response)
        request = payload.get("paymentRequest", payload)
        if not isinstance(request, dict):
            raise Psd2BadResponse("payment-requests/{id}: no paymentRequest")
        info_status = request.get("paymentInformationStatus") or ""
        transactions = request.get("creditTransferTransaction") or []
        tx_status = ""
        if isinstance(transactions, list) and transactions and isinstance(transactions[0], dict):
            tx_status = transactions[0].get("transactionStatus") or ""
        if not isinstance(info_status, str) or not isinstance(tx_status, str) or not (info_status or tx_status):
            raise Psd2BadResponse("payment-requests/{id}: no status")
        # A rejection on either level wins; else the transaction's own status, else the payment's.
        if "RJCT" in (info_status, tx_status):
            code = "RJCT"
        else:
            code = tx_status or info_status
        return PaymentRequestStatus(code=code, payment_information_status=info_status, transaction_status=tx_status)

    # -- plumbing ----------------------------------------------------------------------------
    def _authorized(self, method: str, url: str, *, request_id: str, **kwargs) -> requests.Response:
        response = self._send(method, url, bearer=self.access_token(), request_id=request_id, **kwargs)
        if response.status_code == 401:
            # The token was revoked or expired early: a 401 means nothing was done; retry once.
            response = self._send(
                method, url, bearer=self.access_token(refresh=True), request_id=request_id, **kwargs
            )
        if response.status_code == 401:
            raise Psd2Refused("unauthorized", status_code=401)
        return response

    def _send(
        self, method: str, url: str, *, request_id: str, bearer: str | None = None, **kwargs
    ) -> requests.Response:
        headers = {"X-Request-ID": request_id, "Accept": "application/hal+json, application/json"}
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        request = requests.Request(method, url, headers=headers, **kwargs)
        prepared = self.session.prepare_request(request)
        if self.signer:
            self.signer(prepared, self.bank)
        try:
            response = self.session.send(prepared, timeout=settings.PSD2_TIMEOUT, allow_redirects=False)
        except requests.Timeout as exc:
            logger.warning("PSD2 %s %s: timeout (X-Request-ID %s)", method, url, request_id)
            unreachable(logger, f"Banque « {self.bank.name} »", url, exc)
            raise Psd2Unavailable("timeout") from exc
        except requests.ConnectionError as exc:
            unreachable(logger, f"Banque « {self.bank.name} »", url, exc)
            raise Psd2Unavailable(exc.__class__.__name__) from exc
        except requests.RequestException as exc:
            logger.warning("PSD2 %s %s: %s (X-Request-ID %s)", method, url, exc.__class__.__name__, request_id)
            raise Psd2Unavailable(exc.__class__.__name__) from exc
        if response.status_code >= 500:
            logger.warning("PSD2 %s %s: HTTP %s (X-Request-ID %s)", method, url, response.status_code, request_id)
            raise Psd2Unavailable(f"HTTP {response.status_code}", status_code=response.status_code)
        if 400 <= response.status_code < 500 and response.status_code != 401:
            logger.warning("PSD2 %s %s: HTTP %s (X-Request-ID %s)", method, url, response.status_code, request_id)
            raise Psd2Refused(f"HTTP {response.status_code}", status_code=response.status_code)
        return response

    @staticmethod
    def _json(response: requests.Response) -> dict:
        try:
            payload = response.json()
        except (ValueError, json.JSONDecodeError) as exc:
            raise Psd2BadResponse("not JSON") from exc
        if not isinstance(payload, dict):
            raise Psd2BadResponse("not a JSON object")
        return payload


__all__ = [
    "INSTANT_LOCAL_INSTRUMENT", "PaymentRequestCreated", "PaymentRequestStatus", "Psd2Error", "StetClient",
    "payment_type_information", "remittance_text",
]
