"""The guide as an A4 PDF flyer, drawn with ReportLab (pure Python: no browser nor system library).

Built from the same numbered steps as the web page: step titles, sub-step labels (1a, 1b…), texts,
images (with their text alternative as caption when there is no caption), "i" notes, warnings,
buttons as the user sees them, texts shown on screen and QR codes (segno)."""

from __future__ import annotations

import html
import io
import re

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from wagtail.rich_text import expand_db_html

from .blocks import QRCodeBlock
from .qr import png_bytes

BLUE = colors.HexColor("#000091")
INFO_BG = colors.HexColor("#e8edff")
WARNING_BG = colors.HexColor("#ffe9e6")
WIDTH = A4[0] - 30 * mm

_styles = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle("title", parent=_styles["Title"], textColor=BLUE, fontSize=20, leading=24),
    "intro": ParagraphStyle("intro", parent=_styles["BodyText"], fontSize=11, leading=14),
    "step": ParagraphStyle("step", parent=_styles["Heading2"], textColor=BLUE, spaceBefore=8),
    "label": ParagraphStyle("label", parent=_styles["Heading3"], textColor=BLUE, spaceBefore=4, spaceAfter=2),
    "body": ParagraphStyle("body", parent=_styles["BodyText"], fontSize=10, leading=13),
    "button": ParagraphStyle("button", parent=_styles["BodyText"], textColor=colors.white, alignment=TA_CENTER),
    "small": ParagraphStyle("small", parent=_styles["BodyText"], fontSize=8, leading=10, alignment=TA_CENTER),
}


def _paragraphs(rich_html: str) -> list[str]:
    """Rich text to a few safe ReportLab paragraphs (bold and italic kept, everything else as text)."""
    source = expand_db_html(rich_html)
    chunks = re.split(r"</p>|<br\s*/?>|</li>", source)
    out = []
    for chunk in chunks:
        chunk = re.sub(r"<(/?)(b|strong)\b[^>]*>", r"[[\1b]]", chunk)
        chunk = re.sub(r"<(/?)(i|em)\b[^>]*>", r"[[\1i]]", chunk)
        text = html.escape(html.unescape(strip_tags(chunk)).strip(), quote=False)
        text = re.sub(r"\[\[(/?)(b|i)\]\]", r"<\1\2>", text)
        if strip_tags(text).strip():
            out.append(text)
    return out


def _boxed(flowables: list, background, border) -> Table:
    table = Table([[flowables]], colWidths=[WIDTH])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), background),
        ("LINEBEFORE", (0, 0), (0, -1), 3, border),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _content_flowables(stream) -> list:
    flowables: list = []
    for child in stream:
        kind, value = child.block_type, child.value
        if kind == "paragraph":
            flowables += [Paragraph(p, STYLES["body"]) for p in _paragraphs(value.source)]
        elif kind == "heading":
            flowables.append(Paragraph(html.escape(value["text"]), STYLES["label"]))
        elif kind == "info":
            texts = _paragraphs(value["text"].source)
            flowables.append(_boxed([Paragraph("<b>i</b>  " + " ".join(texts), STYLES["body"])], INFO_BG, BLUE))
        elif kind == "warning":
            texts = _paragraphs(value["text"].source)
            flowables.append(_boxed([Paragraph("<b>!</b>  " + " ".join(texts), STYLES["body"])], WARNING_BG,
                                    colors.HexColor("#b34000")))
        elif kind == "button":
            table = Table([[Paragraph(html.escape(value["label"]), STYLES["button"])]], colWidths=[70 * mm])
            table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), BLUE), ("LEFTPADDING", (0, 0), (-1, -1), 6)]))
            table.hAlign = "LEFT"
            flowables += [table, Spacer(1, 3)]
        elif kind == "screen_text":
            flowables.append(_boxed([Paragraph(f"<b>{html.escape(value['text'])}</b>", STYLES["body"])],
                                    colors.HexColor("#f6f6f6"), colors.HexColor("#929292")))
        elif kind == "image":
            flowables += _image(value)
        elif kind == "qr_code":
            flowables += _qr(value)
    return flowables


def _image(value) -> list:
    try:
        with value["image"].open_file() as handle:
            data = io.BytesIO(handle.read())
    except (OSError, ValueError):
        return [Paragraph(html.escape(value["alt"]), STYLES["small"])]
    image = value["image"]
    width = min(90 * mm, WIDTH)
    height = width * image.height / image.width if image.width else width
    flowable = Image(data, width=width, height=height)
    return [flowable, Paragraph(html.escape(value.get("caption") or value["alt"]), STYLES["small"])]


def _qr(value) -> list:
    target = QRCodeBlock.target_url(value)
    if not target:
        return []
    image = Image(io.BytesIO(png_bytes(target)), width=32 * mm, height=32 * mm)
    caption = QRCodeBlock.text_alternative(value)
    image.hAlign = "LEFT"
    return [image, Paragraph(html.escape(caption), STYLES["small"])]


def guide_pdf(page) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=12 * mm, bottomMargin=12 * mm,
        title=page.title, author=_("Portail des proches"), lang="fr-FR",
    )
    story: list = [Paragraph(html.escape(page.title), STYLES["title"])]
    story += [Paragraph(p, STYLES["intro"]) for p in _paragraphs(page.intro)]
    for item in page.numbered_body():
        block = item["block"]
        if item["type"] == "step":
            story.append(Paragraph(f"{item['number']}. {html.escape(block.value['title'])}", STYLES["step"]))
            story += _content_flowables(block.value["intro"] or [])
            for sub in item["substeps"]:
                story.append(KeepTogether([Paragraph(html.escape(sub["heading"]), STYLES["label"]),
                                           *_content_flowables(sub["content"])]))
        else:
            story += _content_flowables([block])
    story += [Spacer(1, 6)] + [Paragraph(p, STYLES["intro"]) for p in _paragraphs(page.footer)]
    doc.build(story)
    return buffer.getvalue()
