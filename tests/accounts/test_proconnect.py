"""ProConnect, the staff's production login, end to end over real HTTP: the portal runs in pytest-django's
``live_server`` and is reached with ``requests`` (a browser keeping cookies); the portal's ProConnect client
reaches the stand-in ProConnect of the same live server over HTTP (PORTAL_BASE_URL and PROCONNECT_ISSUER point
at live_server.url). The demo staff accounts come from sandbox.demo.load_demo, with their e-mails.

The matching rule itself (accounts.services.login_staff_with_proconnect) is also tested on its own, below."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache

from accounts.models import ProConnectAccount, Relative, User
from accounts.proconnect.client import SCOPES
from accounts.proconnect.views import ID_TOKEN_KEY
from accounts.second_factor import SECOND_FACTOR_SESSION_KEY
from accounts.services import StaffLoginRefused, login_staff_with_proconnect
from sandbox.demo import load_demo
from tests.accounts.factories import StaffFactory
from tests.config.test_production import _run
from tests.threads import all_at_once

live = pytest.mark.django_db(transaction=True)

REGIE_EMAIL = "regie@demo.justice.gouv.fr"


@pytest.fixture
def portal(live_server, settings):
    cache.clear()
    settings.PORTAL_BASE_URL = live_server.url
    settings.PROCONNECT_ISSUER = f"{live_server.url}/sandbox/proconnect"
    settings.PROCONNECT_CLIENT_ID = "portail-des-proches-agents"
    settings.PROCONNECT_CLIENT_SECRET = "sandbox-agents-secret-not-for-production"
    settings.PROCONNECT_TWO_FACTOR_ACR = ["eidas2", "eidas3"]
    load_demo()
    yield live_server.url
    cache.clear()


def csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", page))


def start_login(browser: requests.Session, base: str, page: str = "/gestion/login/") -> requests.Response:
    """The agent clicks "S'identifier avec ProConnect" on a staff login page; returns the stand-in's page."""
    login_page = browser.get(f"{base}{page}")
    assert login_page.status_code == 200
    assert "S’identifier avec" in login_page.text and "Qu’est-ce que ProConnect ?" in login_page.text
    form = re.search(r'<form method="post" action="/agents/proconnect/connexion/">.*?</form>', login_page.text, re.S)
    next_url = html.unescape(re.search(r'name="next" value="([^"]*)"', form.group(0)).group(1))
    authorize = browser.post(
        f"{base}/agents/proconnect/connexion/",
        data={"csrfmiddlewaretoken": csrf(form.group(0)), "next": next_url},
        headers={"Referer": f"{base}{page}"},
    )
    assert authorize.url.startswith(f"{base}/sandbox/proconnect/authorize?")
    return authorize


def authorize_fields(authorize: requests.Response) -> dict[str, str]:
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', authorize.text))
    return {k: html.unescape(v) for k, v in fields.items()}


def pick(browser, authorize, identity: str, acr: str, **tampered) -> requests.Response:
    fields = {**authorize_fields(authorize), **tampered, "identity": identity, "acr": acr, "login": ""}
    return browser.post(authorize.url, data=fields, headers={"Referer": authorize.url})


def login_as(browser, base, identity="regie", acr="eidas2", page="/gestion/login/") -> requests.Response:
    return pick(browser, start_login(browser, base, page), identity, acr)


def session_of(browser: requests.Session) -> SessionStore:
    return SessionStore(session_key=browser.cookies.get("sessionid"))


def logged_in_user_id(browser: requests.Session) -> int | None:
    value = session_of(browser).get("_auth_user_id")
    return int(value) if value else None


def assert_refused(browser, response, status: int, message: str) -> None:
    assert response.status_code == status
    page = text_of(response.text)
    assert message in page and "Traceback" not in page
    assert "Retour à la page de connexion des agents" in page
    assert logged_in_user_id(browser) is None


