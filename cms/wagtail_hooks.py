"""The content site's additions to Wagtail: the admin's report « Traductions manquantes » (cms.reports), and links
to pages in rich text that keep the reader's language (cms.rich_text)."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import page_permission_policy

from .reports import MissingTranslationsView
from .rich_text import LocalizedPageLinkHandler


class MissingTranslationsMenuItem(MenuItem):
    def is_shown(self, request):
        return page_permission_policy.user_has_any_permission(request.user, ["add", "change", "publish"])


@hooks.register("register_admin_urls")
def register_missing_translations_urls():
    return [
        path("reports/traductions-manquantes/", MissingTranslationsView.as_view(), name="cms_missing_translations"),
        path("reports/traductions-manquantes/results/", MissingTranslationsView.as_view(results_only=True),
             name="cms_missing_translations_results"),
    ]


@hooks.register("register_reports_menu_item")
def register_missing_translations_menu_item():
    return MissingTranslationsMenuItem(
        "Traductions manquantes", reverse("cms_missing_translations"), name="missing-translations",
        icon_name="globe", order=750,
    )


@hooks.register("register_rich_text_features", order=100)  # after Wagtail's own "page" link type
def register_localized_page_links(features):
    features.register_link_type(LocalizedPageLinkHandler)
