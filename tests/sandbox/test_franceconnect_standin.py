"""The stand-in FranceConnect (sandbox/franceconnect/): its endpoints, called as a client would. The token,
userinfo and jwks endpoints are plain views, so Django's test client reaches them directly here; the end-to-end
login over real HTTP is in tests/accounts/test_mon_espace_flow.py (live_server)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from sandbox.franceconnect.views import CLIENT_ID, CLIENT_SECRET
from sandbox.models import FranceConnectGrant, FranceConnectKey
from tests.sandbox.oidc_standin import BASE, NONCE, STATE, OidcStandIn

FRANCECONNECT = OidcStandIn(
    path="/sandbox/franceconnect", client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
    redirect_uri=f"{BASE}/connexion/franceconnect/retour/",
    request={
        "scope": "openid given_name family_name birthdate gender birthplace birthcountry email preferred_username",
        "acr_values": "eidas1",
    },
)


@pytest.fixture(autouse=True)
def portal_url(settings):
    settings.PORTAL_BASE_URL = BASE


def pick_identity(client, identity="angela-dubois", **overrides) -> str:
    return FRANCECONNECT.pick(client, {"identity": identity}, **overrides)


@pytest.mark.django_db
def test_discovery_lists_the_endpoints(client):
    data = client.get("/sandbox/franceconnect/.well-known/openid-configuration").json()
    FRANCECONNECT.assert_endpoints_discovered(data)
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
    response = client.get("/sandbox/franceconnect/authorize", FRANCECONNECT.authorize_params())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Angela Claire Louise DUBOIS" in body and "Pierre DUPONT" in body and "Sophie Marie LEROY" in body


@pytest.mark.django_db
@pytest.mark.parametrize("overrides", [{"client_id": "intrus"}, {"redirect_uri": "https://attacker.example/cb"}])
def test_authorize_never_redirects_to_an_unregistered_client(client, overrides):
    response = client.get("/sandbox/franceconnect/authorize", FRANCECONNECT.authorize_params(**overrides))
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [{"state": ""}, {"nonce": "short"}, {"acr_values": ""}, {"scope": "profile"}, {"response_type": "token"}],
)
def test_authorize_sends_errors_back_to_the_client(client, overrides):
    response = client.get("/sandbox/franceconnect/authorize", FRANCECONNECT.authorize_params(**overrides))
    assert response.status_code == 302
    assert "error=" in response["Location"] and response["Location"].startswith(FRANCECONNECT.redirect_uri)


@pytest.mark.django_db
def test_cancel_returns_access_denied(client):
    response = client.post("/sandbox/franceconnect/authorize", {**FRANCECONNECT.authorize_params(), "cancel": ""})
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == [STATE]


@pytest.mark.django_db
@pytest.mark.parametrize("basic", [False, True])
def test_token_gives_a_signed_id_token(client, basic):
    response = FRANCECONNECT.exchange(client, pick_identity(client), basic=basic)
    assert response.status_code == 200
    data = response.json()
    claims = FRANCECONNECT.claims(client, data["id_token"])
    assert claims["iss"] == FRANCECONNECT.issuer and claims["aud"] == CLIENT_ID and claims["nonce"] == NONCE
    assert claims["acr"] == "eidas1" and claims["exp"] > time.time()
    assert data["token_type"] == "Bearer"


@pytest.mark.django_db
def test_token_refuses_a_wrong_secret(client):
    response = FRANCECONNECT.exchange(client, pick_identity(client), secret="devine")
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


@pytest.mark.django_db
def test_a_code_works_once_and_its_reuse_revokes_the_token(client):
    code = pick_identity(client)
    access_token = FRANCECONNECT.exchange(client, code).json()["access_token"]
    second = FRANCECONNECT.exchange(client, code)
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"
    assert FranceConnectGrant.objects.get().revoked
    assert client.get("/sandbox/franceconnect/userinfo", HTTP_AUTHORIZATION=f"Bearer {access_token}").status_code == 401


@pytest.mark.django_db
def test_userinfo_is_a_jwt_signed_by_the_jwks(client):
    access_token = FRANCECONNECT.exchange(client, pick_identity(client, "pierre-dupont")).json()["access_token"]
    response = client.get("/sandbox/franceconnect/userinfo", HTTP_AUTHORIZATION=f"Bearer {access_token}")
    assert response["Content-Type"] == "application/jwt"
    claims = FRANCECONNECT.claims(client, response.content.decode())
    assert (claims["given_name"], claims["family_name"], claims["birthdate"]) == ("Pierre", "DUPONT", "1970-01-01")
    assert (claims["gender"], claims["birthplace"], claims["birthcountry"]) == ("male", "69123", "99100")
    assert claims["email"] == "pierre.dupont@example.fr"


@pytest.mark.django_db
def test_userinfo_refuses_an_unknown_token(client):
    assert client.get("/sandbox/franceconnect/userinfo", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


@pytest.mark.django_db
def test_session_end_checks_its_parameters_and_returns_the_state(client):
    id_token = FRANCECONNECT.exchange(client, pick_identity(client)).json()["id_token"]
    FRANCECONNECT.assert_session_end_checked(client, id_token, f"{BASE}/deconnexion/retour/")
