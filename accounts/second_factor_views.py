"""The staff's second-factor step (/gestion/second-facteur/): enrolment of a TOTP application with its
recovery codes, the code asked at each login (or a recovery code, or a passkey), and the passkeys' page.

The gate (accounts.middleware.StaffSecondFactorMiddleware) sends every staff session here until it has
passed; these views call accounts.services and mark the session with accounts.second_factor."""

from __future__ import annotations

import base64
from functools import wraps

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .forms import RecoveryCodeForm, TotpCodeForm
from .second_factor import SecondFactorMethod, has_second_factor, mark_second_factor
from .selectors import has_passkey, has_second_factor_device, is_staff_account, may_use_back_office

RECOVERY_CODES_SESSION_KEY = "staff_second_factor_new_recovery_codes"
# Recovery codes left under which the staff member is told to ask for new ones.
FEW_RECOVERY_CODES = 3


def _next(request: HttpRequest) -> str:
    """Where the staff member goes once the second factor is passed: the page the gate stopped, if it is a
    page of this site outside the second-factor step, else their home (/gestion/ or, for the
    communication team, /cms/)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (candidate.startswith("/") and not candidate.startswith(reverse("second_factor:verify"))
            and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure())):
        return candidate
    return reverse("admin:index") if may_use_back_office(request.user) else reverse("wagtailadmin_home")


def _with_next(url: str, request: HttpRequest) -> str:
    return f"{url}?{urlencode({'next': _next(request)})}"


def _login_url(request: HttpRequest) -> str:
    nxt = request.GET.get("next", "")
    login = reverse("wagtailadmin_login") if nxt.startswith("/cms/") else reverse("admin:login")
    return f"{login}?{urlencode({'next': nxt or request.get_full_path()})}"


def staff_step(view):
    """A page of the second-factor step: for a logged-in staff account (else the login page; a relative's
    account has no second factor here), never cached."""

    @wraps(view)
    def inner(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(_login_url(request))
        if not is_staff_account(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return never_cache(inner)


def _context(request: HttpRequest, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, "next": _next(request), **extra}


def passed(request: HttpRequest, *, device, method: SecondFactorMethod) -> None:
    """This session has passed its second factor with ``device``: a new session key (the one seen before
    the second factor is not the one that carries it), django-otp's record and the portal's mark."""
    request.session.cycle_key()
    otp_login(request, device)
    mark_second_factor(request, method=method)


def _passkeys_here(request: HttpRequest) -> bool:
    """Passkeys are offered only on the address they are bound to (OTP_WEBAUTHN_RP_ID)."""
    return request.get_host().rsplit(":", 1)[0] == settings.OTP_WEBAUTHN_RP_ID


@staff_step
def verify(request: HttpRequest) -> HttpResponse:
    """The code of the authentication application, asked at each login ("Utiliser un code de secours",
    and the passkey button where the browser and the account have one)."""
    user = request.user
    if has_second_factor(request):
        return redirect(_next(request))
    if not has_second_factor_device(user):
        return redirect(_with_next(reverse("second_factor:enrol"), request))
    has_totp = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and has_totp and form.is_valid():
        try:
            device = services.verify_totp(user=user, code=form.cleaned_data["code"])
        except services.SecondFactorError as error:
            form.add_error("code", error.message)
        else:
            passed(request, device=device, method=SecondFactorMethod.TOTP)
            return redirect(_next(request))
    return render(request, "accounts/second_factor/verify.html", _context(
        request, _("Vérification en deux étapes"), form=form, has_totp=has_totp,
        passkeys=has_passkey(user) and _passkeys_here(request),
    ))


@staff_step
def recovery(request: HttpRequest) -> HttpResponse:
    """"Utiliser un code de secours": one of the ten codes given at enrolment, each usable once."""
    user = request.user
    if has_second_factor(request):
        return redirect(_next(request))
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.use_recovery_code(user=user, code=form.cleaned_data["code"])
        except services.SecondFactorError as error:
            form.add_error("code", error.message)
        else:
            passed(request, device=device, method=SecondFactorMethod.RECOVERY)
            left = device.token_set.count()
            text = ngettext("Code de secours accepté. Il vous reste %(count)d code de secours.",
                            "Code de secours accepté. Il vous reste %(count)d codes de secours.", left)
            text %= {"count": left}
            if left <= FEW_RECOVERY_CODES:
                text += " " + _("Demandez à l'administration nationale de réinitialiser votre second facteur "
                                "pour en obtenir de nouveaux.")
                messages.warning(request, text)
            else:
                messages.success(request, text)
            return redirect(_next(request))
    return render(request, "accounts/second_factor/recovery.html", _context(
        request, _("Utiliser un code de secours"), form=form))


def _grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@staff_step
def enrol(request: HttpRequest) -> HttpResponse:
    """First login (or after a reset): the QR code of a new TOTP secret, the secret as text, a code to
    confirm it; then the recovery codes, shown once."""
    user = request.user
    if has_second_factor_device(user):
        return redirect(_with_next(reverse("second_factor:verify"), request))
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_totp_enrolment(user=user, code=form.cleaned_data["code"])
        except services.SecondFactorError as error:
            form.add_error("code", error.message)
        else:
            device = TOTPDevice.objects.get(user=user, confirmed=True)
            passed(request, device=device, method=SecondFactorMethod.TOTP)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return redirect(_with_next(reverse("second_factor:recovery_codes"), request))
    device = services.start_totp_enrolment(user=user)
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    qr = segno.make(device.config_url, error="m")
    return render(request, "accounts/second_factor/enrol.html", _context(
        request, _("Activer la vérification en deux étapes"), form=form, secret=_grouped(secret),
        qr_data_uri=qr.svg_data_uri(scale=5, border=2, dark="#000", light="#fff"),
        issuer=settings.OTP_TOTP_ISSUER,
    ))


@staff_step
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The ten recovery codes, once, right after enrolment (then gone from the session)."""
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes or not has_second_factor(request):
        return redirect(_next(request))
    return render(request, "accounts/second_factor/recovery_codes.html", _context(
        request, _("Vos codes de secours"), codes=codes, passkeys=_passkeys_here(request),
    ))


@staff_step
def passkeys(request: HttpRequest) -> HttpResponse:
    """The staff member's passkeys, and the button to add one (after the second factor only)."""
    if not has_second_factor(request):
        return redirect(_with_next(reverse("second_factor:verify"), request))
    from django_otp_webauthn.models import WebAuthnCredential

    return render(request, "accounts/second_factor/passkeys.html", _context(
        request, _("Vos clés d'accès"), available=_passkeys_here(request),
        credentials=WebAuthnCredential.objects.filter(user=request.user, confirmed=True).order_by("pk"),
        passkey_address=settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0] if settings.OTP_WEBAUTHN_ALLOWED_ORIGINS else "",
    ))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """"Se déconnecter" from the second-factor step (the back office's own logout needs its permission,
    which the communication team lacks)."""
    to_cms = _next(request).startswith("/cms/") if request.user.is_authenticated else False
    logout(request)
    return redirect(reverse("wagtailadmin_login") if to_cms else reverse("admin:login"))
