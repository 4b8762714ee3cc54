"""The staff back office (/gestion/): Django's admin, open only to the back-office roles."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

from .selectors import may_use_back_office


class PortalAdminSite(admin.AdminSite):
    site_header = _("Portail des proches — gestion")
    site_title = _("Portail des proches — gestion")
    index_title = _("Back office des établissements")
    empty_value_display = "—"

    def has_permission(self, request) -> bool:
        return may_use_back_office(request.user)


class PortalAdminConfig(AdminConfig):
    """Django's admin (autodiscovery included) with the portal's site; in INSTALLED_APPS in place of
    ``django.contrib.admin``."""

    default_site = "accounts.admin_site.PortalAdminSite"
