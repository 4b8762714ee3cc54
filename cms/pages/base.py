"""What every page of the content site shares: its title and description in the layout, the
breadcrumb, and its place in the menus."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page

PROMOTE_PANELS = [
    MultiFieldPanel(
        [
            FieldPanel("slug"),
            FieldPanel("seo_title"),
            FieldPanel("search_description"),
            FieldPanel("show_in_menus"),
        ],
        heading=_("Référencement et menus"),
    ),
]


class PortalPageMixin:
    """Mixed into every page type: fills ``title`` (the layout's <title>), ``description`` (the meta
    description) and the DSFR breadcrumb."""

    promote_panels = PROMOTE_PANELS

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["title"] = self.seo_title or self.title
        context["description"] = self.search_description
        context["breadcrumb_data"] = self.breadcrumb_data()
        context["untranslated"] = self.is_untranslated()
        return context

    def is_untranslated(self) -> bool:
        """This page is shown in another language than its own (a French page at /en/… that has no English
        translation yet): the page says so."""
        if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
            return False
        language = get_language() or settings.LANGUAGE_CODE
        return language in dict(settings.WAGTAIL_CONTENT_LANGUAGES) and self.locale.language_code != language

    def breadcrumb_data(self) -> dict | None:
        if self.depth <= 2:
            return None
        links = [{"url": p.url, "title": p.title} for p in self.get_ancestors().filter(depth__gt=2).specific()]
        return {"links": links, "current": self.title}

    def live_children(self):
        return self.get_children().live().public().specific()


__all__ = ["Page", "PortalPageMixin"]
