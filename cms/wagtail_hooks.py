"""The content site's additions to Wagtail's admin: the report « Traductions manquantes » (cms.reports)."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import page_permission_policy

from .reports import MissingTranslationsView


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
