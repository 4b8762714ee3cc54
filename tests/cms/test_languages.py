"""The content site in French, English and Arabic (issue 18): Wagtail's simple translation, the routing of each
language's tree, the French page (with a note) where a translation is missing, the chrome and the search in the
active language, the language selector's target (cms.selectors.translated_url)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation
from wagtail.models import GroupPagePermission, Locale

from cms.selectors import site_chrome, translated_url
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.cms.factories import ContentPageFactory, FAQPageFactory, GuidePageFactory

pytestmark = pytest.mark.django_db

UNTRANSLATED = "Cette page n'est pas encore traduite"


def translate(page, language: str, **fields):
    """simple_translation's « Traduire »: a copy in ``language``'s tree, then its text translated and published."""
    copy = page.copy_for_translation(Locale.objects.get(language_code=language), copy_parents=True)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    copy.refresh_from_db()
    return copy


@pytest.fixture
def site(home):
    en_home = translate(home, "en", title="Home", intro="<p>Feed a detainee's account by bank transfer.</p>")
    ar_home = translate(home, "ar", title="الصفحة الرئيسية", intro="<p>غذِّ حساب الشخص المحتجز بتحويل مصرفي.</p>")
    guide = GuidePageFactory(parent=home, title="Le guide du pécule", slug="guide", show_in_menus=True)
    en_guide = translate(guide, "en", title="The account guide")
    faq = FAQPageFactory(parent=home, title="Questions fréquentes", slug="faq", show_in_menus=True)
    return {"home": home, "en_home": en_home, "ar_home": ar_home, "guide": guide, "en_guide": en_guide, "faq": faq}


def test_the_home_page_in_english_and_arabic(client, site):
    english = client.get("/en/")
    assert english.status_code == 200
    assert "Feed a detainee's account by bank transfer." in english.content.decode()
    arabic = client.get("/ar/").content.decode()
    assert "غذِّ حساب الشخص المحتجز بتحويل مصرفي." in arabic
    assert "Feed a detainee" not in client.get("/").content.decode()


def test_a_guide_at_its_english_address(client, site):
    assert site["en_guide"].url == "/en/guide/"
    response = client.get("/en/guide/")
    assert response.status_code == 200
    assert "The account guide" in response.content.decode()
    assert UNTRANSLATED not in response.content.decode()


def test_a_page_without_translation_shows_the_french_page_with_a_note(client, site):
    with translation.override("en"):
        note = translation.gettext(f"{UNTRANSLATED} : elle est affichée en français.")
    response = client.get("/en/faq/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Questions fréquentes" in body
    assert note in body
    assert 'id="untranslated-notice"' in body
    french = client.get("/faq/").content.decode()
    assert 'id="untranslated-notice"' not in french


def test_an_unknown_address_is_still_not_found(client, site):
    assert client.get("/en/nowhere/").status_code == 404
    assert client.get("/nowhere/").status_code == 404


def test_the_menu_shows_the_pages_of_the_active_language(rf, site):
    with translation.override("en"):
        request = rf.get("/en/")
        menu = site_chrome(request)["menu"]
    assert {"url": "/en/guide/", "title": "The account guide"} in menu
    assert {"url": "/en/faq/", "title": "Questions fréquentes"} in menu  # untranslated: French, at /en/
    with translation.override("fr"):
        french = site_chrome(rf.get("/"))["menu"]
    assert {"url": "/guide/", "title": "Le guide du pécule"} in french


def test_the_search_searches_the_active_language(client, site):
    english = client.get("/en/recherche/", {"q": "guide"}).content.decode()
    assert "The account guide" in english
    assert "Le guide du pécule" not in english
    french = client.get("/recherche/", {"q": "guide"}).content.decode()
    assert "Le guide du pécule" in french
    assert "The account guide" not in french


def test_the_site_map_in_english(client, site):
    body = client.get("/en/plan-du-site/").content.decode()
    assert 'href="/en/guide/"' in body
    assert "The account guide" in body
    assert 'href="/en/faq/"' in body


def test_translated_url(site):
    assert translated_url("/guide/", "en") == "/en/guide/"
    assert translated_url("/en/guide/", "fr") == "/guide/"
    assert translated_url("/en/guide/", "en") == "/en/guide/"
    assert translated_url("/", "ar") == "/ar/"
    assert translated_url("/ar/", "fr") == "/"
    assert translated_url("/en/", "ar") == "/ar/"
    assert translated_url("/guide/imprimer/", "en") == "/en/guide/imprimer/"
    assert translated_url("/guide/?page=2", "en") == "/en/guide/"


def test_translated_url_is_none_without_a_translation(site):
    assert translated_url("/faq/", "en") is None  # no English FAQ
    assert translated_url("/guide/", "ar") is None  # no Arabic guide
    assert translated_url("/mon-espace/", "en") is None  # not a content page: the same route in English
    assert translated_url("/guide/", "de") is None


def test_translated_url_ignores_a_draft_translation(home):
    page = ContentPageFactory(parent=home, title="Actualités", slug="actualites")
    translate(home, "en", title="Home")
    draft = page.copy_for_translation(Locale.objects.get(language_code="en"))
    assert not draft.live
    assert translated_url("/actualites/", "en") is None


def test_the_language_selector_leads_to_the_translation(client, site):
    response = client.post("/langue/", {"language": "en", "next": "/guide/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/guide/"
    response = client.post("/langue/", {"language": "fr", "next": "/en/guide/"})
    assert response["Location"] == "/guide/"
    # No Arabic guide: the selector goes to the same address in Arabic, which shows the French guide with the note.
    response = client.get("/ar/guide/")
    assert response.status_code == 200
    assert 'id="untranslated-notice"' in response.content.decode()


# -- the editors' report « Traductions manquantes » -------------------------------------------------------------
def report_rows(client) -> str:
    response = client.get(reverse("cms_missing_translations"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_report_lists_the_pages_lacking_a_translation(client, communication, site):
    login_staff(client, communication)
    body = report_rows(client)
    assert "Traductions manquantes" in body
    table = body[body.index('id="missing-translations"'):]
    assert "Questions fréquentes" in table  # neither English nor Arabic
    assert "Le guide du pécule" in table  # English, no Arabic
    assert "Accueil" not in table.split("</table>")[0]  # translated in both
    submit = reverse("simple_translation:submit_page_translation", args=[site["faq"].pk])
    assert f'href="{submit}"' in table
    guide_row = table[table.index("Le guide du pécule"):].split("</tr>")[0]
    assert 'data-language="ar"' in guide_row
    assert 'data-language="en"' not in guide_row


def test_a_draft_translation_is_still_missing_and_linked_to_its_editor(client, communication, site):
    draft = site["faq"].copy_for_translation(Locale.objects.get(language_code="en"))
    login_staff(client, communication)
    table = report_rows(client)
    faq_row = table[table.index("Questions fréquentes", table.index('id="missing-translations"')):].split("</tr>")[0]
    assert reverse("wagtailadmin_pages:edit", args=[draft.pk]) in faq_row
    assert "brouillon" in faq_row


def test_the_report_shows_only_what_the_editor_may_edit(client, site):
    group = Group.objects.create(name="Rédaction des guides")
    GroupPagePermission.objects.create(group=group, page=site["guide"], permission=Permission.objects.get(
        content_type__app_label="wagtailcore", codename="change_page"))
    user = StaffFactory(username="guides", role="communication")
    user.groups.set([group, Group.objects.get(name="communication")])
    GroupPagePermission.objects.filter(group__name="communication").delete()
    login_staff(client, user)
    table = report_rows(client)
    table = table[table.index('id="missing-translations"'):]
    assert "Le guide du pécule" in table
    assert "Questions fréquentes" not in table


def test_the_communication_team_may_translate(communication):
    assert communication.has_perm("simple_translation.submit_translation")
    assert set(Locale.objects.values_list("language_code", flat=True)) >= {"fr", "en", "ar"}


# -- the demo site in three languages (load_demo) --------------------------------------------------------------
def test_the_demo_ships_the_home_page_the_guides_and_the_faq_in_english_and_arabic(client, demo_site):
    from cms.demo_i18n import untranslated_texts
    from cms.models import FAQPage, GuidePage, HomePage

    english = client.get("/en/").content.decode()
    assert "Send money safely to a detainee's prison account" in english
    assert 'href="/en/sending-money-to-the-prison-account/"' in english  # the service leads to the English guide
    arabic = client.get("/ar/").content.decode()
    assert "واحجز مواعيد زياراتك عبر الإنترنت" in arabic
    guide = client.get("/en/sending-money-to-the-prison-account/")
    assert guide.status_code == 200
    body = guide.content.decode()
    assert "Sending money to the prison account" in body
    assert "Register a visiting permit in your account" in body
    assert 'id="untranslated-notice"' not in body
    # Its links to pages not translated yet keep the reader in English (the French page, with the note).
    assert 'href="/en/tutoriels/"' in body and 'href="/en/contact/"' in body
    faq = client.get("/ar/frequently-asked-questions/").content.decode()
    assert "كيف أحجز موعد زيارة؟" in faq
    parloir = client.get("/en/booking-a-prison-visit/").content.decode()
    assert "Booking a prison visit made simple" in parloir
    assert 'href="/en/sending-money-to-the-prison-account/"' in parloir  # its link to the other guide, translated
    # Every French text of these pages has its English and Arabic.
    french = [HomePage.objects.get(locale__language_code="fr"),
              *GuidePage.objects.filter(locale__language_code="fr"), FAQPage.objects.get(locale__language_code="fr")]
    assert untranslated_texts(french) == set()
    # The French home page is as it was.
    assert "Alimentez le pécule d'une personne détenue par virement" in client.get("/").content.decode()


def test_the_demo_is_loaded_twice_the_same(demo_site):
    from wagtail.models import Page

    from sandbox.demo import load_demo

    before = sorted(Page.objects.values_list("pk", "title", "locale__language_code", "live"))
    load_demo()
    assert sorted(Page.objects.values_list("pk", "title", "locale__language_code", "live")) == before
    assert Page.objects.filter(locale__language_code="en").count() == 4  # home, two guides, FAQ
    assert Page.objects.filter(locale__language_code="ar").count() == 4


def test_the_demo_report_lists_the_untranslated_pages(client, demo_site):
    from django.contrib.auth import get_user_model

    communication = get_user_model().objects.get(username="communication")
    login_staff(client, communication)
    table = report_rows(client)
    table = table[table.index('id="missing-translations"'):].split("</table>")[0]
    assert "Tutoriels vidéo" in table
    assert "Contact" in table
    assert "Questions fréquentes" not in table
    assert "L&#x27;alimentation du pécule</a>" not in table  # the guide (the news item beside it is listed)
    assert "La prise de rendez-vous parloir se simplifie</a>" not in table



def test_a_page_shown_in_french_at_another_languages_address_says_its_text_is_french(client, site):
    page = client.get("/en/faq/").content.decode()
    assert 'id="untranslated-notice"' in page
    assert re.search(r'<div lang="fr">\s*<h1>Questions fréquentes</h1>', page)
    assert '<div lang="fr">' not in client.get("/faq/").content.decode()
    assert '<div lang="fr">' not in client.get("/en/guide/").content.decode()  # translated: in its own language


def test_a_content_page_read_in_english_is_remembered_for_the_return_from_franceconnect(client, site):
    from core.languages import SESSION_KEY

    assert client.get("/en/guide/").status_code == 200
    assert client.session[SESSION_KEY] == "en"
