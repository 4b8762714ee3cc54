"""Staff login throttling (django-axes): a lockout per account and per address on /gestion/ and /cms/, its
French page, the cool-off, the national administration's "Débloquer", the lockouts' history; the login
redirect. "Logged in" is read from the session (a password login may lead to a second-factor step)."""

from __future__ import annotations

import datetime
import html

import pytest
import requests
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from accounts.models import StaffLockout
from accounts.services import unlock_staff_lockouts
from sandbox.demo import load_demo
from tests.accounts.factories import PASSWORD, StaffFactory
from tests.accounts.staff_login import login_staff
from tests.accounts.test_mon_espace_flow import login_as

pytestmark = pytest.mark.django_db

LIMIT = 10  # AXES_FAILURE_LIMIT's default
GESTION_LOGIN = "/gestion/login/"
CMS_LOGIN = "/cms/login/"
ADDRESS = "203.0.113.7"


@pytest.fixture
def national(db):
    return StaffFactory(username="national", role="national")


def attempt(client: Client, url: str, username: str, password: str, address: str = ADDRESS, **extra):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def text(response) -> str:
    return html.unescape(response.content.decode())


def fail(url: str, username: str, times: int, address: str = ADDRESS, **extra) -> None:
    for _ in range(times):
        attempt(Client(), url, username, "pas-le-bon-mot-de-passe", address, **extra)


@pytest.mark.parametrize("url, account", [(GESTION_LOGIN, "greffe"), (CMS_LOGIN, "communication")])
def test_forty_wrong_passwords_then_the_right_one_does_not_log_in(request, url, account):
    user = request.getfixturevalue(account)
    client = Client()
    for _ in range(40):
        attempt(client, url, user.username, "pas-le-bon-mot-de-passe")
    response = attempt(client, url, user.username, PASSWORD)
    assert response.status_code == 429
    assert logged_in_user_id(client) is None
    assert "Connexion bloquée" in text(response)
    assert "Trop de tentatives de connexion ont échoué pour ce compte ou depuis votre adresse" in text(response)


