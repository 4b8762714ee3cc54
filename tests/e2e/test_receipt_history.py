"""After paying: the confirmation page, the PDF receipt, the history and a transfer's own page, in
chromium on a desktop (1280 px) and on a 360-px phone: every page checked by axe-core (WCAG 2.1 A/AA),
screenshotted, and nothing wider than the screen (no column of the history cut off on a phone)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.relatives import registered_permit, relative_login
from transfers.constants import TransferStatus as S
from transfers.models import Transfer
from transfers.references import format_reference

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANGELA = ("Angela Claire Louise DUBOIS", "DUBOIS", "PV-2026-000123")
PIERRE = ("Pierre DUPONT", "DUPONT", "PV-2026-000124")


def no_sideways_scroll(walk, label: str) -> None:
    width = walk.page.viewport_size["width"]
    scroll = walk.page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{label} : la page déborde ({scroll} px pour un écran de {width} px)"


def pay(walk, who, amount: str) -> Transfer:
    """Logged in with FranceConnect, the permit on their space, ``amount`` sent through the demo bank:
    back on the confirmation page."""
    full_name, family_name, permit_number = who
    page = walk.page
    relative_login(walk, full_name)
    registration = registered_permit(family_name, permit_number)
    page.goto(f"/mon-espace/virements/nouveau/{registration.pk}/")
    page.get_by_label(re.compile("Montant du virement")).fill(amount)
    page.get_by_role("button", name="Réaliser le virement").click()
    page.get_by_role("button", name="Banque de Démonstration").click()
    page.get_by_label("Identifiant").fill("demo")
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Valider").click()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", name="Votre virement a été pris en compte")).to_be_visible()
    transfers = Transfer.objects.filter(relative=registration.relative).select_related("bank", "establishment")
    transfer = transfers.latest("pk")
    assert transfer.status == S.EXECUTED and transfer.amount == Decimal(amount.replace(",", "."))
    return transfer


def confirmation_page(walk, transfer: Transfer, label: str) -> None:
    page = walk.page
    expect(page.get_by_text(format_reference(transfer.reference)).first).to_be_visible()
    expect(page.get_by_text("Banque de Démonstration")).to_be_visible()
    expect(page.get_by_text(transfer.establishment.name).first).to_be_visible()
    # The demo bank makes an SEPA instant transfer: the promise is the next passage à la caisse (business days;
    # « le mardi 1er décembre » on the first of a month; the month as [^\s,]+: the browser's \w is ASCII, not « é »).
    passage = (r"(aujourd'hui|le (lundi|mardi|mercredi|jeudi|vendredi) \d+(er)? [^\s,]+ \d{4}), "
               r"après le passage à la caisse de \d+\s+h\s+\d\d")
    expect(page.get_by_text(re.compile(passage)).first).to_be_visible()
    expect(page.get_by_role("heading", name="Et maintenant ?")).to_be_visible()
    for name in ("Voir l'historique", "Faire un autre virement", "Mon espace"):
        expect(page.get_by_role("main").get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    walk.visit(label)
    no_sideways_scroll(walk, label)

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Télécharger le justificatif")).click()
    assert download.value.suggested_filename == f"justificatif-virement-{transfer.reference}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # The print stylesheet keeps the receipt: no header, no buttons.
    page.emulate_media(media="print")
    assert not page.locator("header.fr-header").is_visible()
    assert not page.get_by_role("link", name="Faire un autre virement").is_visible()
    expect(page.get_by_text(format_reference(transfer.reference)).first).to_be_visible()
    page.emulate_media(media="screen")


def history_then_detail(walk, transfer: Transfer, prefix: str) -> None:
    page = walk.page
    page.get_by_role("main").get_by_role("link", name="Voir l'historique", exact=True).click()
    expect(page.get_by_role("heading", name="Historique de vos virements", level=1)).to_be_visible()
    expect(page.get_by_text("Historique de vos virements")).to_have_count(1)  # said once on the page
    row = page.get_by_role("row").filter(has_text=transfer.reference)
    expect(row).to_contain_text("Exécuté par votre banque")
    walk.visit(f"{prefix}-historique")
    no_sideways_scroll(walk, f"{prefix}-historique")

    row.get_by_role("link", name=re.compile("Voir le détail")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(format_reference(transfer.reference))
    steps = page.get_by_role("list").filter(has_text="Envoyé à votre banque")
    expect(steps).to_contain_text("Accepté par votre banque")
    expect(steps).to_contain_text("Envoyé par votre banque")
    expect(page.get_by_role("link", name=re.compile("Télécharger le justificatif"))).to_be_visible()
    walk.visit(f"{prefix}-detail")
    no_sideways_scroll(walk, f"{prefix}-detail")


def assert_clean(walk) -> None:
    assert walk.checked, "axe-core n'a contrôlé aucune page"
    assert not walk.violations, f"{walk.name} — violations WCAG 2.1 AA :\n{walk.report()}"
    assert not walk.broken, walk.broken
    assert not walk.console_errors, walk.console_errors


@pytest.mark.timeout(600)
def test_confirmation_receipt_history_and_detail_on_a_desktop_and_a_phone(walker):
    desktop = walker("recu-bureau", DESKTOP)
    transfer = pay(desktop, ANGELA, "50")
    confirmation_page(desktop, transfer, "bureau-confirmation")
    history_then_detail(desktop, transfer, "bureau")
    assert_clean(desktop)

    phone = walker("recu-telephone", PHONE)
    transfer = pay(phone, PIERRE, "20")
    confirmation_page(phone, transfer, "telephone-confirmation")
    # A transfer left at the bank: its actions on the phone's card, within the screen.
    pending = Transfer.objects.create(
        relative=transfer.relative, permit=transfer.permit, detainee=transfer.detainee,
        establishment=transfer.establishment, amount=Decimal("15.00"), bank=transfer.bank,
        status=S.AWAITING_AUTHORIZATION, initiated_at=transfer.initiated_at,
    )
    history_then_detail(phone, transfer, "telephone")
    page = phone.page
    page.goto("/mon-espace/virements/historique/")
    card = page.get_by_role("row").filter(has_text=pending.reference)
    for name in ("Reprendre le virement", "Annuler le virement"):
        button = card.get_by_role("link", name=re.compile(name))
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
    phone.visit("telephone-historique-en-attente")
    no_sideways_scroll(phone, "telephone-historique-en-attente")
    card.get_by_role("link", name=re.compile("Voir le détail")).click()
    expect(page.get_by_role("link", name="Annuler le virement")).to_be_visible()
    phone.visit("telephone-detail-en-attente")
    no_sideways_scroll(phone, "telephone-detail-en-attente")
    assert_clean(phone)
