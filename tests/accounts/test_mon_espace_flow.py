"""The relative's whole way, end to end over real HTTP: the portal runs in pytest-django's
``live_server`` and is reached with ``requests`` (a browser stand-in keeping cookies); the portal's FranceConnect
client reaches the stand-in provider of the same live server over HTTP (PORTAL_BASE_URL and
FRANCECONNECT_ISSUER point at live_server.url). The demo data comes from sandbox.demo.load_demo."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.cache import cache

from permits.models import RegisteredPermit
from sandbox.demo import load_demo

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def portal(live_server, settings):
    cache.clear()
    settings.PORTAL_BASE_URL = live_server.url
    settings.FRANCECONNECT_ISSUER = f"{live_server.url}/sandbox/franceconnect"
    settings.FRANCECONNECT_CLIENT_ID = "portail-des-proches-sandbox"
    settings.FRANCECONNECT_CLIENT_SECRET = "sandbox-secret-not-for-production"
    load_demo()
    yield live_server.url
    cache.clear()


def csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def alerts(page: str) -> list[str]:
    return [html.unescape(text) for text in re.findall(r'class="fr-alert[^"]*"[^>]*>\s*<p>([^<]*)</p>', page)]


def login_as(browser: requests.Session, base: str, identity: str) -> requests.Response:
    home = browser.get(f"{base}/")
    assert "S’identifier avec" in home.text and "Qu’est-ce que FranceConnect ?" in home.text
    authorize = browser.post(f"{base}/connexion/franceconnect/", data={"csrfmiddlewaretoken": csrf(home.text)},
                             headers={"Referer": f"{base}/"})
    assert authorize.url.startswith(f"{base}/sandbox/franceconnect/authorize?")
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', authorize.text))
    fields = {k: html.unescape(v) for k, v in fields.items()}
    fields.update(identity=identity, login="")
    return browser.post(authorize.url, data=fields, headers={"Referer": authorize.url})


def add_permit(browser, base, number, name) -> requests.Response:
    form = browser.get(f"{base}/mon-espace/permis/ajouter/")
    return browser.post(
        f"{base}/mon-espace/permis/ajouter/",
        data={"csrfmiddlewaretoken": csrf(form.text), "permit_number": number, "detainee_family_name": name},
        headers={"Referer": f"{base}/mon-espace/permis/ajouter/"},
    )


def test_angela_dubois_adds_her_permit_and_not_pierre_duponts(portal):
    browser = requests.Session()
    espace = login_as(browser, portal, "angela-dubois")
    assert espace.url == f"{portal}/mon-espace/"
    assert "Bonjour Angela Claire Louise, vous êtes connecté(e)." in alerts(espace.text)
    assert "Aucun permis de visite n'est encore enregistré" in html.unescape(espace.text)

    added = add_permit(browser, portal, "PV-2026-000123", "Martin")
    assert added.url == f"{portal}/mon-espace/"
    assert "Le permis de visite PV-2026-000123 a été ajouté à votre espace." in alerts(added.text)
    assert "Jean MARTIN" in added.text and "Centre pénitentiaire de Démonstration" in added.text
    assert "Faire un virement" in added.text and "Prendre un rendez-vous parloir" in added.text
    virement = re.search(r'href="([^"]+)">Faire un virement<', added.text).group(1)
    pecule = browser.get(f"{portal}{html.unescape(virement)}")
    assert pecule.status_code == 200 and "<h1>Pécule</h1>" in pecule.text

    refused = add_permit(browser, portal, "PV-2026-000124", "MARTIN")
    assert refused.status_code == 400
    summary = re.search(r'<div class="fr-alert fr-alert--error[^"]*" id="resume-erreurs".*?</div>', refused.text, re.S)
    assert "Nous n'avons pas trouvé de permis de visite à votre nom" in html.unescape(summary.group(0))
    assert list(RegisteredPermit.objects.values_list("permit__number", flat=True)) == ["PV-2026-000123"]


def test_logout_reaches_session_end_with_the_right_parameters(portal):
    browser = requests.Session()
    espace = login_as(browser, portal, "pierre-dupont")
    id_token = browser.cookies  # the id_token stays server-side, in the session
    assert "sessionid" in id_token
    logout = browser.post(f"{portal}/deconnexion/", data={"csrfmiddlewaretoken": csrf(espace.text)},
                          headers={"Referer": f"{portal}/mon-espace/"}, allow_redirects=False)
    assert logout.status_code == 302
    end_session = urlsplit(logout.headers["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == (
        f"{portal}/sandbox/franceconnect/session/end")
    params = {k: v[0] for k, v in parse_qs(end_session.query).items()}
    assert set(params) == {"id_token_hint", "state", "post_logout_redirect_uri"}
    assert params["post_logout_redirect_uri"] == f"{portal}/deconnexion/retour/"
    assert len(params["state"]) >= 32 and params["id_token_hint"].count(".") == 2

    back = browser.get(logout.headers["Location"], allow_redirects=False)  # the stand-in checks and returns
    assert back.status_code == 302
    assert back.headers["Location"].startswith(f"{portal}/deconnexion/retour/?state=")
    home = browser.get(back.headers["Location"])
    assert home.url == f"{portal}/"
    assert "Vous êtes déconnecté(e) de votre espace et de FranceConnect." in alerts(home.text)
    assert browser.get(f"{portal}/mon-espace/").url == f"{portal}/"  # logged out


def test_an_authorization_code_replayed_through_the_portal_is_refused(portal):
    browser = requests.Session()
    home = browser.get(f"{portal}/")
    authorize = browser.post(f"{portal}/connexion/franceconnect/", data={"csrfmiddlewaretoken": csrf(home.text)},
                             headers={"Referer": f"{portal}/"})
    fields = {k: html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"',
                                                          authorize.text)}
    answer = browser.post(authorize.url, data={**fields, "identity": "angela-dubois", "login": ""},
                          headers={"Referer": authorize.url}, allow_redirects=False)
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    assert browser.get(answer.headers["Location"]).url == f"{portal}/mon-espace/"

    # A second login whose callback carries the already used code.
    attacker = requests.Session()
    home = attacker.get(f"{portal}/")
    second = attacker.post(f"{portal}/connexion/franceconnect/", data={"csrfmiddlewaretoken": csrf(home.text)},
                           headers={"Referer": f"{portal}/"})
    state = parse_qs(urlsplit(second.url).query)["state"][0]
    replay = attacker.get(f"{portal}/connexion/franceconnect/retour/", params={"code": code, "state": state})
    assert replay.status_code == 502
    assert "La connexion avec FranceConnect n'a pas pu être vérifiée. Veuillez recommencer." in alerts(replay.text)
    assert attacker.get(f"{portal}/mon-espace/").url == f"{portal}/"
