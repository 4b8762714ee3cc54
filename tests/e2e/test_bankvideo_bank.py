"""The sandbox bank's pages in chromium, on a desktop and on a 360-px phone: its own look (not the DSFR),
the demonstration banner, the amount in the French format, touch-size buttons, no horizontal scroll, and
axe-core with no violation (the relatives go through these pages)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sandbox.bank import services as bank
from tests.e2e.conftest import DESKTOP, PHONE
from tests.sandbox.test_bank_statement import _body

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _payment(portal, e2e: str):
    body = _body(e2e, "50.00", "FR7610007000010000000000109")
    body["supplementaryData"].update(successfulReportUrl=f"{portal.url}/", unsuccessfulReportUrl=f"{portal.url}/")
    payment, _ = bank.receive_payment_request(client_id="pisp", request_id=e2e, body=body)
    return payment


def test_the_bank_pages_on_a_desktop_and_a_phone(walker, portal):
    for name, viewport in (("banque-bureau", DESKTOP), ("banque-telephone", PHONE)):
        payment = _payment(portal, f"PDPE2E{viewport['width']}")
        walk = walker(name, viewport)
        page = walk.page
        page.goto(f"/sandbox/banque/virement/{payment.resource_id}/")
        expect(page).to_have_url(re.compile(r"/sandbox/banque/connexion/"))
        expect(page.get_by_text("ceci n'est pas une vraie banque")).to_be_visible()
        walk.visit("connexion")
        page.get_by_label("Identifiant").fill("demo")
        page.get_by_label("Mot de passe").fill("faux")
        page.get_by_role("button", name="Valider").click()
        expect(page.get_by_role("alert")).to_have_text("Identifiant ou mot de passe incorrect.")
        expect(page).to_have_title(re.compile(r"^Erreur : "))
        walk.visit("connexion-erreur")
        page.get_by_label("Identifiant").fill("demo")
        page.get_by_label("Mot de passe").fill("demo")
        page.get_by_role("button", name="Valider").click()
        expect(page.get_by_role("heading", name="Confirmer un virement ponctuel")).to_be_visible()
        expect(page.get_by_text("50,00\u00a0€")).to_be_visible()
        walk.visit("confirmer")

        # Its own look: not the portal's DSFR stylesheet, not the Marianne font.
        sheets = page.evaluate("() => [...document.styleSheets].map(s => s.href || '')")
        assert any(s.endswith("/static/sandbox/bank/bank.css") for s in sheets), sheets
        assert not any("dsfr" in s for s in sheets), sheets
        assert "Marianne" not in page.evaluate("() => getComputedStyle(document.body).fontFamily")
        # Touch-size buttons, nothing wider than the screen.
        for button in ("Confirmer", "Annuler"):
            box = page.get_by_role("button", name=button).bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44, (button, box)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]

        page.get_by_role("button", name="Annuler").click()
        expect(page).to_have_url(f"{portal.url}/")
        assert not walk.violations, f"{name} — violations WCAG 2.1 AA :\n{walk.report()}"
        # The one answer in error: the wrong password's page (400), nothing else (the stylesheet, the logo).
        assert [b.split("?")[0].rsplit("/sandbox", 1)[-1] for b in walk.broken] == ["/banque/connexion/"], walk.broken
        assert not walk.console_errors, walk.console_errors
