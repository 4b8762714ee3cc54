"""The relatives' languages in the pages (issue 18, part R): ``lang``/``dir`` on ``<html>``, the header's DSFR
« Sélecteur de langue » on the relatives' pages only, /langue/ (the session, the profile, the same page in the
chosen language, never another site), the FranceConnect return in the session's language, the ``hreflang``
links, and the notices before leaving for FranceConnect and the bank."""

from __future__ import annotations

import datetime
import re

import pytest

from accounts.models import Relative, User


def make_relative(language: str = "fr") -> Relative:
    user = User.objects.create(username="fc-sub-angela")
    user.set_unusable_password()
    user.save()
    return Relative.objects.create(user=user, sub="sub-angela", given_name="Angela Claire Louise",
                                   family_name="DUBOIS", birthdate=datetime.date(1962, 8, 24), language=language)


@pytest.fixture
def angela(db) -> Relative:
    return make_relative()


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def selector(response) -> str | None:
    found = re.search(r'<nav role="navigation" class="fr-translate fr-nav".*?</nav>', response.content.decode(), re.S)
    return found.group(0) if found else None


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "lang", "direction"), [("", "fr", "ltr"), ("/en", "en", "ltr"),
                                                           ("/ar", "ar", "rtl")])
@pytest.mark.parametrize("path", ["/", "/contact/", "/plan-du-site/", "/accessibilite/"])
def test_each_language_s_pages_say_their_language_and_direction(client, prefix, lang, direction, path):
    response = client.get(f"{prefix}{path}")
    assert response.status_code == 200
    assert f'lang="{lang}"' in html_tag(response) and f'dir="{direction}"' in html_tag(response)
    assert ("css/rtl.css" in response.content.decode()) is (direction == "rtl")


@pytest.mark.django_db
def test_the_selector_is_on_the_relatives_pages_with_the_dsfr_markup(client):
    nav = selector(client.get("/en/contact/"))
    assert nav is not None
    assert 'aria-label="Language selector"' in nav or 'aria-label="' in nav
    assert '<form method="post" action="/langue/">' in nav and 'name="csrfmiddlewaretoken"' in nav
    assert '<input type="hidden" name="next" value="/en/contact/">' in nav
    buttons = re.findall(r'<button type="submit" name="language" value="(\w+)"[^>]*>([^<]*)</button>', nav)
    assert buttons == [("fr", "FR - Français"), ("en", "EN - English"), ("ar", "AR - العربية")]
    assert nav.count('aria-current="true"') == 1
    assert re.search(r'value="en" class="fr-translate__language fr-nav__link" lang="en" aria-current="true"', nav)
    assert 'value="ar" class="fr-translate__language fr-nav__link" lang="ar" dir="rtl">' in nav
    assert 'aria-controls="translate-menu" aria-expanded="false"' in nav
    assert 'EN<span class="fr-hidden-lg">&nbsp;- English</span>' in nav
    assert nav.count("<form") == 1


@pytest.mark.django_db
def test_the_selector_keeps_the_query_string_of_the_page(client):
    nav = selector(client.get("/ar/recherche/?q=parloir"))
    assert '<input type="hidden" name="next" value="/ar/recherche/?q=parloir">' in nav


@pytest.mark.django_db
def test_no_selector_on_the_staff_pages(client):
    response = client.get("/gestion/login/")
    assert response.status_code == 200
    assert selector(response) is None and "fr-translate" not in response.content.decode()
    assert 'lang="fr"' in html_tag(response)


@pytest.mark.django_db
def test_the_page_names_its_three_addresses(client):
    page = client.get("/ar/contact/").content.decode()
    assert re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)">', page) == [
        ("fr", "http://testserver/contact/"), ("en", "http://testserver/en/contact/"),
        ("ar", "http://testserver/ar/contact/")]
    assert "hreflang" not in client.get("/gestion/login/").content.decode()
