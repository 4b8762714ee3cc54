"""The stand-in ProConnect (sandbox/proconnect/): its endpoints, called as a client would (Django's test client
reaches them directly; the login through the portal over real HTTP is in tests/accounts/test_proconnect.py)."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from sandbox.demo import DEMO_STAFF
from sandbox.franceconnect import views as franceconnect
from sandbox.models import FranceConnectGrant, FranceConnectKey
from sandbox.proconnect.views import CLIENT_ID, CLIENT_SECRET
from tests.sandbox.oidc_standin import BASE, NONCE, STATE, OidcStandIn

CLAIMS = json.dumps({"id_token": {"acr": {"essential": True, "values": ["eidas2", "eidas3"]}}})
PROCONNECT = OidcStandIn(
    path="/sandbox/proconnect", client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
    redirect_uri=f"{BASE}/agents/proconnect/retour/",
    request={
        "scope": "openid email given_name usual_name uid siret idp_id", "acr_values": "eidas2 eidas3",
        "claims": CLAIMS,
    },
)


@pytest.fixture(autouse=True)
def portal_url(settings):
    settings.PORTAL_BASE_URL = BASE


def pick_agent(client, identity="regie", acr="eidas2", **overrides) -> str:
    return PROCONNECT.pick(client, {"identity": identity, "acr": acr}, **overrides)


@pytest.mark.django_db
def test_discovery_lists_the_endpoints_levels_and_the_claims_parameter(client):
    data = client.get("/sandbox/proconnect/.well-known/openid-configuration").json()
    PROCONNECT.assert_endpoints_discovered(data)
    assert data["acr_values_supported"] == ["eidas1", "eidas2"]
    assert data["claims_parameter_supported"] is True
    assert set(data["scopes_supported"]) == {"openid", "email", "given_name", "usual_name", "uid", "siret", "idp_id"}


@pytest.mark.django_db
def test_its_signing_key_is_its_own(client):
    pro = client.get("/sandbox/proconnect/jwks").json()["keys"][0]
    france = client.get("/sandbox/franceconnect/jwks").json()["keys"][0]
    assert pro["kid"] != france["kid"] and "d" not in pro
    assert set(FranceConnectKey.objects.values_list("name", flat=True)) == {"proconnect", "franceconnect"}


@pytest.mark.django_db
def test_authorize_offers_one_agent_per_demo_staff_account_and_the_two_levels(client):
    response = client.get("/sandbox/proconnect/authorize", PROCONNECT.authorize_params())
    body = response.content.decode()
    assert response.status_code == 200
    for username, *_rest in DEMO_STAFF:
        assert f"{username}@demo.justice.gouv.fr" in body
    assert "sans.compte@demo.justice.gouv.fr" in body
    assert 'name="acr" value="eidas1"' in body and 'name="acr" value="eidas2"' in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [{"client_id": "portail-des-proches-sandbox"}, {"client_id": "intrus"},
     {"redirect_uri": "https://attacker.example/cb"}],
)
def test_authorize_never_redirects_to_an_unregistered_client(client, overrides):
    # FranceConnect's stand-in client is not ProConnect's.
    assert client.get("/sandbox/proconnect/authorize", PROCONNECT.authorize_params(**overrides)).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [{"state": ""}, {"nonce": "short"}, {"acr_values": ""}, {"acr_values": "eidas3"}, {"scope": "email"},
     {"response_type": "token"}, {"claims": "{pas du json"}, {"claims": '["id_token"]'}],
)
def test_authorize_sends_errors_back_to_the_client(client, overrides):
    response = client.get("/sandbox/proconnect/authorize", PROCONNECT.authorize_params(**overrides))
    assert response.status_code == 302
    assert response["Location"].startswith(PROCONNECT.redirect_uri)
    assert parse_qs(urlsplit(response["Location"]).query)["error"]


@pytest.mark.django_db
@pytest.mark.parametrize("identity, acr", [("intrus", "eidas2"), ("regie", "eidas3"), ("regie", "")])
def test_an_unknown_agent_or_level_is_refused(client, identity, acr):
    response = client.post(
        "/sandbox/proconnect/authorize", {**PROCONNECT.authorize_params(), "identity": identity, "acr": acr}
    )
    assert response.status_code == 400
    assert not FranceConnectGrant.objects.exists()


@pytest.mark.django_db
def test_cancel_returns_access_denied(client):
    response = client.post("/sandbox/proconnect/authorize", {**PROCONNECT.authorize_params(), "cancel": ""})
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == [STATE]


@pytest.mark.django_db
@pytest.mark.parametrize("acr, amr", [("eidas1", ["pwd"]), ("eidas2", ["pwd", "totp", "mfa"])])
@pytest.mark.parametrize("basic", [False, True])
def test_token_gives_a_signed_id_token_at_the_chosen_level(client, acr, amr, basic):
    response = PROCONNECT.exchange(client, pick_agent(client, acr=acr), basic=basic)
    assert response.status_code == 200
    claims = PROCONNECT.claims(client, response.json()["id_token"])
    assert claims["iss"] == PROCONNECT.issuer and claims["aud"] == CLIENT_ID and claims["nonce"] == NONCE
    assert claims["acr"] == acr and claims["amr"] == amr and claims["exp"] > time.time()


@pytest.mark.django_db
def test_token_refuses_a_wrong_secret_and_a_reused_code(client):
    code = pick_agent(client)
    refused = PROCONNECT.exchange(client, code, secret="devine")
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    access_token = PROCONNECT.exchange(client, code).json()["access_token"]
    second = PROCONNECT.exchange(client, code)
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"
    assert client.get("/sandbox/proconnect/userinfo", HTTP_AUTHORIZATION=f"Bearer {access_token}").status_code == 401


@pytest.mark.django_db
def test_userinfo_is_a_jwt_with_the_agents_identity(client):
    access_token = PROCONNECT.exchange(client, pick_agent(client, "greffe")).json()["access_token"]
    response = client.get("/sandbox/proconnect/userinfo", HTTP_AUTHORIZATION=f"Bearer {access_token}")
    assert response["Content-Type"] == "application/jwt"
    claims = PROCONNECT.claims(client, response.content.decode())
    assert claims["iss"] == PROCONNECT.issuer and claims["aud"] == CLIENT_ID
    assert (claims["given_name"], claims["usual_name"], claims["email"]) == (
        "Camille", "GREFFE", "greffe@demo.justice.gouv.fr")
    assert claims["uid"] == "demo-greffe" and len(claims["siret"]) == 14 and claims["idp_id"]


@pytest.mark.django_db
def test_a_franceconnect_access_token_opens_nothing_at_proconnect(client):
    code = client.post("/sandbox/franceconnect/authorize", {
        "client_id": franceconnect.CLIENT_ID, "redirect_uri": f"{BASE}/connexion/franceconnect/retour/",
        "response_type": "code", "scope": "openid email", "state": STATE, "nonce": NONCE, "acr_values": "eidas1",
        "identity": "angela-dubois",
    })["Location"].split("code=")[1].split("&")[0]
    token = client.post("/sandbox/franceconnect/token", {
        "grant_type": "authorization_code", "code": code, "redirect_uri": f"{BASE}/connexion/franceconnect/retour/",
        "client_id": franceconnect.CLIENT_ID, "client_secret": franceconnect.CLIENT_SECRET,
    }).json()["access_token"]
    assert client.get("/sandbox/proconnect/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert client.get("/sandbox/franceconnect/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


@pytest.mark.django_db
def test_session_end_checks_its_parameters_and_returns_the_state(client):
    id_token = PROCONNECT.exchange(client, pick_agent(client)).json()["id_token"]
    PROCONNECT.assert_session_end_checked(client, id_token, f"{BASE}/agents/proconnect/deconnexion/retour/")
