"""The sandbox bank: STET PSD2 endpoints (token, payment requests), the customer's login page and
the page "Confirmer un virement ponctuel". Reached over real HTTP by transfers.psd2, like any bank."""

from __future__ import annotations

import base64
import binascii
import functools
import json
import time
from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox.models import SandboxPaymentRequest

from . import constants as c
from . import services

Status = SandboxPaymentRequest.Status


def _failure_mode() -> str:
    return settings.SANDBOX_BANK_FAILURE


def _stet_error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"status": status, "message": message}, status=status)


def _failing_answer() -> HttpResponse | None:
    """What the bank answers instead of working, in a failure mode."""
    mode = _failure_mode()
    if mode == c.FAILURE_TIMEOUT:
        time.sleep(settings.SANDBOX_BANK_TIMEOUT_SECONDS)
        return _stet_error(504, "too slow")
    if mode == c.FAILURE_ERROR:
        return _stet_error(500, "internal error")
    if mode == c.FAILURE_GARBLED:
        return HttpResponse("<html><body>Erreur</body></html>", content_type="text/html", status=200)
    return None


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Basic "):
        try:
            client_id, _sep, secret = base64.b64decode(header[6:]).decode().partition(":")
            return client_id, secret
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


def _bearer_client(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return None
    try:
        return signing.loads(header[7:], salt=c.TOKEN_SALT, max_age=c.TOKEN_LIFETIME_SECONDS)["client_id"]
    except (signing.BadSignature, KeyError, TypeError):
        return None


def _stet_api(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A STET endpoint called with a bearer token: in a failure mode, the failure's answer; without a valid
    token, 401; else the view, given the calling client's id."""

    @functools.wraps(view)
    def endpoint(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        failing = _failing_answer()
        if failing:
            return failing
        client_id = _bearer_client(request)
        if client_id is None:
            return _stet_error(401, "invalid token")
        return view(request, *args, client_id=client_id, **kwargs)

    return endpoint


@csrf_exempt
@require_http_methods(["POST"])
def token(request: HttpRequest) -> JsonResponse:
    """OAuth2 client-credentials grant."""
    if request.POST.get("grant_type") != "client_credentials":
        return JsonResponse({"error": "unsupported_grant_type"}, status=400)
    client_id, secret = _client_credentials(request)
    if not client_id or (client_id, secret) != (c.SANDBOX_CLIENT_ID, c.SANDBOX_CLIENT_SECRET):
        return JsonResponse({"error": "invalid_client"}, status=401)
    access_token = signing.dumps({"client_id": client_id}, salt=c.TOKEN_SALT)
    return JsonResponse(
        {"access_token": access_token, "token_type": "Bearer", "expires_in": c.TOKEN_LIFETIME_SECONDS, "scope": "pisp"}
    )


def _resource(payment: SandboxPaymentRequest) -> dict:
    body = dict(payment.body)
    body["resourceId"] = payment.resource_id
    status = services.reported_status(payment)
    body["paymentInformationStatus"] = status
    transactions = [dict(t) for t in body.get("creditTransferTransaction", [])]
    for tx in transactions:
        tx["transactionStatus"] = status
    body["creditTransferTransaction"] = transactions
    return {"paymentRequest": body}


@csrf_exempt
@require_http_methods(["POST"])
@_stet_api
def payment_requests(request: HttpRequest, *, client_id: str) -> HttpResponse:
    request_id = request.META.get("HTTP_X_REQUEST_ID", "")
    if not request_id:
        return _stet_error(400, "X-Request-ID is required")
    if _failure_mode() == c.FAILURE_REJECT_REQUEST:
        return _stet_error(400, "payment request refused")
    try:
        body = json.loads(request.body)
        payment, _created = services.receive_payment_request(
            client_id=client_id, request_id=request_id, body=body,
            offers_instant=_failure_mode() != c.FAILURE_NO_INSTANT,
        )
    except (ValueError, services.InvalidPaymentRequest) as exc:
        return _stet_error(400, str(exc))
    location = request.build_absolute_uri(reverse("sandbox:bank:payment-request", args=[payment.resource_id]))
    consent = request.build_absolute_uri(reverse("sandbox:bank:consent", args=[payment.resource_id]))
    response = JsonResponse(
        {"appliedAuthenticationApproach": "REDIRECT", "_links": {"consentApproval": {"href": consent}}}, status=201
    )
    response["Location"] = location
    response["X-Request-ID"] = request_id
    return response


@csrf_exempt
@require_http_methods(["GET"])
@_stet_api
def payment_request(request: HttpRequest, resource_id: str, *, client_id: str) -> HttpResponse:
    if not SandboxPaymentRequest.objects.filter(resource_id=resource_id, client_id=client_id).exists():
        return _stet_error(404, "no such payment request")
    payment = services.report_status(resource_id=resource_id, failure_mode=_failure_mode())
    body = _resource(payment)
    if _failure_mode() == c.FAILURE_UNKNOWN_STATUS:
        body["paymentRequest"]["paymentInformationStatus"] = "ZZZZ"
        for tx in body["paymentRequest"]["creditTransferTransaction"]:
            tx["transactionStatus"] = "ZZZZ"
    response = JsonResponse(body)
    response["X-Request-ID"] = request.META.get("HTTP_X_REQUEST_ID", "")
    return response


def _grouped(iban: str) -> str:
    """``FR7630004000000001234567845`` → ``FR76 3000 4000 0000 0123 4567 845``, as banks print it."""
    compact = "".join(iban.split())
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """The bank's own login page (identifier ``demo``, password ``demo``)."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    error = ""
    if request.method == "POST":
        if (request.POST.get("identifier"), request.POST.get("password")) == (c.DEMO_LOGIN, c.DEMO_PASSWORD):
            request.session[c.SESSION_KEY] = c.DEMO_LOGIN
            return HttpResponseRedirect(next_url or reverse("sandbox:bank:login"))
        error = _("Identifiant ou mot de passe incorrect.")
    return render(
        request, "sandbox/bank/login.html",
        {"next": next_url, "error": error, "title": _("Connexion à votre espace client")},
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, resource_id: str) -> HttpResponse:
    """"Confirmer un virement ponctuel": "Confirmer" executes the payment once, "Annuler" cancels it;
    then back to the portal's report URL."""
    payment = get_object_or_404(SandboxPaymentRequest, resource_id=resource_id)
    if request.session.get(c.SESSION_KEY) != c.DEMO_LOGIN:
        return HttpResponseRedirect(f"{reverse('sandbox:bank:login')}?next={request.path}")
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("confirm", "cancel"):
            return HttpResponse(status=400)
        payment = services.decide(
            resource_id=resource_id, confirm=decision == "confirm", failure_mode=_failure_mode()
        )
    if payment.status != Status.RECEIVED:
        failed = payment.status in (Status.REJECTED, Status.CANCELLED)
        return HttpResponseRedirect(payment.unsuccessful_report_url if failed else payment.successful_report_url)
    return render(
        request,
        "sandbox/bank/consent.html",
        {"payment": payment, "title": _("Confirmer un virement ponctuel"),
         "creditor_iban": _grouped(payment.creditor_iban),
         "debtor_iban": _grouped(services.customer_iban(payment.debtor_name))},
    )
