"""State changes of accounts: a relative logging in with FranceConnect; staff login lockouts recorded and
lifted."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .constants import Gender
from .models import Relative, StaffLockout, User
from .selectors import may_unlock_staff_logins

RELATIVE_USERNAME_PREFIX = "fc-"
CLAIM_MAX_LENGTHS = {"given_name": 255, "family_name": 255, "preferred_username": 255, "birthplace": 5,
                     "birthcountry": 5, "email": 254}


class IdentityError(ValueError):
    """The identity claims cannot make a relative; ``message`` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _claim(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise IdentityError(_("Les informations transmises par FranceConnect sont incomplètes."))
    return value.strip()[: CLAIM_MAX_LENGTHS.get(name, 255)]


def _identity(claims: dict[str, Any]) -> dict[str, Any]:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 255:
        raise IdentityError(_("Les informations transmises par FranceConnect sont incomplètes."))
    identity = {name: _claim(claims, name) for name in CLAIM_MAX_LENGTHS}
    if not identity["given_name"] or not identity["family_name"]:
        raise IdentityError(_("Les informations transmises par FranceConnect sont incomplètes."))
    try:
        identity["birthdate"] = datetime.date.fromisoformat(_claim(claims, "birthdate"))
    except ValueError as error:
        raise IdentityError(_("La date de naissance transmise par FranceConnect n'est pas lisible.")) from error
    gender = _claim(claims, "gender")
    identity["gender"] = gender if gender in Gender.values else ""
    return identity


def relative_username(sub: str) -> str:
    return RELATIVE_USERNAME_PREFIX + hashlib.sha256(sub.encode()).hexdigest()[:40]


def _relative_for_update(sub: str) -> Relative | None:
    return Relative.objects.select_for_update().select_related("user").filter(sub=sub).first()


def _create_relative(*, sub: str, identity: dict[str, Any], now) -> Relative:
    user = User(username=relative_username(sub), email=identity["email"])
    user.set_unusable_password()
    user.save()
    relative = Relative(user=user, sub=sub, last_login_at=now, **identity)
    relative._history_user = user
    relative.save()
    return relative


@transaction.atomic
def login_relative(*, claims: dict[str, Any]) -> Relative:
    """Create or update the relative known by ``sub`` with the identity claims of this login.

    Two first logins with the same ``sub`` at once (a double click on the identity, two tabs) both find
    no relative; the second to insert hits the unique user name or ``sub``, its savepoint rolls back and
    it updates the row the first one created: one relative, no error."""
    identity = _identity(claims)
    sub = claims["sub"]
    now = timezone.now()
    relative = _relative_for_update(sub)
    if relative is None:
        try:
            with transaction.atomic():
                return _create_relative(sub=sub, identity=identity, now=now)
        except IntegrityError:
            relative = _relative_for_update(sub)  # committed by the other login (PostgreSQL waited for it)
            if relative is None:
                raise
    user = relative.user
    if not user.is_active:
        raise IdentityError(_("Votre compte a été désactivé. Contactez le support."))
    for name, value in identity.items():
        setattr(relative, name, value)
    relative.last_login_at = now
    relative._history_user = user
    relative.save()
    if user.email != identity["email"]:
        user.email = identity["email"]
        user._history_user = user
        user.save(update_fields=["email"])
    return relative


@transaction.atomic
def record_staff_lockout(
    *, username: str | None, ip_address: str | None, path: str, failures: int | None
) -> StaffLockout:
    """Note that django-axes refused a staff login for ``username`` from ``ip_address``: a new lockout, or,
    while one on the same account or the same address is still on (every refused attempt renews its
    cool-off), its latest attempt; a sprayer trying a thousand accounts from one address makes one."""
    now = timezone.now()
    username = (username or "")[:255]
    same = models.Q(pk__in=[])
    if username:
        same |= models.Q(username=username)
    if ip_address:
        same |= models.Q(ip_address=ip_address)
    lockout = (
        StaffLockout.objects.select_for_update()
        .filter(same, unlocked_at__isnull=True, last_failure_at__gt=now - settings.AXES_COOLOFF_TIME)
        .order_by("-locked_at")
        .first()
    )
    failures = failures or settings.AXES_FAILURE_LIMIT
    if lockout is None:
        lockout = StaffLockout(
            username=username, ip_address=ip_address or None, path=path[:255], locked_at=now,
            last_failure_at=now, failures=failures,
        )
    else:
        lockout.last_failure_at = now
        lockout.failures = max(lockout.failures, failures)
    lockout._history_user = None  # nobody logged in: the lockout is the system's own
    lockout.save()
    return lockout


@transaction.atomic
def unlock_staff_lockouts(*, lockout_ids: list[int], actor: User) -> int:
    """Lift the lockouts ``lockout_ids`` that are still on: their account may log in again from any
    address, and their address on any account (axes forgets their failures). Each lockout keeps who
    lifted it, when. Returns how many were lifted (those already lifted or cooled off are left alone)."""
    if not may_unlock_staff_logins(actor):
        raise PermissionDenied(_("Seule l'administration nationale peut débloquer une connexion."))
    now = timezone.now()
    lifted = 0
    lockouts = StaffLockout.objects.select_for_update().filter(
        pk__in=lockout_ids, unlocked_at__isnull=True, last_failure_at__gt=now - settings.AXES_COOLOFF_TIME
    )
    for lockout in lockouts.order_by("pk"):
        # One call each: axes' reset with neither an address nor a user name would forget every failure.
        if lockout.username:
            axes_reset(username=lockout.username)
        if lockout.ip_address:
            axes_reset(ip=lockout.ip_address)
        lockout.unlocked_at = now
        lockout.unlocked_by = actor
        lockout._history_user = actor
        lockout.save(update_fields=["unlocked_at", "unlocked_by"])
        lifted += 1
    return lifted
