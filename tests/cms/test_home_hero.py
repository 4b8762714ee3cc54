"""The home page: the site's name once (in the header), the main action right after the page's title (the
FranceConnect button for a visitor, "Faire un virement" and "Accéder à mon espace" for a logged-in relative),
and each service card's link named by its title, its detail saying where it leads (RGAA 6.1)."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from tests.transfers.factories import RelativeFactory

pytestmark = pytest.mark.django_db

SITE_NAME = "Le portail des services de l'administration pénitentiaire pour les proches des personnes détenues"


def main_of(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    return page[page.index('<main id="content"'):page.index("</main>")]


def relative_client() -> Client:
    client = Client()
    client.force_login(RelativeFactory().user)
    return client


@pytest.mark.parametrize("content_site", [True, False])
def test_a_visitor_sees_the_title_then_the_franceconnect_button(client, content_site, request):
    if content_site:
        request.getfixturevalue("demo_site")
    main = main_of(client)
    assert SITE_NAME not in main  # once, in the header
    assert main.count("<h1") == 1
    title = main.index('<h1 class="portail-home-hero__title">Vos démarches pour un proche détenu</h1>')
    button = main.index('id="franceconnect-button"')
    intro = main.index('class="portail-home-hero__intro"')
    assert title < main.index("Accéder à votre espace personnel") < button < intro


@pytest.mark.parametrize("content_site", [True, False])
def test_a_logged_in_relative_sees_faire_un_virement_and_mon_espace_first(content_site, request):
    if content_site:
        request.getfixturevalue("demo_site")
    main = main_of(relative_client())
    assert 'id="franceconnect-button"' not in main
    action = main[main.index('id="connexion"'):main.index('class="portail-home-hero__intro"')]
    assert '<a class="fr-btn" id="home-main-action" href="/mon-espace/pecule/">Faire un virement</a>' in action
    assert 'href="/mon-espace/">Accéder à mon espace</a>' in action


def service_cards(main: str) -> dict[str, str]:
    """Each service card's link text → its detail."""
    return {title: detail for title, detail in re.findall(
        r'<h3 class="fr-card__title"><a href="[^"]*">([^<]*)</a></h3>.*?<p class="fr-card__detail">([^<]*)</p>',
        main, re.S)}


def test_each_card_is_named_by_its_title_and_says_where_it_leads(client, demo_site):
    cards = service_cards(main_of(client))
    assert cards["Faire un virement"] == "Lire le guide « L'alimentation du pécule »"
    assert cards["Prendre un rendez-vous parloir"] == "Lire le guide « La prise de rendez-vous parloir se simplifie »"
    assert 'class="fr-card fr-enlarge-link"' in main_of(client)


def test_for_a_logged_in_relative_the_card_says_it_leads_to_the_pecule_tab(demo_site):
    cards = service_cards(main_of(relative_client()))
    assert cards["Faire un virement"] == "Onglet « Pécule » de votre espace"
    assert cards["Prendre un rendez-vous parloir"] == "Onglet « Accueil » de votre espace"
