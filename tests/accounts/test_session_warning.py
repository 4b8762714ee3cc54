"""RGAA 13.1: before a session ends for inactivity, the page warns (a dialog with "Prolonger ma session",
given the seconds left by the server), "Prolonger ma session" posts to /session/prolonger/ and keeps the
session; after the end, the next page says that the session ended for inactivity."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.test import Client
from freezegun import freeze_time

from accounts.constants import LAST_ACTIVITY_KEY, STAFF_LAST_ACTIVITY_KEY
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.transfers.factories import RelativeFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
ENDED = "Votre session a pris fin après 30 minutes d'inactivité. Reconnectez-vous pour continuer."


def at(minutes: float):
    return freeze_time(START + datetime.timedelta(minutes=minutes))


def text(response) -> str:
    return html.unescape(response.content.decode())


def dialog_of(response) -> dict[str, str]:
    """The warning dialog's attributes, and its text under "text"."""
    page = text(response)
    found = re.search(r"<dialog\b([^>]*)>(.*?)</dialog>", page, re.S)
    assert found, "no session warning dialog on the page"
    attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', found.group(1)))
    attributes["text"] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(2)))
    attributes["html"] = found.group(2)
    return attributes


def csrf_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(response)).group(1)


@pytest.fixture
def relative_client():
    client = Client(enforce_csrf_checks=True)
    with at(0):
        client.force_login(RelativeFactory().user)
    return client


def test_a_relatives_page_gives_the_warning_dialog_the_seconds_left_not_the_setting(relative_client, settings):
    settings.RELATIVE_SESSION_IDLE_SECONDS = 20 * 60
    with at(0):
        assert relative_client.get("/mon-espace/").status_code == 200  # the activity stamped at 08:00
    with at(0.5):  # within the minute: no new stamp, 19 min 30 s left
        dialog = dialog_of(relative_client.get("/mon-espace/"))
    assert dialog["role"] == "alertdialog"
    assert dialog["data-session-seconds-left"] == str(20 * 60 - 30)
    assert dialog["data-session-warning-seconds"] == "120"
    assert dialog["data-session-extend-url"] == "/session/prolonger/"
    assert "Votre session va bientôt prendre fin" in dialog["text"]
    assert "Prolonger ma session" in dialog["text"] and "Me déconnecter" in dialog["text"]
    assert 'action="/deconnexion/"' in dialog["html"]  # "Me déconnecter" is the relative's logout


