"""Views of the relatives' side. Thin: the FranceConnect client, accounts.services and
permits.registration do the work."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.languages import SESSION_KEY, follows_session_language, session_language
from permits.constants import RegistrationStatus, Service
from permits.eligibility import eligibility
from permits.registration import (
    RegistrationError,
    register_permit,
    registered_permit_for,
)
from permits.selectors import permit_cards
from transfers import services as transfer_services
from visits import selectors as visit_selectors

from .constants import AFTER_LOGIN_PREFERENCES_KEY, LAST_ACTIVITY_KEY
from .decorators import relative_required
from .forms import AddPermitForm, EmailPreferencesForm
from .franceconnect import FranceConnectClient, FranceConnectError
from .franceconnect.client import random_token
from .oidc import remember_pending_login, take_pending_login
from .services import IdentityError, login_relative, set_email_preferences, set_language
from .services import extend_session as extend_session_service

logger = logging.getLogger(__name__)

PENDING_LOGINS_KEY = "franceconnect_pending"
ID_TOKEN_KEY = "franceconnect_id_token"
LOGOUT_STATE_KEY = "franceconnect_logout_state"

# Errors FranceConnect may return to the callback (OIDC core §3.1.2.6), in French: marked for the catalogs here,
# translated where the error page is rendered.
CALLBACK_ERRORS = {
    "access_denied": gettext_noop("Vous avez annulé la connexion avec FranceConnect."),
    "login_required": gettext_noop("Vous devez vous identifier auprès de FranceConnect pour accéder à votre espace."),
    "consent_required": gettext_noop(
        "Vous devez accepter la transmission de vos informations pour accéder à votre espace."
    ),
    "temporarily_unavailable": gettext_noop(
        "FranceConnect est momentanément indisponible. Veuillez réessayer plus tard."
    ),
    "server_error": gettext_noop("FranceConnect a rencontré une erreur. Veuillez réessayer plus tard."),
}
CALLBACK_ERROR_DEFAULT = gettext_noop("FranceConnect n'a pas pu vous identifier. Veuillez réessayer.")


def _error_page(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(
        request, "accounts/login_error.html", {"title": _("Connexion impossible"), "message": message}, status=status
    )


@require_POST
@never_cache
def extend_session(request: HttpRequest) -> JsonResponse:
    """ "Prolonger ma session" in the session warning dialog (static/js/session-warning.js): the session's
    idle limit starts again; answers the seconds now left. A visitor without a session gets a 403."""
    seconds_left = extend_session_service(request=request)
    if seconds_left is None:
        return JsonResponse({"detail": _("Votre session a pris fin. Reconnectez-vous pour continuer.")}, status=403)
    return JsonResponse({"seconds_left": seconds_left})


@require_POST
def franceconnect_login(request: HttpRequest) -> HttpResponse:
    try:
        login_request = FranceConnectClient().login_request()
    except FranceConnectError as error:
        logger.warning("FranceConnect login not started: %s", error.detail)
        return _error_page(request, error.message, 503)
    remember_pending_login(request, PENDING_LOGINS_KEY, state=login_request.state, nonce=login_request.nonce)
    return redirect(login_request.url)


@require_GET
@never_cache
@follows_session_language
def franceconnect_callback(request: HttpRequest) -> HttpResponse:
    entry = take_pending_login(request, PENDING_LOGINS_KEY, request.GET.get("state", ""))
    if entry is None:
        logger.warning("FranceConnect callback with an unknown, replayed or expired state")
        return _error_page(
            request, _("Cette demande de connexion n'est plus valable. Veuillez vous identifier à nouveau."), 400
        )
    error = request.GET.get("error")
    if error:
        logger.info("FranceConnect returned %r: %r", error[:100], request.GET.get("error_description", "")[:300])
        return _error_page(request, _(CALLBACK_ERRORS.get(error, CALLBACK_ERROR_DEFAULT)), 400)
    code = request.GET.get("code", "")
    if not code or len(code) > 1024:
        return _error_page(request, _(CALLBACK_ERROR_DEFAULT), 400)
    try:
        result = FranceConnectClient().complete_login(code=code, nonce=entry["nonce"])
        relative = login_relative(claims=result.claims)
    except FranceConnectError as failure:
        logger.warning("FranceConnect login refused: %s", failure.detail)
        return _error_page(request, failure.message, 502)
    except IdentityError as failure:
        logger.warning("FranceConnect identity refused: %s", failure.message)
        return _error_page(request, failure.message, 400)
    login(request, relative.user, backend=settings.AUTHENTICATION_BACKENDS[0])
    request.session[ID_TOKEN_KEY] = result.id_token
    request.session[LAST_ACTIVITY_KEY] = int(time.time())
    request.session.set_expiry(settings.RELATIVE_SESSION_IDLE_SECONDS)
    _settle_language(request, relative)
    messages.success(request, _("Bonjour %(name)s, vous êtes connecté(e).") % {"name": relative.given_name})
    if request.session.pop(AFTER_LOGIN_PREFERENCES_KEY, False):
        return redirect("accounts:email_preferences")
    return redirect("accounts:mon_espace")


def _settle_language(request: HttpRequest, relative) -> None:
    """At login: the language she chose in this browser (the selector, or the pages she read) goes into her
    profile; with none chosen here, her profile's language is taken up (the pages after login speak it)."""
    chosen = session_language(request)
    if chosen:
        set_language(relative=relative, language=chosen)
    else:
        request.session[SESSION_KEY] = relative.language
    translation.activate(session_language(request) or settings.LANGUAGE_CODE)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """End the local session, then FranceConnect's (session/end), which comes back to the home page (in the
    language she was reading: kept across the new session)."""
    id_token = request.session.get(ID_TOKEN_KEY)
    language = session_language(request)
    logout(request)
    if language:
        request.session[SESSION_KEY] = language
    if id_token:
        state = random_token()
        try:
            url = FranceConnectClient().logout_url(id_token=id_token, state=state)
        except FranceConnectError as error:
            logger.warning("FranceConnect logout not reached: %s", error.detail)
            url = None
        if url:
            request.session[LOGOUT_STATE_KEY] = state
            return redirect(url)
    messages.success(request, _("Vous êtes déconnecté(e)."))
    return redirect("home")


