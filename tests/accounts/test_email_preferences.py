"""« Mes préférences de courriel » in « Mon espace »: whether a relative gets an e-mail each time a transfer is
credited to the pécule. Their own only (no id in the address), POST with CSRF, recorded with them as the user."""

from __future__ import annotations

import html
import re

import pytest
import requests
from django.test import Client

from accounts.models import Relative
from core.audit import reason_label
from tests.transfers.factories import RelativeFactory

from .test_mon_espace_flow import csrf, login_as, portal  # noqa: F401 - the live portal fixture

URL = "/mon-espace/preferences/"
LABEL = "Recevoir un courriel quand un virement est versé sur le pécule"


def logged_in(relative: Relative, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(relative.user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


@pytest.mark.django_db
def test_the_page_shows_the_box_checked_by_default_and_mon_espace_leads_there():
    relative = RelativeFactory()
    client = logged_in(relative)
    home = text(client.get("/mon-espace/"))
    assert "Mes préférences de courriel" in home and f'href="{URL}"' in home
    page = text(client.get(URL))
    assert "<h1>Mes préférences de courriel</h1>" in page
    assert LABEL in page and 'name="notify_credited"' in page
    assert re.search(r'<input type="checkbox" name="notify_credited" id="id_notify_credited" value="on" checked>', page)
    assert ">Enregistrer</button>" in page and "csrfmiddlewaretoken" in page
    assert relative.email in page


@pytest.mark.django_db
def test_unchecking_saves_no_email_with_a_message_and_the_relative_in_the_history():
    relative = RelativeFactory()
    client = logged_in(relative)
    response = client.post(URL, {}, follow=True)  # a POST without the field: unchecked
    assert response.redirect_chain[-1][0] == URL
    page = text(response)
    assert "Vos préférences ont été enregistrées." in page
    assert not re.search(r'name="notify_credited"[^>]*checked', page)
    relative.refresh_from_db()
    assert relative.notify_credited is False
    last = relative.history.first()
    assert last.history_user == relative.user and last.notify_credited is False
    assert "Préférences de courriel enregistrées" in reason_label(last.history_change_reason)
    assert "Vous ne recevez pas de courriel" in text(client.get("/mon-espace/"))

    client.post(URL, {"notify_credited": "on"})
    relative.refresh_from_db()
    assert relative.notify_credited is True
    count = relative.history.count()
    client.post(URL, {"notify_credited": "on"})  # the same choice again writes nothing
    assert relative.history.count() == count


@pytest.mark.django_db
def test_a_relative_changes_their_own_preferences_only():
    mine, other = RelativeFactory(), RelativeFactory()
    logged_in(mine).post(URL, {"notify_credited": "", "relative": other.pk, "id": other.pk})
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.notify_credited is False and other.notify_credited is True


@pytest.mark.django_db
def test_without_csrf_nothing_changes():
    relative = RelativeFactory()
    response = logged_in(relative, enforce_csrf_checks=True).post(URL, {})
    assert response.status_code == 403
    relative.refresh_from_db()
    assert relative.notify_credited is True


@pytest.mark.django_db
def test_not_logged_in_leads_to_the_home_page_and_staff_cannot_use_it(client):
    response = client.post(URL, {})
    assert response.status_code == 302 and response["Location"] == "/"
    assert Relative.objects.filter(notify_credited=False).count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_link_of_the_email_leads_there_after_the_franceconnect_login(portal):  # noqa: F811
    browser = requests.Session()
    first = browser.get(f"{portal}{URL}")
    assert first.url == f"{portal}/"  # not logged in: the home page and its FranceConnect button
    landed = login_as(browser, portal, "angela-dubois")
    assert landed.url == f"{portal}{URL}" and LABEL in landed.text
    saved = browser.post(f"{portal}{URL}", data={"csrfmiddlewaretoken": csrf(landed.text)},
                         headers={"Referer": f"{portal}{URL}"})
    assert "Vos préférences ont été enregistrées." in html.unescape(saved.text)
    angela = Relative.objects.get(email="angela.dubois@example.fr")
    assert angela.notify_credited is False
    # The next login leads to « Mon espace » as always.
    browser.get(f"{portal}/deconnexion/")
    again = login_as(requests.Session(), portal, "angela-dubois")
    assert again.url == f"{portal}/mon-espace/"


@pytest.mark.django_db
def test_the_page_says_in_which_language_the_emails_are_written():
    relative = RelativeFactory()
    client = logged_in(relative)
    assert "Langue des courriels, des justificatifs et des rendez-vous à ajouter à votre agenda : français." in text(
        client.get(URL))
    relative.language = "ar"
    relative.save()
    assert "Language of your emails, receipts and calendar files: العربيّة." in text(client.get("/en" + URL))
