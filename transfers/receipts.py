"""The receipt of a transfer as an A4 PDF, drawn with ReportLab (as the guide's PDF, cms/pdf.py): the same
facts as the confirmation page (transfers.selectors.receipt_for), its steps, and what happens next.
Downloaded from the confirmation and detail pages, and attached to the confirmation e-mail."""

from __future__ import annotations

import html
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

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


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(html.escape(str(text).translate(_PDF_SAFE), quote=False), STYLES[style])


def receipt_filename(transfer: Transfer) -> str:
    return f"justificatif-virement-{transfer.reference}.pdf"


def next_steps(receipt: selectors.Receipt) -> list[str]:
    """What happens next, for a transfer on its way to the pécule (the confirmation page says the same); while
    the establishment checks it, that check comes first and no date is promised."""
    transfer = receipt.transfer
    if receipt.held:
        return [french_spacing(text) for text in (
            _("L'établissement (%(name)s) vérifie ce virement avant de le verser sur le pécule de %(detainee)s.")
            % {"name": transfer.establishment.name, "detainee": selectors.detainee_name(transfer.detainee)},
            _("Une fois la vérification faite, la régie verse l'argent sur le pécule : vous le verrez dans "
              "l'historique de vos virements, sur votre espace personnel."),
            _("Si l'argent ne peut pas être versé, il vous est remboursé sur votre compte."),
        )]
    if receipt.expected_on is None:
        return []
    if receipt.passage is not None:
        sent = _("Votre banque envoie l'argent en virement instantané : il arrive en quelques secondes sur le compte "
                 "de la régie de l'établissement (%(name)s).") % {"name": transfer.establishment.name}
    else:
        sent = _("Votre banque envoie l'argent sur le compte de la régie de l'établissement (%(name)s).") % {
            "name": transfer.establishment.name
        }
    return [french_spacing(text) for text in (
        sent,
        _("La régie le verse ensuite sur le compte nominatif (le pécule) de %(detainee)s : l'argent devrait y "
          "être %(when)s.") % {"detainee": selectors.detainee_name(transfer.detainee), "when": receipt.expected_text},
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
        title=f"{title} {transfer.reference}", author=_("Portail des proches"), lang="fr-FR",
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
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    story += [state, Spacer(1, 8)]

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
        story.append(_p(f"{selectors.format_moment(step.at)}\u00a0: {step.label}{note}", "body"))

    story += [
        Spacer(1, 12),
        _p(_("Document établi le %(when)s (heure de Paris). Conservez-le : la référence permet de retrouver ce "
             "virement.") % {"when": selectors.format_moment(timezone.now())}, "small"),
    ]
    doc.build(story)
    return buffer.getvalue()
