"""Passkeys (django-otp-webauthn) as a staff second factor: its JSON endpoints, tied to the portal's
session mark. Never a login by themselves (OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is off): the staff
member has given their password first."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn

from . import services
from .second_factor import SecondFactorMethod, has_second_factor
from .second_factor_views import _next, passed
from .selectors import is_staff_account


class NotStaff(exceptions.OTPWebAuthnApiError):
    status_code = 403
    code = "not_staff"
    default_detail = _("Les clés d'accès sont réservées aux comptes des agents.")


class SecondFactorFirst(exceptions.OTPWebAuthnApiError):
    status_code = 403
    code = "second_factor_first"
    default_detail = _("Passez d'abord la vérification en deux étapes pour ajouter une clé d'accès.")


class _StaffOnly:
    def initial(self, request, *args, **kwargs):
        if not is_staff_account(request.user):
            raise NotStaff()
        super().initial(request, *args, **kwargs)


class _Registration(_StaffOnly):
    def initial(self, request, *args, **kwargs):
        """A passkey is added only by a session that has passed the portal's second factor (whichever way:
        TOTP, recovery code, passkey or ProConnect), which is then the proof the library asks for."""
        if is_staff_account(request.user) and not has_second_factor(request):
            raise SecondFactorFirst()
        super().initial(request, *args, **kwargs)

    def user_is_mfa_enrolled(self, user) -> bool:
        return False  # checked above, by the portal's session mark


class BeginRegistration(_Registration, webauthn.BeginCredentialRegistrationView):
    pass


class CompleteRegistration(_Registration, webauthn.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            from django_otp_webauthn.models import WebAuthnCredential

            device = WebAuthnCredential.objects.filter(user=self.request.user).order_by("-pk").first()
            if device is not None:
                services.record_passkey_added(user=self.request.user, device=device)
        return response


class BeginAuthentication(_StaffOnly, webauthn.BeginCredentialAuthenticationView):
    pass


class CompleteAuthentication(_StaffOnly, webauthn.CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        if device.user_id != self.request.user.pk:
            raise exceptions.CredentialUserMismatch()
        passed(self.request, device=device, method=SecondFactorMethod.PASSKEY)

    def get_success_url(self):
        return _next(self.request)
