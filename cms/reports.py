"""The editors' report « Traductions manquantes » (/cms/reports/traductions-manquantes/, in Wagtail's « Rapports »
menu): each live French page the editor may edit that has no live English or Arabic translation yet, with the
languages it lacks and a link to translate it (simple_translation's « Traduire ») or to finish a draft
translation. Staff side: French only."""

from __future__ import annotations

from django.urls import reverse
from wagtail.admin.views.reports import ReportView
from wagtail.permissions import page_permission_policy

from .selectors import missing_translations, pages_missing_translations, translation_locales

# The languages as the (French) admin names them.
LANGUAGE_NAMES = {"en": "anglais", "ar": "arabe"}


class MissingTranslationsView(ReportView):
    template_name = "wagtailadmin/reports/base_report.html"
    results_template_name = "cms/admin/missing_translations_results.html"
    page_title = "Traductions manquantes"
    header_icon = "globe"
    index_url_name = "cms_missing_translations"
    index_results_url_name = "cms_missing_translations_results"
    permission_policy = page_permission_policy
    any_permission_required = ["add", "change", "publish"]
    paginate_by = 50
    list_export = []

    def get_queryset(self):
        editable = page_permission_policy.instances_user_has_permission_for(self.request.user, "change")
        return pages_missing_translations(editable).specific(defer=True)

    def decorate_paginated_queryset(self, object_list):
        locales = translation_locales()
        rows = []
        for page in object_list:
            lacking = missing_translations(page, locales)
            for item in lacking:
                draft = item["draft"]
                item["name"] = LANGUAGE_NAMES.get(item["locale"].language_code, item["locale"].get_display_name())
                item["url"] = (reverse("wagtailadmin_pages:edit", args=[draft.pk]) if draft is not None
                               else reverse("simple_translation:submit_page_translation", args=[page.pk]))
            rows.append({"page": page, "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
                         "lacking": lacking})
        return rows
