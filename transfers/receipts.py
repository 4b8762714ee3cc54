"""The receipt of a transfer as an A4 PDF, drawn with ReportLab (as the guide's PDF, cms/pdf.py): the same
facts as the confirmation page (transfers.selectors.receipt_for), its steps, and what happens next.
Downloaded from the confirmation and detail pages, and attached to the confirmation e-mail.

It is written in the active language: the page's (``/en/mon-espace/virements/<ref>/justificatif.pdf``) or, for the
e-mail, the relative's (the sending runs under ``translation.override``). French and English are drawn in
Helvetica; Arabic in DejaVu Sans (transfers/fonts/, embedded), right to left: the letters joined by
``arabic_reshaper``, each line put in reading order by ``python-bidi`` once the text is cut into lines, the labels
on the right of their values, and the values without Arabic letters (amount, reference, IBAN) left to right."""

from __future__ import annotations

import html
import io
import unicodedata
from functools import cache
from pathlib import Path

import arabic_reshaper
from bidi.algorithm import get_display
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.formats import isolate
from core.text import french_spacing

from . import selectors
from .models import Transfer
from .states import REFUND_STATUSES

BLUE = colors.HexColor("#000091")
GREY = colors.HexColor("#666666")
SUCCESS_BG = colors.HexColor("#b8fec9")
INFO_BG = colors.HexColor("#e8edff")
WARNING_BG = colors.HexColor("#ffe9e6")
WIDTH = A4[0] - 36 * mm

_styles = getSampleStyleSheet()
STYLES = {
    "brand": ParagraphStyle("brand", parent=_styles["BodyText"], fontName="Helvetica-Bold", fontSize=9, leading=11),
    "title": ParagraphStyle("title", parent=_styles["Title"], textColor=BLUE, fontSize=20, leading=24,
                            alignment=0, spaceBefore=6),
    "state": ParagraphStyle("state", parent=_styles["BodyText"], fontName="Helvetica-Bold", fontSize=12, leading=15),
    "heading": ParagraphStyle("heading", parent=_styles["Heading2"], textColor=BLUE, fontSize=13, spaceBefore=10),
    "label": ParagraphStyle("label", parent=_styles["BodyText"], fontName="Helvetica-Bold", fontSize=10, leading=13),
    "body": ParagraphStyle("body", parent=_styles["BodyText"], fontSize=10, leading=13),
    "small": ParagraphStyle("small", parent=_styles["BodyText"], fontSize=8, leading=10, textColor=GREY),
}

# Helvetica (WinAnsi) has the no-break space, not the narrow one of the French thousands separator.
_PDF_SAFE = str.maketrans({"\u202f": "\u00a0"})


FONTS = Path(__file__).resolve().parent / "fonts"
# The Arabic receipt's fonts: DejaVu Sans has the Latin letters, the euro sign and the Arabic presentation forms.
ARABIC_FONTS = {"Helvetica": ("PortailArabic", "DejaVuSans.ttf"),
                "Helvetica-Bold": ("PortailArabic-Bold", "DejaVuSans-Bold.ttf")}
# The language of the PDF's metadata (read aloud by screen readers).
PDF_LANG = {"fr": "fr-FR", "en": "en", "ar": "ar"}


@cache
def _arabic_font(name: str) -> str:
    """The DejaVu font standing for the Helvetica ``name``, registered with ReportLab once."""
    registered, filename = ARABIC_FONTS[name]
    pdfmetrics.registerFont(TTFont(registered, str(FONTS / filename)))
    return registered


def _right_to_left() -> bool:
    return translation.get_language_bidi()


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


# The invisible marks of the bidirectional algorithm (the isolates around an Arabic amount, core.money): they
# have done their work once a line is in drawing order, and the font has no glyph for them.
_BIDI_MARKS = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


# python-bidi's own algorithm (bidi.algorithm) mirrors the brackets of a right-to-left run (« ( » drawn « ) »), which
# its Rust one does not; it knows the embeddings, not yet the isolates, which here mean the same.
_ISOLATES = str.maketrans({"\u2066": "\u202a", "\u2067": "\u202b", "\u2068": "\u202a", "\u2069": "\u202c"})


def drawing_order(line: str, base: str = "R") -> str:
    """One line (its letters joined) in the order it is drawn, left to right: the right-to-left runs turned
    round with their brackets mirrored, the left-to-right ones (figures, Latin words) as they are; ``base``:
    the line's direction, ``R`` (an Arabic sentence) or ``L``."""
    return get_display(line.translate(_ISOLATES), base_dir=base).translate(_BIDI_MARKS)


