"""The guide (flyer-style): numbered steps and sub-steps, a printable view (A4 flyer) and a PDF."""

from __future__ import annotations

import html
import re
import string

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import GuideStreamBlock
from ..pdf import guide_pdf
from .base import PortalPageMixin


class GuidePage(PortalPageMixin, RoutablePageMixin, Page):
    intro = RichTextField(_("introduction"), features=["bold", "italic", "link"], blank=True)
    body = StreamField(GuideStreamBlock(), verbose_name=_("étapes et contenu"))
    footer = RichTextField(_("pied du guide"), features=["bold", "italic", "link"], blank=True,
                           help_text=_("Texte final du flyer (support, contact)."))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body"), FieldPanel("footer")]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("footer"),
    ]
    subpage_types: list[str] = []
    template = "cms/guide_page.html"

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def numbered_body(self) -> list[dict]:
        """The body with the flyer's numbering: steps 1, 2, 3… and their sub-steps 1a, 1b, 2a…"""
        items = []
        number = 0
        for block in self.body:
            item = {"block": block, "type": block.block_type}
            if block.block_type == "step":
                number += 1
                item["number"] = number
                item["anchor"] = f"etape-{number}"
                item["substeps"] = []
                for i, sub in enumerate(block.value["substeps"]):
                    label = f"{number}{_letter(i)}"
                    title = substep_title(sub)
                    item["substeps"].append({"label": label, "title": title, "content": sub["content"],
                                             "heading": f"{label}. {title}" if title else label})
            items.append(item)
        return items

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guide_items"] = self.numbered_body()
        context["print_url"] = self.url + self.reverse_subpage("print")
        context["pdf_url"] = self.url + self.reverse_subpage("pdf")
        return context

    @path("")
    def index_route(self, request, *args, **kwargs):
        return super().index_route(request, *args, **kwargs)

    @path("imprimer/", name="print")
    def print_view(self, request):
        context = self.get_context(request)
        return TemplateResponse(request, "cms/guide_print.html", context)

    @path("pdf/", name="pdf")
    def pdf_view(self, request):
        response = HttpResponse(guide_pdf(self), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{slugify(self.title) or "guide"}.pdf"'
        return response


def substep_title(substep) -> str:
    """The title of a sub-step (RGAA 9.1: "1a. Se connecter avec FranceConnect", not "1a"): the one the
    editors typed, else the beginning of the sub-step's first text, else the first button pictured."""
    if title := (substep.get("title") or "").strip():
        return title
    for child in substep["content"]:
        if child.block_type == "paragraph":
            text = html.unescape(strip_tags(child.value.source)).strip()
        elif child.block_type == "screen_text":
            text = child.value["text"].strip()
        elif child.block_type == "button":
            text = _("Bouton « %(label)s »") % {"label": child.value["label"]}
        else:
            continue
        if text:
            return _shorten(re.split(r"(?<=[.!?:])\s", text)[0].rstrip(" .:"))
    return ""


def _shorten(text: str, limit: int = 90) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _letter(index: int) -> str:
    letters = string.ascii_lowercase
    return letters[index] if index < len(letters) else f"{letters[index // 26 - 1]}{letters[index % 26]}"
