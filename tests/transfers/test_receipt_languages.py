"""The PDF receipt in the relative's language: the page's language for the download (``/en/…``, ``/ar/…``), the
relative's for the e-mail's attachment; Arabic drawn right to left in an embedded font with Arabic glyphs, its
amount, reference and dates in Western digits; French as it always was; nobody else's receipt in any language."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader
from reportlab.lib.units import mm

from transfers import receipts, services
from transfers.references import format_reference

from .factories import RegisteredPermitFactory
from .test_receipt import logged_in, paid_transfer, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """A request to /en/ or /ar/ leaves its language active in the test's thread: the next tests read French."""
    yield
    translation.deactivate()


def receipt_url(transfer, lang: str) -> str:
    with translation.override(lang):
        return reverse("transfers:receipt", args=[transfer.reference])


def fonts(data: bytes) -> set[str]:
    """The base names of the fonts the PDF uses (``AAAAAA+DejaVuSans`` for an embedded subset)."""
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/"))
    return names


def arabic_text(data: bytes) -> str:
    """The Arabic PDF's text as a reader reads it: pypdf puts the Arabic runs of each line back in reading order;
    NFKC turns the joined letters (presentation forms) back into the letters they join."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return unicodedata.normalize("NFKC", text).replace("\u00a0", " ")


def test_the_english_receipt_has_english_labels_and_amounts(django_capture_on_commit_callbacks):
    transfer = paid_transfer(django_capture_on_commit_callbacks)
    response = logged_in(transfer.relative).get(receipt_url(transfer, "en"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="justificatif-virement-{transfer.reference}.pdf"'
    content = pdf_text(response.content)
    assert "Transfer receipt" in content and "Justificatif de virement" not in content
    for label in ("Reference", "Reference on your bank statement", "Date and time", "Amount", "Bank", "Status",
                  "What happens next?", "Transfer steps"):
        assert label in content, label
    assert format_reference(transfer.reference) in content and transfer.reference in content
    assert "€50.00" in content and "50,00" not in content
    assert "Banque Solidaire" in content and "Jean MARTIN" in content
    assert "novembre" not in content and "à 18" not in content  # the dates are English too
    assert " : " not in content  # no French space before a colon
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == f"Transfer receipt {transfer.reference}"
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_the_arabic_receipt_is_drawn_right_to_left_in_an_embedded_arabic_font(django_capture_on_commit_callbacks):
    transfer = paid_transfer(django_capture_on_commit_callbacks, amount="1234.5")
    response = logged_in(transfer.relative).get(receipt_url(transfer, "ar"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    used = fonts(response.content)
    # DejaVu Sans, embedded (a subset, « ABCDEF+DejaVuSans »): nothing to install to read it.
    embedded = {re.sub(r"^[A-Z]{6}\+", "", name) for name in used if re.match(r"^[A-Z]{6}\+", name)}
    assert embedded == {"DejaVuSans", "DejaVuSans-Bold"}, used
    content = arabic_text(response.content)
    with translation.override("ar"):
        labels = [str(label) for label, _value in receipts.selectors.receipt_for(transfer).rows]
    assert labels[0] == "المرجع"
    for label in (*labels, "إيصال التحويل", "مراحل التحويل", "ما الخطوة التالية؟", "الجمهورية الفرنسية"):
        assert label in content, label
    # The reference, the bank's name and the amount keep their left-to-right order and Western digits.
    assert format_reference(transfer.reference) in content and transfer.reference in content
    assert "Banque Solidaire" in content and "Jean MARTIN" in content
    assert "1 234,50 €" in content
    assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", content)  # no Eastern Arabic digits
    assert "Justificatif" not in content and "Montant" not in content
    assert PdfReader(io.BytesIO(response.content)).trailer["/Root"]["/Lang"] == "ar"


def test_in_arabic_the_labels_are_on_the_right_of_their_values(django_capture_on_commit_callbacks):
    transfer = paid_transfer(django_capture_on_commit_callbacks)
    data = logged_in(transfer.relative).get(receipt_url(transfer, "ar")).content
    positions = {}

    def visitor(text, cm, tm, _font, _size):
        if text.strip():  # where the text starts on the page: its matrix, then the page's
            positions.setdefault(unicodedata.normalize("NFKC", text.strip()), tm[4] * cm[0] + tm[5] * cm[2] + cm[4])

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visitor)
    reference_x = positions[transfer.reference]
    label_x = next(x for text, x in positions.items() if "المرجع في كشف" in text or "المرجع في كشف" in text[::-1])
    values_end = 18 * mm + receipts.WIDTH * 0.62  # the left margin, then the values' column
    assert reference_x < values_end < label_x


def test_an_arabic_line_is_drawn_right_to_left_with_its_figures_and_brackets_the_right_way():
    # Drawn left to right: the last Arabic word first, the bracket mirrored, the amount's figures in their order.
    line = receipts.drawing_order("تم (المبلغ \u20661 234,50\u00a0€\u2069) بنجاح")
    assert line == f"{'بنجاح'[::-1]} (1 234,50\u00a0€ {'المبلغ'[::-1]}) {'تم'[::-1]}"
    assert receipts.drawing_order("PDP 4F7K 9Q2M", "L") == "PDP 4F7K 9Q2M"


def test_the_french_receipt_is_unchanged(django_capture_on_commit_callbacks):
    transfer = paid_transfer(django_capture_on_commit_callbacks)
    response = logged_in(transfer.relative).get(receipt_url(transfer, "fr"))
    assert response.request["PATH_INFO"].startswith("/mon-espace/")  # French, unprefixed
    content = pdf_text(response.content)
    assert "Justificatif de virement" in content and "50,00 €" in content
    assert "27 novembre 2026 à 18 h 30 : Accepté par votre banque" in content
    assert fonts(response.content) == {"Helvetica", "Helvetica-Bold"}
    assert PdfReader(io.BytesIO(response.content)).trailer["/Root"]["/Lang"] == "fr-FR"


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_nobody_else_gets_the_receipt_in_any_language(django_capture_on_commit_callbacks, lang):
    transfer = paid_transfer(django_capture_on_commit_callbacks)
    other = RegisteredPermitFactory().relative
    assert logged_in(other).get(receipt_url(transfer, lang)).status_code == 404
    assert logged_in(transfer.relative).get(receipt_url(transfer, lang)).status_code == 200


@pytest.mark.parametrize(("lang", "title"), [("en", "Transfer receipt"), ("ar", "إيصال التحويل")])
def test_the_emailed_receipt_is_in_the_relatives_language(django_capture_on_commit_callbacks, lang, title):
    transfer = paid_transfer(django_capture_on_commit_callbacks)
    transfer.relative.language = lang
    transfer.relative.save()
    mail.outbox.clear()
    translation.activate("fr")  # a job, or a page in French: the relative's language still wins
    assert services.send_receipt(transfer_id=transfer.pk)
    [(filename, content, mimetype)] = mail.outbox[-1].attachments
    assert mimetype == "application/pdf" and filename == f"justificatif-virement-{transfer.reference}.pdf"
    assert PdfReader(io.BytesIO(content)).metadata.title == f"{title} {transfer.reference}"
