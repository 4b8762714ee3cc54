"""The FranceConnect client against an independent, standard OpenID Connect provider written here with joserfc
(ES256, where the stand-in of sandbox/ signs with RS256; client_secret_basic only, where the stand-in also
offers client_secret_post), served over real HTTP by a local ``http.server`` on a free port. The client only
knows its issuer URL: everything else comes from discovery. The browser side (the portal's views) goes
through Django's test client; the portal's calls to token, userinfo and jwks are real HTTP requests.

Every known attack on the login is here: wrong or replayed state, id_token with a wrong nonce, iss or
aud, expired, signed with another key, ``alg: none``, tampered signature, userinfo JWT with a bad signature,
an authorization code used twice, the provider down or answering 500."""

from __future__ import annotations

import base64
import json
import secrets
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from accounts.franceconnect.client import SCOPES
from accounts.models import Relative
from sandbox.franceconnect.identities import IDENTITIES

CLIENT_ID = "portail-standard-client"
CLIENT_SECRET = "a-secret-of-the-standard-provider"

IDENTITY = dict(IDENTITIES["angela-dubois"])  # the identity of DESIGN.md, as the stand-in releases it


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class StandardProvider:
    """A minimal OpenID Connect provider; its knobs let a test make it misbehave."""

    def __init__(self) -> None:
        self.key = ECKey.generate_key("P-256", parameters={"kid": "key-1", "use": "sig", "alg": "ES256"})
        self.published_keys = [self.key]
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, str] = {}
        self.jwks_fetches = 0
        self.token_auth_headers: list[str] = []
        self.token_status = 200
        self.id_token_claims: dict = {}  # overrides of the id_token's claims
        self.id_token_builder = None  # a function (claims) -> token replacing the normal signing
        self.userinfo_builder = None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/oidc"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # Helpers for tests
    def sign(self, claims: dict, key=None, header: dict | None = None) -> str:
        key = key or self.key
        alg = "ES256" if isinstance(key, ECKey) else "RS256"
        return jwt.encode({"alg": alg, "kid": key.kid, **(header or {})}, claims, key, algorithms=[alg])

    def authorize(self, authorization_url: str) -> str:
        """What the provider does when the user logs in: checks the request, returns a code."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorization_url).query).items()}
        assert query["client_id"] == CLIENT_ID
        assert query["response_type"] == "code"
        code = secrets.token_urlsafe(24)
        self.codes[code] = {"nonce": query["nonce"], "redirect_uri": query["redirect_uri"], "used": False}
        return code

    def id_token_for(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url, "sub": "sub-angela-standard", "aud": CLIENT_ID, "exp": now + 60, "iat": now,
            "nonce": nonce, "acr": "eidas1",
        }
        claims.update(self.id_token_claims)
        claims = {k: v for k, v in claims.items() if v is not None}
        if self.id_token_builder:
            return self.id_token_builder(claims)
        return self.sign(claims)

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body: str, content_type: str = "application/json") -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path = urlsplit(self.path).path
                if path == "/oidc/.well-known/openid-configuration":
                    self._send(200, json.dumps({
                        "issuer": provider.url,
                        "authorization_endpoint": f"{provider.url}/auth",
                        "token_endpoint": f"{provider.url}/oauth/token",
                        "userinfo_endpoint": f"{provider.url}/me",
                        "jwks_uri": f"{provider.url}/certs",
                        "end_session_endpoint": f"{provider.url}/logout",
                        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                        "id_token_signing_alg_values_supported": ["ES256"],
                    }))
                elif path == "/oidc/certs":
                    provider.jwks_fetches += 1
                    self._send(200, json.dumps({"keys": [k.as_dict(private=False) for k in provider.published_keys]}))
                elif path == "/oidc/me":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.access_tokens:
                        self._send(401, json.dumps({"error": "invalid_token"}))
                        return
                    claims = {"iss": provider.url, "aud": CLIENT_ID, "sub": provider.access_tokens[token], **IDENTITY}
                    body = provider.userinfo_builder(claims) if provider.userinfo_builder else provider.sign(claims)
                    self._send(200, body, "application/jwt")
                else:
                    self._send(404, "{}")

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path != "/oidc/oauth/token":
                    self._send(404, "{}")
                    return
                if provider.token_status != 200:
                    self._send(provider.token_status, "<html><body>Internal Server Error</body></html>", "text/html")
                    return
                auth = self.headers.get("Authorization", "")
                provider.token_auth_headers.append(auth)
                expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if auth != expected:
                    self._send(401, json.dumps({"error": "invalid_client"}))
                    return
                grant = provider.codes.get(form.get("code", ""))
                if grant is None or grant["used"] or form.get("redirect_uri") != grant["redirect_uri"]:
                    self._send(400, json.dumps({"error": "invalid_grant", "error_description": "bad code"}))
                    return
                grant["used"] = True
                access_token = secrets.token_urlsafe(24)
                provider.access_tokens[access_token] = "sub-angela-standard"
                self._send(200, json.dumps({
                    "access_token": access_token, "token_type": "Bearer", "expires_in": 60,
                    "id_token": provider.id_token_for(grant["nonce"]),
                }))

        return Handler


@pytest.fixture
def provider(settings):
    cache.clear()
    server = StandardProvider()
    server.thread.start()
    settings.FRANCECONNECT_ISSUER = server.url
    settings.FRANCECONNECT_CLIENT_ID = CLIENT_ID
    settings.FRANCECONNECT_CLIENT_SECRET = CLIENT_SECRET
    settings.PORTAL_BASE_URL = "http://testserver"
    yield server
    server.server.shutdown()
    server.server.server_close()
    cache.clear()


def start_login(client) -> str:
    response = client.post("/connexion/franceconnect/")
    assert response.status_code == 302
    return response["Location"]


def callback(client, provider, authorization_url: str, **overrides):
    state = parse_qs(urlsplit(authorization_url).query)["state"][0]
    params = {"code": provider.authorize(authorization_url), "state": state, **overrides}
    return client.get("/connexion/franceconnect/retour/", params)


def assert_not_logged_in(client, response, status: int, text: str) -> None:
    assert response.status_code == status
    body = response.content.decode()
    assert text in body
    assert "Traceback" not in body
    assert "_auth_user_id" not in client.session
    assert not Relative.objects.exists()


REFUSED = "La connexion avec FranceConnect n&#x27;a pas pu être vérifiée. Veuillez recommencer."
UNAVAILABLE = "FranceConnect ne répond pas pour le moment. Veuillez réessayer dans quelques minutes."


@pytest.mark.django_db
def test_login_against_a_standard_provider(client, provider):
    url = start_login(client)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{provider.url}/auth?")
    assert query["scope"] == SCOPES
    assert query["acr_values"] == "eidas1"
    assert query["redirect_uri"] == "http://testserver/connexion/franceconnect/retour/"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32 and query["state"] != query["nonce"]

    response = callback(client, provider, url)

    assert response.status_code == 302 and response["Location"] == "/mon-espace/"
    relative = Relative.objects.get(sub="sub-angela-standard")
    assert (relative.given_name, relative.family_name, str(relative.birthdate)) == (
        "Angela Claire Louise", "DUBOIS", "1962-08-24")
    assert (relative.gender, relative.birthplace, relative.birthcountry, relative.email) == (
        "female", "75107", "99100", "angela.dubois@example.fr")
    assert not relative.user.has_usable_password()
    assert int(client.session["_auth_user_id"]) == relative.user_id
    # The client followed discovery: client_secret_basic, the only method this provider offers.
    assert provider.token_auth_headers[-1].startswith("Basic ")
    assert client.get("/mon-espace/").status_code == 200


@pytest.mark.django_db
def test_state_and_nonce_are_fresh_for_each_login(client, provider):
    first, second = (parse_qs(urlsplit(start_login(client)).query) for _ in range(2))
    assert first["state"] != second["state"] and first["nonce"] != second["nonce"]


@pytest.mark.django_db
def test_a_second_login_updates_the_relative_found_by_sub(client, provider):
    callback(client, provider, start_login(client))
    client.logout()
    provider.id_token_claims = {}
    IDENTITY_BACKUP = dict(IDENTITY)
    try:
        IDENTITY["email"] = "angela.nouvelle@example.fr"
        response = callback(client, provider, start_login(client))
    finally:
        IDENTITY.update(IDENTITY_BACKUP)
    assert response.status_code == 302
    assert Relative.objects.count() == 1
    assert Relative.objects.get().email == "angela.nouvelle@example.fr"


@pytest.mark.django_db
def test_callback_with_a_wrong_state_is_refused(client, provider):
    url = start_login(client)
    response = callback(client, provider, url, state="x" * 43)
    assert_not_logged_in(client, response, 400, "Cette demande de connexion n&#x27;est plus valable.")


@pytest.mark.django_db
def test_callback_without_any_login_started_is_refused(client, provider):
    response = client.get("/connexion/franceconnect/retour/", {"code": "abc", "state": "y" * 43})
    assert_not_logged_in(client, response, 400, "Cette demande de connexion n&#x27;est plus valable.")


@pytest.mark.django_db
def test_a_replayed_state_is_refused(client, provider):
    url = start_login(client)
    state = parse_qs(urlsplit(url).query)["state"][0]
    code = provider.authorize(url)
    assert client.get("/connexion/franceconnect/retour/", {"code": code, "state": state}).status_code == 302
    client.logout()  # the attacker replays the same callback URL in a fresh session
    replay = client.get("/connexion/franceconnect/retour/", {"code": code, "state": state})
    assert replay.status_code == 400
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_state_is_single_use_even_when_the_login_failed(client, provider):
    url = start_login(client)
    state = parse_qs(urlsplit(url).query)["state"][0]
    provider.id_token_claims = {"nonce": "wrong"}
    first = client.get("/connexion/franceconnect/retour/", {"code": provider.authorize(url), "state": state})
    assert first.status_code == 502
    provider.id_token_claims = {}
    retry = client.get("/connexion/franceconnect/retour/", {"code": provider.authorize(url), "state": state})
    assert_not_logged_in(client, retry, 400, "Cette demande de connexion n&#x27;est plus valable.")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"nonce": "n" * 43}, id="wrong-nonce"),
        pytest.param({"nonce": None}, id="no-nonce"),
        pytest.param({"iss": "https://attacker.example/oidc"}, id="wrong-iss"),
        pytest.param({"aud": "another-client"}, id="wrong-aud"),
        pytest.param({"exp": int(time.time()) - 3600}, id="expired"),
        pytest.param({"acr": "eidas0"}, id="wrong-acr"),
        pytest.param({"acr": None}, id="no-acr"),
    ],
)
def test_an_id_token_with_bad_claims_is_refused(client, provider, claims):
    provider.id_token_claims = claims
    response = callback(client, provider, start_login(client))
    assert_not_logged_in(client, response, 502, REFUSED)


@pytest.mark.django_db
def test_an_id_token_signed_with_another_key_is_refused(client, provider):
    other = ECKey.generate_key("P-256", parameters={"kid": "attacker", "use": "sig", "alg": "ES256"})
    provider.id_token_builder = lambda claims: provider.sign(claims, key=other)
    response = callback(client, provider, start_login(client))
    assert_not_logged_in(client, response, 502, REFUSED)
    assert provider.jwks_fetches == 2  # fetched, then fetched again once for the unknown kid


@pytest.mark.django_db
def test_an_id_token_signed_with_another_key_under_our_kid_is_refused(client, provider):
    other = ECKey.generate_key("P-256", parameters={"kid": "key-1", "use": "sig", "alg": "ES256"})
    provider.id_token_builder = lambda claims: provider.sign(claims, key=other)
    response = callback(client, provider, start_login(client))
    assert_not_logged_in(client, response, 502, REFUSED)


@pytest.mark.django_db
def test_an_id_token_with_alg_none_is_refused(client, provider):
    provider.id_token_builder = lambda claims: f"{_b64({'alg': 'none', 'kid': 'key-1'})}.{_b64(claims)}."
    response = callback(client, provider, start_login(client))
    assert_not_logged_in(client, response, 502, REFUSED)


@pytest.mark.django_db
def test_an_id_token_with_a_tampered_payload_is_refused(client, provider):
    def tampered(claims):
        header, _payload, signature = provider.sign(claims).split(".")
        return f"{header}.{_b64({**claims, 'sub': 'somebody-else'})}.{signature}"

    provider.id_token_builder = tampered
    response = callback(client, provider, start_login(client))
    assert_not_logged_in(client, response, 502, REFUSED)


@pytest.mark.django_db
def test_an_id_token_with_a_tampered_signature_is_refused(client, provider):
    def tampered(claims):
        header, payload, signature = provider.sign(claims).split(".")
        raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
        raw[5] ^= 0xFF
        return f"{header}.{payload}.{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"

    provider.id_token_builder = tampered
    response = callback(client, provider, start_login(client))
    assert_not_logged_in(client, response, 502, REFUSED)


@pytest.mark.django_db
def test_an_hs256_id_token_using_the_public_key_as_secret_is_refused(client, provider):
    public = json.dumps(provider.key.as_dict(private=False)).encode()

    def confused(claims):
        from joserfc.jwk import OctKey

        return jwt.encode({"alg": "HS256", "kid": "key-1"}, claims, OctKey.import_key(public), algorithms=["HS256"])

    provider.id_token_builder = confused
    response = callback(client, provider, start_login(client))
    assert_not_logged_in(client, response, 502, REFUSED)


@pytest.mark.django_db
def test_a_userinfo_jwt_with_a_bad_signature_is_refused(client, provider):
    other = ECKey.generate_key("P-256", parameters={"kid": "key-1", "use": "sig", "alg": "ES256"})
    provider.userinfo_builder = lambda claims: provider.sign(claims, key=other)
    response = callback(client, provider, start_login(client))
    assert_not_logged_in(client, response, 502, REFUSED)


@pytest.mark.django_db
def test_a_userinfo_for_another_subject_is_refused(client, provider):
    provider.userinfo_builder = lambda claims: provider.sign({**claims, "sub": "someone-else"})
    response = callback(client, provider, start_login(client))
    assert_not_logged_in(client, response, 502, REFUSED)


@pytest.mark.django_db
def test_rotated_keys_are_fetched_again_once(client, provider):
    # The portal caches the JWKS, then the provider rotates its key (new kid).
    assert client.get("/connexion/franceconnect/retour/").status_code == 400  # nothing cached by this
    callback(client, provider, start_login(client))
    client.logout()
    assert provider.jwks_fetches == 1
    new_key = RSAKey.generate_key(2048, parameters={"kid": "key-2", "use": "sig", "alg": "RS256"})
    provider.published_keys = [new_key]
    provider.id_token_builder = lambda claims: provider.sign(claims, key=new_key)
    provider.userinfo_builder = lambda claims: provider.sign(claims, key=new_key)
    response = callback(client, provider, start_login(client))
    assert response.status_code == 302 and response["Location"] == "/mon-espace/"
    assert provider.jwks_fetches == 2


@pytest.mark.django_db
def test_an_authorization_code_used_twice_is_refused(client, provider):
    url = start_login(client)
    code = provider.authorize(url)
    state = parse_qs(urlsplit(url).query)["state"][0]
    assert client.get("/connexion/franceconnect/retour/", {"code": code, "state": state}).status_code == 302
    client.logout()
    second_url = start_login(client)
    second_state = parse_qs(urlsplit(second_url).query)["state"][0]
    response = client.get("/connexion/franceconnect/retour/", {"code": code, "state": second_state})
    assert response.status_code == 502
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_provider_answering_500_gives_a_french_error_page(client, provider):
    url = start_login(client)
    provider.token_status = 500
    response = callback(client, provider, url)
    assert_not_logged_in(client, response, 502, UNAVAILABLE)


@pytest.mark.django_db
def test_a_provider_down_gives_a_french_error_page(client, settings):
    cache.clear()
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.FRANCECONNECT_ISSUER = f"http://127.0.0.1:{port}/oidc"
    settings.FRANCECONNECT_HTTP_TIMEOUT = 2
    response = client.post("/connexion/franceconnect/")
    assert response.status_code == 503
    body = response.content.decode()
    assert UNAVAILABLE in body and "Traceback" not in body


@pytest.mark.django_db
def test_an_error_returned_to_the_callback_is_shown_in_french(client, provider):
    url = start_login(client)
    state = parse_qs(urlsplit(url).query)["state"][0]
    response = client.get(
        "/connexion/franceconnect/retour/",
        {"error": "access_denied", "error_description": "User cancelled", "state": state},
    )
    assert_not_logged_in(client, response, 400, "Vous avez annulé la connexion avec FranceConnect.")


@pytest.mark.django_db
def test_an_unknown_error_is_not_reflected(client, provider):
    url = start_login(client)
    state = parse_qs(urlsplit(url).query)["state"][0]
    response = client.get(
        "/connexion/franceconnect/retour/",
        {"error": "<script>alert(1)</script>", "error_description": "<b>Appelez le 08…</b>", "state": state},
    )
    assert_not_logged_in(client, response, 400, "FranceConnect n&#x27;a pas pu vous identifier. Veuillez réessayer.")
    assert "<script>alert" not in response.content.decode() and "Appelez" not in response.content.decode()


@pytest.mark.django_db
def test_login_can_only_be_started_by_post(client, provider):
    assert client.get("/connexion/franceconnect/").status_code == 405


@pytest.mark.django_db
def test_the_session_of_a_new_login_lasts_30_idle_minutes(client, provider):
    response = callback(client, provider, start_login(client))
    assert response.cookies["sessionid"]["max-age"] == 30 * 60
    assert response.cookies["sessionid"]["httponly"] is True


@pytest.mark.django_db
def test_an_identity_without_a_readable_birth_date_is_refused_in_french(client, provider):
    provider.userinfo_builder = lambda claims: provider.sign({**claims, "birthdate": "24/08/1962"})
    response = callback(client, provider, start_login(client))
    message = "La date de naissance transmise par FranceConnect n&#x27;est pas lisible."
    assert_not_logged_in(client, response, 400, message)


@pytest.mark.django_db
def test_a_deactivated_relative_cannot_log_in(client, provider):
    callback(client, provider, start_login(client))
    client.logout()
    relative = Relative.objects.get()
    relative.user.is_active = False
    relative.user.save()
    response = callback(client, provider, start_login(client))
    assert response.status_code == 400
    assert "Votre compte a été désactivé." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_ends_the_local_session_even_when_franceconnect_is_unreachable(client, provider, settings):
    callback(client, provider, start_login(client))
    cache.clear()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.FRANCECONNECT_ISSUER = f"http://127.0.0.1:{port}/oidc"
    settings.FRANCECONNECT_HTTP_TIMEOUT = 2
    response = client.post("/deconnexion/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Vous êtes déconnecté(e)." in response.content.decode()
    assert "_auth_user_id" not in client.session