@pytest.mark.parametrize("url, account", [(GESTION_LOGIN, "greffe"), (CMS_LOGIN, "communication")])
def test_the_right_password_after_fewer_failures_than_the_limit_logs_in(request, url, account):
    user = request.getfixturevalue(account)
    fail(url, user.username, LIMIT - 1)
    client = Client()
    response = attempt(client, url, user.username, PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_the_limit_th_failure_shows_the_lockout_page_in_the_portals_design(greffe):
    fail(GESTION_LOGIN, "greffe", LIMIT - 1)
    response = attempt(Client(), GESTION_LOGIN, "greffe", "encore-faux")
    assert response.status_code == 429
    page = text(response)
    assert "fr-alert fr-alert--error" in page and "République<br>française" in page  # DSFR
    assert "Réessayez dans 30 minutes" in page
    assert f'href="{GESTION_LOGIN}"' in page


def test_the_cms_lockout_page_is_wagtails_and_french(communication):
    fail(CMS_LOGIN, "communication", LIMIT)
    response = attempt(Client(), CMS_LOGIN, "communication", PASSWORD)
    assert response.status_code == 429
    page = text(response)
    assert "wagtailadmin/css/core.css" in page and "Connexion bloquée" in page
    assert "demandez à l'administration nationale de débloquer votre compte" in page
    assert f'href="{CMS_LOGIN}"' in page


def test_a_targeted_account_is_locked_whatever_the_address(greffe):
    for n in range(LIMIT):
        fail(GESTION_LOGIN, "greffe", 1, address=f"198.51.100.{n + 1}")
    client = Client()
    assert attempt(client, GESTION_LOGIN, "greffe", PASSWORD, address="192.0.2.200").status_code == 429
    assert logged_in_user_id(client) is None


def test_password_spraying_from_one_address_locks_the_address_for_every_account(greffe, communication):
    for n in range(LIMIT):
        fail(GESTION_LOGIN, f"inconnu{n}", 1)
    client = Client()
    assert attempt(client, GESTION_LOGIN, "greffe", PASSWORD).status_code == 429
    assert attempt(client, CMS_LOGIN, "communication", PASSWORD).status_code == 429
    assert logged_in_user_id(client) is None
    elsewhere = Client()  # the accounts themselves are not locked
    assert attempt(elsewhere, GESTION_LOGIN, "greffe", PASSWORD, address="192.0.2.200").status_code == 302
    assert logged_in_user_id(elsewhere) == str(greffe.pk)


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_dodge_the_lock(settings, greffe):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(LIMIT):
        fail(GESTION_LOGIN, f"inconnu{n}", 1, HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}")
    client = Client()
    response = attempt(client, GESTION_LOGIN, "greffe", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429 and logged_in_user_id(client) is None
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ADDRESS}


def test_behind_a_trusted_proxy_each_client_address_counts_on_its_own(settings, greffe):
    settings.TRUSTED_PROXY_COUNT = 1
    balancer = "10.0.0.2"
    for n in range(LIMIT):
        # The sprayer writes its own entries on the left; the balancer appends the address it saw.
        fail(GESTION_LOGIN, f"inconnu{n}", 1, address=balancer, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {ADDRESS}")
    sprayer = Client()
    response = attempt(sprayer, GESTION_LOGIN, "greffe", PASSWORD, address=balancer,
                       HTTP_X_FORWARDED_FOR=f"192.0.2.250, {ADDRESS}")
    assert response.status_code == 429 and logged_in_user_id(sprayer) is None
    colleague = Client()  # another client behind the same balancer
    response = attempt(colleague, GESTION_LOGIN, "greffe", PASSWORD, address=balancer,
                       HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert response.status_code == 302 and logged_in_user_id(colleague) == str(greffe.pk)


def test_the_lock_lifts_after_the_cool_off_counted_from_the_last_refused_attempt(greffe):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with freeze_time(start):
        fail(GESTION_LOGIN, "greffe", LIMIT)
    with freeze_time(start + datetime.timedelta(minutes=29)):
        client = Client()
        assert attempt(client, GESTION_LOGIN, "greffe", PASSWORD).status_code == 429  # renews the cool-off
    with freeze_time(start + datetime.timedelta(minutes=29 + 29)):
        client = Client()
        assert attempt(client, GESTION_LOGIN, "greffe", PASSWORD).status_code == 429
        assert logged_in_user_id(client) is None
    with freeze_time(start + datetime.timedelta(minutes=29 + 29 + 31)):
        client = Client()
        assert attempt(client, GESTION_LOGIN, "greffe", PASSWORD).status_code == 302
        assert logged_in_user_id(client) == str(greffe.pk)


def test_the_cool_off_and_the_limit_come_from_the_settings(settings, greffe):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=5)
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with freeze_time(start):
        fail(GESTION_LOGIN, "greffe", 3)
        assert attempt(Client(), GESTION_LOGIN, "greffe", PASSWORD).status_code == 429
    with freeze_time(start + datetime.timedelta(minutes=6)):
        client = Client()
        assert attempt(client, GESTION_LOGIN, "greffe", PASSWORD).status_code == 302
        assert logged_in_user_id(client) == str(greffe.pk)


def test_each_lockout_is_kept_once_with_its_account_address_and_page(greffe):
    fail(GESTION_LOGIN, "greffe", LIMIT + 5)
    lockout = StaffLockout.objects.get()
    assert (lockout.username, lockout.ip_address, lockout.path) == ("greffe", ADDRESS, GESTION_LOGIN)
    assert lockout.failures == LIMIT + 5 and lockout.is_active and lockout.unlocked_at is None
    assert lockout.history.first().history_type in {"+", "~"}
    assert lockout.history.last().history_type == "+"
    stored = AccessAttempt.objects.values_list("post_data", flat=True)
    assert stored and all("pas-le-bon-mot-de-passe" not in data for data in stored)  # passwords masked


def test_failures_below_the_limit_leave_no_lockout(greffe):
    fail(GESTION_LOGIN, "greffe", LIMIT - 1)
    assert not StaffLockout.objects.exists()


def unlock_action(client: Client, lockout: StaffLockout):
    return client.post(
        reverse("admin:accounts_stafflockout_changelist"),
        {"action": "unlock", "_selected_action": [lockout.pk]},
        follow=True,
    )


def test_national_unlocks_and_the_account_logs_in_again_with_who_unlocked_in_the_history(greffe, national):
    fail(GESTION_LOGIN, "greffe", LIMIT)
    lockout = StaffLockout.objects.get()
    admin = login_staff(Client(), national)
    listing = admin.get(reverse("admin:accounts_stafflockout_changelist"))
    assert listing.status_code == 200 and "greffe" in text(listing) and "Débloquer" in text(listing)
    assert "Bloqué jusqu'au" in text(listing)

    response = unlock_action(admin, lockout)
    assert "1 blocage levé." in text(response)
    lockout.refresh_from_db()
    assert lockout.unlocked_by == national and lockout.unlocked_at is not None
    assert lockout.history.first().history_user == national
    assert not AccessAttempt.objects.exists()
    assert "Débloqué le" in text(admin.get(reverse("admin:accounts_stafflockout_changelist")))

    client = Client()
    assert attempt(client, GESTION_LOGIN, "greffe", PASSWORD).status_code == 302
    assert logged_in_user_id(client) == str(greffe.pk)


def test_unlocking_an_address_frees_it_for_every_account(greffe, national):
    for n in range(LIMIT):
        fail(GESTION_LOGIN, f"inconnu{n}", 1)
    unlock_staff_lockouts(lockout_ids=[StaffLockout.objects.get().pk], actor=national)
    client = Client()
    assert attempt(client, GESTION_LOGIN, "greffe", PASSWORD).status_code == 302


@pytest.mark.parametrize("role", ["greffe", "regie", "auditeur"])
def test_other_roles_cannot_unlock(role, greffe):
    fail(GESTION_LOGIN, "greffe", LIMIT)
    lockout = StaffLockout.objects.get()
    other = StaffFactory(role=role)
    admin = login_staff(Client(), other)
    response = unlock_action(admin, lockout)
    assert response.status_code in {200, 403}
    lockout.refresh_from_db()
    assert lockout.unlocked_at is None and AccessAttempt.objects.exists()
    with pytest.raises(PermissionDenied):
        unlock_staff_lockouts(lockout_ids=[lockout.pk], actor=other)
    assert attempt(Client(), GESTION_LOGIN, "greffe", PASSWORD).status_code == 429


def test_auditors_read_the_lockouts_and_their_history_without_the_unlock_action(greffe, national):
    fail(GESTION_LOGIN, "greffe", LIMIT)
    lockout = StaffLockout.objects.get()
    unlock_staff_lockouts(lockout_ids=[lockout.pk], actor=national)
    auditor = login_staff(Client(), StaffFactory(role="auditeur"))
    listing = auditor.get(reverse("admin:accounts_stafflockout_changelist"))
    assert listing.status_code == 200 and "Débloqué le" in text(listing) and "national" in text(listing)
    assert 'value="unlock"' not in text(listing)
    history = auditor.get(reverse("admin:accounts_stafflockout_history", args=[lockout.pk]))
    assert history.status_code == 200 and "national" in text(history)


def test_a_cooled_off_lockout_is_not_unlocked_again(greffe, national):
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with freeze_time(start):
        fail(GESTION_LOGIN, "greffe", LIMIT)
    with freeze_time(start + datetime.timedelta(hours=1)):
        lockout = StaffLockout.objects.get()
        assert not lockout.is_active
        assert unlock_staff_lockouts(lockout_ids=[lockout.pk], actor=national) == 0
        lockout.refresh_from_db()
        assert lockout.unlocked_by is None


def test_a_superuser_unlocks_too(greffe):
    fail(GESTION_LOGIN, "greffe", LIMIT)
    root = StaffFactory(is_superuser=True)
    assert unlock_staff_lockouts(lockout_ids=[StaffLockout.objects.get().pk], actor=root) == 1


@pytest.mark.django_db(transaction=True)
def test_a_relative_logs_in_with_franceconnect_from_a_locked_address(live_server, settings):
    """Over real HTTP (the live server, its FranceConnect stand-in): the address is locked for staff
    logins, and FranceConnect's flow is neither refused nor counted."""
    settings.PORTAL_BASE_URL = live_server.url
    settings.FRANCECONNECT_ISSUER = f"{live_server.url}/sandbox/franceconnect"
    settings.FRANCECONNECT_CLIENT_ID = "portail-des-proches-sandbox"
    settings.FRANCECONNECT_CLIENT_SECRET = "sandbox-secret-not-for-production"
    load_demo()
    for n in range(LIMIT):
        fail(GESTION_LOGIN, f"inconnu{n}", 1, address="127.0.0.1")
    assert attempt(Client(), GESTION_LOGIN, "greffe", "demo-portail", address="127.0.0.1").status_code == 429
    attempts = list(AccessAttempt.objects.values_list("username", "failures_since_start"))

    browser = requests.Session()
    espace = login_as(browser, live_server.url, "angela-dubois")
    assert espace.status_code == 200 and espace.url == f"{live_server.url}/mon-espace/"
    assert "Bonjour Angela Claire Louise, vous êtes connecté(e)." in html.unescape(espace.text)
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == attempts
    assert StaffLockout.objects.count() == 1


# The login redirect.

def test_a_staff_login_without_next_lands_in_the_back_office_not_a_404(greffe):
    client = Client()
    response = client.post(GESTION_LOGIN + "?next=", {"username": "greffe", "password": PASSWORD, "next": ""})
    assert response.status_code == 302
    assert response["Location"] == "/gestion/"
    assert logged_in_user_id(client) == str(greffe.pk)


def test_a_cms_login_without_next_lands_in_the_cms(communication):
    client = Client()
    response = client.post(CMS_LOGIN, {"username": "communication", "password": PASSWORD, "next": ""})
    assert response.status_code == 302 and response["Location"] == "/cms/"


@pytest.mark.parametrize("url, account, landing", [
    ("/gestion/logout/", "greffe", "/gestion/logout/"), ("/cms/logout/", "communication", CMS_LOGIN),
])
def test_logging_out_of_either_side_is_no_404(request, url, account, landing):
    client = login_staff(Client(), request.getfixturevalue(account))
    response = client.post(url, follow=True)
    assert response.status_code == 200 and response.request["PATH_INFO"] == landing
    assert logged_in_user_id(client) is None
