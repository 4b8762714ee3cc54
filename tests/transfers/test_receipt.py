"""The confirmation page, the receipt (page, PDF, e-mail), the history and a transfer's own page: what
the relative reads after paying, and that nobody else can read it."""

from __future__ import annotations

import datetime
import html
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time
from pypdf import PdfReader

from core.business_days import business_days_after
from tests.establishments.factories import BankFactory
from transfers import selectors, services
from transfers.constants import TransferStatus
from transfers.models import Transfer
from transfers.references import format_reference

from .factories import RegisteredPermitFactory, TransferFactory

S = TransferStatus
PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"
HS = "\u00a0h\u00a0"  # the French time: 9 h 12
pytestmark = pytest.mark.django_db
# A Friday evening in Paris: four business days later is the next Thursday.
FRIDAY = datetime.datetime(2026, 11, 27, 18, 30, tzinfo=PARIS)


def logged_in(relative) -> Client:
    client = Client()
    client.force_login(relative.user)
    return client


def text(response) -> str:
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(response.content.decode()))


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages)).replace(NBSP, " ")


def paid_transfer(django_capture_on_commit_callbacks, *, amount="50", bank_name="Banque Solidaire") -> Transfer:
    """A transfer through the services, as the portal moves it: amount, bank, accepted and executed on
    Friday 27 November 2026 at 18:30 (Paris); the e-mail receipt sent when the bank accepts it."""
    registration = RegisteredPermitFactory(
        permit__detainee__first_name="Jean", permit__detainee__family_name="Martin",
        permit__detainee__establishment__max_per_transfer=None,
        permit__detainee__establishment__max_per_detainee_month=None,
        permit__detainee__establishment__max_per_sender_month=None,
    )
    bank = BankFactory(name=bank_name)
    with freeze_time(FRIDAY - datetime.timedelta(minutes=2)):
        transfer = services.create_draft(relative=registration.relative, permit=registration.permit,
                                         amount=Decimal(amount))
    with freeze_time(FRIDAY - datetime.timedelta(minutes=1)):
        services.reserve(transfer_id=transfer.pk, bank=bank)
    with freeze_time(FRIDAY), django_capture_on_commit_callbacks(execute=True):
        services.apply_bank_status(transfer_id=transfer.pk, code="ACSC")
    return Transfer.objects.select_related("relative", "detainee", "establishment", "bank").get(pk=transfer.pk)


def test_the_reference_is_shown_in_groups_of_four_and_stored_unchanged():
    transfer = TransferFactory()
    grouped = format_reference(transfer.reference)
    assert re.fullmatch(r"PDP( [A-Z2-9]{4}){5}", grouped), grouped
    assert grouped.replace(" ", "") == transfer.reference
    assert Transfer.objects.get(pk=transfer.pk).reference == transfer.reference
    assert format_reference("PDP4F7K9Q2M") == "PDP 4F7K 9Q2M"


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (FRIDAY, 4, datetime.date(2026, 12, 3)),  # the weekend is not counted
        (datetime.datetime(2026, 12, 24, 10, tzinfo=PARIS), 4, datetime.date(2026, 12, 31)),  # 25 Dec, weekend
        (datetime.datetime(2027, 3, 25, 10, tzinfo=PARIS), 1, datetime.date(2027, 3, 30)),  # Good Friday, Easter Monday
        # 23:30 UTC on a Friday is Saturday in Paris: counted from Saturday, the first business day is Monday.
        (datetime.datetime(2026, 11, 27, 23, 30, tzinfo=datetime.UTC), 1, datetime.date(2026, 11, 30)),
    ],
)
def test_business_days_after_skips_weekends_and_bank_holidays(start, days, expected):
    assert business_days_after(start, days) == expected


