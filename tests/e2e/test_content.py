"""The content team's pages in chromium, on a desktop (1280 px) and a phone (360 px), with axe-core and
screenshots: the guide « L'alimentation du pécule » (descriptive sub-step headings, pictured buttons
that are pictures, the QR code's caption as its text alternative, illustrations drawn with the font),
the déclaration d'accessibilité and the footer's status; and Wagtail's preview panel in /cms/, which
shows the page being edited (the portal's own origin may frame a preview for an editor)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cms.accessibility import DECLARATION
from tests.cms.test_guide import HEADINGS
from tests.e2e.conftest import DESKTOP, PHONE, assert_accessible, staff_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]



@pytest.mark.timeout(600)
def test_the_guide_and_the_accessibility_statement_on_a_desktop_and_a_phone(walker):
    walks = [walker("contenu-bureau", DESKTOP), walker("contenu-telephone", PHONE)]
    for walk in walks:
        page = walk.page
        assert page.goto("/alimentation-du-pecule/").status == 200
        walk.visit("guide")
        headings = page.locator("h3.portail-substep__label").all_inner_texts()
        headings = [re.sub(r"\s+", " ", text).strip() for text in headings]
        assert headings == HEADINGS
        # A pictured button is a captioned picture: not a button, not a link, no pointer.
        pictured = page.get_by_role("group", name="Bouton « Réaliser le virement » à l'écran")
        expect(pictured).to_be_visible()
        expect(pictured.locator("figcaption")).to_have_text("Bouton « Réaliser le virement » à l'écran")
        assert page.get_by_role("button", name="Réaliser le virement").count() == 0
        assert page.get_by_role("link", name="Réaliser le virement").count() == 0
        assert pictured.locator(".portail-pictured-button__button").evaluate("e => getComputedStyle(e).cursor") \
            == "default"
        # The QR code: its text alternative is its visible caption.
        qr = page.locator("figure.portail-qr")
        caption = qr.locator("figcaption").inner_text()
        assert caption == "QR code menant à la page d'accueil du portail des proches"
        assert qr.locator("img").get_attribute("alt") == caption == qr.get_attribute("aria-label")
        # The illustrations are served (drawn with the bundled font: tests/cms/test_illustrations.py).
        for image in page.locator("figure.portail-figure img").all():
            image.scroll_into_view_if_needed()
            expect(image).to_have_js_property("complete", True)
            assert image.evaluate("i => i.naturalWidth") > 0

        # The parloir's guide, built the same way: its steps and its QR code, accessible too.
        assert page.goto("/prise-de-rendez-vous-parloir/").status == 200
        walk.visit("guide-parloir")
        expect(page.get_by_role("heading", level=1)).to_have_text("La prise de rendez-vous parloir se simplifie")
        expect(page.locator("figure.portail-qr")).to_be_visible()

        assert page.goto("/accessibilite/").status == 200
        walk.visit("declaration-accessibilite")
        expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration d'accessibilité")
        for section in ("État de conformité", "Résultats des tests", "Contenus non accessibles",
                        "Amélioration et contact", "Voies de recours", DECLARATION.multi_year_plan.title,
                        DECLARATION.action_plan.title):
            expect(page.get_by_role("heading", level=2, name=section)).to_be_visible()
        expect(page.locator("#footer-accessibility")).to_have_text(f"Accessibilité : {DECLARATION.status}")
        page.get_by_role("link", name="Voies de recours").click()
        expect(page.get_by_text("Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07")).to_be_visible()
        # No horizontal scroll on a phone.
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        walk.shot("declaration-voies-de-recours")
    assert_accessible(*walks)


@pytest.mark.timeout(600)
def test_the_wagtail_preview_panel_shows_the_page_being_edited(walker):
    from cms.models import GuidePage

    walk = walker("cms-previsualisation", DESKTOP)
    refused: list[str] = []
    walk.page.on("console", lambda msg: "frame-ancestors" in msg.text and refused.append(msg.text))
    staff_login(walk, "communication", site="cms")
    page = walk.page
    guide = GuidePage.objects.get(slug="alimentation-du-pecule")
    page.goto(f"/cms/pages/{guide.pk}/edit/")
    page.locator("[data-side-panel-toggle='preview']").first.click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1)).to_have_text(guide.title, timeout=20_000)
    expect(preview.get_by_role("heading", name="1b. Se connecter avec FranceConnect")).to_be_visible()
    walk.shot("previsualisation")
    assert not refused, refused
