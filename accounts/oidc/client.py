"""An OpenID Connect client (authorization code flow): discovery, authorization URL, code exchange (authlib),
id_token and signed userinfo verification (joserfc), logout URL.

A provider is a subclass naming its settings, scopes, levels (``acr``) and callback routes: FranceConnect
(accounts.franceconnect) and ProConnect (accounts.proconnect). Nothing here knows about the stand-ins:
endpoints come from ``{issuer}/.well-known/openid-configuration``.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from core.addresses import portal_base_url, rebased
from core.outbound import unreachable

logger = logging.getLogger(__name__)

ALLOWED_ALGORITHMS = ("ES256", "RS256")
DISCOVERY_CACHE_SECONDS = 3600
JWKS_CACHE_SECONDS = 3600
CLOCK_LEEWAY_SECONDS = 60
MAX_RESPONSE_BYTES = 256 * 1024
RANDOM_BYTES = 32  # token_urlsafe(32) gives 43 characters


class OIDCError(Exception):
    """A login that cannot go on; ``message`` is shown to the user (French), ``detail`` is logged."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(detail or message)
        self.message = message
        self.detail = detail


def random_token() -> str:
    """An unguessable value for ``state`` and ``nonce`` (43 URL-safe characters)."""
    return secrets.token_urlsafe(RANDOM_BYTES)


@dataclass(frozen=True)
class LoginRequest:
    url: str
    state: str
    nonce: str


@dataclass(frozen=True)
class LoginResult:
    claims: dict[str, Any]
    id_token: str