def test_the_confirmation_page_says_when_where_how_much_and_what_next(django_capture_on_commit_callbacks):
    transfer = paid_transfer(django_capture_on_commit_callbacks)
    client = logged_in(transfer.relative)
    page = text(client.get(reverse("transfers:done", args=[transfer.reference])))
    assert "Votre virement a été pris en compte" in page
    assert "<title>Votre virement a été pris en compte — Portail des proches</title>" in page
    assert format_reference(transfer.reference) in page  # readable groups
    assert transfer.reference in page  # and as on the bank statement
    assert f"27 novembre 2026 à 18{HS}30" in page
    assert "Banque Solidaire" in page and f"50,00{NBSP}€" in page
    assert "Jean MARTIN" in page and transfer.establishment.name in page
    assert "au plus tard le jeudi 3 décembre 2026" in page
    assert "Et maintenant\u202f?" in page and "compte nominatif" in page
    assert f"est envoyé à {transfer.relative.email}" in page
    assert reverse("transfers:receipt", args=[transfer.reference]) in page
    assert "Imprimer" in page and "transfers/receipt-print.css" in page
    assert f'<a href="{reverse("contact")}">Contactez-nous</a> en indiquant sa référence.' in page
    main = re.sub(r"<[^>]+>|https?:", "", page[page.index("<main"):page.index("</main>")])
    assert not re.findall(r".{30}[^\u00a0\u202f][:;?!] .{10}", main)  # no sign at the start of a line
    for label, url in (("Mon espace", reverse("accounts:mon_espace")), ("Faire un autre virement",
                       reverse("transfers:pecule")), ("Voir l'historique", reverse("transfers:history"))):
        assert re.search(rf'href="{re.escape(url)}">{re.escape(label)}<', page), label


def test_a_transfer_not_paid_says_so_on_the_page_and_in_its_pdf():
    transfer = TransferFactory(status=S.REJECTED, bank__name="Banque Refus")
    client = logged_in(transfer.relative)
    page = text(client.get(reverse("transfers:done", args=[transfer.reference])))
    assert "Votre virement n'a pas été effectué" in page and "au plus tard" not in page
    response = client.get(reverse("transfers:receipt", args=[transfer.reference]))
    content = pdf_text(response.content)
    assert "Récapitulatif de virement (non payé)" in content
    assert "Ce virement n'a pas été payé : aucune somme n'a été prélevée." in content
    assert "Justificatif de virement" not in content

    waiting = TransferFactory(status=S.AWAITING_AUTHORIZATION, relative=transfer.relative)
    content = pdf_text(client.get(reverse("transfers:receipt", args=[waiting.reference])).content)
    assert "pas encore payé" in content and "attend votre validation" in content


