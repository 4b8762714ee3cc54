"""Helpers to drive the sandbox bank over real HTTP (pytest-django's live_server)."""

from decimal import Decimal
from urllib.parse import urlsplit

from django.test import Client

from tests.establishments.factories import BankFactory
from transfers import services

OK_URL = "https://portail.example/retour/ok"
KO_URL = "https://portail.example/retour/echec"


def sandbox_bank(live_server, **kwargs):
    return BankFactory(api_base_url=f"{live_server.url}/sandbox/banque/stet/v1", **kwargs)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def payer_decides(consent_url: str, decision: str = "confirm", client: Client | None = None):
    """The payer at their bank: login (demo/demo), then "Confirmer" or "Annuler"."""
    client = client or Client()
    page = client.get(path_of(consent_url))
    if page.status_code == 302 and "connexion" in page["Location"]:
        client.post(page["Location"].split("?")[0], {"identifier": "demo", "password": "demo",
                                                      "next": path_of(consent_url)})
        page = client.get(path_of(consent_url))
    assert page.status_code == 200, page.status_code
    assert "Confirmer un virement ponctuel" in page.content.decode()
    return client.post(path_of(consent_url), {"decision": decision}), client


def start(reg, bank, amount="50"):
    """A relative's transfer of ``amount`` to their registered permit's detainee, sent to ``bank``."""
    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal(amount))
    return services.initiate_payment(
        transfer_id=transfer.pk, bank=bank, successful_report_url=OK_URL, unsuccessful_report_url=KO_URL
    )
