"""The staff second factor in chromium: a new agent's enrolment (QR code and secret, the code typed, the
recovery codes), a login with a recovery code, the communication team's login to /cms/ with the demo
TOTP code, the national role's reset; and, where the portal is served at http://localhost (the live
server), a passkey added then used with chromium's virtual authenticator. Every page checked by axe-core."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import assert_accessible, staff_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "un-mot-de-passe-de-test-assez-long"


def code_from_secret(secret: str, steps: int = 0) -> str:
    """What an authentication application shows for the secret typed into it."""
    totp = TOTP(base64.b32decode(secret.replace(" ", "")))
    totp.time = time.time() + steps * 30
    return f"{totp.token():06d}"


def new_agent(username: str, role: str = "greffe") -> User:
    from django.contrib.auth.models import Group

    user = User.objects.create_user(username=username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def logout_from_back_office(walk) -> None:
    walk.page.goto("/gestion/")
    walk.page.locator("#logout-form button").click()
    expect(walk.page.get_by_role("heading", name=re.compile("Déconnecté"))).to_be_visible()
    walk.page.goto("/gestion/login/")


@pytest.mark.timeout(600)
def test_staff_second_factor_in_a_browser(walker, portal, settings):
    walk = walker("second-facteur")
    page = walk.page
    new_agent("nouvel-agent")

    # First login: enrolment.
    page.goto("/gestion/login/")
    page.locator("#id_username").fill("nouvel-agent")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(r"/gestion/second-facteur/activation/"))
    expect(page.get_by_role("heading", name="Activer la vérification en deux étapes")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code d'activation"))).to_be_visible()
    walk.visit("activation")
    secret = page.locator("#cle-secrete").inner_text()
    page.get_by_label("Code à 6 chiffres").fill("000000" if code_from_secret(secret) != "000000" else "111111")
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_text("Ce code n'est pas valide. Vérifiez-le et réessayez.")).to_be_visible()
    walk.visit("activation-code-refuse")
    time.sleep(1.1)  # django-otp's throttling: one second after a wrong code
    page.get_by_label("Code à 6 chiffres").fill(code_from_secret(secret))
    page.get_by_role("button", name="Activer").click()
    page.wait_for_url(re.compile(r"/gestion/second-facteur/codes-de-secours/"))
    codes = page.locator(".second-factor-codes code").all_inner_texts()
    assert len(codes) == 10
    walk.visit("codes-de-secours")
    page.get_by_role("link", name="J'ai noté mes codes de secours, continuer").click()
    page.wait_for_url(re.compile(r"/gestion/$"))

    # Next login: a recovery code instead of the application.
    logout_from_back_office(walk)
    page.locator("#id_username").fill("nouvel-agent")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(r"/gestion/second-facteur/\?"))
    page.get_by_role("link", name="Utiliser un code de secours").click()
    walk.visit("code-de-secours")
    page.get_by_label("Code de secours").fill(codes[0])
    page.get_by_role("button", name="Utiliser ce code de secours").click()
    page.wait_for_url(re.compile(r"/gestion/$"))
    expect(page.get_by_text("Il vous reste 9 codes de secours.")).to_be_visible()

    # The communication team, in /cms/ with the demo TOTP code.
    cms = walker("second-facteur-cms")
    staff_login(cms, "communication", site="cms")
    assert re.search(r"/cms/$", cms.page.url), cms.page.url

    # The national role resets the new agent's second factor.
    national = walker("second-facteur-reinitialisation")
    staff_login(national, "national")
    agent = User.objects.get(username="nouvel-agent")
    national.page.goto(f"/gestion/accounts/user/{agent.pk}/change/")
    national.page.get_by_role("link", name="Réinitialiser le second facteur").click()
    national.visit("reinitialisation")
    national.page.get_by_label("Motif de la réinitialisation").fill("Téléphone perdu")
    national.page.get_by_role("button", name="Réinitialiser le second facteur").click()
    expect(national.page.get_by_text(re.compile("est réinitialisé"))).to_be_visible()
    assert agent.history.latest("history_id").history_change_reason.endswith("Téléphone perdu")

    if portal.url.startswith("http://localhost:"):
        passkey_added_then_used(walker, portal, settings)
    assert_accessible(walk, cms, national)


def passkey_added_then_used(walker, portal, settings) -> None:
    """Chromium's virtual authenticator stands for the agent's fingerprint reader (the live server only:
    passkeys need a domain name, and this process's settings)."""
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [portal.url]
    walk = walker("cle-d-acces")
    page = walk.page
    cdp = walk.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True,
    }})
    staff_login(walk, "greffe")
    page.goto("/gestion/second-facteur/cles-d-acces/")
    page.get_by_role("button", name="Ajouter une clé d'accès").click()
    expect(page.get_by_text("Clé d'accès ajoutée.")).to_be_visible()
    walk.visit("cle-ajoutee")
    user = User.objects.get(username="greffe")
    assert user.history.latest("history_id").history_change_reason.startswith("account_passkey_added")

    logout_from_back_office(walk)
    page.locator("#id_username").fill("greffe")
    page.locator("#id_password").fill("demo-portail")
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(r"/gestion/second-facteur/\?"))
    walk.visit("verification-cle")
    page.get_by_role("button", name="Utiliser une clé d'accès").click()
    page.wait_for_url(re.compile(r"/gestion/$"))
    assert_accessible(walk)