def _lines(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` cut at its spaces (not at its no-break spaces) into lines no wider than ``width``."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and pdfmetrics.stringWidth(f"{lines[-1]} {word}".translate(_BIDI_MARKS), font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


class RightToLeft(Flowable):
    """A paragraph of the Arabic receipt: cut into lines in reading order (joined letters), each line then put in
    the drawing order and set on the right. A text without Arabic letters (an amount, a reference, a bank's name)
    keeps its left-to-right order."""

    def __init__(self, text: str, style: ParagraphStyle):
        super().__init__()
        self.style = style
        self.font = _arabic_font(style.fontName)
        self.text = arabic_reshaper.reshape(text)
        self.base = "R" if _has_rtl(text) else "L"
        self.spaceBefore, self.spaceAfter = style.spaceBefore, style.spaceAfter
        self.lines: list[str] = []

    def wrap(self, availWidth, availHeight):  # noqa: N803 (ReportLab's names)
        self.width = availWidth
        lines = _lines(self.text, self.font, self.style.fontSize, availWidth)
        self.lines = [drawing_order(line, self.base) for line in lines]
        self.height = len(self.lines) * self.style.leading
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        canvas.setFont(self.font, self.style.fontSize)
        canvas.setFillColor(self.style.textColor)
        for n, line in enumerate(self.lines):
            canvas.drawRightString(self.width, self.height - self.style.fontSize - n * self.style.leading, line)


def _p(text: str, style: str) -> Flowable:
    text = str(text).translate(_PDF_SAFE)
    if _right_to_left():
        return RightToLeft(text, STYLES[style])
    return Paragraph(html.escape(text, quote=False), STYLES[style])


def _colon() -> str:
    """The « : » between a step's moment and its words: French puts a no-break space before it."""
    return "\u00a0: " if (translation.get_language() or "fr").startswith("fr") else ": "


def receipt_filename(transfer: Transfer) -> str:
    return f"justificatif-virement-{transfer.reference}.pdf"


def next_steps(receipt: selectors.Receipt) -> list[str]:
    """What happens next, for a transfer on its way to the pécule (the confirmation page says the same); while
    the establishment checks it, that check comes first and no date is promised."""
    transfer = receipt.transfer
    # Typed in Latin letters: set apart inside a right-to-left sentence (its parentheses keep their order).
    name, detainee = isolate(transfer.establishment.name), isolate(selectors.detainee_name(transfer.detainee))
    if receipt.held:
        return [french_spacing(text) for text in (
            _("L'établissement (%(name)s) vérifie ce virement avant de le verser sur le pécule de %(detainee)s.")
            % {"name": name, "detainee": detainee},
            _("Une fois la vérification faite, la régie verse l'argent sur le pécule : vous le verrez dans "
              "l'historique de vos virements, sur votre espace personnel."),
            _("Si l'argent ne peut pas être versé, il vous est remboursé sur votre compte."),
        )]
    if receipt.expected_on is None:
        return []
    if receipt.passage is not None:
        sent = _("Votre banque envoie l'argent en virement instantané : il arrive en quelques secondes sur le compte "
                 "de la régie de l'établissement (%(name)s).") % {"name": name}
    else:
        sent = _("Votre banque envoie l'argent sur le compte de la régie de l'établissement (%(name)s).") % {
            "name": name
        }
    return [french_spacing(text) for text in (
        sent,
        _("La régie le verse ensuite sur le compte nominatif (le pécule) de %(detainee)s : l'argent devrait y "
          "être %(when)s.") % {"detainee": detainee, "when": receipt.expected_text},
        _("Vous pouvez suivre chaque étape dans l'historique de vos virements, sur votre espace personnel."),
        _("Si l'argent ne peut pas être versé (par exemple si la personne a été libérée ou transférée), il vous "
          "est remboursé sur votre compte."),
    )]


def receipt_pdf(transfer: Transfer) -> bytes:
    """The receipt of ``transfer`` (with its detainee, establishment, bank and relative selected)."""
    receipt = selectors.receipt_for(transfer)
    title = _("Justificatif de virement") if receipt.paid else _("Récapitulatif de virement (non payé)")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
        title=f"{title} {transfer.reference}", author=_("Portail des proches"),
        lang=PDF_LANG.get((translation.get_language() or "fr").split("-")[0], "fr-FR"),
        subject=_("Virement pour le pécule d'une personne détenue"),
    )
    story: list = [
        _p(_("République française — Ministère de la Justice"), "brand"),
        _p(_("Le portail des services de l'administration pénitentiaire pour les proches des personnes détenues"),
           "small"),
        _p(title, "title"),
    ]
    state = Table([[_p(receipt.state, "state")]], colWidths=[WIDTH])
    background = SUCCESS_BG if receipt.paid and transfer.status not in REFUND_STATUSES else WARNING_BG
    if transfer.status == "awaiting_authorization" or receipt.held:
        background = INFO_BG
    state.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), background),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8 if _right_to_left() else 6),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    story += [state, Spacer(1, 8)]

    if _right_to_left():  # the label on the right of its value
        rows = Table([[_p(value, "body"), _p(label, "label")] for label, value in receipt.rows],
                     colWidths=[WIDTH * 0.62, WIDTH * 0.38])
    else:
        rows = Table([[_p(label, "label"), _p(value, "body")] for label, value in receipt.rows],
                     colWidths=[WIDTH * 0.38, WIDTH * 0.62])
    rows.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#dddddd")),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    story.append(rows)

    steps = next_steps(receipt)
    if steps:
        story.append(_p(_("Et maintenant ?"), "heading"))
        story += [_p(f"{n}. {text}", "body") for n, text in enumerate(steps, start=1)]

    story.append(_p(_("Étapes du virement"), "heading"))
    for step in selectors.transfer_steps(transfer):
        note = f" ({step.note})" if step.note else ""
        story.append(_p(f"{selectors.format_moment(step.at)}{_colon()}{step.label}{note}", "body"))

    story += [
        Spacer(1, 12),
        _p(_("Document établi le %(when)s (heure de Paris). Conservez-le : la référence permet de retrouver ce "
             "virement.") % {"when": selectors.format_moment(timezone.now())}, "small"),
    ]
    doc.build(story)
    return buffer.getvalue()
