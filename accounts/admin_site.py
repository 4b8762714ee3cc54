"""The staff back office (/gestion/): Django's admin, open only to the back-office roles."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import options as admin_options
from django.contrib.admin.apps import AdminConfig
from django.db import models
from django.utils.translation import gettext_lazy as _

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
            from .proconnect.views import end_proconnect_session

            response = end_proconnect_session(request, login_page=settings.LOGIN_URL)
            if response is not None:
                return response
        return super().logout(request, extra_context)


class PortalAdminConfig(AdminConfig):
    """Django's admin (autodiscovery included) with the portal's site; in INSTALLED_APPS in place of
    ``django.contrib.admin``."""

    default_site = "accounts.admin_site.PortalAdminSite"

    def ready(self) -> None:
        # URL fields assume https, as they will by default in Django 6 (the transitional setting
        # FORMS_URLFIELD_ASSUME_HTTPS is deprecated): every admin and inline of the back office,
        # third-party ones included (django-dsfr's site settings), before autodiscovery builds them.
        admin_options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.URLField] = {
            **admin_options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.URLField], "assume_scheme": "https",
        }
        super().ready()
        # The second factor's devices are managed through the staff account's page (UserAdmin: listed without
        # their secrets, reset by the national role), never edited as such: django-otp's and
        # django-otp-webauthn's own admins (which show TOTP keys and QR codes) are taken out.
        from django.contrib.admin.sites import NotRegistered, site

        for label in ("otp_totp.TOTPDevice", "otp_static.StaticDevice", "django_otp_webauthn.WebAuthnCredential",
                      "django_otp_webauthn.WebAuthnAttestation"):
            try:
                site.unregister(self.apps.get_model(label))
            except (LookupError, NotRegistered):
                pass