class OIDCClient:
    """One instance per request; configuration read from settings each time (tests override them).

    A subclass sets the class attributes below and ``settings_prefix`` (``{PREFIX}_ISSUER``, ``_CLIENT_ID``,
    ``_CLIENT_SECRET``, ``_HTTP_TIMEOUT``)."""

    provider_name = ""  # as the user reads it: "FranceConnect", "ProConnect"
    settings_prefix = ""
    error_class: type[OIDCError] = OIDCError
    scopes = "openid"
    # The id_token's acr must be one of these; None: any level (the caller decides what it is worth).
    accepted_acr: frozenset[str] | None = None
    callback_url_name = ""
    logout_callback_url_name = ""

    def __init__(self) -> None:
        prefix = self.settings_prefix
        # The stand-in's issuer follows the address the portal is reached at (core.addresses, embedded default).
        self.issuer = rebased(getattr(settings, f"{prefix}_ISSUER").rstrip("/"))
        self.client_id = getattr(settings, f"{prefix}_CLIENT_ID")
        self.client_secret = getattr(settings, f"{prefix}_CLIENT_SECRET")
        self.timeout = getattr(settings, f"{prefix}_HTTP_TIMEOUT")
        if not (self.issuer and self.client_id and self.client_secret):
            raise self.error_class(
                _("La connexion avec %(provider)s n'est pas disponible pour le moment.")
                % {"provider": self.provider_name},
                f"{prefix}_ISSUER, {prefix}_CLIENT_ID or {prefix}_CLIENT_SECRET is not set",
            )

    def _unavailable(self, detail: str) -> OIDCError:
        return self.error_class(
            _("%(provider)s ne répond pas pour le moment. Veuillez réessayer dans quelques minutes.")
            % {"provider": self.provider_name},
            detail,
        )

    def _refused(self, detail: str) -> OIDCError:
        return self.error_class(
            _("La connexion avec %(provider)s n'a pas pu être vérifiée. Veuillez recommencer.")
            % {"provider": self.provider_name},
            detail,
        )

    def _unreachable(self, url: str, error: requests.RequestException) -> OIDCError:
        """The provider could not be reached at all (refused, unknown host, no answer in time): named in the log."""
        return self._unavailable(unreachable(logger, self.provider_name, url, error))

    # URLs of the portal, registered at the provider (on the embedded default, the address the browser used).
    # Without a language prefix whatever the page's language (the provider knows these addresses only): the return
    # answers in the session's language (core.languages.follows_session_language).
    def redirect_uri(self) -> str:
        with translation.override(settings.LANGUAGE_CODE):
            return f"{portal_base_url()}{reverse(self.callback_url_name)}"

    def post_logout_redirect_uri(self) -> str:
        with translation.override(settings.LANGUAGE_CODE):
            return f"{portal_base_url()}{reverse(self.logout_callback_url_name)}"

    def authorization_params(self) -> dict[str, str]:
        """The provider's own parameters of the authorization request (acr_values, claims…)."""
        return {}

    # HTTP
    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = requests.get(url, timeout=self.timeout, headers={"Accept": "application/json"})
        except (requests.ConnectionError, requests.Timeout) as error:
            raise self._unreachable(url, error) from error
        except requests.RequestException as error:
            raise self._unavailable(f"GET {url}: {error}") from error
        if response.status_code != 200:
            raise self._unavailable(f"GET {url}: HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError as error:
            raise self._unavailable(f"GET {url}: not JSON") from error
        if not isinstance(data, dict):
            raise self._unavailable(f"GET {url}: not a JSON object")
        return data

    def metadata(self) -> dict[str, Any]:
        """The provider's configuration (discovery), cached for an hour."""
        key = f"oidc:discovery:{self.issuer}"
        data = cache.get(key)
        if data is None:
            data = self._get_json(f"{self.issuer}/.well-known/openid-configuration")
            if data.get("issuer", "").rstrip("/") != self.issuer:
                raise self._refused(f"discovery issuer {data.get('issuer')!r} is not {self.issuer!r}")
            required = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")
            missing = [name for name in required if not data.get(name)]
            if missing:
                raise self._unavailable(f"discovery without {', '.join(missing)}")
            cache.set(key, data, DISCOVERY_CACHE_SECONDS)
        return data

    def _keys(self, *, refresh: bool = False) -> KeySet:
        jwks_uri = self.metadata()["jwks_uri"]
        key = f"oidc:jwks:{jwks_uri}"
        data = None if refresh else cache.get(key)
        if data is None:
            data = self._get_json(jwks_uri)
            cache.set(key, data, JWKS_CACHE_SECONDS)
        try:
            return KeySet.import_key_set(data)
        except (JoseError, ValueError, TypeError, KeyError) as error:
            raise self._unavailable(f"unreadable JWKS: {error}") from error

    def _session(self, token: dict | None = None) -> OAuth2Session:
        methods = self.metadata().get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        auth_method = "client_secret_post" if "client_secret_post" in methods else "client_secret_basic"
        return OAuth2Session(
            client_id=self.client_id,
            client_secret=self.client_secret,
            scope=self.scopes,
            redirect_uri=self.redirect_uri(),
            token_endpoint_auth_method=auth_method,
            token=token,
        )

    # Steps of the flow
    def login_request(self) -> LoginRequest:
        state, nonce = random_token(), random_token()
        with self._session() as session:
            url, _state = session.create_authorization_url(
                self.metadata()["authorization_endpoint"], state=state, nonce=nonce, **self.authorization_params()
            )
        return LoginRequest(url=url, state=state, nonce=nonce)

    def complete_login(self, *, code: str, nonce: str) -> LoginResult:
        """Exchange the code, verify the id_token, fetch and verify the userinfo; returns the claims."""
        metadata = self.metadata()
        with self._session() as session:
            try:
                token = session.fetch_token(
                    metadata["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    timeout=self.timeout,
                )
            except AuthlibBaseError as error:
                raise self._refused(f"token endpoint refused the code: {error}") from error
            except (requests.ConnectionError, requests.Timeout) as error:
                raise self._unreachable(metadata["token_endpoint"], error) from error
            except requests.RequestException as error:
                raise self._unavailable(f"token endpoint: {error}") from error
            except ValueError as error:  # an answer that is not JSON (e.g. an HTML error page)
                raise self._unavailable(f"token endpoint answered something else than JSON: {error}") from error
            id_token = token.get("id_token")
            if not id_token or not token.get("access_token"):
                raise self._refused("token response without id_token or access_token")
        id_claims = self.verify_jwt(id_token, nonce=nonce, id_token=True)
        try:
            response = requests.get(
                metadata["userinfo_endpoint"],
                timeout=self.timeout,
                headers={"Accept": "application/jwt", "Authorization": f"Bearer {token['access_token']}"},
            )
        except (requests.ConnectionError, requests.Timeout) as error:
            raise self._unreachable(metadata["userinfo_endpoint"], error) from error
        except requests.RequestException as error:
            raise self._unavailable(f"userinfo endpoint: {error}") from error
        if response.status_code != 200:
            raise self._unavailable(f"userinfo endpoint: HTTP {response.status_code}")
        userinfo = self.verify_jwt(response.text.strip(), nonce=None, id_token=False)
        if userinfo.get("sub") != id_claims.get("sub"):
            raise self._refused("userinfo sub differs from the id_token sub")
        claims = {**userinfo, "sub": id_claims["sub"], "acr": id_claims.get("acr")}
        return LoginResult(claims=claims, id_token=id_token)

    def verify_jwt(self, value: str, *, nonce: str | None, id_token: bool) -> dict[str, Any]:
        """Verify a signed JWT from the provider (ES256 or RS256 by the JWKS) and its claims."""
        if not value or len(value) > MAX_RESPONSE_BYTES:
            raise self._refused("empty or oversized JWT")
        try:
            compact = jws.extract_compact(value.encode())
            header = compact.headers()
        except (JoseError, ValueError, TypeError, UnicodeError) as error:
            raise self._refused(f"unreadable JWT: {error}") from error
        alg = header.get("alg")
        if alg not in ALLOWED_ALGORITHMS:
            raise self._refused(f"JWT algorithm {alg!r} not accepted")
        kid = header.get("kid")
        keys = self._keys()
        key = self._pick_key(keys, kid, alg)
        if key is None:
            # The provider may have rotated its keys: fetch the JWKS again, once.
            keys = self._keys(refresh=True)
            key = self._pick_key(keys, kid, alg)
        if key is None:
            raise self._refused(f"no key {kid!r} in the provider's JWKS")
        try:
            if not jws.validate_compact(compact, key, algorithms=[alg]):
                raise self._refused("bad JWT signature")
            claims = json.loads(compact.payload)
        except JoseError as error:
            raise self._refused(f"JWT signature not verified: {error}") from error
        except ValueError as error:
            raise self._refused("JWT payload is not JSON") from error
        if not isinstance(claims, dict):
            raise self._refused("JWT payload is not an object")
        options: dict[str, Any] = {
            "iss": {"essential": True, "value": self.issuer},
            "aud": {"essential": True, "value": self.client_id},
            "sub": {"essential": True},
        }
        if id_token:
            options["exp"] = {"essential": True}
            options["iat"] = {"essential": True}
            options["nonce"] = {"essential": True, "value": nonce}
            if self.accepted_acr is not None:
                options["acr"] = {"essential": True, "values": sorted(self.accepted_acr)}
        try:
            JWTClaimsRegistry(leeway=CLOCK_LEEWAY_SECONDS, **options).validate(claims)
        except JoseError as error:
            raise self._refused(f"JWT claims refused: {error}") from error
        if id_token and isinstance(claims.get("aud"), list) and len(claims["aud"]) > 1:
            if claims.get("azp") != self.client_id:
                raise self._refused("id_token for several audiences without our azp")
        return claims

    @staticmethod
    def _pick_key(keys: KeySet, kid: str | None, alg: str):
        kty = "EC" if alg == "ES256" else "RSA"
        candidates = [
            key
            for key in keys
            if key.key_type == kty
            and key.get("use", "sig") == "sig"
            and key.get("alg", alg) == alg
            and (kid is None or key.kid == kid)
        ]
        if kid is None and len(candidates) != 1:
            return None
        return candidates[0] if candidates else None

    def logout_url(self, *, id_token: str, state: str) -> str | None:
        """The provider's session/end with id_token_hint, state and post_logout_redirect_uri."""
        endpoint = self.metadata().get("end_session_endpoint")
        if not endpoint:
            return None
        query = urlencode(
            {"id_token_hint": id_token, "state": state, "post_logout_redirect_uri": self.post_logout_redirect_uri()}
        )
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
