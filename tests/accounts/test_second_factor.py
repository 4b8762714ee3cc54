"""The staff second factor: the gate on /gestion/ and /cms/, enrolment (QR code, secret, recovery codes),
the code at each login, recovery codes, the national role's reset, the demo accounts' TOTP secret."""

from __future__ import annotations

import base64
import html
import re
import time

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.constants import AccountAuditReason
from accounts.models import User
from accounts.second_factor import SECOND_FACTOR_SESSION_KEY, SecondFactorMethod
from core.audit import audit_reason, reason_label
from sandbox.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_totp_code, load_demo
from tests.accounts.factories import PASSWORD, StaffFactory
from tests.accounts.staff_login import login_staff
from tests.transfers.factories import RelativeFactory

pytestmark = pytest.mark.django_db

VERIFY = "/gestion/second-facteur/"
ENROL = "/gestion/second-facteur/activation/"
RECOVERY = "/gestion/second-facteur/code-de-secours/"
CODES = "/gestion/second-facteur/codes-de-secours/"
HOME = {"greffe": "/gestion/", "regie": "/gestion/", "national": "/gestion/", "auditeur": "/gestion/",
        "communication": "/cms/"}


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def code_for(device: TOTPDevice, steps: int = 0) -> str:
    """The code ``device``'s application shows now (or ``steps`` periods of 30 s later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():06d}"


def staff(role: str = "greffe", **kwargs) -> User:
    user = StaffFactory(role=role, **kwargs)
    if role == "communication":
        user.is_staff = False
        user.save()
    return user


def logged_in(user: User) -> Client:
    """After the password (the real login page), before the second factor."""
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def with_totp(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Application d'authentification", confirmed=True)


def history_reasons(user: User) -> list[str]:
    return list(user.history.order_by("history_id").values_list("history_change_reason", flat=True))


# --- The gate ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(HOME))
def test_every_staff_role_is_stopped_at_the_second_factor_until_it_passes(role):
    user = staff(role)
    with_totp(user)
    client = logged_in(user)
    home = HOME[role]
    for page in (home, "/gestion/rapprochement/", "/cms/pages/", "/gestion/accounts/user/"):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY + "?next="), page
    assert client.post(home, {})["Location"].startswith(VERIFY)

    page = client.get(f"{VERIFY}?next={home}")
    assert page.status_code == 200
    body = text(page)
    assert "Code à 6 chiffres" in body and "Utiliser un code de secours" in body
    assert 'autocomplete="one-time-code"' in page.content.decode() and 'inputmode="numeric"' in page.content.decode()

    device = TOTPDevice.objects.get(user=user)
    response = client.post(VERIFY, {"code": code_for(device), "next": home})
    assert response.status_code == 302 and response["Location"] == home
    assert client.session[SECOND_FACTOR_SESSION_KEY] == SecondFactorMethod.TOTP
    assert client.get(home).status_code == 200


def test_the_login_and_logout_pages_and_the_step_stay_reachable():
    client = logged_in(staff("regie"))
    for page in ("/gestion/login/", "/cms/login/"):
        assert not client.get(page).get("Location", "").startswith(VERIFY), page
    assert client.get(f"{VERIFY}?next=/gestion/")["Location"].startswith(ENROL)
    assert client.get(ENROL).status_code == 200
    logged_out = client.post("/gestion/second-facteur/deconnexion/")
    assert logged_out["Location"] == "/gestion/login/"
    assert client.get("/gestion/")["Location"].startswith("/gestion/login/")


def test_login_staff_passes_the_gate():
    client = login_staff(Client(), staff("greffe"))
    assert client.get("/gestion/").status_code == 200


def test_relatives_pages_are_not_gated(client):
    client.force_login(RelativeFactory().user)
    assert client.get("/mon-espace/").status_code == 200
    # A relative who wanders into the back office is not offered a second factor (they have none).
    assert not client.get("/gestion/").get("Location", "").startswith(VERIFY)
    assert client.get(VERIFY).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page():
    assert Client().get(f"{VERIFY}?next=/cms/")["Location"].startswith("/cms/login/")
    assert Client().get(ENROL)["Location"].startswith("/gestion/login/")


def test_the_page_after_the_second_factor_is_never_another_site():
    user = staff("greffe")
    device = with_totp(user)
    client = logged_in(user)
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://attaquant.example/"})
    assert response["Location"] == "/gestion/"


# --- Enrolment --------------------------------------------------------------------------------------------


def test_first_login_enrols_a_totp_application_then_shows_ten_recovery_codes_once():
    user = staff("regie")
    client = logged_in(user)
    assert client.get("/gestion/rapprochement/")["Location"] == f"{VERIFY}?next=%2Fgestion%2Frapprochement%2F"
    assert client.get(f"{VERIFY}?next=/gestion/rapprochement/")["Location"].startswith(ENROL)

    page = client.get(f"{ENROL}?next=/gestion/rapprochement/")
    body = page.content.decode()
    assert page.status_code == 200
    # Nothing inline (the CSP forbids it): the QR code is an SVG image, the page has no script of its own.
    assert 'src="data:image/svg+xml' in body and "style=" not in body
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body.replace('type="application/json"', "src"))
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    secret = re.search(r'id="cle-secrete">([A-Z2-7 ]+)<', body).group(1).replace(" ", "")
    assert base64.b32decode(secret) == device.bin_key
    # The same secret on a second visit: the QR code already scanned stays valid.
    assert client.get(ENROL).content.decode().count(re.search(r'id="cle-secrete">([^<]+)<', body).group(1)) == 1
    assert TOTPDevice.objects.filter(user=user).count() == 1

    done = client.post(ENROL, {"code": code_for(device), "next": "/gestion/rapprochement/"})
    assert done["Location"] == f"{CODES}?next=%2Fgestion%2Frapprochement%2F"
    device.refresh_from_db()
    assert device.confirmed
    codes_page = text(client.get(done["Location"]))
    stored = sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10
    assert "La vérification en deux étapes est activée" in codes_page
    for code in stored:
        assert code in codes_page
    # Shown once: the page is gone afterwards.
    assert client.get(CODES)["Location"] == "/gestion/"
    assert client.get("/gestion/rapprochement/").status_code == 200
    assert history_reasons(user)[-1] == audit_reason(AccountAuditReason.SECOND_FACTOR_ENABLED, 10)
    last = user.history.latest("history_id")
    assert last.history_user == user


@pytest.mark.parametrize(("code", "message"), [
    ("", "Saisissez le code à 6 chiffres de votre application d'authentification."),
    ("12ab56", "Le code compte 6 chiffres, par exemple 123456."),
    ("1234567", "Le code compte 6 chiffres, par exemple 123456."),
    ("WRONG", "Le code compte 6 chiffres, par exemple 123456."),
])
def test_enrolment_refuses_a_malformed_code_in_french_and_changes_nothing(code, message):
    user = staff("greffe")
    client = logged_in(user)
    client.get(ENROL)
    before = history_reasons(user)
    response = client.post(ENROL, {"code": code})
    assert response.status_code == 200
    assert message in text(response)
    assert 'aria-invalid="true"' in response.content.decode()
    assert not TOTPDevice.objects.get(user=user).confirmed
    assert not StaticDevice.objects.filter(user=user).exists()
    assert SECOND_FACTOR_SESSION_KEY not in client.session
    assert history_reasons(user) == before


def test_enrolment_refuses_a_wrong_code_and_changes_nothing():
    user = staff("greffe")
    client = logged_in(user)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong})
    assert "Ce code n'est pas valide. Vérifiez-le et réessayez." in text(response)
    device.refresh_from_db()
    assert not device.confirmed and device.throttling_failure_count == 1
    assert not StaticDevice.objects.filter(user=user).exists()
    assert SECOND_FACTOR_SESSION_KEY not in client.session
    assert client.get("/gestion/")["Location"].startswith(VERIFY)


def test_an_enrolled_account_cannot_enrol_again_over_its_device():
    user = staff("greffe")
    device = with_totp(user)
    client = logged_in(user)
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    assert client.post(ENROL, {"code": code_for(device)})["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert not StaticDevice.objects.filter(user=user).exists()


# --- The code at each login -------------------------------------------------------------------------------


def test_a_wrong_code_is_refused_then_throttled_even_when_the_next_one_is_right(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a wait that a slow machine cannot outlast between two requests
    user = staff("greffe")
    device = with_totp(user)
    client = logged_in(user)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    refused = client.post(VERIFY, {"code": wrong, "next": "/gestion/"})
    assert refused.status_code == 200
    assert "Ce code n'est pas valide. Vérifiez-le et réessayez." in text(refused)
    # django-otp's throttling: right after a failure, even the right code waits.
    throttled = client.post(VERIFY, {"code": code_for(device), "next": "/gestion/"})
    assert re.search(r"Trop de codes erronés à la suite\. Réessayez dans (5\d|60) secondes\.", text(throttled))
    assert SECOND_FACTOR_SESSION_KEY not in client.session
    assert client.get("/gestion/")["Location"].startswith(VERIFY)
    # Once the wait is over the right code passes.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.created_at.replace(year=2000))
    assert client.post(VERIFY, {"code": code_for(device), "next": "/gestion/"})["Location"] == "/gestion/"


def test_a_code_already_used_cannot_be_replayed():
    user = staff("greffe")
    device = with_totp(user)
    first = logged_in(user)
    code = code_for(device)
    assert first.post(VERIFY, {"code": code})["Location"] == "/gestion/"
    second = logged_in(user)
    assert "Ce code n'est pas valide" in text(second.post(VERIFY, {"code": code}))


def test_a_new_session_key_once_the_second_factor_is_passed():
    user = staff("greffe")
    device = with_totp(user)
    client = logged_in(user)
    before = client.session.session_key
    client.post(VERIFY, {"code": code_for(device)})
    assert client.session.session_key != before


# --- Recovery codes ---------------------------------------------------------------------------------------


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    client = logged_in(user)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    client.post(ENROL, {"code": code_for(device)})
    return device, list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def test_a_recovery_code_works_once_only():
    user = staff("greffe")
    _device, codes = enrolled(user)
    client = logged_in(user)
    page = client.get(f"{RECOVERY}?next=/gestion/")
    assert page.status_code == 200 and "Code de secours" in text(page)
    response = client.post(RECOVERY, {"code": codes[0].upper(), "next": "/gestion/"}, follow=True)
    assert response.redirect_chain[0][0] == "/gestion/"
    assert "Code de secours accepté. Il vous reste 9 codes de secours." in text(response)
    assert client.session[SECOND_FACTOR_SESSION_KEY] == SecondFactorMethod.RECOVERY
    assert history_reasons(user)[-1] == "account_recovery_code_used:9"

    again = logged_in(user)
    refused = again.post(RECOVERY, {"code": codes[0], "next": "/gestion/"})
    assert "Ce code n'est pas valide. Vérifiez-le et réessayez." in text(refused)
    assert SECOND_FACTOR_SESSION_KEY not in again.session
    assert StaticToken.objects.filter(device__user=user).count() == 9


@pytest.mark.parametrize(("code", "message"), [
    ("", "Saisissez un de vos codes de secours."),
    ("abc", "Un code de secours compte 8 lettres et chiffres, par exemple abcd2345."),
    ("abcd1890", "Un code de secours compte 8 lettres et chiffres, par exemple abcd2345."),
])
def test_a_malformed_recovery_code_is_refused_in_french(code, message):
    user = staff("greffe")
    enrolled(user)
    client = logged_in(user)
    response = client.post(RECOVERY, {"code": code})
    assert message in text(response)
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert SECOND_FACTOR_SESSION_KEY not in client.session


def test_few_recovery_codes_left_tells_to_ask_for_a_reset():
    user = staff("greffe")
    _device, codes = enrolled(user)
    StaticToken.objects.filter(device__user=user).exclude(token__in=codes[:3]).delete()
    client = logged_in(user)
    response = client.post(RECOVERY, {"code": codes[0]}, follow=True)
    assert "Il vous reste 2 codes de secours. Demandez à l'administration nationale" in text(response)


# --- Reset by the national role ---------------------------------------------------------------------------


def reset_url(user: User) -> str:
    return f"/gestion/accounts/user/{user.pk}/second-facteur/reinitialiser/"


def test_the_national_role_resets_a_staff_second_factor_with_its_reason_in_the_history():
    greffe = staff("greffe")
    enrolled(greffe)
    national = staff("national")
    client = login_staff(Client(), national)
    page = client.get(f"/gestion/accounts/user/{greffe.pk}/change/")
    body = text(page)
    assert "Réinitialiser le second facteur" in body
    assert "Application d'authentification (TOTP)" in body and "10 codes non utilisés" in body
    key = TOTPDevice.objects.get(user=greffe).key
    assert key not in page.content.decode()

    refused = client.post(reset_url(greffe), {"reason": "  "})
    assert "Indiquez le motif de la réinitialisation." in text(refused)
    assert TOTPDevice.objects.filter(user=greffe).exists()

    done = client.post(reset_url(greffe), {"reason": "Téléphone perdu"}, follow=True)
    assert "Le second facteur de " in text(done) and "est réinitialisé (2 dispositif(s) supprimé(s))" in text(done)
    assert not TOTPDevice.objects.filter(user=greffe).exists()
    assert not StaticDevice.objects.filter(user=greffe).exists()
    last = greffe.history.latest("history_id")
    assert last.history_user == national
    assert last.history_change_reason == "account_second_factor_reset:2, Téléphone perdu"
    assert reason_label(last.history_change_reason) == (
        "Second facteur réinitialisé (dispositifs supprimés, motif) : 2, Téléphone perdu"
    )
    history = text(client.get(f"/gestion/accounts/user/{greffe.pk}/history/"))
    assert "Téléphone perdu" in history

    # At their next login, the staff member enrols again.
    again = logged_in(greffe)
    assert again.get(f"{VERIFY}?next=/gestion/")["Location"].startswith(ENROL)


@pytest.mark.parametrize("role", ["greffe", "regie", "auditeur"])
def test_no_other_role_may_reset(role):
    target = staff("greffe")
    with_totp(target)
    client = login_staff(Client(), staff(role))
    page = client.get(f"/gestion/accounts/user/{target.pk}/change/")
    assert "Réinitialiser le second facteur" not in text(page)
    assert client.get(reset_url(target)).status_code in (403, 404)
    assert client.post(reset_url(target), {"reason": "essai"}).status_code in (403, 404)
    assert TOTPDevice.objects.filter(user=target).exists()


def test_a_superuser_second_factor_is_reset_by_a_superuser_only():
    boss = User.objects.create_superuser("chef", password=PASSWORD)
    with_totp(boss)
    national = login_staff(Client(), staff("national"))
    assert national.post(reset_url(boss), {"reason": "essai"}).status_code == 403
    assert TOTPDevice.objects.filter(user=boss).exists()
    other = login_staff(Client(), User.objects.create_superuser("chef2", password=PASSWORD))
    assert other.post(reset_url(boss), {"reason": "départ"})["Location"] == f"/gestion/accounts/user/{boss.pk}/change/"
    assert not TOTPDevice.objects.filter(user=boss).exists()


def test_device_admins_of_the_libraries_are_not_in_the_back_office():
    client = login_staff(Client(), User.objects.create_superuser("chef", password=PASSWORD))
    for page in ("/gestion/otp_totp/totpdevice/", "/gestion/otp_static/staticdevice/",
                 "/gestion/django_otp_webauthn/webauthncredential/"):
        assert client.get(page).status_code == 404, page


# --- Passkeys ---------------------------------------------------------------------------------------------


PASSKEY_API = "/gestion/second-facteur/cles-d-acces/api/"


def test_passkeys_are_added_only_after_the_second_factor_and_by_staff(settings):
    user = staff("greffe")
    with_totp(user)
    client = logged_in(user)
    refused = client.post(f"{PASSKEY_API}inscription/debut/", HTTP_HOST="localhost:8000")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Passez d'abord la vérification en deux étapes pour ajouter une clé d'accès."
    login_staff(client, user)
    options = client.post(f"{PASSKEY_API}inscription/debut/", HTTP_HOST="localhost:8000")
    assert options.status_code == 200 and options.json()["rp"]["id"] == settings.OTP_WEBAUTHN_RP_ID

    relative = Client()
    relative.force_login(RelativeFactory().user)
    assert relative.post(f"{PASSKEY_API}verification/debut/").status_code == 403
    assert Client().post(f"{PASSKEY_API}verification/debut/").status_code == 403


def test_the_passkeys_page_needs_the_second_factor():
    user = staff("greffe")
    with_totp(user)
    assert logged_in(user).get("/gestion/second-facteur/cles-d-acces/")["Location"].startswith(VERIFY)
    page = login_staff(Client(), user).get("/gestion/second-facteur/cles-d-acces/", HTTP_HOST="localhost:8000")
    assert page.status_code == 200 and "Ajouter une clé d'accès" in text(page)


# --- Demo accounts ----------------------------------------------------------------------------------------


def test_demo_accounts_pass_with_the_documented_demo_totp_secret(capsys):
    load_demo()
    load_demo()  # idempotent: still one device each
    for username in ("greffe", "regie", "national", "auditeur", "communication"):
        user = User.objects.get(username=username)
        device = TOTPDevice.objects.get(user=user)
        assert device.confirmed and device.bin_key == base64.b32decode(DEMO_TOTP_SECRET)
    call_command("demo_totp")
    code = capsys.readouterr().out.strip()
    assert re.fullmatch(r"\d{6}", code) and code == demo_totp_code()
    client = Client()
    assert client.login(username="communication", password=DEMO_PASSWORD)
    assert client.post(VERIFY, {"code": code, "next": "/cms/"})["Location"] == "/cms/"
    assert client.get("/cms/").status_code == 200


def test_demo_totp_is_refused_where_demo_data_is(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="interdits en production"):
        call_command("demo_totp")


def test_the_communication_role_is_not_a_back_office_role_after_its_second_factor():
    user = staff("communication")
    assert Group.objects.get(name="communication") in user.groups.all()
    client = login_staff(Client(), user)
    assert client.get("/cms/").status_code == 200
    assert client.get(f"{VERIFY}?next=/gestion/")["Location"] == "/gestion/"


def test_the_passkey_script_speaks_french():
    catalog = Client().get(f"{PASSKEY_API}jsi18n/").content.decode()
    assert '"Register a Passkey": "Ajouter une cl\\u00e9 d\'acc\\u00e8s"' in catalog
    assert '"Verification successful!": "V\\u00e9rification r\\u00e9ussie."' in catalog