def test_the_warning_script_is_a_static_file_and_the_page_has_no_inline_script(relative_client):
    with at(0):
        page = text(relative_client.get("/mon-espace/"))
    assert re.search(r'<script src="/static/js/session-warning\.js[^"]*" defer>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)


def test_an_anonymous_visitor_has_no_warning(client):
    assert "session-warning" not in text(client.get("/"))


def test_prolonger_ma_session_restarts_the_idle_limit_without_reloading_the_page(relative_client):
    with at(0):
        page = relative_client.get("/mon-espace/")
    with at(25):
        response = relative_client.post("/session/prolonger/", HTTP_X_CSRFTOKEN=csrf_token(page))
        assert relative_client.session[LAST_ACTIVITY_KEY] == int((START + datetime.timedelta(minutes=25)).timestamp())
    assert response.status_code == 200
    assert response.json() == {"seconds_left": 30 * 60}
    assert response.cookies["sessionid"]["max-age"] == 30 * 60
    with at(50):  # 50 minutes after the page, 25 after "Prolonger ma session": still logged in
        assert relative_client.get("/mon-espace/").status_code == 200


@pytest.mark.parametrize("how", ["get", "no-csrf", "anonymous"])
def test_the_extension_is_refused_to_a_get_without_csrf_and_to_an_anonymous_visitor(relative_client, how):
    with at(0):
        page = relative_client.get("/mon-espace/")
        stamp = relative_client.session[LAST_ACTIVITY_KEY]
    with at(0.5):  # within the minute where pages do not stamp the activity again (accounts.middleware)
        if how == "get":
            response = relative_client.get("/session/prolonger/")
            assert response.status_code == 405
        elif how == "no-csrf":
            response = relative_client.post("/session/prolonger/")
            assert response.status_code == 403
        else:
            anonymous = Client(enforce_csrf_checks=True)
            token = csrf_token(anonymous.get("/"))
            response = anonymous.post("/session/prolonger/", HTTP_X_CSRFTOKEN=token)
            assert response.status_code == 403
            assert response.json()["detail"] == "Votre session a pris fin. Reconnectez-vous pour continuer."
            assert "_auth_user_id" not in anonymous.session
        assert relative_client.session[LAST_ACTIVITY_KEY] == stamp  # nothing extended
    assert page.status_code == 200


def test_after_the_idle_end_the_next_page_says_so_once(relative_client):
    with at(0):
        relative_client.get("/mon-espace/")
    # The browser drops the session's cookie at its max-age (the idle limit): the next request has none.
    del relative_client.cookies["sessionid"]
    with at(31):
        response = relative_client.get("/mon-espace/pecule/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    page = text(response)
    assert ENDED in page
    assert 'class="fr-notice fr-notice--info"' in page
    assert "Identifiez-vous avec FranceConnect pour accéder à votre espace." not in page  # one message, not two
    with at(32):
        assert ENDED not in text(relative_client.get("/"))


def test_the_message_gives_the_minutes_of_the_setting(relative_client, settings):
    settings.RELATIVE_SESSION_IDLE_SECONDS = 15 * 60
    with at(0):
        relative_client.get("/mon-espace/")
    del relative_client.cookies["sessionid"]
    with at(16):
        page = text(relative_client.get("/"))
    assert "Votre session a pris fin après 15 minutes d'inactivité. Reconnectez-vous pour continuer." in page


def test_a_session_ended_on_the_server_says_so_too(relative_client):
    with at(0):
        relative_client.get("/mon-espace/")
    with at(31):
        response = relative_client.get("/mon-espace/", follow=True)
        assert "_auth_user_id" not in relative_client.session
    assert ENDED in text(response)


def test_a_logout_is_not_called_an_idle_end(relative_client):
    with at(0):
        page = relative_client.get("/mon-espace/")
        relative_client.post("/deconnexion/", {"csrfmiddlewaretoken": csrf_token(page)})
    with at(45):
        assert ENDED not in text(relative_client.get("/"))


def test_a_first_visit_says_nothing_about_a_session(client):
    assert "Votre session a pris fin" not in text(client.get("/"))


@pytest.fixture
def greffe_client():
    with at(0):
        return login_staff(Client(enforce_csrf_checks=True), StaffFactory(role="greffe"))


def test_the_back_office_warns_its_staff_too(greffe_client, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 10 * 60
    with at(0):
        greffe_client.get("/gestion/")
    with at(0.5):
        response = greffe_client.get("/gestion/")
    assert response.status_code == 200
    dialog = dialog_of(response)
    assert dialog["role"] == "alertdialog"
    assert dialog["data-session-seconds-left"] == str(10 * 60 - 30)
    assert 'action="/gestion/logout/"' in dialog["html"]
    with at(8):
        extended = greffe_client.post("/session/prolonger/", HTTP_X_CSRFTOKEN=csrf_token(response))
        stamp = greffe_client.session[STAFF_LAST_ACTIVITY_KEY]
    assert stamp == int((START + datetime.timedelta(minutes=8)).timestamp())
    assert extended.json() == {"seconds_left": 10 * 60}
    with at(15):  # 15 minutes after the page, 7 after the extension
        assert greffe_client.get("/gestion/").status_code == 200


def test_a_staff_session_is_not_extended_past_its_maximum(greffe_client, settings):
    settings.STAFF_SESSION_MAX_SECONDS = 40 * 60
    with at(0):
        page = greffe_client.get("/gestion/")
    with at(25):
        response = greffe_client.post("/session/prolonger/", HTTP_X_CSRFTOKEN=csrf_token(page))
    assert response.json() == {"seconds_left": 15 * 60}


def test_staff_before_their_second_factor_cannot_extend(settings):
    client = Client()
    client.force_login(StaffFactory(role="greffe"))
    response = client.post("/session/prolonger/")
    assert response.status_code == 403


def test_after_the_staff_idle_end_the_login_page_says_so(greffe_client):
    with at(0):
        greffe_client.get("/gestion/")
    with at(31):
        response = greffe_client.get("/gestion/", follow=True)
    assert "/gestion/login/" in response.redirect_chain[-1][0]
    assert ENDED in text(response)
