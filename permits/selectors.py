"""Reads about detainees and visit permits, for the GENESIS imports and exports, and the greffe's queue
of pending registrations."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import models
from django.db.models import F, QuerySet

from establishments.models import Establishment

from .constants import RegistrationStatus, Service
from .eligibility import eligibility
from .models import Detainee, RegisteredPermit, VisitPermit
from .registration import registered_permits

# Values per IN (...) lookup: large files are looked up in a few queries, never one per row.
LOOKUP_CHUNK = 5000


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), LOOKUP_CHUNK):
        yield items[start:start + LOOKUP_CHUNK]


def establishment_ids_by_code(codes: Iterable[str]) -> dict[str, int]:
    return dict(Establishment.objects.filter(code__in=set(codes)).values_list("code", "pk"))


def detainees_by_ecrou(establishment_id: int, ecrous: Iterable[str]) -> dict[str, Detainee]:
    """The detainees of an establishment with these numéros d'écrou, by écrou."""
    found: dict[str, Detainee] = {}
    for chunk in _chunks(ecrous):
        for detainee in Detainee.objects.filter(establishment_id=establishment_id, ecrou__in=chunk):
            found[detainee.ecrou] = detainee
    return found


def detainee_ids_by_ecrou(establishment_id: int, ecrous: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(ecrous):
        rows = Detainee.objects.filter(establishment_id=establishment_id, ecrou__in=chunk).values_list("ecrou", "pk")
        found.update(rows)
    return found


def permits_by_number(numbers: Iterable[str]) -> dict[str, VisitPermit]:
    """Existing permits by number, each with ``establishment_pk`` (its detainee's establishment)."""
    found: dict[str, VisitPermit] = {}
    for chunk in _chunks(numbers):
        queryset = VisitPermit.objects.filter(number__in=chunk).annotate(
            establishment_pk=F("detainee__establishment_id")
        )
        for permit in queryset:
            found[permit.number] = permit
    return found


def detainees_for_export() -> QuerySet[Detainee]:
    return Detainee.objects.select_related("establishment").order_by("establishment__code", "ecrou")


def permits_for_export() -> QuerySet[VisitPermit]:
    return VisitPermit.objects.select_related("detainee__establishment").order_by("number")


def registrations_for_review() -> QuerySet[RegisteredPermit]:
    """Every registration with what the greffe compares (the relative's identity, the permit's holder),
    the pending ones first, oldest first. The back office scopes it to the user's establishments."""
    return RegisteredPermit.objects.select_related(
        "relative", "permit__detainee__establishment", "decided_by"
    ).order_by(
        # pending (0) before the others (1)
        models.Case(models.When(status=RegistrationStatus.PENDING, then=0), default=1),
        "created_at", "pk",
    )


def other_registrations_of(registration: RegisteredPermit) -> QuerySet[RegisteredPermit]:
    """The same permit registered by other relatives (a namesake and the holder may both claim it)."""
    return (
        RegisteredPermit.objects.filter(permit_id=registration.permit_id)
        .exclude(pk=registration.pk)
        .select_related("relative")
        .order_by("created_at", "pk")
    )


def permit_cards(relative) -> list[dict]:
    """The relative's registered permits as Mon espace shows them (Accueil and Pécule tabs): each with whether it
    may be used now for each service (a transfer, a parloir) and, if not, why and whom to ask
    (``permits.eligibility``)."""
    cards = []
    for registration in registered_permits(relative):
        answer = eligibility(registration)
        parloir = eligibility(registration, service=Service.PARLOIR)
        cards.append({"registration": registration, "permit": registration.permit, "reasons": answer.messages,
                      "contacts": answer.whom_to_ask,
                      "allows_transfer": answer.allowed,
                      "allows_parloir": parloir.allowed, "parloir_reasons": parloir.messages,
                      "parloir_contacts": parloir.whom_to_ask})
    return cards
