"""The guide « La prise de rendez-vous parloir se simplifie » (load_demo), written like the pécule guide: numbered
steps with the site's labels and buttons, the printable A4 view with its QR code, the PDF; the home page's service
"Prendre un rendez-vous parloir" and the FAQ link it; the "Données personnelles" page says what the parloir keeps
and for how long, from the setting."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from cms.models import ContentPage, FAQPage, GuidePage
from tests.transfers.factories import RelativeFactory

from .test_guide import heading_texts, pictured_buttons, substep_labels, visible_text
from .test_home_services import service_href

pytestmark = pytest.mark.django_db

URL = "/prise-de-rendez-vous-parloir/"
TITLE = "La prise de rendez-vous parloir se simplifie"
HEADINGS = [
    "1a. Ouvrir le site du portail", "1b. Se connecter avec FranceConnect",
    "1c. Choisir un partenaire de FranceConnect",
    "2a. Choisir « Prendre un rendez-vous parloir » sur le permis de visite", "2b. Choisir un créneau",
    "2c. Indiquer qui vient", "2d. Confirmer le rendez-vous",
    "3a. Retrouver vos rendez-vous", "3b. Annuler un rendez-vous",
    "4a. Vous présenter à l'heure", "4b. Apporter ce qui est demandé",
]
# The site's own labels, as the relative reads them on the pages (DESIGN.md).
BUTTONS = ["S’identifier avec FranceConnect", "Prendre un rendez-vous parloir", "Choisir ce créneau",
           "Confirmer le rendez-vous", "Annuler le rendez-vous"]
SCREENS = ["Votre rendez-vous parloir est réservé", "Mes rendez-vous"]


def guide() -> GuidePage:
    return GuidePage.objects.get(slug="prise-de-rendez-vous-parloir")


def test_the_guide_is_published_at_its_address_after_load_demo(client, demo_site):
    page = guide()
    assert page.title == TITLE and page.live and page.url == URL
    assert page.get_parent().specific == demo_site
    response = client.get(URL)
    assert response.status_code == 200
    assert f"<title>{TITLE} — Portail des proches</title>" in html.unescape(response.content.decode())


def test_its_steps_are_numbered_with_the_sites_buttons_and_screens(client, demo_site):
    assert substep_labels(guide()) == [h.split(".")[0] for h in HEADINGS]
    raw = client.get(URL).content.decode()
    assert heading_texts(raw) == HEADINGS
    assert re.findall(r'<h2 class="portail-step__title"[^>]*><span[^>]*>(\d)\.</span>', raw) == ["1", "2", "3", "4"]
    assert set(BUTTONS) <= set(pictured_buttons(raw))
    text = visible_text(raw)
    for screen in SCREENS:
        assert screen in text, screen
    for words in ("places restantes", "numéro de son permis", "nombre", "pièce d'identité", "permis de visite",
                  "courriel", "jusqu'au délai fixé par l'établissement"):
        assert words in text, words
    assert "bientôt" not in text.lower()
    # The illustration of the sessions' list has its text alternative and phone sizes.
    images = re.findall(r'<img alt="([^"]+)" class="fr-responsive-img"[^>]*srcset="[^"]+ 360w', raw)
    assert any("Choisir ce créneau" in alt for alt in images)


def test_it_links_the_pecule_guide_to_register_a_permit_and_sits_beside_it_in_the_menu(client, demo_site):
    raw = html.unescape(client.get(URL).content.decode())
    assert 'href="/alimentation-du-pecule/">guide « L\'alimentation du pécule » (étape 2)</a>' in raw
    nav = raw[raw.index('id="fr-navigation"'):raw.index("</nav>", raw.index('id="fr-navigation"'))]
    links = re.findall(r'<a class="fr-nav__link" href="([^"]+)"', nav)
    assert links.index(URL) == links.index("/alimentation-du-pecule/") + 1


def test_the_printable_view_is_an_a4_flyer_with_its_qr_code(client, demo_site):
    response = client.get(f"{URL}imprimer/")
    raw = response.content.decode()
    assert response.status_code == 200
    assert '<link rel="stylesheet" href="/static/cms/print.css" media="print">' in raw
    assert heading_texts(raw) == HEADINGS
    qr = re.search(r'<img src="data:image/svg\+xml;[^"]+" alt="([^"]+)"', raw)
    assert qr and html.unescape(qr.group(1)) == "QR code menant à la page d'accueil du portail des proches"
    assert f'href="{URL}pdf/"' in raw


def test_the_pdf_holds_every_step_and_button(client, demo_site):
    response = client.get(f"{URL}pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="la-prise-de-rendez-vous-parloir-se-simplifie.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width == pytest.approx(595.27, abs=0.5)  # A4
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for label in HEADINGS + BUTTONS + SCREENS:
        assert label in text, label
    assert any(page.images for page in reader.pages)  # the QR code


def test_the_home_pages_parloir_service_leads_a_visitor_to_the_guide_and_a_relative_to_their_space(client, demo_site):
    assert service_href(client, "Prendre un rendez-vous parloir") == URL
    body = html.unescape(client.get("/").content.decode())
    assert f"Lire le guide « {TITLE} »" in body
    relative = Client()
    relative.force_login(RelativeFactory().user)
    assert service_href(relative, "Prendre un rendez-vous parloir") == "/mon-espace/"  # the permit cards


def test_load_demo_points_an_older_home_pages_parloir_service_to_the_guide(client, demo_site):
    from sandbox.demo import load_demo

    raw = list(demo_site.services.raw_data)
    for item in raw:
        if item["value"]["title"] == "Prendre un rendez-vous parloir":  # as first published: Mon espace for all
            item["value"].update(page=None, url="/mon-espace/", link_label="Accéder à mon espace")
            item["value"].pop("relative_destination", None)
    demo_site.services = raw
    demo_site.save_revision().publish()
    assert service_href(client, "Prendre un rendez-vous parloir") == "/mon-espace/"
    load_demo()
    assert service_href(client, "Prendre un rendez-vous parloir") == URL

    # A choice of the communication team since (another address) is kept.
    demo_site.refresh_from_db()
    raw = list(demo_site.services.raw_data)
    for item in raw:
        if item["value"]["title"] == "Prendre un rendez-vous parloir":
            item["value"].update(page=None, url="/contact/", relative_destination="")
    demo_site.services = raw
    demo_site.save_revision().publish()
    load_demo()
    assert service_href(client, "Prendre un rendez-vous parloir") == "/contact/"


def test_the_faq_answers_how_to_book_and_links_the_guide(client, demo_site):
    assert FAQPage.objects.get(locale__language_code="fr").url == "/questions-frequentes/"
    body = html.unescape(client.get("/questions-frequentes/").content.decode())
    assert "Comment prendre un rendez-vous parloir ?" in body
    assert f'href="{URL}">{TITLE}</a>' in body


def test_the_personal_data_page_says_what_the_parloir_keeps_and_for_how_long_from_the_setting(
        client, demo_site, settings):
    settings.VISITS_RETENTION_DAYS = 365
    text = visible_text(client.get("/donnees-personnelles/").content.decode())
    assert "Rendez-vous parloir" in text
    for words in ("le nom et le numéro de permis de visite de chaque visiteur adulte", "le nombre d'enfants mineurs",
                  "organiser les visites", "bureau des parloirs et du greffe de l'établissement"):
        assert words in text, words
    assert ("Les rendez-vous parloir sont conservés 365 jours après la date de la visite, puis supprimés "
            "automatiquement la nuit suivante") in text
    settings.VISITS_RETENTION_DAYS = 90  # the operator's setting: the page follows
    text = visible_text(client.get("/donnees-personnelles/").content.decode())
    assert "conservés 90 jours après la date de la visite" in text and "365 jours" not in text


def test_load_demo_adds_the_parloir_to_an_older_personal_data_page_once(client, demo_site):
    from sandbox.demo import load_demo

    page = ContentPage.objects.get(slug="donnees-personnelles")
    page.body = [item for item in page.body.raw_data
                 if item["type"] == "paragraph" and "parloir" not in item["value"]]
    page.save_revision().publish()
    assert "Rendez-vous parloir" not in visible_text(client.get("/donnees-personnelles/").content.decode())
    load_demo()
    load_demo()
    page.refresh_from_db()
    assert [block.block_type for block in page.body].count("visits_retention") == 1
    text = visible_text(client.get("/donnees-personnelles/").content.decode())
    assert text.index("Rendez-vous parloir") < text.index("droits d'accès et de rectification")