# The login pages


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/gestion/login/", "/cms/login/"])
def test_the_staff_login_pages_offer_proconnect(client, page):
    body = client.get(page).content.decode()
    assert 'action="/agents/proconnect/connexion/"' in body
    assert "S’identifier avec" in body and ">ProConnect<" in body
    assert 'href="https://www.proconnect.gouv.fr/"' in body and "nouvelle fenêtre" in body
    assert "/static/accounts/proconnect.css" in body
    assert "style=" not in body.split('class="proconnect-group"')[1].split("</div>")[0]  # the CSP forbids it


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/gestion/login/", "/cms/login/"])
def test_without_an_issuer_there_is_no_button(client, settings, page):
    settings.PROCONNECT_ISSUER = ""
    response = client.get(page)
    body = response.content.decode()
    assert response.status_code == 200
    assert "/agents/proconnect/" not in body and "Qu’est-ce que ProConnect ?" not in body


def test_production_without_proconnect_has_no_issuer():
    code = "import django; django.setup()\nfrom django.conf import settings\nprint(repr(settings.PROCONNECT_ISSUER))"
    out = _run(["-c", code], DJANGO_SETTINGS_MODULE="config.settings")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "''"


def test_production_with_proconnect_passes_check_deploy_and_lets_the_forms_reach_it():
    env = {
        "PROCONNECT_ISSUER": "https://auth.agentconnect.gouv.fr/api/v2/",
        "PROCONNECT_CLIENT_ID": "client-de-production",
        "PROCONNECT_CLIENT_SECRET": "un-secret-de-production",
        "PROCONNECT_TWO_FACTOR_ACR": "eidas2, eidas3,,eidas1-mfa",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    code = (
        "import json, django; django.setup()\nfrom django.conf import settings\n"
        "print(json.dumps({'issuer': settings.PROCONNECT_ISSUER, 'acr': settings.PROCONNECT_TWO_FACTOR_ACR,\n"
        "  'form_action': settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']}))"
    )
    out = _run(["-c", code], **env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["issuer"] == "https://auth.agentconnect.gouv.fr/api/v2"
    assert data["acr"] == ["eidas2", "eidas3", "eidas1-mfa"]
    assert "https://auth.agentconnect.gouv.fr" in data["form_action"]
    deploy = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert "System check identified no issues (0 silenced)." in deploy.stdout


# The full flow against the stand-in


@live
def test_two_factors_log_the_agent_in_with_the_second_factor_passed(portal):
    browser = requests.Session()
    authorize = start_login(browser, portal)
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize.url).query).items()}
    assert query["scope"] == SCOPES == "openid email given_name usual_name uid siret idp_id"
    assert query["acr_values"] == "eidas2 eidas3"
    assert json.loads(query["claims"]) == {
        "id_token": {"acr": {"essential": True, "values": ["eidas2", "eidas3"]}, "amr": None}
    }
    assert query["redirect_uri"] == f"{portal}/agents/proconnect/retour/"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32 and query["state"] != query["nonce"]

    home = pick(browser, authorize, "regie", "eidas2")

    assert home.status_code == 200 and home.url == f"{portal}/gestion/"
    regie = User.objects.get(username="regie")
    session = session_of(browser)
    assert int(session["_auth_user_id"]) == regie.pk
    assert session[SECOND_FACTOR_SESSION_KEY] == "proconnect"
    assert session[ID_TOKEN_KEY].count(".") == 2
    link = ProConnectAccount.objects.get(user=regie)
    assert len(link.sub) == 64 and link.email == REGIE_EMAIL and link.last_acr == "eidas2" and link.idp_id
    assert link.history.get().history_user == regie
    assert User.objects.count() == len(User.objects.filter(username__in=[
        "greffe", "regie", "national", "auditeur", "communication", "parloirs", "securite"]))  # none created


@live
def test_one_factor_logs_the_agent_in_without_the_second_factor(portal):
    browser = requests.Session()
    home = login_as(browser, portal, "greffe", "eidas1")
    # Logged in, but the back office's gate asks for the local second factor first.
    assert home.url == f"{portal}/gestion/second-facteur/?next=%2Fgestion%2F"
    session = session_of(browser)
    assert int(session["_auth_user_id"]) == User.objects.get(username="greffe").pk
    assert SECOND_FACTOR_SESSION_KEY not in session
    assert "Votre connexion ProConnect n'a pas utilisé de double authentification" in text_of(home.text)
    assert ProConnectAccount.objects.get().last_acr == "eidas1"


