"""The flyer "L'alimentation du pécule", walked in chromium from end to end, on a desktop and on a
360 × 740 phone: every page screenshotted and checked by axe-core (WCAG 2.1 A/AA, zero violation);
then the régie imports the sandbox bank's statement, hands the batch to the cashier and applies its
acknowledgement, and the relative sees the transfer credited. A payer whose way back from the bank is lost
sees the transfer followed up by the periodic job (the stack's Celery worker). And the citizen flow with the
keyboard only. On the production-shaped stack when it can run here, else on the live server (conftest.py)."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from permits.models import RegisteredPermit
from reconciliation.models import CashierBatch
from sandbox.models import SandboxPaymentRequest
from tests.e2e.conftest import DESKTOP, PHONE, assert_accessible, sandbox_cashier_acknowledges, staff_login
from tests.e2e.relatives import relative_login
from transfers.constants import TransferStatus as S
from transfers.models import Transfer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


ANGELA = ("Angela Claire Louise DUBOIS", "Angela Claire Louise", "PV-2026-000123")
PIERRE = ("Pierre DUPONT", "Pierre", "PV-2026-000124")


def citizen_walk(walk, who=ANGELA) -> Transfer:
    full_name, first_names, permit_number = who
    page = walk.page
    page.goto("/")
    expect(page.get_by_role("button", name=re.compile("S’identifier avec FranceConnect"))).to_be_visible()
    walk.visit("accueil")

    page.get_by_role("button", name=re.compile("S’identifier avec FranceConnect")).click()
    expect(page).to_have_url(re.compile(r"/sandbox/franceconnect/authorize"))
    walk.visit("franceconnect-identite")
    page.get_by_role("button", name=f"Se connecter en tant que {full_name}").click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    expect(page.get_by_text(f"Bonjour {first_names}, vous êtes connecté(e).")).to_be_visible()
    walk.visit("mon-espace")

    page.get_by_role("link", name="Pécule", exact=True).click()
    expect(page.get_by_role("heading", name="Aucun permis de visite enregistré")).to_be_visible()
    walk.visit("pecule-sans-permis")
    page.get_by_role("link", name="Ajouter un permis de visite").click()
    page.get_by_label("Numéro du permis de visite").fill(permit_number)
    page.get_by_label("Nom de famille de la personne détenue").fill("MARTIN")
    walk.visit("ajouter-un-permis")
    page.get_by_role("button", name="Ajouter ce permis").click()
    expect(page.get_by_text(f"Le permis de visite {permit_number} a été ajouté à votre espace.")).to_be_visible()
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
    transfer = Transfer.objects.filter(permit__number=permit_number).latest("pk")
    expect(page.get_by_text(transfer.reference).first).to_be_visible()
    assert transfer.status == S.EXECUTED and transfer.amount == Decimal("50.00")

    page.get_by_role("link", name="Voir l'historique").click()
    expect(page.get_by_text(transfer.reference).first).to_be_visible()
    expect(page.get_by_text("50,00\u00a0€").first).to_be_visible()
    walk.visit("historique")
    return transfer


def regie_walk(walk, transfer: Transfer, tmp_path) -> None:
    """The régie: the sandbox bank's camt.053 of the day imported, the cashier batch and its acknowledgement."""
    page = walk.page
    staff_login(walk, "regie")  # password, then the demo TOTP code on the second-factor page
    page.goto("/gestion/rapprochement/")
    walk.visit("rapprochement")

    statement = tmp_path / "releve-CPDEMO.xml"
    call_command("sandbox_statement", "CPDEMO", "--output", str(statement))
    page.goto("/gestion/rapprochement/releves/importer/")
    page.get_by_label("Relevé camt.053 (fichier XML)").set_input_files(str(statement))
    walk.visit("releve-a-importer")
    page.get_by_role("button", name="Importer et rapprocher").click()
    expect(page.get_by_text("Rapproché : 1")).to_be_visible()
    walk.visit("releve-importe")
    transfer.refresh_from_db()
    assert transfer.status == S.RECEIVED

    page.goto("/gestion/rapprochement/caisse/")
    page.get_by_label("Établissement").first.select_option(value=str(transfer.establishment_id))
    walk.visit("caisse")
    page.get_by_role("button", name="Générer le lot").click()
    expect(page.get_by_text("1 virement(s), 50,00\u00a0€")).to_be_visible()
    walk.visit("lot-genere")
    sandbox_cashier_acknowledges(walk, CashierBatch.objects.get().content, tmp_path, credited=1)
    transfer.refresh_from_db()
    assert transfer.status == S.CREDITED
    back_office_pages(walk, transfer)


