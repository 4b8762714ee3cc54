"""Bookings at the same instant from several threads, each with its own database connection (PostgreSQL row
locks): a session's last place, a detainee's weekly limit and one visit at a time are never exceeded."""

import pytest

from permits.constants import LegalStatus
from tests.permits.factories import DetaineeFactory
from tests.threads import all_at_once
from tests.visits.booking import book, next_week, parloir, registration, session
from tests.visits.factories import VisitFactory, VisitingAreaFactory
from visits.constants import HOLDING_STATUSES
from visits.errors import BookingError
from visits.models import Visit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def refusals(errors, code):
    assert errors and all(isinstance(error, BookingError) for error in errors), errors
    assert {error.code for error in errors} == {code}
    return errors


def test_two_relatives_take_the_last_place_at_once():
    place = parloir(capacity=3)
    target = session(place.area, capacity=3)
    VisitFactory.create_batch(2, session=target)
    regs = [registration(place.establishment) for _ in range(2)]  # two detainees
    results, errors = all_at_once([lambda reg=reg: book(reg, target) for reg in regs])
    assert len(results) == 1
    (error,) = refusals(errors, "full")
    assert error.message == "Ce créneau est complet. Choisissez-en un autre."
    assert Visit.objects.filter(session=target, status__in=HOLDING_STATUSES).count() == 3


def test_many_relatives_never_overbook_a_session():
    place = parloir(capacity=4)
    target = session(place.area, capacity=4)
    regs = [registration(place.establishment) for _ in range(12)]
    results, errors = all_at_once([lambda reg=reg: book(reg, target) for reg in regs])
    assert len(results) == 4
    assert len(refusals(errors, "full")) == 8
    assert Visit.objects.filter(session=target).count() == 4


def test_two_bookings_at_once_never_pass_the_weekly_limit():
    place = parloir()
    detainee = DetaineeFactory(establishment=place.establishment, legal_status=LegalStatus.CONDAMNE)  # 1 a week
    regs = [registration(place.establishment, detainee=detainee) for _ in range(2)]
    targets = [session(place.area, day=next_week(1)), session(place.area, day=next_week(3))]
    results, errors = all_at_once([lambda reg=reg, target=target: book(reg, target)
                                   for reg, target in zip(regs, targets, strict=True)])
    assert len(results) == 1
    refusals(errors, "weekly_limit")
    assert Visit.objects.filter(detainee=detainee).count() == 1


def test_two_overlapping_visits_of_one_detainee_at_once():
    place = parloir()
    detainee = DetaineeFactory(establishment=place.establishment, legal_status=LegalStatus.PREVENU)
    regs = [registration(place.establishment, detainee=detainee) for _ in range(2)]
    other_area = VisitingAreaFactory(establishment=place.establishment)
    targets = [
        session(place.area, day=next_week(2), hour=10), session(other_area, day=next_week(2), hour=10, minute=30)
    ]
    results, errors = all_at_once([lambda reg=reg, target=target: book(reg, target)
                                   for reg, target in zip(regs, targets, strict=True)])
    assert len(results) == 1
    refusals(errors, "overlap")
    assert Visit.objects.filter(detainee=detainee).count() == 1
