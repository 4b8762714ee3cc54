"""Every page type of the demo site renders in the DSFR layout, with its title and description, the
menus, headings in order, text alternatives for images, and under the strict CSP of the public site."""

from __future__ import annotations

import html
import re

import pytest

from cms.accessibility import DECLARATION
from cms.models import EstablishmentPage, FAQPage, GuidePage, NewsPage, TutorialPage

PAGES = {
    "/": "Le portail des services de l'administration pénitentiaire pour les proches des personnes détenues",
    "/alimentation-du-pecule/": "L'alimentation du pécule",
    "/alimentation-du-pecule/imprimer/": "Imprimer le flyer (A4)",
    "/tutoriels/": "Tutoriels vidéo",
    "/tutoriels/enregistrer-un-permis-de-visite/": "Transcription",
    "/questions-frequentes/": "Qui peut alimenter le pécule d'une personne détenue ?",
    "/etablissements/": "Centre pénitentiaire de Démonstration",
    "/etablissements/centre-penitentiaire-de-demonstration/": "Plafonds des virements en vigueur",
    "/contact/": "Envoyer le message",
    "/accessibilite/": f"Accessibilité : {DECLARATION.status}",
    "/mentions-legales/": "Directeur de la publication",
    "/donnees-personnelles/": "droits d'accès et de rectification",
    "/actualites/": "L'alimentation du pécule, le nouveau service du portail",
    "/actualites/alimentation-du-pecule-nouveau-service/": "Suivez le guide pas à pas",
    "/recherche/?q=pécule": "résultat",
}


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_demo_page_renders_in_the_dsfr_layout_under_the_strict_csp(client, demo_site, path):
    response = client.get(path)
    assert response.status_code == 200
    body = text(response)
    assert PAGES[path] in body
    assert '<header role="banner" class="fr-header">' in body and 'id="footer"' in body
    assert re.search(r'<a class="fr-nav__link" href="/contact/"[^>]*>Contact</a>', body)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    raw = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", raw)
    assert "style=" not in raw and "<style" not in raw and not re.search(r"\son[a-z]+=", raw)


@pytest.mark.django_db
@pytest.mark.parametrize("path", [p for p in PAGES if "?" not in p])
def test_headings_are_in_order_and_every_image_has_a_text_alternative(client, demo_site, path):
    raw = client.get(path).content.decode()
    main = raw[raw.index('<main id="content"'):raw.index("</main>")]
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", main)]
    assert levels and levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    for img in re.findall(r"<img\b[^>]*>", main):  # the DSFR's own decorative artwork (alt="") is outside
        alt = re.search(r'\salt="([^"]*)"', img)
        assert alt and alt.group(1).strip(), img


@pytest.mark.django_db
def test_the_home_page_is_the_wagtail_home_with_franceconnect_services_and_news(client, demo_site):
    body = text(client.get("/"))
    assert "<title>Accueil — Portail des proches</title>" in body
    assert '<meta name="description" content="Le portail des services' in body
    assert '<span class="fr-connect__login">S’identifier avec</span>' in body
    assert re.search(r'<form method="post" action="/connexion/franceconnect/" class="fr-connect-group">', body)
    assert 'href="/alimentation-du-pecule/"' in body  # the home page links the guide
    assert "Faire un virement" in body and "Prendre un rendez-vous parloir" in body
    assert "L'alimentation du pécule, le nouveau service du portail" in body  # latest news


@pytest.mark.django_db
def test_menus_link_the_content_pages_and_the_footer_the_legal_pages(client, demo_site):
    body = text(client.get("/contact/"))
    nav = body[body.index('id="fr-navigation"'):body.index("</nav>", body.index('id="fr-navigation"'))]
    for href, label in (("/alimentation-du-pecule/", "L'alimentation du pécule"), ("/tutoriels/", "Tutoriels vidéo"),
                        ("/questions-frequentes/", "Questions fréquentes"), ("/etablissements/", "Établissements")):
        assert re.search(rf'<a class="fr-nav__link" href="{href}"[^>]*>{re.escape(label)}</a>', nav), label
    assert nav.count(">Contact</a>") == 1
    footer = body[body.index('id="footer"'):]
    assert 'href="/mentions-legales/">Mentions légales</a>' in footer
    assert 'href="/donnees-personnelles/">Données personnelles</a>' in footer
    assert f"Accessibilité : {DECLARATION.status}" in footer


