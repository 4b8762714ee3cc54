"""The home page: introduction, the two services, the FranceConnect entry, latest news."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
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
