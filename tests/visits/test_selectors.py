"""visits.selectors: the sessions a permit may book (and in a fixed number of queries), one session's checks, a
relative's visits, the cancellation deadline, the day's planning."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from permits.constants import LegalStatus, PermitStatus
from permits.models import VisitPermit
from tests.permits.factories import DetaineeFactory
from tests.visits.booking import book, companion_permit, day_in, next_week, parloir, registration, session
from tests.visits.factories import ClosureFactory, DetaineeVisitBlockFactory, VisitFactory, VisitingAreaFactory
from visits import selectors
from visits.constants import SessionStatus, VisitStatus
from visits.errors import BookingError
from visits.models import VisitCompanion
from visits.services import CompanionInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    return parloir(capacity=3)


@pytest.fixture
def reg(place):
    return registration(place.establishment)


def offered(permit, **kwargs):
    return {item.session.pk: item.places_left for day in selectors.bookable_days(permit, **kwargs)
            for item in day.sessions}


def test_bookable_days_day_by_day_with_places_left(place, reg):
    morning, afternoon = session(place.area, day=day_in(2), hour=9), session(place.area, day=day_in(2), hour=14)
    later = session(place.area, day=day_in(5))
    VisitFactory(session=morning)
    days = selectors.bookable_days(reg.permit)
    assert [day.date for day in days] == [day_in(2), day_in(5)]
    assert [(item.session, item.places_left) for item in days[0].sessions] == [(morning, 2), (afternoon, 3)]
    assert days[0].sessions[0].area == place.area and days[0].sessions[0].starts_at == morning.starts_at
    assert days[1].sessions[0].session == later


def test_bookable_days_leave_out_what_cannot_be_booked(place, reg):
    ok = session(place.area, day=day_in(2))
    full = session(place.area, day=day_in(2), hour=14, capacity=1)
    VisitFactory(session=full)
    cancelled = session(place.area, day=day_in(3), status=SessionStatus.CANCELLED)
    too_soon = session(place.area, day=day_in(0), hour=23, minute=59)
    too_far = session(place.area, day=day_in(29))
    closed = session(place.area, day=day_in(4))
    ClosureFactory(establishment=place.establishment, start_date=day_in(4), end_date=day_in(4))
    blocked = session(place.area, day=day_in(6))
    DetaineeVisitBlockFactory(detainee=reg.permit.detainee, start_date=day_in(6), end_date=day_in(6))
    elsewhere = session(parloir().area, day=day_in(2))
    inactive_area = VisitingAreaFactory(establishment=place.establishment, is_active=False)
    inactive = session(inactive_area, day=day_in(2))
    result = offered(reg.permit)
    assert ok.pk in result
    for left_out in (full, cancelled, too_soon, too_far, closed, blocked, elsewhere, inactive):
        assert left_out.pk not in result


def test_bookable_days_leave_out_a_full_week_and_overlaps(place):
    detainee = DetaineeFactory(establishment=place.establishment, legal_status=LegalStatus.CONDAMNE)
    reg = registration(place.establishment, detainee=detainee)
    booked = session(place.area, day=next_week(1))
    same_week = session(place.area, day=next_week(3))
    week_after = session(place.area, day=next_week(8))
    book(reg, booked)
    result = offered(reg.permit)
    assert booked.pk not in result and same_week.pk not in result and week_after.pk in result

    prevenu = DetaineeFactory(establishment=place.establishment, legal_status=LegalStatus.PREVENU)
    reg = registration(place.establishment, detainee=prevenu)
    other_area = VisitingAreaFactory(establishment=place.establishment)
    at_the_same_time = session(other_area, day=next_week(1), minute=15)
    book(reg, booked)
    result = offered(reg.permit)
    assert at_the_same_time.pk not in result and same_week.pk in result


def test_no_rules_no_sessions():
    area = VisitingAreaFactory()
    reg = registration(area.establishment)
    session(area)
    assert selectors.bookable_days(reg.permit) == []


def _count_queries(permit) -> tuple[int, int]:
    permit = VisitPermit.objects.select_related("detainee__establishment").get(pk=permit.pk)  # as a page loads it
    with CaptureQueriesContext(connection) as queries:
        days = selectors.bookable_days(permit)
    return len(queries), sum(len(day.sessions) for day in days)


def test_the_sessions_page_costs_the_same_queries_with_many_bookings(reg, django_assert_num_queries):
    """Four weeks of sessions (4 a day, Monday to Friday); a few bookings, then a few hundred: the same queries."""
    place = parloir(capacity=30, establishment=reg.permit.detainee.establishment)
    sessions = [
        session(place.area, day=day_in(2 + day), hour=hour)
        for day in range(27) if day_in(2 + day).weekday() < 5 for hour in (9, 10, 14, 15)
    ]
    VisitFactory(session=sessions[0])
    few, offered_before = _count_queries(reg.permit)
    for target in sessions[:40]:
        VisitFactory.create_batch(8, session=target)
    with django_assert_num_queries(6):  # the permit; the rules, sessions with places, closures, blocks, visits
        many, offered_after = _count_queries(reg.permit)
    assert few == many == 5
    assert offered_before == offered_after == len(sessions)


def test_session_for_booking(place, reg):
    target = session(place.area)
    VisitFactory(session=target)
    found = selectors.session_for_booking(reg.permit, str(target.pk))
    assert found == target and found.places_left == 2
    for tampered in ("x", "", None, "0", "12345678"):
        with pytest.raises(BookingError) as caught:
            selectors.session_for_booking(reg.permit, tampered)
        assert caught.value.message == "Ce créneau n'existe pas ou n'est plus proposé."
    for bad, code in (
        (session(parloir().area), "unknown_session"),
        (session(place.area, day=day_in(-1)), "past"),
        (session(place.area, day=day_in(40)), "too_far"),
        (session(place.area, day=day_in(3), status=SessionStatus.CANCELLED), "session_cancelled"),
    ):
        with pytest.raises(BookingError) as caught:
            selectors.session_for_booking(reg.permit, bad.pk)
        assert caught.value.code == code
    full = session(place.area, day=day_in(4), capacity=1)
    VisitFactory(session=full)
    with pytest.raises(BookingError, match="complet"):
        selectors.session_for_booking(reg.permit, full.pk)
    ClosureFactory(establishment=place.establishment, start_date=day_in(5))
    with pytest.raises(BookingError, match="fermés"):
        selectors.session_for_booking(reg.permit, session(place.area, day=day_in(5)).pk)


def test_permit_may_book(place, reg):
    assert selectors.permit_may_book(reg)
    reg.permit.status = PermitStatus.EXPIRED
    reg.permit.save()
    answer = selectors.permit_may_book(reg)
    assert not answer.allowed
    assert answer.messages == ("Le permis de visite a expiré.",)
    assert answer.whom_to_ask == ("le greffe de l'établissement",)
    without_rules = registration(VisitingAreaFactory().establishment)
    answer = selectors.permit_may_book(without_rules)
    assert answer.whom_to_ask == ("le bureau des parloirs de l'établissement",)


def test_relative_visits_upcoming_and_past(place, reg, django_assert_max_num_queries):
    soon, later = book(reg, session(place.area, day=day_in(2))), book(reg, session(place.area, day=day_in(9)))
    past = VisitFactory(session=session(place.area, day=day_in(-3)), relative=reg.relative, permit=reg.permit,
                        detainee=reg.permit.detainee, status=VisitStatus.ARRIVED)
    older = VisitFactory(session=session(place.area, day=day_in(-10)), relative=reg.relative, permit=reg.permit,
                         detainee=reg.permit.detainee, status=VisitStatus.NOT_ARRIVED)
    VisitFactory(session=session(place.area, day=day_in(3)))  # someone else's
    with django_assert_max_num_queries(2):
        upcoming, gone = selectors.relative_visits(reg.relative)
        for visit in upcoming + gone:
            visit.session.area.establishment.name, visit.detainee.family_name, list(visit.companions.all())
    assert upcoming == [soon, later] and gone == [past, older]


def test_visit_of_relative_is_404_for_anothers_or_a_malformed_reference(place, reg):
    visit = book(reg, session(place.area))
    assert selectors.visit_of_relative(reg.relative, str(visit.reference)) == visit
    other = registration(place.establishment)
    for relative, reference in ((other.relative, visit.reference), (reg.relative, "pas-une-reference"),
                                (reg.relative, "00000000-0000-0000-0000-000000000000")):
        with pytest.raises(Http404):
            selectors.visit_of_relative(relative, reference)


def test_cancellation_deadline_and_may_cancel(place, reg):
    visit = book(reg, session(place.area, day=day_in(3)))
    deadline = selectors.cancellation_deadline(visit)
    assert deadline == visit.session.starts_at - datetime.timedelta(hours=24)
    assert selectors.may_cancel(visit, now=deadline - datetime.timedelta(seconds=1))
    assert not selectors.may_cancel(visit, now=deadline)
    visit.status = VisitStatus.CANCELLED_BY_RELATIVE
    assert not selectors.may_cancel(visit, now=deadline - datetime.timedelta(days=1))


def test_day_planning(place, django_assert_max_num_queries):
    detainee = DetaineeFactory(establishment=place.establishment)
    reg = registration(place.establishment, detainee=detainee)
    pierre = companion_permit(detainee)
    morning, afternoon = session(place.area, day=day_in(2), hour=9), session(place.area, day=day_in(2), hour=14)
    session(place.area, day=day_in(3))  # another day
    visit = book(reg, morning, companions=[CompanionInput(pierre.number, "Dupont", "Pierre")], minors=2)
    VisitFactory(session=morning, status=VisitStatus.CANCELLED_BY_RELATIVE)
    for _ in range(5):
        VisitFactory(session=afternoon)
    with django_assert_max_num_queries(3):
        planning = selectors.day_planning(place.establishment, day_in(2))
        names = [[str(c) for v in item.visits for c in v.companions.all()] for item in planning]
    assert [item.session for item in planning] == [morning, afternoon]
    assert planning[0].visits == [visit] and len(planning[0].cancelled) == 1
    assert planning[0].people == 4 and planning[0].places_left == 2
    assert names[0] == [str(VisitCompanion.objects.get().permit.holder_family_name.upper() + " Pierre")]
    assert len(planning[1].visits) == 5
