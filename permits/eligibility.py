"""Whether a relative may use a registered visit permit now, and if not why: the one rule read by the
"Accueil" and "Pécule" tabs of Mon espace, by the transfer services (at the amount page and again at the
reservation) and by the parloir booking (``visits.services``), each service with its own conditions.

A permit may be used when its registration is accepted (``RegisteredPermit.grants_rights``), the permit is
active and within its dates, a temporary permit carries the head of establishment's authorisation
(R332-3), the detainee is still detained and may receive money, and the establishment accepts transfers.
A parloir needs the registration, the permit's status and dates, and a detainee still detained: the money's
conditions (temporary permit's authorisation, the detainee's and the establishment's openness to transfers)
do not apply; the parloir's own rules (sessions, limits, blocked dates) are ``visits.rules``.
Each reason comes as a code (``permits.constants.Ineligibility``), its French message and whom to contact.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .constants import (
    DetaineeStatus,
    EligibilityContact,
    Ineligibility,
    PermitKind,
    PermitStatus,
    RegistrationStatus,
    Service,
)
from .models import RegisteredPermit, VisitPermit

# The greffe answers for the registration, the permit and the detainee; the régie for the money.
_REGIE_REASONS = frozenset({Ineligibility.DETAINEE_MAY_NOT_RECEIVE_MONEY, Ineligibility.ESTABLISHMENT_CLOSED})


@dataclass(frozen=True)
class Reason:
    code: Ineligibility
    message: str

    @property
    def contact(self) -> EligibilityContact:
        return EligibilityContact.REGIE if self.code in _REGIE_REASONS else EligibilityContact.GREFFE

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Eligibility:
    """The answer: ``allowed``, or the reasons (each with its code, message and contact)."""

    reasons: tuple[Reason, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.reasons

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def codes(self) -> list[Ineligibility]:
        return [reason.code for reason in self.reasons]

    @property
    def messages(self) -> list[str]:
        return [reason.message for reason in self.reasons]

    @property
    def contacts(self) -> list[EligibilityContact]:
        """Whom to contact, each once, in the order of the reasons."""
        return list(dict.fromkeys(reason.contact for reason in self.reasons))

    @property
    def whom_to_ask(self) -> list[str]:
        """The contacts in the relative's words (« le greffe de l'établissement »…)."""
        return [str(contact.label) for contact in self.contacts]


def _reason(code: Ineligibility, **values: str) -> Reason:
    message = str(code.label)
    return Reason(code=code, message=message % values if values else message)


def _registration_reasons(registration: RegisteredPermit) -> list[Reason]:
    if registration.grants_rights:
        return []
    if registration.status == RegistrationStatus.PENDING:
        return [_reason(Ineligibility.REGISTRATION_PENDING)]
    return [_reason(Ineligibility.REGISTRATION_REFUSED)]


def _permit_reasons(permit: VisitPermit, today: datetime.date, service: Service) -> list[Reason]:
    detainee = permit.detainee
    reasons = []
    if permit.status == PermitStatus.SUSPENDED:
        reasons.append(_reason(Ineligibility.PERMIT_SUSPENDED))
    elif permit.status == PermitStatus.REVOKED:
        reasons.append(_reason(Ineligibility.PERMIT_REVOKED))
    elif permit.status == PermitStatus.EXPIRED:
        reasons.append(_reason(Ineligibility.PERMIT_EXPIRED))
    elif permit.valid_from > today:
        reasons.append(_reason(Ineligibility.PERMIT_NOT_STARTED, date=f"{permit.valid_from:%d/%m/%Y}"))
    elif permit.valid_until is not None and permit.valid_until < today:
        reasons.append(_reason(Ineligibility.PERMIT_ENDED, date=f"{permit.valid_until:%d/%m/%Y}"))
    money = service == Service.TRANSFER
    if money and permit.kind == PermitKind.TEMPORARY and not permit.transfers_authorized:
        reasons.append(_reason(Ineligibility.TEMPORARY_NOT_AUTHORIZED))
    if detainee.status == DetaineeStatus.RELEASED:
        reasons.append(_reason(Ineligibility.DETAINEE_RELEASED))
    elif detainee.status == DetaineeStatus.TRANSFERRED:
        reasons.append(_reason(Ineligibility.DETAINEE_TRANSFERRED))
    elif money and not detainee.may_receive_money:
        reasons.append(_reason(Ineligibility.DETAINEE_MAY_NOT_RECEIVE_MONEY))
    if money and not detainee.establishment.transfers_enabled:
        reasons.append(_reason(Ineligibility.ESTABLISHMENT_CLOSED))
    return reasons


def eligibility(
    target: RegisteredPermit | VisitPermit, *, today: datetime.date | None = None, service: Service = Service.TRANSFER
) -> Eligibility:
    """Whether ``target`` may be used now for ``service`` (a transfer unless told). A registration answers with
    its own status first (pending or refused gives no right, and then its permit is not looked at); a permit
    alone answers for itself.
    ``target`` should come with ``permit__detainee__establishment`` (or ``detainee__establishment``) selected."""
    today = today or timezone.localdate()
    if isinstance(target, RegisteredPermit):
        reasons = _registration_reasons(target)
        if not reasons:
            reasons = _permit_reasons(target.permit, today, service)
    else:
        reasons = _permit_reasons(target, today, service)
    return Eligibility(reasons=tuple(reasons))
