"""The FAQ: questions grouped by theme, searchable (``?q=``, without JavaScript)."""

from __future__ import annotations

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core.text import fold

from ..blocks import FAQThemeBlock
from .base import PortalPageMixin


def _normalize(text: str) -> str:
    """Folded (``core.text.fold``), a typographic apostrophe read as a straight one: a question typed
    ``l'écrou`` finds ``l’écrou``."""
    return fold(text).replace("’", "'")


class FAQPage(PortalPageMixin, Page):
    intro = RichTextField(_("introduction"), features=["bold", "italic", "link"], blank=True)
    themes = StreamField([("theme", FAQThemeBlock())], verbose_name=_("thèmes"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("themes")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("themes")]
    subpage_types: list[str] = []
    template = "cms/faq_page.html"

    class Meta:
        verbose_name = _("foire aux questions")
        verbose_name_plural = _("foires aux questions")

    def matching_themes(self, query: str) -> list[dict]:
        """Themes and their questions; with a query, only the questions holding every word of it
        (case and accents ignored)."""
        words = _normalize(query).split()
        themes = []
        counter = 0
        for block in self.themes:
            questions = []
            for question in block.value["questions"]:
                counter += 1
                haystack = _normalize(f"{question['question']} {strip_tags(question['answer'].source)}")
                if all(word in haystack for word in words):
                    questions.append({"id": f"faq-{counter}", "question": question["question"],
                                      "answer": question["answer"]})
            if questions:
                themes.append({"title": block.value["title"], "questions": questions})
        return themes

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        query = (request.GET.get("q") or "").strip()[:200]
        themes = self.matching_themes(query)
        context.update(
            query=query, faq_themes=themes, result_count=sum(len(t["questions"]) for t in themes)
        )
        return context