@pytest.mark.django_db
def test_fixed_urls_are_served_by_wagtail_once_the_site_exists(client, demo_site):
    assert "Envoyer le message" in text(client.get("/contact/"))  # the Wagtail form, not the plain page
    # The accessibility statement is not a Wagtail page: it is made from the audit's data (cms.accessibility).
    body = text(client.get("/accessibilite/"))
    assert "<title>Déclaration d'accessibilité — Portail des proches</title>" in body
    assert f"est {DECLARATION.status} avec le référentiel" in re.sub(r"<[^>]+>", "", body)


@pytest.mark.django_db
def test_a_draft_page_is_not_served_searched_nor_in_the_sitemap(client, demo_site):
    from tests.cms.factories import ContentPageFactory

    ContentPageFactory(title="Brouillon secret", slug="brouillon", publish=False)
    assert client.get("/brouillon/").status_code == 404
    assert "Brouillon secret" not in text(client.get("/recherche/?q=Brouillon"))
    assert "/brouillon/" not in client.get("/sitemap.xml").content.decode()


@pytest.mark.django_db
def test_site_search_finds_the_guide_and_the_sitemap_lists_the_pages(client, demo_site):
    body = text(client.get("/recherche/?q=virement"))
    assert 'href="/alimentation-du-pecule/">L\'alimentation du pécule</a>' in body
    assert "Aucun résultat" in text(client.get("/recherche/?q=zzzzinexistant"))
    sitemap = client.get("/sitemap.xml").content.decode()
    for page in (GuidePage, TutorialPage, FAQPage, EstablishmentPage, NewsPage):
        assert page.objects.first().url in sitemap


@pytest.mark.django_db
def test_without_the_content_site_the_fixed_pages_keep_working(client, settings):
    assert "S’identifier avec" in text(client.get("/"))
    assert settings.SUPPORT_EMAIL in text(client.get("/contact/"))
    assert client.post("/contact/", {}).status_code in (403, 405)


@pytest.mark.django_db
def test_load_demo_rebuilds_wagtails_tree_on_an_emptied_database(client):
    """Transactional tests empty every table, Wagtail's root page and collection included."""
    from django.db import connection
    from wagtail.models import (
        Collection,
        GroupCollectionPermission,
        GroupPagePermission,
        Locale,
        Page,
        Site,
        Task,
        Workflow,
    )

    from accounts.models import User
    from sandbox.demo import load_demo

    Site.objects.all().delete()
    Workflow.objects.all().delete()
    Task.objects.all().delete()
    with connection.cursor() as cursor:  # what a flush does: no page tree is left at all
        cursor.execute(f"DELETE FROM {GroupPagePermission._meta.db_table}")
        cursor.execute(f"DELETE FROM {GroupCollectionPermission._meta.db_table}")
        cursor.execute(f"DELETE FROM {Page._meta.db_table}")
        cursor.execute(f"DELETE FROM {Collection._meta.db_table}")
        cursor.execute(f"DELETE FROM {Locale._meta.db_table}")
    load_demo()
    assert "S’identifier avec" in text(client.get("/")) and "Accueil — Portail des proches" in text(client.get("/"))
    assert client.get("/alimentation-du-pecule/").status_code == 200
    guide = GuidePage.objects.get(slug="alimentation-du-pecule")
    assert guide.permissions_for_user(User.objects.get(username="communication")).can_publish()
    assert guide.get_workflow() is not None
