""""Sélectionnez votre banque" in chromium: the list filters as the relative types (case and accents
ignored), the number of banks shown is announced in a live region, the keyboard reaches only the banks
shown and picks one, axe-core finds nothing; with JavaScript off the search form still filters on the
server. On the production-shaped stack when it can run here, else on the live server (conftest.py)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.relatives import registered_permit, relative_login
from tests.establishments.factories import BankFactory
from transfers import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OTHER_BANKS = ["Société Générale", "Crédit Agricole", "Banque Populaire", "La Banque Postale", "BNP Paribas"]


def _bank_page_as_angela(walk) -> str:
    """Angela logs in through the FranceConnect stand-in; her permit and a 50 € draft are set up directly
    (the flyer walk covers those pages); returns the bank list's path."""
    relative_login(walk)
    registration = registered_permit()
    draft = services.create_draft(relative=registration.relative, permit=registration.permit, amount=Decimal("50"))
    return f"/mon-espace/virements/{draft.reference}/banque/"


def _shown(page) -> list[str]:
    return [" ".join(name.split()) for name in
            page.locator("#bank-list li:not([hidden]) button .portail-bank__name").all_inner_texts()]


def test_the_bank_list_in_a_browser(walker, browser, portal):
    """One portal for both walks (each transactional test would reload the demo and start the stack again)."""
    for name in OTHER_BANKS:
        BankFactory(name=name)
    as_you_type(walker)
    without_javascript(walker, browser, portal)


def as_you_type(walker):
    walk = walker("recherche-banque", DESKTOP)
    page = walk.page
    path = _bank_page_as_angela(walk)
    everyone = ["Banque de Démonstration", "Banque du Littoral", "Banque Populaire", "BNP Paribas", "Crédit Agricole",
                "Crédit des Volcans", "La Banque Postale", "Société Générale"]  # in the reader's order (3 demo banks)

    page.goto(path)
    status = page.locator("#bank-count")
    expect(page.get_by_role("heading", name="Sélectionnez votre banque")).to_be_visible()
    expect(status).to_have_text("8 banques disponibles")
    expect(status).to_have_attribute("aria-live", "polite")
    assert _shown(page) == everyone
    walk.visit("liste-complete")

    search = page.get_by_label("Rechercher votre banque")
    search.focus()
    page.keyboard.type("societe")  # no accent, lower case
    expect(page.get_by_role("button", name="Société Générale")).to_be_visible()
    expect(page.get_by_role("button", name="Crédit Agricole")).to_be_hidden()
    expect(status).to_have_text("1 banque correspond")
    assert _shown(page) == ["Société Générale"]
    expect(page).to_have_url(re.compile(r"\?q=societe$"))  # a reload shows the same list (server-side)
    walk.visit("recherche-societe")

    search.fill("")
    page.keyboard.type("BANQUE")
    expect(status).to_have_text("4 banques correspondent")
    assert _shown(page) == ["Banque de Démonstration", "Banque du Littoral", "Banque Populaire", "La Banque Postale"]

    search.fill("")
    page.keyboard.type("zzz")
    expect(status).to_have_text("Aucune banque ne correspond à votre recherche.")
    expect(page.locator("#bank-choice")).to_be_hidden()
    assert _shown(page) == []
    walk.visit("aucune-banque")

    # Enter filters in place: no round trip to the server (the page's own state survives).
    page.evaluate("() => { window.pageStayed = true; }")
    page.keyboard.press("Enter")
    expect(status).to_have_text("Aucune banque ne correspond à votre recherche.")
    assert page.evaluate("() => window.pageStayed === true")

    search.fill("")
    page.keyboard.type("  crédit ")
    expect(status).to_have_text("2 banques correspondent")
    assert _shown(page) == ["Crédit Agricole", "Crédit des Volcans"]
    search.fill("")
    search.dispatch_event("input")
    expect(status).to_have_text("8 banques disponibles")
    assert _shown(page) == everyone

    # With the keyboard only: the search, "Rechercher", then the one bank shown (hidden ones are skipped).
    page.keyboard.type("démonstration")
    expect(status).to_have_text("1 banque correspond")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Rechercher"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Banque de Démonstration"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/sandbox/banque/connexion/"))

    assert walk.violations == {}, walk.report()
    assert walk.console_errors == [] and walk.broken == []


def without_javascript(walker, browser, portal):
    """The search form alone filters on the server; on a phone, the filtered list passes axe-core too."""
    walk = walker("recherche-banque-telephone", PHONE)
    path = _bank_page_as_angela(walk)
    walk.page.goto(path)
    walk.page.get_by_label("Rechercher votre banque").fill("Banque")
    expect(walk.page.locator("#bank-count")).to_have_text("4 banques correspondent")
    walk.visit("telephone-recherche")
    assert walk.violations == {}, walk.report()

    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="fr-FR", base_url=portal.url)
    try:
        context.add_cookies(walk.context.cookies())
        page = context.new_page()
        page.goto(path)
        expect(page.locator("#bank-count")).to_have_text("8 banques disponibles")
        page.get_by_label("Rechercher votre banque").fill("SOCIÉTÉ")
        with page.expect_navigation():
            page.get_by_role("button", name="Rechercher").click()
        expect(page).to_have_url(re.compile(r"\?q=SOCI%C3%89T%C3%89$"))
        expect(page.locator("#bank-count")).to_have_text("1 banque correspond")
        assert _shown(page) == ["Société Générale"]
        expect(page.get_by_role("button", name="Crédit Agricole")).to_be_hidden()
        page.get_by_label("Rechercher votre banque").fill("zzz")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("#bank-count")).to_have_text("Aucune banque ne correspond à votre recherche.")
        assert _shown(page) == []
    finally:
        context.close()