def back_office_pages(walk, transfer: Transfer) -> None:
    """The rest of the régie's back office, each page checked like the public site's (RGAA covers the
    administration's intranets too): its home, the transfers with their filters, a transfer and its
    history, the exceptions queue, the unseen transfers, the refunds and the daily report."""
    page = walk.page
    for label, path in (
        ("gestion-accueil", "/gestion/"),
        ("virements", "/gestion/transfers/transfer/"),
        ("virement", f"/gestion/transfers/transfer/{transfer.pk}/change/"),
        ("virement-historique", f"/gestion/transfers/transfer/{transfer.pk}/history/"),
        ("anomalies", "/gestion/rapprochement/anomalies/"),
        ("non-vus", "/gestion/rapprochement/non-vus/"),
        ("remboursements", "/gestion/rapprochement/remboursements/"),
        ("rapport", f"/gestion/rapprochement/rapport/?etablissement={transfer.establishment.code}"),
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        walk.visit(label)


@pytest.mark.timeout(900)  # five walks and the CMS pages in one test (about 2 to 3 minutes here)
def test_the_flyer_in_a_browser(walker, portal, tmp_path):
    """One portal for every walk (each transactional test would reload the demo and its CMS, and start
    the stack again): desktop then the régie, the phone, the follow-up, the keyboard, the CMS page types."""
    desktop_then_the_regie_credits_it(walker, tmp_path)
    on_a_phone(walker)
    the_way_back_from_the_bank_is_lost(walker, portal)
    keyboard_only(walker)
    every_cms_page_type_passes_axe(walker)
    if portal.is_stack:
        # The régie's jobs and the follow-up ran on the stack's Celery worker, not in a web process.
        worker_log = portal.log("worker")
        for task in ("reconciliation.run_import_job", "reconciliation.run_batch_job",
                     "transfers.poll_pending_transfers"):
            assert re.search(rf"Task {re.escape(task)}\[[^\]]+\] succeeded", worker_log), (task, worker_log[-3000:])
        assert "Traceback" not in portal.log("gunicorn"), portal.log("gunicorn")[-3000:]


def desktop_then_the_regie_credits_it(walker, tmp_path):
    walk = walker("bureau", DESKTOP)
    transfer = citizen_walk(walk)
    regie = walker("regie", DESKTOP)
    regie_walk(regie, transfer, tmp_path)
    walk.page.goto("/mon-espace/virements/historique/")
    expect(walk.page.get_by_text("Versé sur le pécule").first).to_be_visible()
    walk.visit("historique-verse")
    assert_accessible(walk, regie)
    assert not walk.broken, walk.broken
    assert not walk.console_errors, walk.console_errors


def on_a_phone(walker):
    """Pierre DUPONT, holder of PV-2026-000124, on a 360 × 740 phone."""
    walk = walker("telephone", PHONE)
    transfer = citizen_walk(walk, PIERRE)
    # Nothing wider than the phone's screen.
    assert walk.page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert transfer.status == S.EXECUTED
    assert_accessible(walk)


def the_way_back_from_the_bank_is_lost(walker, portal):
    """Pierre DUPONT confirms 20 € at his bank, but the bank's redirection back to the portal never
    arrives (tab closed, network lost): the portal learns the outcome from the bank itself, through the
    periodic follow-up (``transfers.poll_pending_transfers``: the beat's job, run now on the stack's
    Celery worker; in this process on the live server), and his history says so."""
    walk = walker("suivi", DESKTOP)
    page = walk.page
    relative_login(walk, PIERRE[0])
    page.get_by_role("link", name="Faire un virement").click()
    page.get_by_role("link", name="Alimenter le pécule").click()
    page.get_by_label(re.compile("Montant du virement")).fill("20")
    page.get_by_role("button", name="Réaliser le virement").click()
    page.get_by_role("button", name="Banque de Démonstration").click()
    page.get_by_label("Identifiant").fill("demo")
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("button", name="Confirmer")).to_be_visible()
    walk.visit("banque-confirmer")

    sent_back: list[tuple[int, str]] = []

    def lost_on_the_way_back(route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        answer = route.fetch(max_redirects=0)  # the bank executes it and sends the payer back…
        sent_back.append((answer.status, answer.headers.get("location", "")))
        route.fulfill(status=200, content_type="text/html; charset=utf-8",  # …who never arrives
                      body="<!doctype html><html lang='fr'><title>Hors ligne</title><p>Connexion perdue.</p></html>")

    page.route(re.compile(r"/sandbox/banque/virement/[^/]+/$"), lost_on_the_way_back)
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_text("Connexion perdue.")).to_be_visible()
    transfer = Transfer.objects.filter(permit__number=PIERRE[2]).latest("pk")
    assert sent_back and sent_back[0][0] == 302 and f"/virements/{transfer.reference}/retour/" in sent_back[0][1]
    assert SandboxPaymentRequest.objects.get(resource_id=transfer.payment_request_id).status == "ACSC"
    assert transfer.status == S.AWAITING_AUTHORIZATION and transfer.amount == Decimal("20.00")

    # The clock: the poll this transfer's backoff asks for is due now, not in 30 seconds.
    Transfer.objects.filter(pk=transfer.pk).update(next_poll_at=timezone.now())
    portal.run_task("transfers.poll_pending_transfers")
    deadline = time.monotonic() + 30
    while transfer.status == S.AWAITING_AUTHORIZATION and time.monotonic() < deadline:
        time.sleep(0.5)
        transfer.refresh_from_db()
    assert transfer.status == S.EXECUTED, transfer.status

    page.goto("/mon-espace/virements/historique/")
    row = page.get_by_role("row").filter(has_text=transfer.reference)
    expect(row).to_contain_text("Exécuté par votre banque")
    expect(row).to_contain_text("20,00\u00a0€")
    walk.visit("historique-apres-suivi")
    assert_accessible(walk)


