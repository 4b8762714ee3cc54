"""The staff second factor, as the rest of the portal sees it: one session key says that this staff
session has passed a second factor, and how (a TOTP code, a recovery code, a passkey, or ProConnect at
a level of two factors).

Every staff login path ends by calling ``mark_second_factor``; the gate on /gestion/ and /cms/ asks
``has_second_factor``. Nothing else reads or writes the key.
"""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

SECOND_FACTOR_SESSION_KEY = "staff_second_factor"


class SecondFactorMethod(models.TextChoices):
    TOTP = "totp", _("Application d'authentification (code à 6 chiffres)")
    RECOVERY = "recovery", _("Code de secours")
    PASSKEY = "passkey", _("Clé d'accès")
    PROCONNECT = "proconnect", _("ProConnect (deux facteurs)")


def mark_second_factor(request: HttpRequest, *, method: SecondFactorMethod | str) -> None:
    """Record, in this staff session only, that its user has passed a second factor by ``method``."""
    request.session[SECOND_FACTOR_SESSION_KEY] = SecondFactorMethod(method).value


def has_second_factor(request: HttpRequest) -> bool:
    """Whether this session's user has passed a second factor since they logged in (the session is
    flushed at login and logout, so the mark never outlives the login it belongs to)."""
    return request.session.get(SECOND_FACTOR_SESSION_KEY) in SecondFactorMethod.values
