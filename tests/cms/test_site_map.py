"""RGAA 12.5: two ways to find a page: the DSFR header search on every public page (to the search results
page), and the "Plan du site" (linked in the footer of every page) listing the content pages' tree, the
portal's own pages and "Mon espace"."""

from __future__ import annotations

import html
import re

import pytest

from tests.cms.factories import ContentPageFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def header_of(page: str) -> str:
    return page[page.index('<header role="banner"'):page.index("</header>")]


def links(fragment: str) -> dict[str, str]:
    return {re.sub(r"<[^>]+>|\s+", " ", label).strip(): href
            for href, label in re.findall(r'<a\b[^>]*href="([^"]*)"[^>]*>(.*?)</a>', fragment, re.S)}


@pytest.mark.parametrize("url", ["/contact/", "/accessibilite/", "/plan-du-site/", "/alimentation-du-pecule/",
                                 "/recherche/"])
def test_every_public_page_has_the_header_search_to_the_results_page(client, demo_site, url):
    response = client.get(url)
    assert response.status_code == 200
    header = header_of(text(response))
    form = re.search(r'<form class="fr-search-bar" id="header-search" role="search" method="get" action="([^"]+)">'
                     r"(.*?)</form>", header, re.S)
    assert form, "no search form in the header"
    assert form.group(1) == "/recherche/"
    assert '<label class="fr-label" for="header-search-input">Rechercher sur le site</label>' in form.group(2)
    assert 'name="q"' in form.group(2)
    assert 'class="fr-header__search fr-modal" id="modal-search"' in header
    assert 'aria-controls="modal-search"' in header  # the phone's "Rechercher" button opens it


def test_the_header_search_finds_a_page(client, demo_site):
    page = text(client.get("/recherche/", {"q": "pécule"}))
    assert re.search(r"\d+ résultats? pour « pécule »", page)


def test_the_site_map_lists_the_content_pages_the_portals_pages_and_mon_espace(client, demo_site):
    ContentPageFactory(parent=demo_site, title="Nouvelle rubrique", slug="nouvelle-rubrique")
    response = client.get("/plan-du-site/")
    assert response.status_code == 200
    page = text(response)
    assert "<title>Plan du site — Portail des proches</title>" in page
    main = page[page.index('<main id="content"'):page.index("</main>")]
    found = links(main)
    assert found["Accueil"] == "/"
    assert found["Nouvelle rubrique"] == "/nouvelle-rubrique/"
    assert found["Mentions légales"] == "/mentions-legales/"
    assert found["L'alimentation du pécule"] == "/alimentation-du-pecule/"
    # The tree's second level, inside its parent's item.
    tutorials = main[main.index('href="/tutoriels/"'):]
    tutorials = tutorials[:tutorials.index("</ul>")]
    assert 'href="/tutoriels/enregistrer-un-permis-de-visite/"' in tutorials
    for title in ("Contact", "Accessibilité", "Rechercher sur le site"):
        assert title in found, title
    assert found["Mon espace"] == "/mon-espace/"
    assert found["Pécule"] == "/mon-espace/pecule/"
    assert found["Historique des virements"] == "/mon-espace/virements/historique/"
    assert found["Ajouter un permis de visite"] == "/mon-espace/permis/ajouter/"
    assert len(re.findall(r'href="/contact/"', main)) == 1  # the content page and the fixed URL: once
    assert "(après identification avec FranceConnect)" in main


def test_an_unpublished_page_is_not_in_the_site_map(client, demo_site):
    hidden = ContentPageFactory(parent=demo_site, title="Rubrique retirée", slug="rubrique-retiree")
    hidden.unpublish()
    assert "Rubrique retirée" not in text(client.get("/plan-du-site/"))


def test_the_site_map_is_in_every_pages_footer_before_the_accessibility_status(client, demo_site):
    page = text(client.get("/contact/"))
    bottom = page[page.index('class="fr-footer__bottom-list"'):]
    assert re.search(r'<a class="fr-footer__bottom-link" href="/plan-du-site/">Plan du site</a>', bottom)
    assert bottom.index("Plan du site") < bottom.index("Accessibilité")


def test_the_site_map_without_a_content_site(client):
    response = client.get("/plan-du-site/")
    assert response.status_code == 200
    assert "Mon espace" in text(response)
