"""The relatives' forms in chromium, on a desktop (1280 px) and a phone (360 px), axe-core clean: the amount
form after an error (the error summary takes the focus, "Erreur : " in the title, the field aria-invalid, the
summary's link leads to the field), the bank list (a visible label on the search, the logos or initials, the
buttons aligned with the text, "Modifier le montant" keeping the amount), "Ajouter un permis de visite" with
its required fields announced, the contact form after an error, and the FAQ's search with its label shown.
Screenshots in artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.relatives import registered_permit, relative_login
from tests.establishments.factories import BankFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REQUIRED = "Les champs marqués d'un astérisque * sont obligatoires."


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def _assert_clean(walk):
    assert walk.violations == {}, walk.report()
    assert walk.console_errors == [], walk.console_errors


def test_the_relatives_forms_in_a_browser(walker):
    """One portal for every walk (each transactional test reloads the demo)."""
    BankFactory(name="Crédit de l'Ouest")  # no logo: its initials
    for viewport, suffix in ((DESKTOP, "bureau"), (PHONE, "telephone")):
        amount_and_banks(walker, viewport, suffix)
    add_permit(walker)
    contact(walker)


def amount_and_banks(walker, viewport, suffix):
    walk = walker(f"formulaires-montant-{suffix}", viewport)
    page = walk.page
    relative_login(walk)
    registration = registered_permit()
    page.goto(f"/mon-espace/virements/nouveau/{registration.pk}/")
    expect(page.get_by_text(REQUIRED)).to_be_visible()
    amount = page.get_by_label(re.compile("Montant du virement"))
    expect(amount).to_have_attribute("inputmode", "decimal")
    expect(page.locator(".portail-input-unit__unit")).to_have_text("€")
    # A field of an amount's width, its "€" beside it on the same line.
    box, unit = amount.bounding_box(), page.locator(".portail-input-unit__unit").bounding_box()
    assert box["width"] <= 170, box
    assert unit["x"] >= box["x"] + box["width"]
    assert abs((unit["y"] + unit["height"] / 2) - (box["y"] + box["height"] / 2)) < 4
    walk.visit("montant")

    amount.fill("cinquante")
    page.get_by_role("button", name="Réaliser le virement").click()
    expect(page).to_have_title(re.compile(r"^Erreur : Alimenter le pécule"))
    summary = page.locator("#resume-erreurs")
    expect(summary).to_contain_text("Le formulaire contient 1 erreur")
    expect(summary).to_be_focused()
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(amount).to_have_accessible_description(re.compile(r"Par exemple : 50 ou 50,00.*montant", re.I))
    walk.visit("montant-erreur")
    summary.get_by_role("link").click()
    expect(amount).to_be_focused()

    amount.fill("50")
    page.get_by_role("button", name="Réaliser le virement").click()
    expect(page.get_by_role("heading", name="Sélectionnez votre banque")).to_be_visible()
    label = page.locator("label[for=id_q]")
    expect(label).to_be_visible()
    assert label.bounding_box()["height"] > 10  # shown, not DSFR's screen-reader-only label of a search bar
    expect(page.get_by_label("Rechercher votre banque")).to_be_visible()
    demo = page.get_by_role("button", name="Banque de Démonstration")
    expect(demo.locator("img")).to_have_attribute("alt", "")
    assert demo.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")  # the logo is served
    expect(page.get_by_role("button", name="Crédit de l'Ouest").locator(".portail-bank__initials")).to_have_text("CO")
    # The buttons start at the text's left edge, one under the other, logo and name on one line.
    text_left = page.locator("#bank-count").bounding_box()["x"]
    for button in page.locator("#bank-list button").all():
        button_box = button.bounding_box()
        assert abs(button_box["x"] - text_left) < 2, (button_box, text_left)
        logo = button.locator(".portail-bank__logo").bounding_box()
        name = button.locator(".portail-bank__name").bounding_box()
        assert abs((logo["y"] + logo["height"] / 2) - (name["y"] + name["height"] / 2)) < 4
        assert name["x"] > logo["x"] + logo["width"]
    walk.visit("banques")

    page.get_by_role("link", name="Modifier le montant").click()
    expect(page.get_by_role("heading", name="Alimenter le pécule")).to_be_visible()
    expect(amount).to_have_value("50,00")
    walk.visit("montant-a-modifier")
    _assert_clean(walk)


def add_permit(walker):
    walk = walker("formulaires-ajout-permis", PHONE)
    page = walk.page
    relative_login(walk)
    registered_permit()
    page.goto("/mon-espace/permis/ajouter/")
    expect(page.get_by_text(REQUIRED)).to_be_visible()
    for label in ("Numéro du permis de visite", "Nom de famille de la personne détenue"):
        field = page.get_by_label(re.compile(label))
        expect(field).to_have_attribute("required", "")
        expect(page.locator(f"label[for={field.get_attribute('id')}] .portail-required")).to_have_text("*")
    walk.visit("ajout-permis")
    page.get_by_role("button", name="Ajouter ce permis").click()
    expect(page).to_have_title(re.compile(r"^Erreur : Ajouter un permis de visite"))
    expect(page.locator("#resume-erreurs")).to_be_focused()
    expect(page.locator("#resume-erreurs")).to_contain_text("Le formulaire contient 2 erreurs")
    walk.visit("ajout-permis-erreurs")
    summary = page.locator("#resume-erreurs")
    summary.get_by_role("link", name="Saisissez le nom de famille de la personne détenue.").click()
    assert _focused_id(page) == "id_detainee_family_name"
    _assert_clean(walk)


def contact(walker):
    walk = walker("formulaires-contact", DESKTOP)
    page = walk.page
    page.goto("/contact/")
    expect(page.get_by_text(REQUIRED)).to_be_visible()
    expect(page.get_by_label(re.compile("Adresse électronique"))).to_have_attribute("autocomplete", "email")
    walk.visit("contact")
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page).to_have_title(re.compile(r"^Erreur : Contact"))
    expect(page.locator("#resume-erreurs")).to_be_focused()
    walk.visit("contact-erreurs")

    from cms.models import FAQPage

    page.goto(FAQPage.objects.live().first().url)
    label = page.locator("label[for=faq-q]")
    expect(label).to_be_visible()
    assert label.bounding_box()["height"] > 10
    walk.visit("faq-recherche")
    _assert_clean(walk)
