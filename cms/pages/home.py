"""The home page: introduction, the two services, the FranceConnect entry, latest news."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page
from wagtail.search import index

from ..blocks import ServiceBlock
from .base import PortalPageMixin
from .news import NewsPage


class HomePage(PortalPageMixin, Page):

    intro = RichTextField(_("introduction"), features=["bold", "italic", "link", "ol", "ul"], blank=True)
    services = StreamField([("service", ServiceBlock())], verbose_name=_("services"), blank=True)
    news_count = 3

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("services")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("page d'accueil")
        verbose_name_plural = _("pages d'accueil")

    def route(self, request, path_components):
        """Wagtail's routing in this language's tree; a page that has no live translation here is served from the
        French tree (at this language's address, with the note « Cette page n'est pas encore traduite »): the
        language selector never leads to a dead end."""
        try:
            return super().route(request, path_components)
        except Http404:
            source = self.source_home()
            if source is None or not path_components:
                raise
            return source.route(request, path_components)

    def source_home(self):
        """The French home page of which this one is the translation (None for the French one itself)."""
        default = Locale.get_default()
        if self.locale_id == default.pk:
            return None
        source = self.get_translation_or_none(default)
        return source.specific if source is not None and source.live else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["title"] = self.seo_title or _("Accueil")
        context["is_relative"] = is_relative = request.user.is_authenticated and hasattr(request.user, "relative")
        context["latest_news"] = (
            NewsPage.objects.live().public().descendant_of(self).order_by("-date", "-first_published_at")[
                : self.news_count
            ]
        )
        context["service_links"] = [
            {
                "value": block.value,
                "href": ServiceBlock.href(block.value, is_relative=is_relative),
                "detail": ServiceBlock.detail(block.value, is_relative=is_relative),
            }
            for block in self.services
        ]
        return context
