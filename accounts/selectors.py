"""Reads about staff accounts: who reaches the back office, which accounts an administrator may
change, and their second factor."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from .constants import LAST_ACTIVITY_KEY, STAFF_LAST_ACTIVITY_KEY, STAFF_LOGIN_AT_KEY, Role
from .models import User
from .roles import BACK_OFFICE_ROLES

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import User


def may_use_back_office(user: User) -> bool:
    """The staff back office (/gestion/) is for active staff holding a back-office role (greffe, régie,
    national, auditeur) and for superusers; the communication team works in /cms/ only."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or bool(user.role_names & BACK_OFFICE_ROLES)


def may_manage_account(actor: User, target: User | None) -> bool:
    """Only a superuser may change or delete a superuser's account."""
    return target is None or not target.is_superuser or actor.is_superuser


def is_staff_account(user: User) -> bool:
    """A staff account (any role, /gestion/ or /cms/), as opposed to a relative's (FranceConnect) account."""
    return bool(user is not None and user.is_authenticated and user.is_active and not hasattr(user, "relative"))


def has_second_factor_device(user: User) -> bool:
    """Whether this staff account has enrolled a second factor (a confirmed TOTP application or a passkey);
    recovery codes alone do not count: they come with the TOTP application."""
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnCredential

    return (TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists())


def has_passkey(user: User) -> bool:
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


@dataclass(frozen=True)
class SecondFactorDevice:
    """One of a staff account's second-factor devices as the back office lists it: never its secret."""

    kind: str
    name: str
    created_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    detail: str = ""


def second_factor_devices(user: User) -> list[SecondFactorDevice]:
    """The confirmed devices of a staff account: its TOTP application, its recovery codes (how many are
    left) and its passkeys."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnCredential

    found = [
        SecondFactorDevice(_("Application d'authentification (TOTP)"), device.name, device.created_at,
                           device.last_used_at)
        for device in TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")
    ]
    for device in StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk"):
        left = device.token_set.count()
        found.append(SecondFactorDevice(
            _("Codes de secours"), device.name, device.created_at, device.last_used_at,
            ngettext("%(count)d code non utilisé", "%(count)d codes non utilisés", left) % {"count": left},
        ))
    found += [
        SecondFactorDevice(_("Clé d'accès (passkey)"), device.name, device.created_at, device.last_used_at)
        for device in WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk")
    ]
    return found


def may_reset_second_factor(actor: User, target: User | None) -> bool:
    """The national role (and superusers) reset a staff account's second factor; a superuser's only by a
    superuser (may_manage_account); never a relative's account, which has none."""
    if target is None or not (actor.is_authenticated and actor.is_active and actor.is_staff):
        return False
    if not (actor.is_superuser or Role.NATIONAL in actor.role_names):
        return False
    return not hasattr(target, "relative") and may_manage_account(actor, target)


def accounts_with_email(email: str):
    """Every account whose e-mail is ``email``, whatever its case (staff and relatives alike)."""
    return User.objects.filter(email__iexact=email).select_related("relative", "proconnect").order_by("pk")


def holds_staff_role(user: User) -> bool:
    """A staff account the national administration gave a role (greffe, régie, national, auditeur,
    communication…), or a superuser; never a relative's, active or not (ProConnect's matching rule)."""
    if hasattr(user, "relative"):
        return False
    return user.is_superuser or bool(user.role_names & set(Role.values))


def may_unlock_staff_logins(user: User) -> bool:
    """Lifting a staff login lockout is for the national administration (and superusers)."""
    return bool(
        user.is_authenticated and user.is_active and user.is_staff
        and (user.is_superuser or user.has_perm("accounts.unlock_stafflockout"))
    )


def session_seconds_left(request: HttpRequest) -> int | None:
    """Seconds before this session ends (accounts.middleware): a relative's after
    RELATIVE_SESSION_IDLE_SECONDS without a request, a staff member's after STAFF_SESSION_IDLE_SECONDS or at
    STAFF_SESSION_MAX_SECONDS after the login, whichever comes first. None for a visitor without a session to
    lose (anonymous). What the warning dialog counts down from (static/js/session-warning.js)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    now = int(time.time())
    session = request.session
    if hasattr(user, "relative"):
        ends = int(session.get(LAST_ACTIVITY_KEY, now)) + settings.RELATIVE_SESSION_IDLE_SECONDS
    elif is_staff_account(user):
        ends = min(int(session.get(STAFF_LAST_ACTIVITY_KEY, now)) + settings.STAFF_SESSION_IDLE_SECONDS,
                   int(session.get(STAFF_LOGIN_AT_KEY, now)) + settings.STAFF_SESSION_MAX_SECONDS)
    else:
        return None
    return max(0, ends - now)
