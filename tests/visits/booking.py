"""A parloir ready to book, for the engine's tests: an establishment with its rules and an area, sessions at a
given day and hour, a relative with a registered permit, and a booking made the way the relative's page makes it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from tests.permits.factories import DetaineeFactory, VisitPermitFactory
from tests.transfers.factories import RegisteredPermitFactory
from tests.visits.factories import BookingRulesFactory, VisitingAreaFactory, VisitSessionFactory
from visits import rules as R
from visits import services
from visits.models import VisitSession


@dataclass
class Parloir:
    establishment: object
    area: object
    rules: object


def parloir(*, capacity: int = 8, establishment=None, **rules) -> Parloir:
    area = VisitingAreaFactory(capacity=capacity, **({"establishment": establishment} if establishment else {}))
    booking_rules = BookingRulesFactory(establishment=area.establishment, **rules)
    return Parloir(establishment=area.establishment, area=area, rules=booking_rules)


def day_in(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def next_week(weekday: int) -> datetime.date:
    """A day of next week (0 = Monday), always inside the default 28-day window and past the 24 h notice."""
    today = timezone.localdate()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    return monday + datetime.timedelta(days=weekday)


def session(area, *, day: datetime.date | None = None, hour: int = 9, minute: int = 0, minutes: int = 45,
            capacity: int | None = None, **fields):
    day = day or day_in(2)
    starts_at = R.at(day, datetime.time(hour, minute))
    existing = VisitSession.objects.filter(area=area, starts_at=starts_at).first()
    if existing is not None and not fields:
        return existing
    return VisitSessionFactory(
        area=area, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(minutes=minutes),
        capacity=capacity or area.capacity, **fields,
    )


def registration(establishment, *, detainee=None, **permit):
    detainee = detainee or DetaineeFactory(establishment=establishment)
    return RegisteredPermitFactory(permit__detainee=detainee, **{f"permit__{k}": v for k, v in permit.items()})


def companion_permit(detainee, **fields):
    return VisitPermitFactory(detainee=detainee, holder_family_name="Dupont", holder_first_names="Pierre", **fields)


def book(reg, target, *, companions=(), minors: int = 0, now=None):
    """``reg``'s relative books ``target`` (a session or its id, as the URL carries it) online."""
    return services.book_visit(
        session_id=getattr(target, "pk", target), permit=reg.permit, relative=reg.relative,
        companions=list(companions), minors=minors, actor=reg.relative.user, now=now,
    )