def keyboard_only(walker):
    """Tab, Enter and Space only: from the home page to "Votre virement a été pris en compte"."""
    walk = walker("clavier", DESKTOP)
    page = walk.page
    keyboard = page.keyboard

    def tab_to(pattern: str, limit: int = 80) -> None:
        wanted = re.compile(pattern)
        for _ in range(limit):
            keyboard.press("Tab")
            label = page.evaluate(
                "() => { const e = document.activeElement; return e ? (e.innerText || e.value || e.id || '') : ''; }"
            )
            if wanted.search(" ".join(label.split())):
                return
        raise AssertionError(f"« {pattern} » jamais atteint au clavier sur {page.url}")

    def activate(pattern: str, key: str = "Enter") -> None:
        tab_to(pattern)
        with page.expect_navigation():
            keyboard.press(key)

    def type_into(field_id: str, value: str) -> None:
        tab_to(rf"^{field_id}$")
        keyboard.type(value)

    # Angela's permit was registered by the desktop walk: she starts again from an empty space.
    RegisteredPermit.objects.filter(permit__number="PV-2026-000123").delete()
    page.goto("/")
    activate("S’identifier avec")
    activate("Se connecter en tant que Angela Claire Louise DUBOIS", key="Space")
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    activate("Ajouter un permis de visite")
    type_into("id_permit_number", "PV-2026-000123")
    type_into("id_detainee_family_name", "MARTIN")
    activate("Ajouter ce permis")
    expect(page.get_by_text("Le permis de visite PV-2026-000123 a été ajouté à votre espace.")).to_be_visible()
    activate("Faire un virement")
    activate("Alimenter le pécule")
    type_into("id_amount", "50")
    activate("Réaliser le virement", key="Space")
    activate("Banque de Démonstration")
    type_into("identifier", "demo")
    type_into("password", "demo")
    activate("Valider")
    activate("Confirmer", key="Space")
    expect(page.get_by_text("Votre virement a été pris en compte")).to_be_visible()
    walk.shot("clavier-virement-pris-en-compte")
    activate("Voir l'historique")
    latest = Transfer.objects.filter(permit__number="PV-2026-000123").latest("pk")
    assert latest.status == S.EXECUTED and latest.amount == Decimal("50.00")
    assert Transfer.objects.filter(permit__number="PV-2026-000123").count() == 2


def every_cms_page_type_passes_axe(walker):
    """One live page of each Wagtail page type of the demo content (home, guides, tutorials, FAQ,
    establishment pages, news, contact…), desktop and phone: zero WCAG 2.1 AA violation."""
    from wagtail.models import Page

    pages: dict[str, Page] = {}
    for page in Page.objects.live().filter(depth__gt=1).specific().order_by("path"):
        pages.setdefault(type(page).__name__, page)
    assert len(pages) >= 3, f"trop peu de types de pages CMS : {sorted(pages)}"
    walks = [walker("cms-bureau", DESKTOP), walker("cms-telephone", PHONE)]
    for walk in walks:
        for kind, page in pages.items():
            response = walk.page.goto(page.url)
            assert response.status == 200, (kind, page.url, response.status)
            walk.visit(kind)
        assert set(walk.checked) == set(pages)
    assert_accessible(*walks)
