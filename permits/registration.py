"""A relative registers a visit permit nominative to them ("Ajouter un permis de visite"), and reads
the permits they registered.

The permit is accepted only when it exists, is active, concerns the detainee whose family name was entered
and is nominative to the relative: holder's family name, first names and birth date against the
FranceConnect identity, names compared without case, accents, hyphens or extra spaces. "No such permit"
and "not yours" get the same answer. Failed attempts are recorded; after REGISTRATION_MAX_FAILURES within
the window, the relative is told when to retry.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from accounts.models import Relative, User

from .constants import (
    REGISTRATION_FAILURE_WINDOW_SECONDS,
    REGISTRATION_MAX_FAILURES,
    PermitKind,
    PermitStatus,
    RegistrationFailure,
)
from .models import RegisteredPermit, RegistrationAttempt, VisitPermit

PERMIT_NUMBER_MAX_LENGTH = 40
PERMIT_NUMBER_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
FAMILY_NAME_MAX_LENGTH = 150
FAMILY_NAME_RE = re.compile(r"^[^\W\d_]+(?:[\s'’-]+[^\W\d_]+)*$")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—,]+")


class RegistrationError(Exception):
    """The permit was not added; ``message`` is shown to the relative."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RegistrationRateLimited(RegistrationError):
    def __init__(self, message: str, retry_at: datetime.datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at


@dataclass(frozen=True)
class RegistrationResult:
    registration: RegisteredPermit
    created: bool


def normalize_name(value: str) -> str:
    """``" Dubois-Martin  Hélène "`` → ``"dubois martin helene"``: no case, accents, hyphens or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SEPARATORS.sub(" ", without_accents.casefold()).strip()


def normalize_permit_number(value: str) -> str:
    return (value or "").strip().upper()


def birthdates_match(*, claimed: datetime.date, recorded: datetime.date) -> bool:
    """Exact, except that FranceConnect gives ``01`` for an unknown day or month: a claimed day 01 matches
    any day of the same month, a claimed 01-01 any date of the same year."""
    if claimed == recorded:
        return True
    if claimed.year != recorded.year:
        return False
    if claimed.month == 1 and claimed.day == 1:
        return True
    return claimed.day == 1 and claimed.month == recorded.month


def is_nominative(*, permit: VisitPermit, relative: Relative) -> bool:
    holder_family = normalize_name(permit.holder_family_name)
    family_names = {normalize_name(relative.family_name), normalize_name(relative.preferred_username)} - {""}
    return (
        holder_family in family_names
        and normalize_name(permit.holder_first_names) == normalize_name(relative.given_name)
        and birthdates_match(claimed=relative.birthdate, recorded=permit.holder_birth_date)
    )


def permit_allows_transfer(permit: VisitPermit) -> bool:
    """An active permit, permanent or temporary with the head of establishment's authorisation (R332-3)."""
    if permit.status != PermitStatus.ACTIVE:
        return False
    if permit.valid_until is not None and permit.valid_until < timezone.localdate():
        return False
    return permit.kind == PermitKind.PERMANENT or permit.transfers_authorized


# Reads
def registered_permits(relative: Relative) -> QuerySet[RegisteredPermit]:
    return (
        RegisteredPermit.objects.filter(relative=relative)
        .select_related("permit__detainee__establishment")
        .order_by("created_at", "pk")
    )


def registered_permit_for(relative: Relative, registration_id: int) -> RegisteredPermit | None:
    """One of the relative's own registrations, or None (another relative's id answers the same as none)."""
    return registered_permits(relative).filter(pk=registration_id).first()


def recent_failures(relative: Relative, *, now: datetime.datetime | None = None) -> QuerySet[RegistrationAttempt]:
    now = now or timezone.now()
    since = now - datetime.timedelta(seconds=REGISTRATION_FAILURE_WINDOW_SECONDS)
    return RegistrationAttempt.objects.filter(relative=relative, attempted_at__gt=since)


def retry_at(relative: Relative, *, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the relative may try again, or None if they may try now."""
    failures = list(recent_failures(relative, now=now).order_by("-attempted_at").values_list("attempted_at", flat=True))
    if len(failures) < REGISTRATION_MAX_FAILURES:
        return None
    oldest_counted = failures[REGISTRATION_MAX_FAILURES - 1]
    return oldest_counted + datetime.timedelta(seconds=REGISTRATION_FAILURE_WINDOW_SECONDS)


def _rate_limited_message(when: datetime.datetime) -> str:
    local = timezone.localtime(when)
    return _(
        "Vous avez fait trop de tentatives infructueuses. Par sécurité, vous pourrez réessayer à partir de "
        "%(time)s."
    ) % {"time": time_format(local, "H\\hi")}


NOT_FOUND_MESSAGE = (
    "Nous n'avons pas trouvé de permis de visite à votre nom correspondant à ces informations. Vérifiez le "
    "numéro du permis et le nom de la personne détenue."
)


# State changes
def _record_failure(*, relative: Relative, actor: User, number: str, family_name: str, reason: str) -> None:
    attempt = RegistrationAttempt(
        relative=relative,
        submitted_number=number[:60],
        submitted_family_name=family_name[:FAMILY_NAME_MAX_LENGTH],
        reason=reason,
    )
    attempt._history_user = actor
    attempt.save()


def register_permit(
    *, relative: Relative, permit_number: str, detainee_family_name: str, actor: User
) -> RegistrationResult:
    """Add the permit to the relative's space, or raise RegistrationError (the failure is recorded and kept
    even though the error is raised)."""
    number = normalize_permit_number(permit_number)
    family_name = (detainee_family_name or "").strip()
    failure: tuple[str, str] | None = None
    with transaction.atomic():
        # One registration at a time per relative, so that the rate limit cannot be raced past.
        Relative.objects.select_for_update().filter(pk=relative.pk).first()
        when = retry_at(relative)
        if when is not None:
            raise RegistrationRateLimited(_rate_limited_message(when), when)
        if (
            len(number) > PERMIT_NUMBER_MAX_LENGTH
            or not PERMIT_NUMBER_RE.match(number)
            or len(family_name) > FAMILY_NAME_MAX_LENGTH
            or not FAMILY_NAME_RE.match(family_name)
        ):
            failure = (RegistrationFailure.INVALID_INPUT, _("Le numéro de permis ou le nom saisi n'est pas valide."))
        else:
            permit = VisitPermit.objects.select_related("detainee__establishment").filter(number=number).first()
            if (
                permit is None
                or normalize_name(permit.detainee.family_name) != normalize_name(family_name)
                or not is_nominative(permit=permit, relative=relative)
            ):
                failure = (RegistrationFailure.NOT_FOUND_OR_NOT_YOURS, _(NOT_FOUND_MESSAGE))
            elif permit.status != PermitStatus.ACTIVE:
                failure = (
                    RegistrationFailure.NOT_ACTIVE,
                    _("Ce permis de visite est %(status)s : il ne peut pas être ajouté à votre espace.")
                    % {"status": permit.get_status_display().lower()},
                )
            else:
                existing = RegisteredPermit.objects.filter(relative=relative, permit=permit).first()
                if existing is not None:
                    return RegistrationResult(registration=existing, created=False)
                registration = RegisteredPermit(relative=relative, permit=permit)
                registration._history_user = actor
                try:
                    with transaction.atomic():
                        registration.save()
                except IntegrityError:  # registered meanwhile by the same relative
                    existing = RegisteredPermit.objects.get(relative=relative, permit=permit)
                    return RegistrationResult(registration=existing, created=False)
                return RegistrationResult(registration=registration, created=True)
        _record_failure(relative=relative, actor=actor, number=number, family_name=family_name, reason=failure[0])
    raise RegistrationError(failure[1])