@live
def test_the_two_factor_levels_are_a_setting(portal, settings):
    settings.PROCONNECT_TWO_FACTOR_ACR = ["eidas1", "eidas2"]
    browser = requests.Session()
    login_as(browser, portal, "greffe", "eidas1")
    assert session_of(browser)[SECOND_FACTOR_SESSION_KEY] == "proconnect"


@live
def test_the_communication_team_lands_in_the_cms(portal):
    browser = requests.Session()
    cms = login_as(browser, portal, "communication", "eidas2", page="/cms/login/")
    assert urlsplit(cms.url).path == "/cms/"
    assert int(session_of(browser)["_auth_user_id"]) == User.objects.get(username="communication").pk


@live
def test_the_sub_is_remembered_and_required_afterwards(portal):
    browser = requests.Session()
    login_as(browser, portal, "regie")
    sub = ProConnectAccount.objects.get().sub
    browser.cookies.clear()
    login_as(browser, portal, "regie")  # the same identity again
    assert logged_in_user_id(browser) == User.objects.get(username="regie").pk
    assert list(ProConnectAccount.objects.values_list("sub", flat=True)) == [sub]

    ProConnectAccount.objects.update(sub="une-autre-identite")
    browser.cookies.clear()
    response = login_as(browser, portal, "regie")
    assert_refused(browser, response, 403, "Votre compte agent est rattaché à une autre identité ProConnect.")
    assert ProConnectAccount.objects.get().sub == "une-autre-identite"


@live
def test_an_unknown_email_is_refused_and_nothing_is_created(portal):
    users = User.objects.count()
    browser = requests.Session()
    response = login_as(browser, portal, "sans-compte")
    assert_refused(browser, response, 403, "Aucun compte agent ne correspond à l'adresse électronique transmise")
    assert User.objects.count() == users and not ProConnectAccount.objects.exists()


@live
def test_an_inactive_account_is_refused(portal):
    User.objects.filter(username="regie").update(is_active=False)
    browser = requests.Session()
    response = login_as(browser, portal, "regie")
    assert_refused(browser, response, 403, "Votre compte agent est désactivé.")
    assert not ProConnectAccount.objects.exists()


@live
def test_a_relatives_account_is_refused(portal):
    User.objects.filter(username="regie").update(email="regie.autre@demo.justice.gouv.fr")
    relative_user = User.objects.create(username="fc-proche", email=REGIE_EMAIL.upper())
    Relative.objects.create(user=relative_user, sub="fc-sub", given_name="Angela", family_name="DUBOIS",
                            birthdate="1962-08-24")
    browser = requests.Session()
    response = login_as(browser, portal, "regie")
    assert_refused(browser, response, 403, "est celle d'un compte de proche, pas d'un compte agent")
    assert not ProConnectAccount.objects.exists()


@live
def test_a_tampered_state_is_refused(portal):
    browser = requests.Session()
    authorize = start_login(browser, portal)
    response = pick(browser, authorize, "regie", "eidas2", state="x" * 43)
    assert_refused(browser, response, 400, "Cette demande de connexion n'est plus valable.")
    assert not ProConnectAccount.objects.exists()


@live
def test_a_tampered_nonce_is_refused(portal):
    browser = requests.Session()
    authorize = start_login(browser, portal)
    response = pick(browser, authorize, "regie", "eidas2", nonce="n" * 43)
    assert_refused(browser, response, 502, "La connexion avec ProConnect n'a pas pu être vérifiée.")
    assert not ProConnectAccount.objects.exists()


@live
def test_a_replayed_callback_is_refused(portal):
    browser = requests.Session()
    home = login_as(browser, portal, "regie")
    callback = home.history[-1].url  # the portal's callback, with its code and state
    assert urlsplit(callback).path == "/agents/proconnect/retour/"
    second = requests.Session()
    assert_refused(second, second.get(callback), 400, "Cette demande de connexion n'est plus valable.")


