"""The relatives' languages in the pages (issue 18, part R): ``lang``/``dir`` on ``<html>``, the header's DSFR
« Sélecteur de langue » on the relatives' pages only, /langue/ (the session, the profile, the same page in the
chosen language, never another site), the FranceConnect return in the session's language, the ``hreflang``
links, and the notices before leaving for FranceConnect and the bank."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from accounts.models import Relative, User
from core.languages import SESSION_KEY
from tests.accounts.test_franceconnect_standard import callback, provider, start_login  # noqa: F401 (fixture)
from tests.establishments.factories import BankFactory
from tests.transfers.factories import RegisteredPermitFactory, TransferFactory
from transfers.constants import TransferStatus


@pytest.fixture(autouse=True)
def _french_between_tests():
    """A request leaves its language active in the thread: each test starts and ends in French."""
    translation.activate("fr")
    yield
    translation.activate("fr")


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
    assert buttons == [(code, f"{code.upper()} - {name}") for code, name in settings.LANGUAGES]
    assert set(buttons) == {("fr", "FR - Français"), ("en", "EN - English"), ("ar", "AR - العربيّة")}
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
    assert set(re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)">', page)) == {
        ("fr", "http://testserver/contact/"), ("en", "http://testserver/en/contact/"),
        ("ar", "http://testserver/ar/contact/")}
    assert "hreflang" not in client.get("/gestion/login/").content.decode()


@pytest.mark.django_db
def test_an_unknown_page_says_its_language_and_offers_the_selector(client):
    response = client.get("/ar/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert 'lang="ar"' in html_tag(response) and 'dir="rtl"' in html_tag(response)
    assert selector(response) is not None
    page = response.content.decode()
    assert 'href="/ar/"' in page and 'href="/ar/contact/"' in page
    # The address that answered nothing is never echoed (another relative's reference, say): the selector leads
    # to the home page, no alternates.
    assert "cette-page-n-existe-pas" not in page
    assert '<input type="hidden" name="next" value="/ar/">' in selector(response) and "hreflang" not in page


def test_the_error_pages_without_a_request_say_their_language_and_direction():
    from django.template.loader import render_to_string

    with translation.override("ar"):
        page = render_to_string("500.html")
    assert '<html lang="ar" dir="rtl">' in page
    assert '<html lang="fr">' in render_to_string("400.html")  # as before: French error pages unchanged


# /langue/: the header's selector posts here.

@pytest.mark.django_db
@pytest.mark.parametrize(("language", "next_url", "expected"), [
    ("en", "/contact/", "/en/contact/"), ("ar", "/en/contact/", "/ar/contact/"), ("fr", "/ar/contact/", "/contact/"),
    ("ar", "/plan-du-site/?x=1", "/ar/plan-du-site/?x=1"), ("en", "/", "/en/"),
])
def test_choosing_a_language_shows_the_same_page_in_it_and_keeps_it(client, language, next_url, expected):
    response = client.post("/langue/", {"language": language, "next": next_url})
    assert response.status_code == 302 and response["Location"] == expected
    assert client.session[SESSION_KEY] == language
    page = client.get(expected)
    assert f'lang="{language}"' in html_tag(page)


@pytest.mark.django_db
def test_the_language_chosen_is_kept_in_a_logged_in_relative_s_profile(angela):
    client = Client()
    client.force_login(angela.user)
    before = angela.history.count()
    response = client.post("/langue/", {"language": "ar", "next": "/mon-espace/"})
    assert response["Location"] == "/ar/mon-espace/"
    angela.refresh_from_db()
    assert angela.language == "ar"
    assert angela.history.count() == before + 1 and angela.history.first().language == "ar"
    page = client.get("/ar/mon-espace/")
    assert page.status_code == 200 and 'dir="rtl"' in html_tag(page)
    assert 'value="ar" class="fr-translate__language fr-nav__link" lang="ar" dir="rtl" aria-current="true"' in (
        selector(page))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "", "FR", "ar-MA"])
def test_a_language_that_is_not_offered_is_refused_and_changes_nothing(angela, language):
    client = Client()
    client.force_login(angela.user)
    before = angela.history.count()
    response = client.post("/langue/", {"language": language, "next": "/contact/"})
    assert response.status_code == 400
    assert "Cette langue n'est pas proposée sur le portail." in response.content.decode()
    assert SESSION_KEY not in client.session
    angela.refresh_from_db()
    assert angela.language == "fr" and angela.history.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://exemple.com/", "//exemple.com/contact/", "https:/exemple.com",
                                      "javascript:alert(1)", ""])
def test_a_next_address_outside_the_portal_leads_to_the_home_page_in_that_language(client, next_url):
    response = client.post("/langue/", {"language": "en", "next": next_url})
    assert response.status_code == 302 and response["Location"] == "/en/"
    assert client.session[SESSION_KEY] == "en"


@pytest.mark.django_db
def test_the_selector_only_posts(client):
    assert client.get("/langue/").status_code == 405


# The returns from FranceConnect follow the session's language; the login settles profile and session.

@pytest.mark.django_db
def test_the_franceconnect_return_answers_in_the_language_read_before_leaving(client, provider):  # noqa: F811
    assert client.get("/ar/").status_code == 200  # she reads the portal in Arabic
    assert client.session[SESSION_KEY] == "ar"
    response = callback(client, provider, start_login(client))
    assert response.status_code == 302 and response["Location"] == "/ar/mon-espace/"
    relative = Relative.objects.get(sub="sub-angela-standard")
    assert relative.language == "ar"
    page = client.get(response["Location"])
    assert 'lang="ar"' in html_tag(page) and 'dir="rtl"' in html_tag(page)


@pytest.mark.django_db
def test_a_failed_franceconnect_return_offers_the_selector_towards_the_home_page(client):
    client.get("/en/")
    response = client.get("/connexion/franceconnect/retour/", {"error": "access_denied", "state": "x"})
    nav = selector(response)
    assert 'lang="en"' in html_tag(response) and nav is not None
    assert '<input type="hidden" name="next" value="/en/">' in nav and "access_denied" not in nav
    assert "hreflang" not in response.content.decode()


@pytest.mark.django_db
def test_a_login_without_a_choice_in_this_browser_takes_up_the_profile_s_language(client, provider):  # noqa: F811
    first = callback(client, provider, start_login(client))
    assert first["Location"] == "/mon-espace/"
    Relative.objects.filter(sub="sub-angela-standard").update(language="en")
    other_browser = Client()
    response = callback(other_browser, provider, start_login(other_browser))
    assert response["Location"] == "/en/mon-espace/"
    assert other_browser.session[SESSION_KEY] == "en"


# Before leaving for FranceConnect and the bank, which keep their own languages.

FRANCECONNECT_NOTICE = {
    "en": "FranceConnect is displayed in French. You will find the portal in your language when you come back.",
    "ar": "تُعرض خدمة FranceConnect باللغة الفرنسية. ستجد البوابة بلغتك عند عودتك.",
}


@pytest.mark.django_db
def test_the_franceconnect_notice_shows_outside_french_only(client):
    assert 'id="franceconnect-langue"' not in client.get("/").content.decode()
    for language in ("en", "ar"):
        page = client.get(f"/{language}/").content.decode()
        assert 'id="franceconnect-langue"' in page


@pytest.fixture
def bank_page(db):
    BankFactory(name="Banque de démonstration")
    registration = RegisteredPermitFactory()
    transfer = TransferFactory(relative=registration.relative, permit=registration.permit,
                               status=TransferStatus.DRAFT, bank=None, initiated_at=None)
    client = Client()
    client.force_login(registration.relative.user)
    return lambda prefix: client.get(f"{prefix}/mon-espace/virements/{transfer.reference}/banque/")


@pytest.mark.django_db
def test_the_bank_notice_shows_outside_french_only(bank_page):
    french = bank_page("")
    assert french.status_code == 200 and 'id="banque-langue"' not in french.content.decode()
    for prefix in ("/en", "/ar"):
        page = bank_page(prefix)
        assert page.status_code == 200 and 'id="banque-langue"' in page.content.decode()


@pytest.mark.django_db
def test_the_design_systems_own_texts_speak_arabic_too(client):
    """django-dsfr ships French only: an Arabic page would fall back to French (« Accueil » in the breadcrumb,
    the display settings' dialog) without the portal's Arabic for them (core/locale/ar)."""
    page = client.get("/ar/plan-du-site/").content.decode()
    assert "إعدادات العرض" in page and "Paramètres d’affichage" not in page
    english = client.get("/en/plan-du-site/").content.decode()
    assert "Display settings" in english and "Paramètres d’affichage" not in english
