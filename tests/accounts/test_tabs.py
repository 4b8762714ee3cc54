"""The tabs of "Mon espace" ("Accueil", "Pécule" from the flyer, then "Mes rendez-vous"): a navigation between
pages, the current tab marked aria-current="page" (no JavaScript needed)."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from tests.transfers.factories import RegisteredPermitFactory

pytestmark = pytest.mark.django_db


def tabs_of(path: str) -> str:
    registration = RegisteredPermitFactory()
    client = Client()
    client.force_login(registration.relative.user)
    response = client.get(path)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    start = page.index('aria-label="Rubriques de mon espace"')
    return page[start:page.index("</nav>", start)]


def links(nav: str) -> dict[str, str]:
    """Each link of the navigation: its text → its attributes."""
    return {re.sub(r"<[^>]+>|\s+", " ", label).strip(): attrs
            for attrs, label in re.findall(r"<a\b([^>]*)>(.*?)</a>", nav, re.S)}


TABS = {"Accueil", "Pécule", "Mes rendez-vous"}


@pytest.mark.parametrize(("path", "current"),
                         [("/mon-espace/", "Accueil"), ("/mon-espace/pecule/", "Pécule"),
                          ("/mon-espace/permis/ajouter/", "Pécule"), ("/mon-espace/rendez-vous/", "Mes rendez-vous")])
def test_the_current_tab_is_marked_for_screen_readers_and_the_others_are_plain_links(path, current):
    nav = tabs_of(path)
    found = links(nav)
    assert set(found) == TABS
    assert 'aria-current="page"' in found[current]
    for other in TABS - {current}:
        assert "aria-current" not in found[other]
    assert 'href="/mon-espace/"' in found["Accueil"] and 'href="/mon-espace/pecule/"' in found["Pécule"]
    assert 'href="/mon-espace/rendez-vous/"' in found["Mes rendez-vous"]
    assert "fr-btn" not in nav  # tabs, not buttons


def test_mes_rendez_vous_is_the_third_tab_and_no_longer_announced_as_coming():
    nav = tabs_of("/mon-espace/")
    assert "Bientôt disponible" not in nav
    assert nav.index("Accueil") < nav.index("Pécule") < nav.index("Mes rendez-vous")


@pytest.mark.parametrize("path", ["/mon-espace/", "/mon-espace/pecule/", "/mon-espace/rendez-vous/"])
def test_one_current_page_per_navigation_mon_espace_is_the_section(path):
    """The header's "Mon espace" marks the section (aria-current="true"); the tab marks the page: never two
    links marked as the current page."""
    registration = RegisteredPermitFactory()
    client = Client()
    client.force_login(registration.relative.user)
    page = html.unescape(client.get(path).content.decode())
    start = page.index('id="fr-navigation"')
    header_nav = page[start:page.index("</nav>", start)]
    assert links(header_nav)["Mon espace"].count('aria-current="true"') == 1
    assert 'aria-current="page"' not in header_nav
    assert tabs_of(path).count('aria-current="page"') == 1
