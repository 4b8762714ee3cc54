"""The menu, the footer links and the DSFR configuration are read once and cached; every change the
communications team makes (publish, unpublish, move, delete, DSFR settings) shows on the next page."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cms.factories import ContentPageFactory

pytestmark = pytest.mark.django_db


def nav(client, url: str = "/contact/") -> str:
    body = html.unescape(client.get(url).content.decode())
    start = body.index('id="fr-navigation"')
    return body[start:body.index("</nav>", start)]


def footer(client, url: str = "/contact/") -> str:
    body = html.unescape(client.get(url).content.decode())
    return body[body.index('id="footer"'):]


def test_pages_after_the_first_read_no_page_tree_nor_dsfr_configuration(client, demo_site):
    from tests.transfers.factories import RelativeFactory

    client.force_login(RelativeFactory().user)
    first = nav(client, "/mon-espace/")
    with CaptureQueriesContext(connection) as queries:
        assert nav(client, "/mon-espace/") == first
        assert "Questions fréquentes" in nav(client, "/mon-espace/virements/historique/")
    chrome = [q["sql"] for q in queries if "dsfr_" in q["sql"] or "wagtailcore_" in q["sql"]]
    assert chrome == []


def test_a_published_page_enters_the_menu_and_an_unpublished_one_leaves_it(client, demo_site):
    assert "Nouvelle rubrique" not in nav(client)
    page = ContentPageFactory(parent=demo_site, title="Nouvelle rubrique", slug="nouvelle-rubrique",
                              show_in_menus=True)
    assert '<a class="fr-nav__link" href="/nouvelle-rubrique/"' in nav(client)
    page.unpublish()
    assert "Nouvelle rubrique" not in nav(client)


def test_a_renamed_footer_page_shows_its_new_title_and_a_deleted_one_goes(client, demo_site):
    from cms.models import ContentPage

    legal = ContentPage.objects.get(slug="mentions-legales")
    assert "Mentions légales" in footer(client)
    legal.title = "Informations légales"
    legal.save_revision().publish()
    assert 'href="/mentions-legales/">Informations légales</a>' in footer(client)
    legal.delete()
    assert "/mentions-legales/" not in footer(client)


def test_a_change_of_the_dsfr_configuration_shows_at_once(client, demo_site):
    from dsfr.models import DsfrConfig

    client.get("/contact/")
    config = DsfrConfig.objects.first() or DsfrConfig.objects.create(language="fr", site_title="Portail des proches")
    config.notice_title = "Maintenance prévue samedi"
    config.save()
    assert "Maintenance prévue samedi" in html.unescape(client.get("/contact/").content.decode())
