"""Django's admin app with the portal's site, in INSTALLED_APPS in place of ``django.contrib.admin``. Apart from
``accounts.admin_site`` (the site, imported by the admin once the models are loaded): an app's config is
imported while Django loads the apps, when no model can be imported yet."""

from django.contrib.admin import options as admin_options
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import NotRegistered, site
from django.db import models


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
        for label in ("otp_totp.TOTPDevice", "otp_static.StaticDevice", "django_otp_webauthn.WebAuthnCredential",
                      "django_otp_webauthn.WebAuthnAttestation"):
            try:
                site.unregister(self.apps.get_model(label))
            except (LookupError, NotRegistered):
                pass
