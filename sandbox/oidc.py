"""What the stand-in OpenID Connect providers share (FranceConnect's and ProConnect's, sandbox only): a small
but real provider with discovery, authorize (a page to pick a test identity), token (single-use codes,
client authentication), userinfo (a signed JWT), jwks and session/end.

Each stand-in is a ``StandinProvider`` naming its test identities, scopes, levels (``acr``), template and
routes; its views module binds the endpoints below to it."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote_plus, urlencode

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from core.addresses import portal_base_url
from sandbox.models import FranceConnectGrant, FranceConnectKey

ALGORITHM = "RS256"
CODE_LIFETIME = datetime.timedelta(seconds=60)
ACCESS_TOKEN_LIFETIME = datetime.timedelta(seconds=60)
ID_TOKEN_LIFETIME_SECONDS = 60
MIN_STATE_LENGTH = 32
_imported: dict[str, RSAKey] = {}


@dataclass(frozen=True)
class StandinProvider:
    name: str  # key of its signing key and grants, prefix of its route names, path under /sandbox/
    title: str
    client_id: str
    client_secret: str
    identities: dict[str, dict[str, str]]
    scope_claims: dict[str, tuple[str, ...]]
    supported_acr: tuple[str, ...]
    template: str
    # acr of a login: from the authorize form's choice (the stand-in ProConnect) or the first supported level.
    chosen_acr: Callable[[HttpRequest, StandinProvider], str | None] = field(
        default=lambda request, provider: provider.supported_acr[0]
    )
    claims_parameter_supported: bool = False
    acr_labels: dict[str, str] = field(default_factory=dict)  # the levels a tester may pick, with their labels

    # Addresses: the portal's own (on the embedded default, the host and port it is reached at: core.addresses).
    def issuer(self) -> str:
        return f"{portal_base_url()}/sandbox/{self.name}"

    def endpoint(self, route: str) -> str:
        return f"{portal_base_url()}{reverse(f'sandbox:{self.name}_{route}')}"

    def sub(self, identity: str, client_id: str) -> str:
        """A pairwise subject per identity and client, as FranceConnect and ProConnect give."""
        return hashlib.sha256(f"{identity}:{client_id}".encode()).hexdigest()

    # Signing key: an RSA key (RS256), generated and stored in the database on first use.
    def signing_key(self) -> tuple[RSAKey, str]:
        stored = FranceConnectKey.objects.filter(name=self.name).first()
        if stored is None:
            key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": ALGORITHM}, auto_kid=True)
            try:
                with transaction.atomic():
                    stored = FranceConnectKey.objects.create(
                        name=self.name, kid=key.kid, algorithm=ALGORITHM, private_jwk=key.as_dict(private=True)
                    )
            except IntegrityError:  # generated meanwhile by another request
                stored = FranceConnectKey.objects.get(name=self.name)
        key = _imported.get(stored.kid)
        if key is None:  # importing a private RSA key checks it, which takes ~0.1 s: once per process
            key = _imported[stored.kid] = RSAKey.import_key(stored.private_jwk)
        return key, stored.kid

    def public_jwks(self) -> dict:
        key, kid = self.signing_key()
        public = key.as_dict(private=False)
        public.update({"kid": kid, "use": "sig", "alg": ALGORITHM})
        return {"keys": [public]}

    def sign(self, claims: dict) -> str:
        key, kid = self.signing_key()
        return jwt.encode({"alg": ALGORITHM, "kid": kid, "typ": "JWT"}, claims, key, algorithms=[ALGORITHM])

    def grants(self):
        return FranceConnectGrant.objects.filter(provider=self.name)


def redirect_uri_allowed(uri: str) -> bool:
    return uri.startswith(f"{portal_base_url()}/")


def _token_error(error: str, description: str, status: int = 400) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def discovery(provider: StandinProvider) -> JsonResponse:
    return JsonResponse(
        {
            "issuer": provider.issuer(),
            "authorization_endpoint": provider.endpoint("authorize"),
            "token_endpoint": provider.endpoint("token"),
            "userinfo_endpoint": provider.endpoint("userinfo"),
            "jwks_uri": provider.endpoint("jwks"),
            "end_session_endpoint": provider.endpoint("session_end"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "scopes_supported": ["openid", *provider.scope_claims],
            "claims_supported": [
                "sub", *sorted({c for claims in provider.scope_claims.values() for c in claims})
            ],
            "acr_values_supported": list(provider.supported_acr),
            "id_token_signing_alg_values_supported": [ALGORITHM],
            "userinfo_signing_alg_values_supported": [ALGORITHM],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_parameter_supported": provider.claims_parameter_supported,
        }
    )


def jwks(provider: StandinProvider) -> JsonResponse:
    return JsonResponse(provider.public_jwks())


AUTHORIZE_PARAMETERS = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "acr_values")


def _authorize_params(provider: StandinProvider, data) -> tuple[dict | None, HttpResponse | None]:
    """Check an authorization request; returns its parameters or the answer to give."""
    names = AUTHORIZE_PARAMETERS + (("claims",) if provider.claims_parameter_supported else ())
    params = {name: data.get(name, "") for name in names}
    if params["client_id"] != provider.client_id or not redirect_uri_allowed(params["redirect_uri"]):
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
    if params.get("claims") and not _claims_parameter_valid(params["claims"]):
        return None, back("invalid_request", "claims must be a JSON object")
    if not set(params["acr_values"].split()) & set(provider.supported_acr):
        return None, back("invalid_request", f"acr_values must be one of {' '.join(provider.supported_acr)}")
    return params, None


def _claims_parameter_valid(value: str) -> bool:
    try:
        claims = json.loads(value)
    except ValueError:
        return False
    return isinstance(claims, dict) and all(isinstance(claims.get(part, {}), dict) for part in ("id_token", "userinfo"))


def authorize(provider: StandinProvider, request: HttpRequest) -> HttpResponse:
    params, answer = _authorize_params(provider, request.GET if request.method == "GET" else request.POST)
    if answer is not None:
        return answer
    if request.method == "GET":
        identities = [{"key": key, **claims} for key, claims in provider.identities.items()]
        return render(
            request,
            provider.template,
            {"title": provider.title, "params": params, "identities": identities,
             "acr_labels": list(provider.acr_labels.items())},
        )
    if "cancel" in request.POST:
        query = {"error": "access_denied", "error_description": "User cancelled", "state": params["state"]}
        return redirect(f"{params['redirect_uri']}?{urlencode(query)}")
    identity = request.POST.get("identity", "")
    if identity not in provider.identities:
        return HttpResponseBadRequest("Identité de test inconnue.")
    acr = provider.chosen_acr(request, provider)
    if acr not in provider.supported_acr:
        return HttpResponseBadRequest("Niveau d'authentification inconnu.")
    grant = FranceConnectGrant.objects.create(
        provider=provider.name,
        code=secrets.token_urlsafe(32),
        client_id=params["client_id"],
        redirect_uri=params["redirect_uri"],
        nonce=params["nonce"],
        acr=acr,
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


def token(provider: StandinProvider, request: HttpRequest) -> JsonResponse:
    client_id, secret = _client_credentials(request)
    if client_id != provider.client_id or not hmac.compare_digest(secret.encode(), provider.client_secret.encode()):
        return _token_error("invalid_client", "client authentication failed", 401)
    if request.POST.get("grant_type") != "authorization_code":
        return _token_error("unsupported_grant_type", "grant_type must be authorization_code")
    code = request.POST.get("code", "")
    now = timezone.now()
    with transaction.atomic():
        grant = provider.grants().select_for_update().filter(code=code, client_id=client_id).first()
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
    id_token = provider.sign(
        {
            "iss": provider.issuer(),
            "sub": provider.sub(grant.identity, grant.client_id),
            "aud": grant.client_id,
            "exp": issued_at + ID_TOKEN_LIFETIME_SECONDS,
            "iat": issued_at,
            "auth_time": issued_at,
            "nonce": grant.nonce,
            "acr": grant.acr,
            "amr": ["pwd"] if grant.acr == "eidas1" else ["pwd", "totp", "mfa"],
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


def userinfo(provider: StandinProvider, request: HttpRequest) -> HttpResponse:
    header = request.headers.get("Authorization", "")
    access_token = header[7:] if header.startswith("Bearer ") else ""
    grant = None
    if access_token:
        grant = provider.grants().filter(access_token=access_token, revoked=False).first()
    if grant is None or grant.access_token_expires_at < timezone.now():
        response = JsonResponse({"error": "invalid_token"}, status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    identity = provider.identities[grant.identity]
    claims = {"iss": provider.issuer(), "aud": grant.client_id, "sub": provider.sub(grant.identity, grant.client_id)}
    for scope in set(grant.scope.split()):
        for claim in provider.scope_claims.get(scope, ()):
            claims[claim] = identity[claim]
    return HttpResponse(provider.sign(claims), content_type="application/jwt")


def session_end(provider: StandinProvider, request: HttpRequest) -> HttpResponse:
    """The provider's logout: checks id_token_hint (signed by us, for our client), state and
    post_logout_redirect_uri, then sends the browser back with the state."""
    hint = request.GET.get("id_token_hint", "")
    state = request.GET.get("state", "")
    target = request.GET.get("post_logout_redirect_uri", "")
    if not hint or not state or not redirect_uri_allowed(target):
        return HttpResponseBadRequest("Paramètres de déconnexion manquants ou invalides.")
    key, _kid = provider.signing_key()
    try:
        claims = jwt.decode(hint, key, algorithms=[ALGORITHM]).claims
    except (JoseError, ValueError):
        return HttpResponseBadRequest("id_token_hint invalide.")
    if claims.get("iss") != provider.issuer() or claims.get("aud") != provider.client_id:
        return HttpResponseBadRequest("id_token_hint invalide.")
    return redirect(f"{target}?{urlencode({'state': state})}")


def provider_urls(provider: StandinProvider) -> list:
    """The six endpoints of a stand-in provider, named ``{provider.name}_discovery`` and so on (included by
    sandbox.urls under /sandbox/{provider.name}/)."""
    from django.urls import path
    from django.views.decorators.cache import never_cache
    from django.views.decorators.csrf import csrf_exempt
    from django.views.decorators.http import require_GET, require_http_methods, require_POST

    endpoints = [
        (".well-known/openid-configuration", "discovery", require_GET(lambda request: discovery(provider))),
        ("authorize", "authorize",
         never_cache(require_http_methods(["GET", "POST"])(lambda request: authorize(provider, request)))),
        ("token", "token", csrf_exempt(require_POST(lambda request: token(provider, request)))),
        ("userinfo", "userinfo",
         csrf_exempt(require_http_methods(["GET", "POST"])(lambda request: userinfo(provider, request)))),
        ("jwks", "jwks", require_GET(lambda request: jwks(provider))),
        ("session/end", "session_end", never_cache(require_GET(lambda request: session_end(provider, request)))),
    ]
    return [path(route, view, name=f"{provider.name}_{name}") for route, name, view in endpoints]
