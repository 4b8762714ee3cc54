"""A relative registers a visit permit nominative to them ("Ajouter un permis de visite"), and reads
the permits they registered.

The permit is added only when it exists, is active, concerns the detainee whose family name was entered
and is nominative to the relative: holder's family name, first names and birth date against the
FranceConnect identity, names compared without case, accents, hyphens or extra spaces. "No such permit"
and "not yours" get the same answer. Failed attempts are recorded; after REGISTRATION_MAX_FAILURES within
the window, the relative is told when to retry.

An exact match (names and birth date) is accepted at once. FranceConnect gives 01 for a day of birth it
does not know and 01-01 when it knows only the year (INSEE's convention): such a birth date matches the
holder's only partly (a namesake born the same year would match too), so the registration is kept
*pending* and gives no right until the greffe confirms or refuses it (``permits.services``). Whether a
registration gives rights is read from its status only (``RegisteredPermit.grants_rights``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from accounts.models import Relative, User
from core import formats
from core.audit import audit_reason
from core.text import fold

from .constants import (
    REGISTRATION_FAILURE_WINDOW_SECONDS,
    REGISTRATION_MAX_FAILURES,
    PermitAuditReason,
    PermitStatus,
    RegistrationFailure,
    RegistrationMatch,
    RegistrationStatus,
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
    # The status before this attempt (None when created): pending or refused → accepted on an exact match.
    previous_status: str | None = None

    @property
    def changed(self) -> bool:
        return self.created or self.previous_status != self.registration.status


def normalize_name(value: str) -> str:
    """``" Dubois-Martin  Hélène "`` → ``"dubois martin helene"``: no case, accents, hyphens or extra spaces."""
    return _SEPARATORS.sub(" ", fold(value)).strip()


def normalize_permit_number(value: str) -> str:
    return (value or "").strip().upper()


def birthdate_match(*, claimed: datetime.date, recorded: datetime.date) -> RegistrationMatch | None:
    """EXACT for the same date. FranceConnect gives ``01`` for an unknown day or month: a claimed day 01
    matches any day of the same month, a claimed 01-01 any date of the same year, but only PARTIALly
    (the greffe checks). None otherwise."""
    if claimed == recorded:
        return RegistrationMatch.EXACT
    if claimed.year != recorded.year:
        return None
    if (claimed.month == 1 and claimed.day == 1) or (claimed.day == 1 and claimed.month == recorded.month):
        return RegistrationMatch.PARTIAL_BIRTH_DATE
    return None


def birthdates_match(*, claimed: datetime.date, recorded: datetime.date) -> bool:
    """Exactly or partly (see ``birthdate_match``)."""
    return birthdate_match(claimed=claimed, recorded=recorded) is not None


def nominative_match(*, permit: VisitPermit, relative: Relative) -> RegistrationMatch | None:
    """How the permit's holder matches the relative's FranceConnect identity, or None if not at all."""
    holder_family = normalize_name(permit.holder_family_name)
    family_names = {normalize_name(relative.family_name), normalize_name(relative.preferred_username)} - {""}
    if holder_family not in family_names:
        return None
    if normalize_name(permit.holder_first_names) != normalize_name(relative.given_name):
        return None
    return birthdate_match(claimed=relative.birthdate, recorded=permit.holder_birth_date)


def is_nominative(*, permit: VisitPermit, relative: Relative) -> bool:
    return nominative_match(permit=permit, relative=relative) is not None


# Reads
def registered_permits(relative: Relative) -> QuerySet[RegisteredPermit]:
    return (
        RegisteredPermit.objects.filter(relative=relative)
        .select_related("relative", "permit__detainee__establishment")
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
    ) % {"time": time_format(local, "H\\hi" if formats.language_code() == "fr" else "H:i")}


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
            match = None
            if permit is not None and normalize_name(permit.detainee.family_name) == normalize_name(family_name):
                match = nominative_match(permit=permit, relative=relative)
            if match is None:
                failure = (RegistrationFailure.NOT_FOUND_OR_NOT_YOURS, _(NOT_FOUND_MESSAGE))
            elif permit.status != PermitStatus.ACTIVE:
                failure = (
                    RegistrationFailure.NOT_ACTIVE,
                    _("Ce permis de visite est %(status)s : il ne peut pas être ajouté à votre espace.")
                    % {"status": permit.get_status_display().lower()},
                )
            else:
                return _add_or_update(relative=relative, permit=permit, match=match, actor=actor)
        _record_failure(relative=relative, actor=actor, number=number, family_name=family_name, reason=failure[0])
    raise RegistrationError(failure[1])


def refused_message(registration: RegisteredPermit) -> str:
    establishment = registration.permit.detainee.establishment
    return _(
        "Le greffe a refusé l'enregistrement du permis de visite %(number)s sur votre espace. Si vous pensez "
        "qu'il s'agit d'une erreur, contactez le greffe de l'établissement : %(establishment)s."
    ) % {"number": registration.permit.number, "establishment": establishment.name}


def _add_or_update(
    *, relative: Relative, permit: VisitPermit, match: RegistrationMatch, actor: User
) -> RegistrationResult:
    """Within register_permit's transaction (the relative's row locked): add the registration, accepted
    on an exact match and pending otherwise, or answer about the one that exists.

    Registered already: accepted stays accepted; pending stays pending (no second request to the
    greffe); refused stays refused and is answered with the refusal (RegistrationError, not counted as a
    failed attempt). A pending or refused one becomes accepted if the identity now matches exactly (the
    relative's birth date, completed at INSEE, came with their last FranceConnect login)."""
    exact = match == RegistrationMatch.EXACT
    existing = (
        RegisteredPermit.objects.select_for_update(of=("self",))
        .select_related("permit__detainee__establishment")
        .filter(relative=relative, permit=permit)
        .first()
    )
    if existing is not None:
        previous = existing.status
        if previous != RegistrationStatus.ACCEPTED and exact:
            existing.status = RegistrationStatus.ACCEPTED
            existing.match = RegistrationMatch.EXACT
            # As a new exact registration would be: the earlier decision stays in the history.
            existing.refusal_reason, existing.decision_note = "", ""
            existing.decided_by, existing.decided_at = None, None
            existing._history_user = actor
            existing._change_reason = audit_reason(PermitAuditReason.IDENTITY_MATCHES)
            existing.save()
        elif previous == RegistrationStatus.REFUSED:
            raise RegistrationError(refused_message(existing))
        return RegistrationResult(registration=existing, created=False, previous_status=previous)
    registration = RegisteredPermit(
        relative=relative,
        permit=permit,
        match=match,
        status=RegistrationStatus.ACCEPTED if exact else RegistrationStatus.PENDING,
    )
    registration._history_user = actor
    registration._change_reason = audit_reason(
        PermitAuditReason.IDENTITY_MATCHES if exact else PermitAuditReason.BIRTH_DATE_INCOMPLETE
    )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:  # registered meanwhile by the same relative
        existing = RegisteredPermit.objects.get(relative=relative, permit=permit)
        return RegistrationResult(registration=existing, created=False, previous_status=existing.status)
    return RegistrationResult(registration=registration, created=True)
