"""The money-flow monitoring walked in chromium, as README's « Essayer le portail » tells it: Sophie LEROY pays
MARTIN Jean, then BERNARD Luc — a second detainee in 30 days, so the second transfer is held and she reads
« En cours de vérification par l'établissement », never the rule; `securite` finds the alert in « Surveillance des
flux », takes it and accepts it with a reason; the régie imports the sandbox bank's statement and generates the
cashier batch, which takes the released transfer; the sandbox cashier's acknowledgement credits it and Sophie
reads « Versé sur le pécule ». Every page checked by axe-core, the payer's and the detainee's pages too. On the
production-shaped stack when it can run here, else on the live server (conftest.py)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from monitoring.constants import AlertKind, AlertStatus, RuleCode
from monitoring.models import Alert
from reconciliation.models import CashierBatch
from tests.e2e.conftest import DESKTOP, PHONE, assert_accessible, sandbox_cashier_acknowledges, staff_login
from tests.e2e.relatives import registered_permit, relative_login
from transfers.constants import TransferStatus as S
from transfers.models import Transfer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SOPHIE = "Sophie Marie LEROY"
HELD = "En cours de vérification par l'établissement"
SANDBOX_BUTTON = "Récupérer le relevé du jour de la banque de démonstration"
NEXT_STEP = "Étape suivante : préparer le lot pour la caisse"


def pays_twenty_euros(walk, detainee: str, label: str) -> Transfer:
    """From the Pécule tab, 20 € to ``detainee`` through the sandbox bank (logged in there once per walk)."""
    page = walk.page
    page.goto("/mon-espace/pecule/")
    card = page.locator(".fr-card").filter(has_text=detainee).first
    card.get_by_role("link", name=re.compile("Alimenter le pécule")).click()
    page.get_by_label(re.compile("Montant du virement")).fill("20")
    walk.visit(f"{label}-montant")
    page.get_by_role("button", name="Réaliser le virement").click()
    expect(page.get_by_role("heading", name="Sélectionnez votre banque")).to_be_visible()
    page.get_by_role("button", name="Banque de Démonstration").click()
    if "/sandbox/banque/connexion/" in page.url:
        page.get_by_label("Identifiant").fill("demo")
        page.get_by_label("Mot de passe").fill("demo")
        page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("button", name="Confirmer")).to_be_visible()
    walk.visit(f"{label}-banque")
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_text("Votre virement a été pris en compte").first).to_be_visible()
    walk.visit(f"{label}-pris-en-compte")
    transfer = Transfer.objects.filter(relative__family_name="LEROY").latest("pk")
    assert transfer.status == S.EXECUTED and transfer.amount == Decimal("20.00")
    assert detainee.split()[0] in transfer.detainee.family_name.upper()
    return transfer


def sophie_pays_both(walk) -> tuple[Transfer, Transfer]:
    page = walk.page
    relative_login(walk, SOPHIE)
    walk.visit("mon-espace")
    registered_permit("LEROY", "PV-2026-000125")
    registered_permit("LEROY", "PV-2026-000126")

    first = pays_twenty_euros(walk, "MARTIN", "martin")
    assert not first.held and not first.alerts.exists()
    expect(page.get_by_text("L'argent devrait être versé sur le pécule").first).to_be_visible()

    second = pays_twenty_euros(walk, "BERNARD", "bernard")
    assert second.held
    # The confirmation promises no date and names no rule: the establishment checks it first.
    expect(page.get_by_text(re.compile("L'établissement le vérifie avant de le verser sur le pécule")).first
           ).to_be_visible()
    expect(page.get_by_text("L'argent devrait être versé sur le pécule")).to_have_count(0)
    expect(page.get_by_text(str(RuleCode.PAYER_MANY_DETAINEES.label))).to_have_count(0)

    page.get_by_role("link", name="Voir l'historique").click()
    rows = page.get_by_role("row")
    expect(rows.filter(has_text=second.reference)).to_contain_text(HELD)
    expect(rows.filter(has_text=first.reference)).not_to_contain_text(HELD)
    expect(page.get_by_text(str(RuleCode.PAYER_MANY_DETAINEES.label))).to_have_count(0)
    walk.visit("historique-en-verification")
    page.goto(f"/mon-espace/virements/{second.reference}/")
    expect(page.locator(".portail-steps")).to_contain_text(HELD)
    walk.visit("virement-en-verification")
    return first, second


def securite_accepts(walk, held: Transfer) -> None:
    page = walk.page
    staff_login(walk, "securite")
    page.goto("/gestion/")
    page.get_by_role("link", name="Surveillance des flux").first.click()
    expect(page).to_have_url(re.compile(r"/gestion/securite/$"))
    expect(page).to_have_title(re.compile("Surveillance des flux — alertes à examiner"))
    queue = page.locator("#alert-queue")
    row = queue.get_by_role("row").filter(has_text=held.reference)
    expect(row).to_contain_text(str(RuleCode.PAYER_MANY_DETAINEES.label))
    expect(row).to_contain_text("LEROY")
    expect(row).to_contain_text("BERNARD")
    walk.visit("file-des-alertes")

    row.get_by_role("link", name=f"Alerte sur le virement {held.reference}").click()
    expect(page.get_by_role("heading", name=str(RuleCode.PAYER_MANY_DETAINEES.label))).to_be_visible()
    walk.visit("alerte")
    page.get_by_role("button", name="Prendre en charge").first.click()
    expect(page.get_by_text("Vous avez pris en charge l'alerte.")).to_be_visible()
    walk.visit("alerte-prise-en-charge")

    page.get_by_role("radio", name="Accepter").check()
    page.get_by_label("Motif").select_option(label="Lien familial ou personnel vérifié")
    page.get_by_label("Précisions").fill("Sœur de BERNARD Luc, permis PV-2026-000126 vérifié.")
    walk.visit("alerte-decision")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision enregistrée.")).to_be_visible()
    walk.visit("alerte-acceptee")
    alert = Alert.objects.get(transfer=held)
    assert (alert.kind, alert.status, alert.decided_by.username) == (AlertKind.HELD, AlertStatus.ACCEPTED, "securite")
    held.refresh_from_db()
    assert not held.held

    page.goto(f"/gestion/securite/payeurs/{held.relative_id}/")
    expect(page.get_by_text(held.reference).first).to_be_visible()
    walk.visit("payeur")
    page.goto(f"/gestion/securite/personnes-detenues/{held.detainee_id}/")
    expect(page.get_by_text(held.reference).first).to_be_visible()
    walk.visit("personne-detenue")


def regie_batches_and_credits(walk, first: Transfer, released: Transfer, tmp_path) -> None:
    page = walk.page
    staff_login(walk, "regie")
    page.goto("/gestion/rapprochement/releves/importer/")
    walk.visit("import")
    page.get_by_role("button", name=SANDBOX_BUTTON).click()
    expect(page.get_by_role("heading", name="Traitement terminé", level=1)).to_be_visible()
    expect(page.get_by_text("Rapproché : 2")).to_be_visible()
    walk.visit("releve-importe")
    released.refresh_from_db()
    assert released.status == S.RECEIVED and not released.held

    page.get_by_role("link", name=NEXT_STEP).click()
    walk.visit("caisse")
    page.get_by_role("button", name="Générer le lot").click()
    expect(page.get_by_role("heading", name="Traitement terminé", level=1)).to_be_visible()
    expect(page.get_by_text("2 virement(s), 40,00\u00a0€.")).to_be_visible()
    walk.visit("lot-genere")
    batch = CashierBatch.objects.get()
    assert released.reference in batch.content and first.reference in batch.content

    sandbox_cashier_acknowledges(walk, batch.content, tmp_path, credited=2)
    released.refresh_from_db()
    assert released.status == S.CREDITED


def held_on_a_phone(walk, held: Transfer) -> None:
    """The held transfer on a 360-px phone: its card in the history and its page say the establishment checks
    it, nothing cut off (no sideways scroll)."""
    page = walk.page
    relative_login(walk, SOPHIE)
    for url, label in (("/mon-espace/virements/historique/", "historique-telephone"),
                       (f"/mon-espace/virements/{held.reference}/", "virement-telephone")):
        page.goto(url)
        expect(page.get_by_text(HELD).first).to_be_visible()
        walk.visit(label)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{label} : la page déborde ({width} px)"


@pytest.mark.timeout(600)
def test_a_second_detainee_is_held_reviewed_accepted_then_batched_and_credited(walker, tmp_path):
    sophie = walker("surveillance-sophie", DESKTOP)
    first, second = sophie_pays_both(sophie)
    sophie_on_her_phone = walker("surveillance-sophie-telephone", PHONE)
    held_on_a_phone(sophie_on_her_phone, second)
    securite = walker("surveillance-securite", DESKTOP)
    securite_accepts(securite, second)
    regie = walker("surveillance-regie", DESKTOP)
    regie_batches_and_credits(regie, first, second, tmp_path)

    sophie.page.goto("/mon-espace/virements/historique/")
    rows = sophie.page.get_by_role("row")
    expect(rows.filter(has_text=second.reference)).to_contain_text("Versé sur le pécule")
    expect(sophie.page.get_by_text(HELD)).to_have_count(0)
    sophie.visit("historique-verse")
    assert_accessible(sophie, sophie_on_her_phone, securite, regie)
