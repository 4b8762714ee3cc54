"""The staff back office (/gestion/): Django's admin, open only to the back-office roles."""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .proconnect.views import end_proconnect_session
from .selectors import may_use_back_office


class PortalAdminSite(admin.AdminSite):
    site_header = _("Portail des proches — gestion")
    site_title = _("Portail des proches — gestion")
    index_title = _("Back office des établissements")
    empty_value_display = "—"

    def has_permission(self, request) -> bool:
        return may_use_back_office(request.user)

    def logout(self, request, extra_context=None):
        """A session opened with ProConnect is also closed at ProConnect (session/end)."""
        if request.method == "POST":
            response = end_proconnect_session(request, login_page=settings.LOGIN_URL)
            if response is not None:
                return response
        return super().logout(request, extra_context)