@require_GET
@follows_session_language
def logout_callback(request: HttpRequest) -> HttpResponse:
    expected = request.session.pop(LOGOUT_STATE_KEY, None)
    if expected and request.GET.get("state") == expected:
        messages.success(request, _("Vous êtes déconnecté(e) de votre espace et de FranceConnect."))
    return redirect("home")


@relative_required
@require_GET
def mon_espace(request: HttpRequest) -> HttpResponse:
    relative = request.user.relative
    # The relative's transfers abandoned at their bank expire on their way back, whether the beat ran or not.
    transfer_services.expire_stale(relative_id=relative.pk)
    rows = permit_cards(relative)
    next_visits = visit_selectors.next_visits_by_permit(relative)
    for row in rows:
        row["next_visit"] = next_visits.get(row["permit"].pk)
    return render(
        request,
        "accounts/mon_espace.html",
        {"title": _("Mon espace"), "relative": relative, "rows": rows, "tab": "accueil"},
    )


@relative_required
@require_http_methods(["GET", "POST"])
def _email_preferences(request: HttpRequest) -> HttpResponse:
    relative = request.user.relative
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST)
        if form.is_valid():
            set_email_preferences(relative=relative, notify_credited=form.cleaned_data["notify_credited"])
            messages.success(request, _("Vos préférences ont été enregistrées."))
            return redirect("accounts:email_preferences")
    else:
        form = EmailPreferencesForm(initial={"notify_credited": relative.notify_credited})
    return render(
        request,
        "accounts/email_preferences.html",
        {"title": _("Mes préférences de courriel"), "relative": relative, "form": form, "tab": "accueil"},
    )


def email_preferences(request: HttpRequest) -> HttpResponse:
    """« Mes préférences de courriel » (the link of the credited e-mail): always the logged-in relative's own
    (no id in the address). Not logged in, the FranceConnect login leads back here."""
    if not hasattr(request.user, "relative"):
        request.session[AFTER_LOGIN_PREFERENCES_KEY] = True
    return _email_preferences(request)


@relative_required
@require_GET
def permit_detail(request: HttpRequest, registration_id: int) -> HttpResponse:
    registration = registered_permit_for(request.user.relative, registration_id)
    if registration is None:
        raise Http404
    answer = eligibility(registration)
    parloir = eligibility(registration, service=Service.PARLOIR)
    return render(
        request,
        "accounts/permit_detail.html",
        {"title": _("Permis de visite %(number)s") % {"number": registration.permit.number},
         "registration": registration, "permit": registration.permit,
         "reasons": answer.messages, "contacts": answer.whom_to_ask,
         "allows_transfer": answer.allowed, "allows_parloir": parloir.allowed,
         "parloir_reasons": parloir.messages, "parloir_contacts": parloir.whom_to_ask, "tab": "accueil"},
    )


def _registration_message(request: HttpRequest, result) -> None:
    registration = result.registration
    number = registration.permit.number
    if registration.status == RegistrationStatus.PENDING:
        if result.created:
            messages.warning(
                request,
                _(
                    "Votre demande d'ajout du permis de visite %(number)s a été transmise au greffe de "
                    "l'établissement %(establishment)s. Votre date de naissance transmise par FranceConnect est "
                    "incomplète : le greffe doit vérifier que ce permis vous est bien attribué. En attendant, ce "
                    "permis ne permet ni virement ni rendez-vous parloir."
                ) % {"number": number, "establishment": registration.permit.detainee.establishment.name},
            )
        else:
            messages.info(
                request,
                _("Votre demande d'ajout du permis de visite %(number)s est déjà en attente de vérification par "
                  "le greffe.") % {"number": number},
            )
    elif result.changed:
        messages.success(request, _("Le permis de visite %(number)s a été ajouté à votre espace.") % {"number": number})
    else:
        messages.info(request, _("Ce permis de visite est déjà enregistré sur votre espace."))


@relative_required
@require_http_methods(["GET", "POST"])
def add_permit(request: HttpRequest) -> HttpResponse:
    form = AddPermitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = register_permit(
                relative=request.user.relative,
                permit_number=form.cleaned_data["permit_number"],
                detainee_family_name=form.cleaned_data["detainee_family_name"],
                actor=request.user,
            )
        except RegistrationError as error:
            form.add_error(None, error.message)
        else:
            _registration_message(request, result)
            return redirect("accounts:mon_espace")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/add_permit.html", {"title": _("Ajouter un permis de visite"), "form": form, "tab": "pecule"},
        status=status,
    )
