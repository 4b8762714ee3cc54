"""The staff's second-factor step, under /gestion/second-facteur/ (open behind the gate)."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import passkey_views
from . import second_factor_views as views

# django-otp-webauthn's endpoints, under the names its template tags reverse, staff-only (passkey_views).
passkey_patterns = ([
    path("inscription/debut/", passkey_views.BeginRegistration.as_view(), name="credential-registration-begin"),
    path("inscription/fin/", passkey_views.CompleteRegistration.as_view(), name="credential-registration-complete"),
    path("verification/debut/", passkey_views.BeginAuthentication.as_view(),
         name="credential-authentication-begin"),
    path("verification/fin/", passkey_views.CompleteAuthentication.as_view(),
         name="credential-authentication-complete"),
    # The passkey script's messages, in French (locale/fr/LC_MESSAGES/djangojs.po).
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["accounts"]), name="js-i18n-catalog"),
], "otp_webauthn")

app_name = "second_factor"
urlpatterns = [
    path("", views.verify, name="verify"),
    path("code-de-secours/", views.recovery, name="recovery"),
    path("activation/", views.enrol, name="enrol"),
    path("codes-de-secours/", views.recovery_codes, name="recovery_codes"),
    path("cles-d-acces/", views.passkeys, name="passkeys"),
    path("deconnexion/", views.logout_view, name="logout"),
]
