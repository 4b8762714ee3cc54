"""The stand-in FranceConnect's endpoints: discovery, authorize (a page to pick a test identity), token,
userinfo (a signed JWT), jwks and session/end (sandbox.oidc). It follows FranceConnect v2's rules: ``state``
and ``nonce`` required, ``acr_values=eidas1``, single-use codes, client authentication at the token
endpoint."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sandbox import oidc

from .identities import IDENTITIES, SCOPE_CLAIMS

# The stand-in's registered client: the portal's embedded default (config.settings).
CLIENT_ID = "portail-des-proches-sandbox"
CLIENT_SECRET = "sandbox-secret-not-for-production"

PROVIDER = oidc.StandinProvider(
    name="franceconnect",
    title="FranceConnect (simulation)",
    client_id=CLIENT_ID,
    client_secret=CLIENT_SECRET,
    identities=IDENTITIES,
    scope_claims=SCOPE_CLAIMS,
    supported_acr=("eidas1",),
    template="sandbox/franceconnect_authorize.html",
)


@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    return oidc.discovery(PROVIDER)


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    return oidc.jwks(PROVIDER)


@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    return oidc.authorize(PROVIDER, request)


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    return oidc.token(PROVIDER, request)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def userinfo(request: HttpRequest) -> HttpResponse:
    return oidc.userinfo(PROVIDER, request)


@never_cache
@require_GET
def session_end(request: HttpRequest) -> HttpResponse:
    return oidc.session_end(PROVIDER, request)
