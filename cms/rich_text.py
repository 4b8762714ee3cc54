"""Links to pages in rich text (guides, FAQ answers…): in an English or Arabic page, a link to a French page that has
no translation yet leads to its address in the reader's language (cms.selectors.page_url_in_active_language) rather
than to the French address, which would switch the portal back to French. French pages are unchanged."""

from __future__ import annotations

from django.utils.html import escape
from wagtail.rich_text.pages import PageLinkHandler

from .selectors import page_url_in_active_language


class LocalizedPageLinkHandler(PageLinkHandler):
    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        return [
            f'<a href="{escape(page_url_in_active_language(page) or "")}">' if page else "<a>"
            for page in cls.get_many(attrs_list)
        ]
