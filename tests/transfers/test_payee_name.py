"""The payer sees the régie's account holder name, exactly as the bank holds it and as the portal sends it, on the
amount page and the bank list, before choosing their bank (their bank checks it before an instant transfer)."""

import html
import re

import pytest
from django.test import Client

from transfers.constants import TransferStatus

from .factories import RegisteredPermitFactory, TransferFactory

pytestmark = pytest.mark.django_db
HOLDER = "REGIE COMPTES NOMINATIFS CP (SUD) - L'ILE"
EXPLANATION = "votre banque le vérifie avant un virement instantané"


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", response.content.decode())))


@pytest.fixture
def payer():
    registration = RegisteredPermitFactory(permit__detainee__establishment__regie_holder=HOLDER)
    client = Client()
    client.force_login(registration.relative.user)
    return registration, client


def test_the_amount_page_names_the_beneficiary(payer):
    registration, client = payer
    page = text(client.get(f"/mon-espace/virements/nouveau/{registration.pk}/"))
    assert f"Bénéficiaire du virement : {HOLDER}" in page and EXPLANATION in page
    assert page.index("Bénéficiaire du virement") < page.index("Réaliser le virement")


def test_the_bank_list_names_the_beneficiary(payer):
    registration, client = payer
    transfer = TransferFactory(relative=registration.relative, permit=registration.permit,
                               status=TransferStatus.DRAFT, bank=None, initiated_at=None)
    page = text(client.get(f"/mon-espace/virements/{transfer.reference}/banque/"))
    assert f"Bénéficiaire du virement : {HOLDER}" in page and EXPLANATION in page
    assert page.index("Bénéficiaire du virement") < page.index("Rechercher votre banque")
