""""Alimenter le pécule": the amount field of an amount's width with its "€", and after an error the DSFR and
RGAA pattern: an error summary at the top linking to the field, "Erreur : " in the page's title, the field
aria-invalid with its message tied to it; a bad amount creates nothing. "Modifier le montant" on the bank list
brings back the amount typed."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from transfers.constants import TransferStatus
from transfers.models import Transfer

from ..formcheck import assert_accessible_form, error_summary, input_tag, text, title
from .factories import RegisteredPermitFactory, TransferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration():
    return RegisteredPermitFactory()


def client_of(relative) -> Client:
    client = Client()
    client.force_login(relative.user)
    return client


def url(registration) -> str:
    return f"/mon-espace/virements/nouveau/{registration.pk}/"


def test_the_amount_field_before_any_error(registration):
    response = client_of(registration.relative).get(url(registration))
    assert response.status_code == 200
    page = text(response)
    assert_accessible_form(page)
    assert title(page) == "Alimenter le pécule — Portail des proches"
    assert error_summary(page) is None
    field = input_tag(page, "id_amount")
    assert 'inputmode="decimal"' in field and " required" in field and "portail-input-short" in field
    assert 'aria-invalid' not in field
    assert 'aria-describedby="id_amount_helptext"' in field
    assert re.search(r'<label class="fr-label" for="id_amount">Montant du virement \(en euros\)'
                     r'<span class="portail-required"> \*</span>', page)
    assert '<span class="portail-input-unit__unit" aria-hidden="true">€</span>' in page
    assert '<link rel="stylesheet" href="/static/css/forms.css">' in page


@pytest.mark.parametrize(("raw", "message"), [
    ("", "Saisissez le montant du virement, par exemple 50 ou 50,00."),
    ("cinquante", None),
    ("0", "Le montant doit être supérieur à zéro."),
    ("9" * 30, "Le montant compte au plus 20 caractères, par exemple 50,00."),
])
def test_a_bad_amount_shows_the_summary_and_ties_the_message_to_the_field(registration, raw, message):
    response = client_of(registration.relative).post(url(registration), {"amount": raw, "key": str(uuid.uuid4())})
    assert response.status_code == 400
    page = text(response)
    assert_accessible_form(page)
    assert title(page) == "Erreur : Alimenter le pécule — Portail des proches"
    summary = error_summary(page)
    assert summary is not None and "Le formulaire contient 1 erreur" in summary
    link = re.search(r'<a href="#id_amount">([^<]+)</a>', summary)
    assert link, summary
    if message:
        assert link.group(1) == message
    # The summary comes first in the content, before the page's heading; its script is a static file.
    assert page.index('id="resume-erreurs"') < page.index("<h1>Alimenter le pécule</h1>")
    assert '<script src="/static/js/form-errors.js" defer></script>' in page
    field = input_tag(page, "id_amount")
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_amount_helptext id_amount_error"' in field
    assert re.search(r'<p class="fr-error-text" id="id_amount_error">[^<]+</p>', page)
    assert "fr-input-group--error" in page
    assert "9" * 21 not in page  # a long paste is not echoed back whole
    assert not Transfer.objects.exists()


def test_an_amount_over_the_caps_is_an_error_of_the_field_and_creates_nothing(registration):
    response = client_of(registration.relative).post(url(registration), {"amount": "100000", "key": str(uuid.uuid4())})
    assert response.status_code == 400
    page = text(response)
    assert 'aria-invalid="true"' in input_tag(page, "id_amount")
    assert title(page).startswith("Erreur : ")
    assert not Transfer.objects.exists()


def test_a_good_amount_leads_to_the_bank_list(registration):
    response = client_of(registration.relative).post(url(registration), {"amount": "50,5", "key": str(uuid.uuid4())})
    transfer = Transfer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/mon-espace/virements/{transfer.reference}/banque/"
    assert transfer.amount == Decimal("50.50")


def draft(registration, amount="42.50", **kwargs):
    defaults = {"relative": registration.relative, "permit": registration.permit, "amount": Decimal(amount),
                "status": TransferStatus.DRAFT, "bank": None, "initiated_at": None}
    return TransferFactory(**{**defaults, **kwargs})


def asked(registration, amount="42.50"):
    """A transfer whose payment was asked of the bank (no longer a draft)."""
    return TransferFactory(relative=registration.relative, permit=registration.permit, amount=Decimal(amount),
                           status=TransferStatus.AWAITING_AUTHORIZATION, initiated_at=timezone.now())


def test_modifier_le_montant_brings_back_the_amount_typed(registration):
    transfer = draft(registration)
    client = client_of(registration.relative)
    bank_page = text(client.get(f"/mon-espace/virements/{transfer.reference}/banque/"))
    link = re.search(r'<a class="fr-link[^"]*" id="modifier-montant" href="([^"]+)">Modifier le montant</a>', bank_page)
    assert link and link.group(1) == f"{url(registration)}?virement={transfer.reference}"
    page = text(client.get(link.group(1)))
    assert 'value="42,50"' in input_tag(page, "id_amount")
    # A new amount is a new draft; the one left at the bank list is not changed.
    client.post(url(registration), {"amount": "30", "key": str(uuid.uuid4())})
    assert sorted(Transfer.objects.values_list("amount", flat=True)) == [Decimal("30.00"), Decimal("42.50")]


def test_only_the_relatives_own_draft_is_brought_back(registration):
    someone_else = RegisteredPermitFactory(permit=registration.permit)
    theirs = draft(someone_else, amount="77")
    sent = asked(registration, amount="88")
    client = client_of(registration.relative)
    for reference in (theirs.reference, sent.reference, "X" * 300, "<script>"):
        page = text(client.get(url(registration), {"virement": reference}))
        field = input_tag(page, "id_amount")
        assert "value=" not in field, reference


def test_no_modifier_le_montant_once_the_payment_is_asked(registration):
    sent = asked(registration)
    page = text(client_of(registration.relative).get(f"/mon-espace/virements/{sent.reference}/banque/"))
    assert "Modifier le montant" not in page


def test_a_tampered_form_says_so_in_french_in_the_summary(registration):
    response = client_of(registration.relative).post(url(registration), {"amount": "50", "key": "pas-une-cle"})
    assert response.status_code == 400
    summary = error_summary(text(response))
    assert "Le formulaire est incomplet : rechargez la page, puis saisissez à nouveau le montant." in summary
    assert "<a href" not in summary  # a hidden field: nothing to focus
    assert not Transfer.objects.exists()


def test_the_cancel_page_posts_to_its_own_address(registration):
    transfer = asked(registration)
    page = text(client_of(registration.relative).get(f"/mon-espace/virements/{transfer.reference}/annuler/"))
    assert 'action=""' not in page
    assert f'<form method="post" action="/mon-espace/virements/{transfer.reference}/annuler/">' in page
