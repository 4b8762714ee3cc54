"""The stand-in FranceConnect's endpoints: discovery, authorize (a page to pick a test identity), token,
userinfo (a signed JWT), jwks and session/end. It follows FranceConnect v2's rules: ``state`` and ``nonce``
required, ``acr_values``, single-use codes, client authentication at the token endpoint."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import secrets
import time
from urllib.parse import unquote_plus, urlencode

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from joserfc import jwt
from joserfc.errors import JoseError

from sandbox.models import FranceConnectGrant

from .identities import IDENTITIES, SCOPE_CLAIMS
from .keys import ALGORITHM, public_jwks, signing_key

# The stand-in's registered client: the portal's embedded default (config.settings).
CLIENT_ID = "portail-des-proches-sandbox"
CLIENT_SECRET = "sandbox-secret-not-for-production"
CODE_LIFETIME = datetime.timedelta(seconds=60)
ACCESS_TOKEN_LIFETIME = datetime.timedelta(seconds=60)
ID_TOKEN_LIFETIME_SECONDS = 60
SUPPORTED_ACR = ("eidas1",)
MIN_STATE_LENGTH = 32


def issuer() -> str:
    return f"{settings.PORTAL_BASE_URL}/sandbox/franceconnect"


def _endpoint(name: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{reverse(f'sandbox:franceconnect_{name}')}"


def _sub(identity: str, client_id: str) -> str:
    """A pairwise subject per identity and client, as FranceConnect gives."""
    return hashlib.sha256(f"{identity}:{client_id}".encode()).hexdigest()


def _redirect_uri_allowed(uri: str) -> bool:
    return uri.startswith(f"{settings.PORTAL_BASE_URL}/")


def _sign(claims: dict) -> str:
    key, kid = signing_key()
    return jwt.encode({"alg": ALGORITHM, "kid": kid, "typ": "JWT"}, claims, key, algorithms=[ALGORITHM])


def _token_error(error: str, description: str, status: int = 400) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "issuer": issuer(),
            "authorization_endpoint": _endpoint("authorize"),
            "token_endpoint": _endpoint("token"),
            "userinfo_endpoint": _endpoint("userinfo"),
            "jwks_uri": _endpoint("jwks"),
            "end_session_endpoint": _endpoint("session_end"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "scopes_supported": ["openid", *SCOPE_CLAIMS],
            "claims_supported": ["sub", *sorted({c for claims in SCOPE_CLAIMS.values() for c in claims})],
            "acr_values_supported": list(SUPPORTED_ACR),
            "id_token_signing_alg_values_supported": [ALGORITHM],
            "userinfo_signing_alg_values_supported": [ALGORITHM],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_parameter_supported": False,
        }
    )


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse(public_jwks())


def _authorize_params(data) -> tuple[dict | None, HttpResponse | None]:
    """Check an authorization request; returns its parameters or the answer to give."""
    params = {name: data.get(name, "") for name in (
        "client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "acr_values")}
    if params["client_id"] != CLIENT_ID or not _redirect_uri_allowed(params["redirect_uri"]):
        # Never redirect to an address that is not registered.
        return None, HttpResponseBadRequest("Client inconnu ou adresse de retour non enregistrée.")

    def back(error: str, description: str) -> HttpResponse:
        query = {"error": error, "error_description": description}
        if params["state"]:
            query["state"] = params["state"]
        return redirect(f"{params['redirect_uri']}?{urlencode(query)}")

    if params["response_type"] != "code":
        return None, back("unsupported_response_type", "response_type must be code")
    if "openid" not in params["scope"].split():
        return None, back("invalid_scope", "scope must contain openid")
    if len(params["state"]) < MIN_STATE_LENGTH or len(params["nonce"]) < MIN_STATE_LENGTH:
        return None, back("invalid_request", "state and nonce are required (32 characters at least)")
    if not set(params["acr_values"].split()) & set(SUPPORTED_ACR):
        return None, back("invalid_request", "acr_values must be eidas1")
    return params, None


@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    params, answer = _authorize_params(request.GET if request.method == "GET" else request.POST)
    if answer is not None:
        return answer
    if request.method == "GET":
        identities = [{"key": key, **claims} for key, claims in IDENTITIES.items()]
        return render(
            request,
            "sandbox/franceconnect_authorize.html",
            {"title": "FranceConnect (simulation)", "params": params, "identities": identities},
        )
    if "cancel" in request.POST:
        query = {"error": "access_denied", "error_description": "User cancelled", "state": params["state"]}
        return redirect(f"{params['redirect_uri']}?{urlencode(query)}")
    identity = request.POST.get("identity", "")
    if identity not in IDENTITIES:
        return HttpResponseBadRequest("Identité de test inconnue.")
    grant = FranceConnectGrant.objects.create(
        code=secrets.token_urlsafe(32),
        client_id=params["client_id"],
        redirect_uri=params["redirect_uri"],
        nonce=params["nonce"],
        acr=SUPPORTED_ACR[0],
        scope=params["scope"],
        identity=identity,
    )
    return redirect(f"{params['redirect_uri']}?{urlencode({'code': grant.code, 'state': params['state']})}")


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            client_id, _sep, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return "", ""
        return unquote_plus(client_id), unquote_plus(secret)
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    client_id, secret = _client_credentials(request)
    if client_id != CLIENT_ID or not hmac.compare_digest(secret.encode(), CLIENT_SECRET.encode()):
        return _token_error("invalid_client", "client authentication failed", 401)
    if request.POST.get("grant_type") != "authorization_code":
        return _token_error("unsupported_grant_type", "grant_type must be authorization_code")
    code = request.POST.get("code", "")
    now = timezone.now()
    with transaction.atomic():
        grant = FranceConnectGrant.objects.select_for_update().filter(code=code, client_id=client_id).first()
        if grant is None:
            return _token_error("invalid_grant", "unknown code")
        if grant.code_used_at is not None:
            # A code used twice: refuse, and revoke what the first use gave (RFC 6749 §4.1.2).
            grant.revoked = True
            grant.save(update_fields=["revoked"])
            return _token_error("invalid_grant", "code already used")
        if now - grant.created_at > CODE_LIFETIME:
            return _token_error("invalid_grant", "code expired")
        if request.POST.get("redirect_uri") != grant.redirect_uri:
            return _token_error("invalid_grant", "redirect_uri does not match")
        grant.code_used_at = now
        grant.access_token = secrets.token_urlsafe(32)
        grant.access_token_expires_at = now + ACCESS_TOKEN_LIFETIME
        grant.save()
    issued_at = int(time.time())
    id_token = _sign(
        {
            "iss": issuer(),
            "sub": _sub(grant.identity, grant.client_id),
            "aud": grant.client_id,
            "exp": issued_at + ID_TOKEN_LIFETIME_SECONDS,
            "iat": issued_at,
            "auth_time": issued_at,
            "nonce": grant.nonce,
            "acr": grant.acr,
            "amr": ["pwd"],
        }
    )
    response = JsonResponse(
        {
            "access_token": grant.access_token,
            "token_type": "Bearer",
            "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
            "id_token": id_token,
            "scope": grant.scope,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def userinfo(request: HttpRequest) -> HttpResponse:
    header = request.headers.get("Authorization", "")
    access_token = header[7:] if header.startswith("Bearer ") else ""
    grant = None
    if access_token:
        grant = FranceConnectGrant.objects.filter(access_token=access_token, revoked=False).first()
    if grant is None or grant.access_token_expires_at < timezone.now():
        response = JsonResponse({"error": "invalid_token"}, status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    identity = IDENTITIES[grant.identity]
    scopes = set(grant.scope.split())
    claims = {"iss": issuer(), "aud": grant.client_id, "sub": _sub(grant.identity, grant.client_id)}
    for scope in scopes:
        for claim in SCOPE_CLAIMS.get(scope, ()):
            claims[claim] = identity[claim]
    return HttpResponse(_sign(claims), content_type="application/jwt")


@never_cache
@require_GET
def session_end(request: HttpRequest) -> HttpResponse:
    """FranceConnect's logout: checks id_token_hint (signed by us, for our client), state and
    post_logout_redirect_uri, then sends the browser back with the state."""
    hint = request.GET.get("id_token_hint", "")
    state = request.GET.get("state", "")
    target = request.GET.get("post_logout_redirect_uri", "")
    if not hint or not state or not _redirect_uri_allowed(target):
        return HttpResponseBadRequest("Paramètres de déconnexion manquants ou invalides.")
    key, _kid = signing_key()
    try:
        claims = jwt.decode(hint, key, algorithms=[ALGORITHM]).claims
    except (JoseError, ValueError):
        return HttpResponseBadRequest("id_token_hint invalide.")
    if claims.get("iss") != issuer() or claims.get("aud") != CLIENT_ID:
        return HttpResponseBadRequest("id_token_hint invalide.")
    return redirect(f"{target}?{urlencode({'state': state})}")
