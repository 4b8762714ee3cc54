"""The stand-in FranceConnect (sandbox/franceconnect/): its endpoints, called as a client would. The token,
userinfo and jwks endpoints are plain views, so Django's test client reaches them directly here; the end-to-end
login over real HTTP is in tests/accounts/test_mon_espace_flow.py (live_server)."""

from __future__ import annotations

import base64
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from sandbox.franceconnect.views import CLIENT_ID, CLIENT_SECRET
from sandbox.models import FranceConnectGrant, FranceConnectKey

BASE = "http://testserver"
ISSUER = f"{BASE}/sandbox/franceconnect"
REDIRECT_URI = f"{BASE}/connexion/franceconnect/retour/"
STATE = "s" * 40
NONCE = "n" * 40


@pytest.fixture(autouse=True)
def portal_url(settings):
    settings.PORTAL_BASE_URL = BASE


def authorize_params(**overrides) -> dict:
    return {
        "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI, "response_type": "code",
        "scope": "openid given_name family_name birthdate gender birthplace birthcountry email preferred_username",
        "state": STATE, "nonce": NONCE, "acr_values": "eidas1", **overrides,
    }


def pick_identity(client, identity="angela-dubois", **overrides) -> str:
    response = client.post("/sandbox/franceconnect/authorize", {**authorize_params(**overrides), "identity": identity})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert response["Location"].startswith(REDIRECT_URI)
    assert query["state"] == [STATE]
    return query["code"][0]


def exchange(client, code: str, secret: str = CLIENT_SECRET, basic: bool = False):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    if basic:
        token = base64.b64encode(f"{CLIENT_ID}:{secret}".encode()).decode()
        return client.post("/sandbox/franceconnect/token", data, HTTP_AUTHORIZATION=f"Basic {token}")
    return client.post("/sandbox/franceconnect/token", {**data, "client_id": CLIENT_ID, "client_secret": secret})


def keys(client) -> KeySet:
    return KeySet.import_key_set(client.get("/sandbox/franceconnect/jwks").json())


@pytest.mark.django_db
def test_discovery_lists_the_endpoints(client):
    data = client.get("/sandbox/franceconnect/.well-known/openid-configuration").json()
    assert data["issuer"] == ISSUER
    for name, path in [
        ("authorization_endpoint", "authorize"), ("token_endpoint", "token"), ("userinfo_endpoint", "userinfo"),
        ("jwks_uri", "jwks"), ("end_session_endpoint", "session/end"),
    ]:
        assert data[name] == f"{ISSUER}/{path}"
    assert data["acr_values_supported"] == ["eidas1"]


@pytest.mark.django_db
def test_the_signing_key_is_generated_once_and_stored(client):
    assert not FranceConnectKey.objects.exists()
    first = client.get("/sandbox/franceconnect/jwks").json()
    second = client.get("/sandbox/franceconnect/jwks").json()
    assert first == second and FranceConnectKey.objects.count() == 1
    (public,) = first["keys"]
    assert public["kty"] == "RSA" and public["alg"] == "RS256" and "d" not in public


@pytest.mark.django_db
def test_authorize_lists_the_test_identities(client):
    response = client.get("/sandbox/franceconnect/authorize", authorize_params())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Angela Claire Louise DUBOIS" in body and "Pierre DUPONT" in body


@pytest.mark.django_db
@pytest.mark.parametrize("overrides", [{"client_id": "intrus"}, {"redirect_uri": "https://attacker.example/cb"}])
def test_authorize_never_redirects_to_an_unregistered_client(client, overrides):
    response = client.get("/sandbox/franceconnect/authorize", authorize_params(**overrides))
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [{"state": ""}, {"nonce": "short"}, {"acr_values": ""}, {"scope": "profile"}, {"response_type": "token"}],
)
def test_authorize_sends_errors_back_to_the_client(client, overrides):
    response = client.get("/sandbox/franceconnect/authorize", authorize_params(**overrides))
    assert response.status_code == 302
    assert "error=" in response["Location"] and response["Location"].startswith(REDIRECT_URI)


@pytest.mark.django_db
def test_cancel_returns_access_denied(client):
    response = client.post("/sandbox/franceconnect/authorize", {**authorize_params(), "cancel": ""})
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == [STATE]


@pytest.mark.django_db
@pytest.mark.parametrize("basic", [False, True])
def test_token_gives_a_signed_id_token(client, basic):
    response = exchange(client, pick_identity(client), basic=basic)
    assert response.status_code == 200
    data = response.json()
    claims = jwt.decode(data["id_token"], keys(client), algorithms=["RS256"]).claims
    assert claims["iss"] == ISSUER and claims["aud"] == CLIENT_ID and claims["nonce"] == NONCE
    assert claims["acr"] == "eidas1" and claims["exp"] > time.time()
    assert data["token_type"] == "Bearer"


@pytest.mark.django_db
def test_token_refuses_a_wrong_secret(client):
    response = exchange(client, pick_identity(client), secret="devine")
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


@pytest.mark.django_db
def test_a_code_works_once_and_its_reuse_revokes_the_token(client):
    code = pick_identity(client)
    access_token = exchange(client, code).json()["access_token"]
    second = exchange(client, code)
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"
    assert FranceConnectGrant.objects.get().revoked
    assert client.get("/sandbox/franceconnect/userinfo", HTTP_AUTHORIZATION=f"Bearer {access_token}").status_code == 401


@pytest.mark.django_db
def test_userinfo_is_a_jwt_signed_by_the_jwks(client):
    access_token = exchange(client, pick_identity(client, "pierre-dupont")).json()["access_token"]
    response = client.get("/sandbox/franceconnect/userinfo", HTTP_AUTHORIZATION=f"Bearer {access_token}")
    assert response["Content-Type"] == "application/jwt"
    claims = jwt.decode(response.content.decode(), keys(client), algorithms=["RS256"]).claims
    assert (claims["given_name"], claims["family_name"], claims["birthdate"]) == ("Pierre", "DUPONT", "1970-01-01")
    assert (claims["gender"], claims["birthplace"], claims["birthcountry"]) == ("male", "69123", "99100")
    assert claims["email"] == "pierre.dupont@example.fr"


@pytest.mark.django_db
def test_userinfo_refuses_an_unknown_token(client):
    assert client.get("/sandbox/franceconnect/userinfo", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


@pytest.mark.django_db
def test_session_end_checks_its_parameters_and_returns_the_state(client):
    id_token = exchange(client, pick_identity(client)).json()["id_token"]
    target = f"{BASE}/deconnexion/retour/"
    ok = client.get("/sandbox/franceconnect/session/end",
                    {"id_token_hint": id_token, "state": STATE, "post_logout_redirect_uri": target})
    assert ok.status_code == 302 and ok["Location"] == f"{target}?{urlencode({'state': STATE})}"
    forged = RSAKey.generate_key(2048)
    bad_hint = jwt.encode({"alg": "RS256"}, {"iss": ISSUER, "aud": CLIENT_ID}, forged)
    for params in (
        {"id_token_hint": bad_hint, "state": STATE, "post_logout_redirect_uri": target},
        {"id_token_hint": id_token, "post_logout_redirect_uri": target},
        {"id_token_hint": id_token, "state": STATE, "post_logout_redirect_uri": "https://attacker.example/"},
    ):
        assert client.get("/sandbox/franceconnect/session/end", params).status_code == 400