def test_the_pdf_receipt_has_the_reference_amount_date_and_steps(django_capture_on_commit_callbacks):
    transfer = paid_transfer(django_capture_on_commit_callbacks, amount="1234.5")
    response = logged_in(transfer.relative).get(reverse("transfers:receipt", args=[transfer.reference]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="justificatif-virement-{transfer.reference}.pdf"'
    content = pdf_text(response.content)
    assert "Justificatif de virement" in content
    assert format_reference(transfer.reference) in content and transfer.reference in content
    assert "1 234,50 €" in content  # the thousands separator drawn, not a missing glyph
    assert "27 novembre 2026 à 18 h 30" in content and "Banque Solidaire" in content
    assert "au plus tard le jeudi 3 décembre 2026" in content
    assert "Envoyé à votre banque, en attente de votre validation" in content
    assert "Exécuté par votre banque" in content and "Envoyé par votre banque" in content
    assert PdfReader(io.BytesIO(response.content)).metadata.title.endswith(transfer.reference)


def test_the_pdf_is_for_its_owner_only(django_capture_on_commit_callbacks):
    transfer = paid_transfer(django_capture_on_commit_callbacks)
    other = RegisteredPermitFactory().relative
    url = reverse("transfers:receipt", args=[transfer.reference])
    assert logged_in(other).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and b"%PDF" not in anonymous.content


def test_the_confirmation_email_has_the_pdf_attached(django_capture_on_commit_callbacks):
    transfer = paid_transfer(django_capture_on_commit_callbacks)
    [email] = mail.outbox
    assert email.to == [transfer.relative.email] and transfer.reference in email.subject
    assert format_reference(transfer.reference) in email.body
    assert "au plus tard le jeudi 3 décembre 2026" in email.body
    assert reverse("transfers:detail", args=[transfer.reference]) in email.body
    [(filename, content, mimetype)] = email.attachments
    assert filename == f"justificatif-virement-{transfer.reference}.pdf" and mimetype == "application/pdf"
    assert "Justificatif de virement" in pdf_text(content) and "50,00 €" in pdf_text(content)


def test_the_detail_page_lists_the_steps_with_their_dates(django_capture_on_commit_callbacks):
    transfer = paid_transfer(django_capture_on_commit_callbacks)
    with freeze_time(datetime.datetime(2026, 11, 30, 9, 15, tzinfo=PARIS)):
        services.receive(transfer_id=transfer.pk)
    with freeze_time(datetime.datetime(2026, 12, 1, 11, 0, tzinfo=PARIS)):
        services.mark_credited(transfer_id=transfer.pk)
    with freeze_time(datetime.datetime(2026, 12, 1, 17, 0, tzinfo=PARIS)):
        page = text(logged_in(transfer.relative).get(reverse("transfers:detail", args=[transfer.reference])))
    # The steps in plain words, each with its time (the day too when not today; « hier » for yesterday).
    expected = [
        ("Montant saisi sur le portail", f"le 27 novembre à 18{HS}28"),
        ("Envoyé à votre banque, en attente de votre validation", f"le 27 novembre à 18{HS}29"),
        ("Accepté par votre banque", f"le 27 novembre à 18{HS}30"),
        ("Envoyé par votre banque", f"le 27 novembre à 18{HS}30"),
        ("Reçu par l'établissement", f"hier à 9{HS}15"),
        ("Versé sur le compte de la personne détenue", f"à 11{HS}00"),
    ]
    steps = page[page.index("Étapes du virement"):]
    steps = steps[steps.index('<ol class="portail-steps">'):steps.index("</ol>")]
    items = re.findall(r'<li>(.*?) <time datetime="[^"]+">(.*?)</time>', steps)
    assert items == expected
    assert "Votre virement a été versé sur le pécule." in page and "au plus tard" not in page
    assert "Versé sur le pécule le" in page
    assert reverse("transfers:receipt", args=[transfer.reference]) in page
    assert page.count("<h1") == 1 and format_reference(transfer.reference) in page


def test_the_detail_page_is_the_owners_only(django_capture_on_commit_callbacks):
    transfer = paid_transfer(django_capture_on_commit_callbacks)
    url = reverse("transfers:detail", args=[transfer.reference])
    assert logged_in(RegisteredPermitFactory().relative).get(url).status_code == 404
    assert logged_in(transfer.relative).get(reverse("transfers:detail", args=["PDP" + "A" * 20])).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"] == reverse("home")


def test_a_pending_transfer_can_be_resumed_or_cancelled_from_its_page_and_the_history():
    transfer = TransferFactory(status=S.AWAITING_AUTHORIZATION)
    client = logged_in(transfer.relative)
    for url in (reverse("transfers:detail", args=[transfer.reference]), reverse("transfers:history")):
        page = text(client.get(url))
        assert reverse("transfers:resume", args=[transfer.reference]) in page
        assert reverse("transfers:cancel", args=[transfer.reference]) in page
    cancelled = client.post(reverse("transfers:cancel", args=[transfer.reference]))
    assert cancelled.status_code == 302
    page = text(client.get(reverse("transfers:detail", args=[transfer.reference])))
    assert "Refusé par votre banque ou annulé" in page
    assert reverse("transfers:resume", args=[transfer.reference]) not in page


def test_the_history_links_each_transfer_to_its_page_and_says_its_title_once():
    transfer = TransferFactory(amount=Decimal("12.50"))
    page = text(logged_in(transfer.relative).get(reverse("transfers:history")))
    assert page.count("Historique de vos virements") == 2  # the window's title and the h1
    assert page.count("six derniers mois") == 1
    assert reverse("transfers:detail", args=[transfer.reference]) in page
    assert f"12,50{NBSP}€" in page and transfer.status_label in page
    assert 'class="portail-history"' in page and 'role="row"' in page


def test_dates_are_written_in_french():
    assert selectors.format_day(datetime.date(2026, 12, 1)) == "mardi 1er décembre 2026"
    assert selectors.format_moment(datetime.datetime(2027, 1, 1, 0, 5, tzinfo=PARIS)) == f"1er janvier 2027 à 0{HS}05"
    # Stored in UTC, said in Paris time.
    assert selectors.format_moment(datetime.datetime(2026, 6, 30, 22, 30, tzinfo=datetime.UTC)) == (
        f"1er juillet 2026 à 0{HS}30"
    )


def test_receipt_rows_and_state_follow_the_status():
    credited = TransferFactory(status=S.CREDITED, credited_at=FRIDAY)
    receipt = selectors.receipt_for(credited)
    assert receipt.paid and receipt.expected_on is None
    assert ("Versé sur le pécule le", f"27 novembre 2026 à 18{HS}30") in receipt.rows
    refunded = selectors.receipt_for(TransferFactory(status=S.REFUNDED, refunded_at=FRIDAY))
    assert refunded.paid and refunded.state == "Ce virement vous a été remboursé." and refunded.expected_on is None
    expired = selectors.receipt_for(TransferFactory(status=S.EXPIRED))
    assert not expired.paid and "aucune somme n'a été prélevée" in expired.state
