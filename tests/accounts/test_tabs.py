"""The tabs of "Mon espace" the flyer names ("Accueil", "Pécule"): a navigation between pages, the
current tab marked aria-current="page" (no JavaScript needed), "Mes rendez-vous" announced, not a
dead link."""

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


@pytest.mark.parametrize(("path", "current", "other"),
                         [("/mon-espace/", "Accueil", "Pécule"), ("/mon-espace/pecule/", "Pécule", "Accueil"),
                          ("/mon-espace/permis/ajouter/", "Pécule", "Accueil")])
def test_the_current_tab_is_marked_for_screen_readers_and_the_other_is_a_plain_link(path, current, other):
    nav = tabs_of(path)
    found = links(nav)
    assert set(found) == {"Accueil", "Pécule"}
    assert 'aria-current="page"' in found[current]
    assert "aria-current" not in found[other]
    assert 'href="/mon-espace/"' in found["Accueil"] and 'href="/mon-espace/pecule/"' in found["Pécule"]
    assert "fr-btn" not in nav  # tabs, not two buttons


def test_mes_rendez_vous_is_announced_as_coming_not_a_link():
    nav = tabs_of("/mon-espace/")
    assert "Mes rendez-vous" in nav and "Bientôt disponible" in nav
    assert "Mes rendez-vous" not in links(nav)
    assert nav.index("Accueil") < nav.index("Pécule") < nav.index("Mes rendez-vous")


@pytest.mark.parametrize("path", ["/mon-espace/", "/mon-espace/pecule/"])
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
