"""The staff's ProConnect login and logout. Thin: the client (accounts.proconnect.client) talks to ProConnect,
accounts.services finds the staff account, accounts.second_factor records the two factors."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.oidc import random_token, remember_pending_login, take_pending_login
from accounts.second_factor import SecondFactorMethod, mark_second_factor
from accounts.selectors import may_use_back_office
from accounts.services import StaffLoginRefused, login_staff_with_proconnect

from .client import ProConnectClient, ProConnectError, is_two_factor

logger = logging.getLogger(__name__)

PENDING_LOGINS_KEY = "proconnect_pending"
# Present only in a staff session opened with ProConnect: its logout goes through ProConnect's session/end.
ID_TOKEN_KEY = "proconnect_id_token"
LOGOUT_STATE_KEY = "proconnect_logout_state"
LOGOUT_RETURN_KEY = "proconnect_logout_return"
CMS_LOGIN = "/cms/login/"

# Errors ProConnect may return to the callback (OIDC core §3.1.2.6), in French.
CALLBACK_ERRORS = {
    "access_denied": "Vous avez annulé la connexion avec ProConnect.",
    "login_required": "Vous devez vous identifier auprès de ProConnect pour accéder à l'espace de gestion.",
    "consent_required": "Vous devez accepter la transmission de vos informations pour accéder à l'espace de gestion.",
    "temporarily_unavailable": "ProConnect est momentanément indisponible. Veuillez réessayer plus tard.",
    "server_error": "ProConnect a rencontré une erreur. Veuillez réessayer plus tard.",
}
CALLBACK_ERROR_DEFAULT = "ProConnect n'a pas pu vous identifier. Veuillez réessayer."


def _login_page(next_url: str) -> str:
    """The staff login page the agent came from: Wagtail's for /cms/, the back office's otherwise."""
    return CMS_LOGIN if next_url.startswith("/cms/") else settings.LOGIN_URL


def _error_page(request: HttpRequest, message: str, status: int, next_url: str = "") -> HttpResponse:
    return render(
        request,
        "accounts/proconnect_error.html",
        {"title": _("Connexion impossible"), "message": message, "login_page": _login_page(next_url)},
        status=status,
    )


def _safe_next(request: HttpRequest, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=False):
        return value if value.startswith("/") else ""
    return ""


@require_POST
def proconnect_login(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next", ""))
    try:
        login_request = ProConnectClient().login_request()
    except ProConnectError as error:
        logger.warning("ProConnect login not started: %s", error.detail)
        return _error_page(request, error.message, 503, next_url)
    remember_pending_login(
        request, PENDING_LOGINS_KEY, state=login_request.state, nonce=login_request.nonce, next=next_url
    )
    return redirect(login_request.url)


@require_GET
@never_cache
def proconnect_callback(request: HttpRequest) -> HttpResponse:
    entry = take_pending_login(request, PENDING_LOGINS_KEY, request.GET.get("state", ""))
    if entry is None:
        logger.warning("ProConnect callback with an unknown, replayed or expired state")
        return _error_page(
            request, _("Cette demande de connexion n'est plus valable. Veuillez vous identifier à nouveau."), 400
        )
    next_url = entry.get("next", "")
    error = request.GET.get("error")
    if error:
        logger.info("ProConnect returned %r: %r", error[:100], request.GET.get("error_description", "")[:300])
        return _error_page(request, _(CALLBACK_ERRORS.get(error, CALLBACK_ERROR_DEFAULT)), 400, next_url)
    code = request.GET.get("code", "")
    if not code or len(code) > 1024:
        return _error_page(request, _(CALLBACK_ERROR_DEFAULT), 400, next_url)
    try:
        result = ProConnectClient().complete_login(code=code, nonce=entry["nonce"])
        user = login_staff_with_proconnect(claims=result.claims)
    except ProConnectError as failure:
        logger.warning("ProConnect login refused: %s", failure.detail)
        return _error_page(request, failure.message, 502, next_url)
    except StaffLoginRefused as refusal:
        claims = result.claims
        logger.warning(
            "ProConnect staff login refused (%s): email=%r idp_id=%r",
            refusal.reason, str(claims.get("email", ""))[:254], str(claims.get("idp_id", ""))[:255],
        )
        return _error_page(request, refusal.message, 403, next_url)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    request.session[ID_TOKEN_KEY] = result.id_token
    acr = result.claims.get("acr")
    if is_two_factor(acr):
        mark_second_factor(request, method=SecondFactorMethod.PROCONNECT)
        logger.info("ProConnect staff login of user %s at acr %r: second factor passed", user.pk, acr)
    else:
        logger.info("ProConnect staff login of user %s at acr %r: local second factor still required", user.pk, acr)
        messages.warning(
            request,
            _("Votre connexion ProConnect n'a pas utilisé de double authentification : confirmez votre identité "
              "avec votre second facteur."),
        )
    if next_url:
        return redirect(next_url)
    return redirect(reverse("admin:index") if may_use_back_office(user) else reverse("wagtailadmin_home"))


def end_proconnect_session(request: HttpRequest, *, login_page: str) -> HttpResponse | None:
    """Log out a staff session opened with ProConnect and send the browser to ProConnect's session/end (which
    comes back to ``proconnect_logout_callback``); None, doing nothing, for any other session."""
    id_token = request.session.get(ID_TOKEN_KEY)
    if not id_token:
        return None
    logout(request)
    state = random_token()
    try:
        url = ProConnectClient().logout_url(id_token=id_token, state=state)
    except ProConnectError as error:
        logger.warning("ProConnect logout not reached: %s", error.detail)
        url = None
    if not url:
        messages.success(request, _("Vous êtes déconnecté(e)."))
        return redirect(login_page)
    request.session[LOGOUT_STATE_KEY] = state
    request.session[LOGOUT_RETURN_KEY] = login_page
    return redirect(url)


@require_POST
def proconnect_logout(request: HttpRequest) -> HttpResponse:
    """Log out of the portal and, for a session opened with ProConnect, of ProConnect."""
    login_page = _login_page(_safe_next(request, request.POST.get("next", "")))
    response = end_proconnect_session(request, login_page=login_page)
    if response is not None:
        return response
    logout(request)
    messages.success(request, _("Vous êtes déconnecté(e)."))
    return redirect(login_page)


def cms_logout(request: HttpRequest) -> HttpResponse:
    """Wagtail's logout (/cms/logout/), through ProConnect's session/end for a session opened with ProConnect."""
    if request.method == "POST":
        response = end_proconnect_session(request, login_page=CMS_LOGIN)
        if response is not None:
            return response
    from wagtail.admin.views.account import LogoutView

    return LogoutView.as_view()(request)


@require_GET
def proconnect_logout_callback(request: HttpRequest) -> HttpResponse:
    expected = request.session.pop(LOGOUT_STATE_KEY, None)
    login_page = request.session.pop(LOGOUT_RETURN_KEY, settings.LOGIN_URL)
    if expected and request.GET.get("state") == expected:
        messages.success(request, _("Vous êtes déconnecté(e) du portail et de ProConnect."))
    return redirect(login_page if login_page in (settings.LOGIN_URL, CMS_LOGIN) else settings.LOGIN_URL)
