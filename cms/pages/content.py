"""A plain content page (legal notice, accessibility statement, personal data…); it also lists its
live sub-pages, so that it can serve as a section's index (news, establishments)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import ContentStreamBlock
from .base import PortalPageMixin


class ContentPage(PortalPageMixin, Page):
    intro = RichTextField(_("introduction"), features=["bold", "italic", "link"], blank=True)
    body = StreamField(ContentStreamBlock(), verbose_name=_("contenu"), blank=True)
    show_in_footer = models.BooleanField(_("lien dans le pied de page"), default=False)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    promote_panels = PortalPageMixin.promote_panels + [FieldPanel("show_in_footer")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    template = "cms/content_page.html"

    class Meta:
        verbose_name = _("page de contenu")
        verbose_name_plural = _("pages de contenu")
