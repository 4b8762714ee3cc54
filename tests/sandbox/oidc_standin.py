"""The sandbox's OpenID Connect stand-ins (FranceConnect, ProConnect) called as their client would: one
provider is its path, its registered client and what its authorization request carries by default; the
endpoints and the checks they share are written once here for both test modules."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

BASE = "http://testserver"
STATE = "s" * 40
NONCE = "n" * 40
ENDPOINTS = [
    ("authorization_endpoint", "authorize"), ("token_endpoint", "token"), ("userinfo_endpoint", "userinfo"),
    ("jwks_uri", "jwks"), ("end_session_endpoint", "session/end"),
]


@dataclass(frozen=True)
class OidcStandIn:
    path: str
    client_id: str
    client_secret: str
    redirect_uri: str
    request: dict[str, str]  # what the authorization request carries besides the client, state and nonce

    @property
    def issuer(self) -> str:
        return f"{BASE}{self.path}"

    def url(self, endpoint: str) -> str:
        return f"{self.path}/{endpoint}"

    def authorize_params(self, **overrides) -> dict[str, str]:
        return {
            "client_id": self.client_id, "redirect_uri": self.redirect_uri, "response_type": "code",
            "state": STATE, "nonce": NONCE, **self.request, **overrides,
        }

    def pick(self, client: Client, choice: dict[str, str], **overrides) -> str:
        """The code the stand-in sends back to the client once the user has made ``choice`` on its page."""
        response = client.post(self.url("authorize"), {**self.authorize_params(**overrides), **choice})
        assert response.status_code == 302
        assert response["Location"].startswith(self.redirect_uri)
        query = parse_qs(urlsplit(response["Location"]).query)
        assert query["state"] == [STATE]
        return query["code"][0]

    def exchange(self, client: Client, code: str, secret: str | None = None, basic: bool = False):
        secret = self.client_secret if secret is None else secret
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri}
        if basic:
            token = base64.b64encode(f"{self.client_id}:{secret}".encode()).decode()
            return client.post(self.url("token"), data, HTTP_AUTHORIZATION=f"Basic {token}")
        return client.post(self.url("token"), {**data, "client_id": self.client_id, "client_secret": secret})

    def keys(self, client: Client) -> KeySet:
        return KeySet.import_key_set(client.get(self.url("jwks")).json())

    def claims(self, client: Client, token: str) -> dict[str, Any]:
        return jwt.decode(token, self.keys(client), algorithms=["RS256"]).claims

    def assert_endpoints_discovered(self, data: dict[str, Any]) -> None:
        assert data["issuer"] == self.issuer
        for name, endpoint in ENDPOINTS:
            assert data[name] == f"{self.issuer}/{endpoint}"

    def assert_session_end_checked(self, client: Client, id_token: str, target: str) -> None:
        """Logging out sends back to ``target`` with the state; a forged hint, a missing state or another
        address is refused."""
        ok = client.get(self.url("session/end"),
                        {"id_token_hint": id_token, "state": STATE, "post_logout_redirect_uri": target})
        assert ok.status_code == 302 and ok["Location"] == f"{target}?{urlencode({'state': STATE})}"
        forged = RSAKey.generate_key(2048)
        bad_hint = jwt.encode({"alg": "RS256"}, {"iss": self.issuer, "aud": self.client_id}, forged)
        for params in (
            {"id_token_hint": bad_hint, "state": STATE, "post_logout_redirect_uri": target},
            {"id_token_hint": id_token, "post_logout_redirect_uri": target},
            {"id_token_hint": id_token, "state": STATE, "post_logout_redirect_uri": "https://attacker.example/"},
        ):
            assert client.get(self.url("session/end"), params).status_code == 400