@live
def test_cancelling_at_proconnect_says_so(portal):
    browser = requests.Session()
    authorize = start_login(browser, portal)
    response = browser.post(authorize.url, data={**authorize_fields(authorize), "cancel": ""})
    assert_refused(browser, response, 400, "Vous avez annulé la connexion avec ProConnect.")


@live
def test_logout_goes_through_proconnects_session_end(portal):
    browser = requests.Session()
    home = login_as(browser, portal, "regie")
    logout = browser.post(f"{portal}/gestion/logout/", data={"csrfmiddlewaretoken": csrf(home.text)},
                          headers={"Referer": f"{portal}/gestion/"}, allow_redirects=False)
    assert logout.status_code == 302
    end_session = urlsplit(logout.headers["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == (
        f"{portal}/sandbox/proconnect/session/end")
    params = {k: v[0] for k, v in parse_qs(end_session.query).items()}
    assert set(params) == {"id_token_hint", "state", "post_logout_redirect_uri"}
    assert params["post_logout_redirect_uri"] == f"{portal}/agents/proconnect/deconnexion/retour/"
    assert logged_in_user_id(browser) is None  # the portal's session is over before ProConnect's

    back = browser.get(logout.headers["Location"])
    assert back.url == f"{portal}/gestion/login/"
    assert "Vous êtes déconnecté(e) du portail et de ProConnect." in text_of(back.text)


@live
def test_cms_logout_goes_through_proconnects_session_end(portal):
    browser = requests.Session()
    login_as(browser, portal, "communication", page="/cms/login/")
    logout = browser.post(f"{portal}/cms/logout/", data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                          headers={"Referer": f"{portal}/cms/"}, allow_redirects=False)
    assert logout.headers["Location"].startswith(f"{portal}/sandbox/proconnect/session/end?")
    back = browser.get(logout.headers["Location"])
    assert back.url == f"{portal}/cms/login/"
    assert "Vous êtes déconnecté(e) du portail et de ProConnect." in text_of(back.text)


@live
def test_a_password_session_logs_out_as_before(portal):
    browser = requests.Session()
    page = browser.get(f"{portal}/gestion/login/")
    browser.post(f"{portal}/gestion/login/", data={
        "csrfmiddlewaretoken": csrf(page.text), "username": "regie", "password": "demo-portail", "next": "/gestion/",
    }, headers={"Referer": f"{portal}/gestion/login/"})
    assert logged_in_user_id(browser) is not None
    home = browser.get(f"{portal}/gestion/")
    logout = browser.post(f"{portal}/gestion/logout/", data={"csrfmiddlewaretoken": csrf(home.text)},
                          headers={"Referer": f"{portal}/gestion/"}, allow_redirects=False)
    assert logout.status_code == 200 and "proconnect" not in logout.text.lower()
    assert logged_in_user_id(browser) is None


# The matching rule


def claims(**overrides) -> dict:
    return {"sub": "sub-1", "email": "agent@justice.gouv.fr", "acr": "eidas2", "idp_id": "fi",
            "siret": "11000000000000", **overrides}


def staff(email="agent@justice.gouv.fr", role="regie", **kwargs) -> User:
    return StaffFactory(email=email, role=role, **kwargs)


@pytest.mark.django_db
def test_the_email_matches_whatever_its_case():
    agent = staff(email="Agent@Justice.gouv.fr")
    assert login_staff_with_proconnect(claims=claims(email="AGENT@justice.GOUV.fr")) == agent
    assert ProConnectAccount.objects.get().user == agent


@pytest.mark.django_db
def test_a_staff_account_who_is_also_a_relative_elsewhere_is_found():
    agent = staff()
    relative_user = User.objects.create(username="fc-x", email="agent@justice.gouv.fr")
    Relative.objects.create(user=relative_user, sub="fc", given_name="A", family_name="B", birthdate="1970-01-01")
    assert login_staff_with_proconnect(claims=claims()) == agent


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad, reason",
    [({"sub": ""}, "incomplete"), ({"sub": None}, "incomplete"), ({"sub": "x" * 256}, "incomplete"),
     ({"email": ""}, "incomplete"), ({"email": "pas-une-adresse"}, "incomplete"), ({"email": ["a@b.fr"]}, "bad email"),
     ({"idp_id": 12}, "bad idp_id")],
)
def test_incomplete_claims_are_refused(bad, reason):
    staff()
    with pytest.raises(StaffLoginRefused) as refused:
        login_staff_with_proconnect(claims=claims(**bad))
    assert refused.value.reason == reason
    assert "ProConnect" in refused.value.message
    assert not ProConnectAccount.objects.exists()


