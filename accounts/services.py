"""State changes of accounts: a relative logging in with FranceConnect."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .constants import Gender
from .models import Relative, User

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
