"""Staff sessions: a cookie that ends with the browser, an idle timeout (STAFF_SESSION_IDLE_SECONDS, 30
minutes) and an absolute limit (STAFF_SESSION_MAX_SECONDS, 12 hours) on every login path, a French message
on the login page after a timeout; the relatives' sessions as they were."""

from __future__ import annotations

import datetime
import html
import os
import subprocess
import sys

import pytest
from django.test import Client
from freezegun import freeze_time

from accounts.middleware import LAST_ACTIVITY_KEY, STAFF_LAST_ACTIVITY_KEY, STAFF_LOGIN_AT_KEY
from tests.accounts.factories import PASSWORD
from tests.accounts.staff_login import login_staff
from tests.transfers.factories import RelativeFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)


def at(minutes: float):
    return freeze_time(START + datetime.timedelta(minutes=minutes))


def text(response) -> str:
    return html.unescape(response.content.decode())


def user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize("url, account, extra", [
    ("/gestion/login/", "greffe", {}),
    ("/cms/login/", "communication", {}),
    ("/cms/login/", "communication", {"remember": "on"}),  # Wagtail's "remember me" asks for 14 days
])
def test_a_staff_login_gets_a_cookie_that_ends_with_the_browser(request, url, account, extra):
    user = request.getfixturevalue(account)
    client = Client()
    response = client.post(url, {"username": user.username, "password": PASSWORD, **extra})
    assert response.status_code == 302 and user_id(client) == str(user.pk)
    cookie = response.cookies["sessionid"]
    assert cookie.value and cookie["max-age"] == "" and cookie["expires"] == ""
    assert client.session.get_expire_at_browser_close()


def test_every_login_path_records_the_sessions_start(greffe):
    with at(0):
        client = login_staff(Client(), greffe)  # Django's login(): the signal every path sends
        session = client.session
        assert session[STAFF_LOGIN_AT_KEY] == session[STAFF_LAST_ACTIVITY_KEY] == int(START.timestamp())
        assert session.get_expire_at_browser_close()


def test_idle_for_more_than_thirty_minutes_sends_back_to_the_login_page_with_a_message(greffe):
    with at(0):
        client = login_staff(Client(), greffe)
        assert client.get("/gestion/").status_code == 200
    with at(29):
        assert client.get("/gestion/").status_code == 200
    with at(29 + 31):
        response = client.get("/gestion/permits/detainee/")
        assert response.status_code == 302
        assert response["Location"] == "/gestion/login/?next=%2Fgestion%2Fpermits%2Fdetainee%2F"
        assert user_id(client) is None
        login_page = client.get(response["Location"])
    ended = "Votre session a pris fin après 30 minutes d'inactivité. Reconnectez-vous pour continuer."
    assert ended in text(login_page)


def test_a_page_within_a_minute_does_not_renew_the_activity_but_later_ones_do(greffe):
    with at(0):
        client = login_staff(Client(), greffe)
    with at(0.5):
        client.get("/gestion/")
        assert client.session[STAFF_LAST_ACTIVITY_KEY] == int(START.timestamp())
    with at(20):
        client.get("/gestion/")
        assert client.session[STAFF_LAST_ACTIVITY_KEY] == int(START.timestamp()) + 20 * 60


def test_the_absolute_limit_ends_an_active_session_after_twelve_hours(greffe):
    with at(0):
        client = login_staff(Client(), greffe)
    for minutes in range(20, 12 * 60, 20):  # a page every 20 minutes, all day
        with at(minutes):
            assert client.get("/gestion/").status_code == 200, minutes
    with at(12 * 60 + 1):
        response = client.get("/gestion/", follow=True)
        assert user_id(client) is None
    assert response.redirect_chain[0][0].startswith("/gestion/login/")
    assert "Votre session a atteint sa durée maximale de 12 heures. Veuillez vous reconnecter." in text(response)


def test_a_cms_session_timing_out_goes_to_the_cms_login_page(communication):
    with at(0):
        client = login_staff(Client(), communication)
        assert client.get("/cms/").status_code == 200
    with at(45):
        response = client.get("/cms/pages/", follow=True)
        assert user_id(client) is None
    assert response.redirect_chain[0][0] == "/cms/login/?next=%2Fcms%2Fpages%2F"
    assert "Votre session a pris fin après 30 minutes d'inactivité" in text(response)


def test_the_timeouts_come_from_the_settings(settings, greffe):
    settings.STAFF_SESSION_IDLE_SECONDS = 10 * 60
    settings.STAFF_SESSION_MAX_SECONDS = 90 * 60
    with at(0):
        client = login_staff(Client(), greffe)
    with at(11):
        response = client.get("/gestion/", follow=True)
        assert user_id(client) is None
    assert "après 10 minutes d'inactivité" in text(response)
    with at(100):
        client = login_staff(Client(), greffe)
    for minutes in (109, 118, 127, 136, 145, 154, 163, 172, 181, 190):
        with at(minutes):
            assert client.get("/gestion/").status_code == 200
    with at(191):
        response = client.get("/gestion/", follow=True)
        assert user_id(client) is None
    assert "durée maximale de 1 heure 30 minutes" in text(response)


def test_a_session_opened_before_the_limits_starts_its_clock_when_first_seen(greffe):
    with at(0):
        client = login_staff(Client(), greffe)
        session = client.session
        del session[STAFF_LOGIN_AT_KEY], session[STAFF_LAST_ACTIVITY_KEY]
        session.save()
    with at(5):
        assert client.get("/gestion/").status_code == 200
        assert client.session[STAFF_LOGIN_AT_KEY] == int(START.timestamp()) + 5 * 60
    with at(5 + 31):
        assert client.get("/gestion/").status_code == 302
        assert user_id(client) is None


def test_a_relatives_session_keeps_its_own_idle_timeout_and_lasting_cookie():
    relative = RelativeFactory()
    with at(0):
        client = Client()
        client.force_login(relative.user)
        response = client.get("/mon-espace/")
        assert response.status_code == 200
        assert response.cookies["sessionid"]["max-age"] == 30 * 60  # not a browser-session cookie
        assert STAFF_LOGIN_AT_KEY not in client.session and LAST_ACTIVITY_KEY in client.session
    for minutes in range(25, 13 * 60, 25):  # no absolute limit: a page every 25 minutes for 13 hours
        with at(minutes):
            assert client.get("/mon-espace/").status_code == 200, minutes
    with at(minutes + 31):
        response = client.get("/mon-espace/")
        assert user_id(client) is None
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize("variable, value, message", [
    ("AXES_FAILURE_LIMIT", "0", "AXES_FAILURE_LIMIT et AXES_COOLOFF_MINUTES doivent être des entiers positifs."),
    ("AXES_COOLOFF_MINUTES", "-5", "AXES_FAILURE_LIMIT et AXES_COOLOFF_MINUTES doivent être des entiers positifs."),
    ("STAFF_SESSION_IDLE_SECONDS", "5", "STAFF_SESSION_IDLE_SECONDS doit valoir au moins 60"),
    ("STAFF_SESSION_MAX_SECONDS", "600", "STAFF_SESSION_MAX_SECONDS au moins autant"),
])
def test_a_meaningless_limit_is_refused_at_start(variable, value, message):
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", variable: value},
        capture_output=True, text=True, timeout=120,
    )
    assert out.returncode != 0 and message in out.stderr


def test_the_cms_login_offers_no_remember_me(client):
    """A staff session ends with the browser: the CMS's login page does not offer to remember it."""
    page = client.get("/cms/login/").content.decode()
    assert 'name="password"' in page
    assert 'name="remember"' not in page and "Se souvenir de moi" not in page