@pytest.mark.django_db
def test_several_staff_accounts_with_the_email_are_refused():
    staff(email="agent@justice.gouv.fr")
    staff(email="AGENT@justice.gouv.fr", role="greffe")
    with pytest.raises(StaffLoginRefused, match="Plusieurs comptes agents"):
        login_staff_with_proconnect(claims=claims())
    assert not ProConnectAccount.objects.exists()


@pytest.mark.django_db
def test_an_account_without_a_role_is_refused():
    StaffFactory(email="agent@justice.gouv.fr")  # is_staff, but no role
    with pytest.raises(StaffLoginRefused, match="aucun rôle"):
        login_staff_with_proconnect(claims=claims())


@pytest.mark.django_db
def test_a_sub_already_linked_to_another_account_is_refused():
    other = staff(email="ancien@justice.gouv.fr")
    ProConnectAccount.objects.create(user=other, sub="sub-1", email="ancien@justice.gouv.fr")
    staff()
    with pytest.raises(StaffLoginRefused, match="déjà rattachée à un autre compte agent"):
        login_staff_with_proconnect(claims=claims())
    assert ProConnectAccount.objects.count() == 1


@pytest.mark.django_db
def test_the_national_role_may_remove_a_link_and_it_is_audited(client):
    from tests.accounts.staff_login import login_staff

    agent = staff()
    link = ProConnectAccount.objects.create(user=agent, sub="sub-1", email="agent@justice.gouv.fr")
    national = StaffFactory(role=Group.objects.get(name="national").name)
    login_staff(client, national)
    url = f"/gestion/accounts/proconnectaccount/{link.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not ProConnectAccount.objects.exists()
    assert ProConnectAccount.history.filter(history_type="-").get().history_user == national
    assert login_staff_with_proconnect(claims=claims(sub="sub-2")) == agent  # the new identity is remembered


@pytest.mark.django_db
def test_other_roles_may_not_remove_a_link(client):
    from tests.accounts.staff_login import login_staff

    link = ProConnectAccount.objects.create(user=staff(), sub="sub-1", email="agent@justice.gouv.fr")
    login_staff(client, StaffFactory(role="regie"))
    assert client.post(f"/gestion/accounts/proconnectaccount/{link.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ProConnectAccount.objects.exists()


@pytest.mark.parametrize(
    "value, kept",
    [("/cms/pages/", "/cms/pages/"), ("/gestion/", "/gestion/"), ("https://evil.example/", ""),
     ("//evil.example/", ""), ("/\\evil.example", ""), ("http://testserver/gestion/", ""), ("", "")],
)
def test_only_a_path_of_the_portal_is_kept_as_where_to_go_after_login(rf, value, kept):
    from accounts.proconnect.views import _safe_next

    assert _safe_next(rf.get("/"), value) == kept


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_first_logins_link_once_and_both_go_on():
    """A double click on ProConnect's page: two threads, each its own PostgreSQL connection, both find no link
    before either inserts (a barrier in the insert's pre_save); the second insert waits for the first to
    commit, hits the unique constraints and goes on with the first one's link."""
    import threading

    from django.db.models.signals import pre_save

    agent = staff()
    barrier = threading.Barrier(2)

    def wait_for_the_other(sender, instance, **kwargs):
        if instance.pk is None:
            barrier.wait(timeout=20)

    pre_save.connect(wait_for_the_other, sender=ProConnectAccount, weak=False)
    try:
        users, errors = all_at_once([lambda: login_staff_with_proconnect(claims=claims())] * 2)
    finally:
        pre_save.disconnect(wait_for_the_other, sender=ProConnectAccount)

    assert errors == []
    assert [user.pk for user in users] == [agent.pk, agent.pk]
    assert ProConnectAccount.objects.get().sub == "sub-1"
