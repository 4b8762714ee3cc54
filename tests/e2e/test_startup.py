"""The embedded default started on another port (start-up), in a real browser: `make run PORT=N` leaves
PORTAL_BASE_URL at http://127.0.0.1:8000, and the FranceConnect stand-in, the demo bank and the way back all stay
on the address the browser uses — 127.0.0.1 on a desktop, localhost on a 360-px phone — under the strict CSP
(form-action 'self'), with axe-core on every page."""

from __future__ import annotations

import re
import socket
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, Walk
from transfers.models import Transfer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def started_on_another_port(live_server, settings, tmp_path):
    """The live server as `make run PORT=N` runs: PORTAL_BASE_URL not set (its default names a port nobody
    listens on here), so the stand-ins follow each request."""
    from sandbox.demo import load_demo
    from tests.conftest import restore_migrated_data

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{sock.getsockname()[1]}"
    cache.clear()
    settings.PORTAL_BASE_URL_FROM_REQUEST = True
    settings.PORTAL_BASE_URL = nowhere
    settings.FRANCECONNECT_ISSUER = f"{nowhere}/sandbox/franceconnect"
    settings.PROCONNECT_ISSUER = f"{nowhere}/sandbox/proconnect"
    settings.SANDBOX_BANK_FAILURE = ""
    settings.MEDIA_ROOT = str(tmp_path)
    restore_migrated_data()
    load_demo()
    yield urlsplit(live_server.url).port
    cache.clear()


def _walk(browser, host: str, port: int, name: str, viewport: dict) -> Walk:
    return Walk(browser, f"http://{host}:{port}", name, viewport, folder=SCREENSHOTS / "demarrage")


def _login(walk: Walk, full_name: str, given_name: str) -> None:
    from playwright.sync_api import expect

    page = walk.page
    page.goto("/")
    walk.visit("accueil")
    page.get_by_role("button", name=re.compile("S’identifier avec FranceConnect")).click()
    page.wait_for_url(re.compile(rf"^{re.escape(walk.base)}/sandbox/franceconnect/authorize\?"))
    walk.visit("franceconnect-demonstration")
    page.get_by_role("button", name=f"Se connecter en tant que {full_name}").click()
    page.wait_for_url(f"{walk.base}/mon-espace/")
    expect(page.get_by_text(f"Bonjour {given_name}, vous êtes connecté(e).")).to_be_visible()
    walk.visit("mon-espace")


def test_desktop_at_127_0_0_1_logs_in_and_sends_money_on_the_port_it_was_started_on(browser,
                                                                                  started_on_another_port):
    from playwright.sync_api import expect

    walk = _walk(browser, "127.0.0.1", started_on_another_port, "bureau-127.0.0.1", DESKTOP)
    try:
        page = walk.page
        _login(walk, "Angela Claire Louise DUBOIS", "Angela Claire Louise")
        page.goto("/mon-espace/permis/ajouter/")
        page.get_by_label("Numéro du permis de visite").fill("PV-2026-000123")
        page.get_by_label("Nom de famille de la personne détenue").fill("MARTIN")
        page.get_by_role("button", name="Ajouter ce permis").click()
        page.get_by_role("link", name="Faire un virement").first.click()
        page.get_by_role("link", name="Alimenter le pécule").first.click()
        page.get_by_label(re.compile("Montant du virement")).fill("20")
        page.get_by_role("button", name="Réaliser le virement").click()
        page.get_by_role("button", name="Banque de Démonstration").click()
        page.wait_for_url(re.compile(rf"^{re.escape(walk.base)}/sandbox/banque/"))
        walk.visit("banque-connexion")
        page.get_by_label("Identifiant").fill("demo")
        page.get_by_label("Mot de passe").fill("demo")
        page.get_by_role("button", name="Valider").click()
        expect(page.get_by_role("button", name="Confirmer")).to_be_visible()
        walk.visit("banque-confirmation")
        page.get_by_role("button", name="Confirmer").click()
        expect(page.get_by_role("heading", name=re.compile("Votre virement a été pris en compte"))).to_be_visible()
        walk.visit("virement-pris-en-compte")
        transfer = Transfer.objects.get()
        assert page.url.startswith(f"{walk.base}/mon-espace/virements/{transfer.reference}/")
        assert transfer.status == "executed"
        assert walk.violations == {}, walk.report()
        assert walk.console_errors == [], walk.console_errors  # a CSP refusal (form-action) would show here
    finally:
        walk.close()


def test_phone_at_localhost_logs_in_on_the_port_it_was_started_on(browser, started_on_another_port):
    walk = _walk(browser, "localhost", started_on_another_port, "telephone-localhost", PHONE)
    try:
        _login(walk, "Pierre DUPONT", "Pierre")
        assert walk.violations == {}, walk.report()
        assert walk.console_errors == [], walk.console_errors
    finally:
        walk.close()
