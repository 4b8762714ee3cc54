"""The régie's way through the back office in chromium, on a desktop and on a
360 × 740 phone, every page screenshotted and checked by axe-core: the sandbox bank's statement of the day
fetched from the import page, the job page titled "Traitement terminé" with the next step, the cashier
batch of the preselected establishment, amounts as 50,00 €, the transfer in the staff's words, the home's
one "Rapprochement" section and the report's chart with its table."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from permits.models import VisitPermit
from reconciliation.models import CashierBatch
from sandbox.bank import services as bank
from tests.e2e.conftest import DESKTOP, PHONE, assert_accessible, staff_login
from tests.transfers.factories import RelativeFactory, TransferFactory
from transfers.constants import TransferStatus as S
from transfers.models import Transfer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SANDBOX_BUTTON = "Récupérer le relevé du jour de la banque de démonstration"
NEXT_STEP = "Étape suivante : préparer le lot pour la caisse"


def paid_at_the_sandbox_bank(amount: str = "50.00") -> Transfer:
    """A transfer to MARTIN Jean (CPDEMO) that the sandbox bank executed today, as after the relative's walk."""
    permit = VisitPermit.objects.get(number="PV-2026-000123")
    # Paid by the permit's holder from her own account, in her name, as her bank writes it on the statement (a
    # payer of another name would be held by the money-flow monitoring, and left out of the batch).
    angela = RelativeFactory(given_name=permit.holder_first_names, family_name=permit.holder_family_name,
                             birthdate=permit.holder_birth_date)
    transfer = TransferFactory(relative=angela, permit=permit, amount=Decimal(amount), status=S.EXECUTED,
                               executed_at=timezone.now())
    establishment = permit.detainee.establishment
    body = {
        "paymentInformationId": transfer.reference, "creationDateTime": timezone.now().isoformat(),
        "numberOfTransactions": 1, "paymentTypeInformation": {"serviceLevel": "SEPA"},
        "debtor": {"name": "Angela Claire Louise DUBOIS"},
        "beneficiary": {"creditor": {"name": establishment.regie_holder},
                        "creditorAccount": {"iban": establishment.regie_iban}, "creditorAgent": {"bicFi": "TRPUFRP1"}},
        "creditTransferTransaction": [{
            "paymentId": {"instructionId": transfer.reference, "endToEndId": transfer.reference},
            "instructedAmount": {"currency": "EUR", "amount": amount},
            "remittanceInformation": {"unstructured": [f"PECULE MARTIN JEAN ECROU 123456 REF {transfer.reference}"]},
        }],
        "supplementaryData": {"acceptedAuthenticationApproach": ["REDIRECT"],
                              "successfulReportUrl": "https://p.example/ok",
                              "unsuccessfulReportUrl": "https://p.example/ko"},
    }
    payment, _ = bank.receive_payment_request(client_id="portail", request_id=transfer.reference, body=body)
    bank.decide(resource_id=payment.resource_id, confirm=True)
    return transfer


def the_regie_fetches_imports_and_batches(walk, transfer: Transfer) -> None:
    page = walk.page
    staff_login(walk, "regie")
    page.goto("/gestion/")
    sections = page.locator("#content-main caption")
    expect(sections.filter(has_text="Rapprochement")).to_have_count(1)
    expect(page.get_by_text("Root", exact=True)).to_have_count(0)
    walk.visit("bo-accueil")

    page.goto("/gestion/rapprochement/releves/importer/")
    expect(page.get_by_label("Établissement")).to_have_value(str(transfer.establishment_id))
    walk.visit("bo-import")
    page.get_by_role("button", name=SANDBOX_BUTTON).click()
    expect(page.get_by_role("heading", name="Traitement terminé", level=1)).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Traitement terminé"))
    expect(page.get_by_text("Rapproché : 1")).to_be_visible()
    walk.visit("bo-releve-importe")
    transfer.refresh_from_db()
    assert transfer.status == S.RECEIVED

    page.get_by_role("link", name=NEXT_STEP).click()
    expect(page).to_have_url(re.compile(r"/gestion/rapprochement/caisse/\?etablissement=CPDEMO$"))
    expect(page.get_by_label("Établissement")).to_have_value(str(transfer.establishment_id))
    walk.visit("bo-caisse")
    page.get_by_role("button", name="Générer le lot").click()
    expect(page.get_by_role("heading", name="Traitement terminé", level=1)).to_be_visible()
    expect(page.get_by_text("1 virement(s), 50,00\u00a0€.")).to_be_visible()
    walk.visit("bo-lot-genere")
    assert CashierBatch.objects.get().total == Decimal("50.00")


def the_pages_read_in_the_staffs_words(walk, transfer: Transfer, prefix: str) -> None:
    page = walk.page
    page.goto(f"/gestion/transfers/transfer/{transfer.pk}/change/")
    expect(page.get_by_text("Reçu sur le compte de la régie").first).to_be_visible()
    expect(page.get_by_text("50,00\u00a0€").first).to_be_visible()
    walk.visit(f"{prefix}-virement")
    page.goto("/gestion/transfers/transfer/")
    expect(page.get_by_role("link", name="Reçu sur le compte de la régie")).to_be_visible()  # the status filter
    walk.visit(f"{prefix}-virements")

    page.goto("/gestion/rapprochement/rapport/")
    charts = page.locator("svg.report-chart")
    expect(charts).to_have_count(2)  # the amounts, and the time from payment to credit
    for index in range(2):
        expect(charts.nth(index)).to_have_attribute("role", "img")
    expect(page.get_by_role("img", name=re.compile(r"^Montants reçus et versés par jour"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Délai entre le paiement et le versement"))).to_be_visible()
    table = page.get_by_role("table", name="Montants par jour sur les 30 derniers jours")
    expect(table.get_by_role("row")).to_have_count(31)
    expect(table.get_by_role("row").last).to_contain_text("50,00\u00a0€")
    walk.visit(f"{prefix}-rapport")


@pytest.mark.timeout(600)
def test_the_regie_through_the_back_office(walker, portal):
    transfer = paid_at_the_sandbox_bank()
    desktop = walker("gestion-bureau", DESKTOP)
    the_regie_fetches_imports_and_batches(desktop, transfer)
    the_pages_read_in_the_staffs_words(desktop, transfer, "bo")

    phone = walker("gestion-telephone", PHONE)
    staff_login(phone, "regie")
    page = phone.page
    for label, path in (("tel-accueil", "/gestion/"), ("tel-import", "/gestion/rapprochement/releves/importer/"),
                        ("tel-caisse", "/gestion/rapprochement/caisse/?etablissement=CPDEMO"),
                        ("tel-traitement", "/gestion/rapprochement/")):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        phone.visit(label)
        # Nothing wider than the phone's screen (a long establishment name in a select once was).
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"], path
    page.goto("/gestion/rapprochement/")
    page.get_by_role("link", name=re.compile(r"^Import d'un relevé #")).first.click()
    expect(page.get_by_role("heading", name="Traitement terminé", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=NEXT_STEP)).to_be_visible()
    phone.visit("tel-releve-importe")
    the_pages_read_in_the_staffs_words(phone, transfer, "tel")
    assert_accessible(desktop, phone)
