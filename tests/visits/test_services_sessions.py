"""visits.services.open_sessions: the weekly templates made into sessions up to the booking horizon, Europe/Paris,
closed days skipped, idempotent."""

import datetime

import pytest

from tests.visits.booking import parloir
from tests.visits.factories import ClosureFactory, SessionTemplateFactory, VisitingAreaFactory
from visits import rules as R
from visits import services
from visits.constants import VisitAuditReason
from visits.models import VisitSession

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 16)  # a Monday, two weeks before summer time (29/03/2026)


def local_starts(area=None):
    sessions = VisitSession.objects.order_by("starts_at")
    if area is not None:
        sessions = sessions.filter(area=area)
    return [s.starts_at.astimezone(R.paris()) for s in sessions]


def test_templates_are_opened_up_to_the_horizon_in_local_time():
    place = parloir(booking_horizon_days=28)
    SessionTemplateFactory(area=place.area, weekday=1, start_time=datetime.time(9, 0), duration_minutes=45,
                           capacity=6)
    assert services.open_sessions(today=TODAY) == 5  # Tuesdays 17/03 … 14/04 (horizon 13/04 + 1 day)
    starts = local_starts()
    assert [s.date() for s in starts] == [datetime.date(2026, 3, 17) + datetime.timedelta(weeks=n) for n in range(5)]
    assert {(s.hour, s.minute) for s in starts} == {(9, 0)}  # before and after the clock change
    assert {s.utcoffset() for s in starts} == {datetime.timedelta(hours=1), datetime.timedelta(hours=2)}
    session = VisitSession.objects.first()
    assert session.ends_at - session.starts_at == datetime.timedelta(minutes=45)
    assert session.capacity == 6 and session.template.area == place.area
    assert session.history.get().history_change_reason == VisitAuditReason.SESSIONS_OPENED


def test_opening_again_opens_nothing_more(django_assert_max_num_queries):
    place = parloir()
    SessionTemplateFactory(area=place.area, weekday=2)
    first = services.open_sessions(today=TODAY)
    with django_assert_max_num_queries(4):
        assert services.open_sessions(today=TODAY) == 0
    assert VisitSession.objects.count() == first


def test_the_horizon_moves_with_the_days():
    place = parloir(booking_horizon_days=7)
    SessionTemplateFactory(area=place.area, weekday=1)
    assert services.open_sessions(today=TODAY) == 2  # 17/03 and 24/03 (16/03 + 8 days)
    assert services.open_sessions(today=TODAY + datetime.timedelta(days=7)) == 1  # 31/03


def test_closed_days_are_skipped():
    place = parloir(booking_horizon_days=14)
    other = VisitingAreaFactory(establishment=place.establishment)
    for area in (place.area, other):
        SessionTemplateFactory(area=area, weekday=1)
    ClosureFactory(establishment=place.establishment, area=None, start_date=datetime.date(2026, 3, 17),
                   end_date=datetime.date(2026, 3, 17))
    ClosureFactory(establishment=place.establishment, area=other, start_date=datetime.date(2026, 3, 24),
                   end_date=datetime.date(2026, 3, 30))
    services.open_sessions(today=TODAY)
    assert [s.date() for s in local_starts(place.area)] == [datetime.date(2026, 3, 24), datetime.date(2026, 3, 31)]
    assert [s.date() for s in local_starts(other)] == [datetime.date(2026, 3, 31)]


def test_template_dates_and_inactive_areas_are_respected():
    place = parloir(booking_horizon_days=28)
    SessionTemplateFactory(area=place.area, weekday=1, valid_from=datetime.date(2026, 3, 20),
                           valid_until=datetime.date(2026, 4, 1))
    closed_area = VisitingAreaFactory(establishment=place.establishment, is_active=False)
    SessionTemplateFactory(area=closed_area, weekday=1)
    services.open_sessions(today=TODAY)
    assert [s.date() for s in local_starts()] == [datetime.date(2026, 3, 24), datetime.date(2026, 3, 31)]


def test_an_establishment_without_rules_gets_no_session():
    area = VisitingAreaFactory()
    SessionTemplateFactory(area=area, weekday=1)
    assert services.open_sessions(today=TODAY) == 0
    assert not VisitSession.objects.exists()


def test_one_establishment_at_a_time():
    first, second = parloir(), parloir()
    SessionTemplateFactory(area=first.area, weekday=1)
    SessionTemplateFactory(area=second.area, weekday=1)
    services.open_sessions(establishment=first.establishment, today=TODAY)
    assert set(VisitSession.objects.values_list("area_id", flat=True)) == {first.area.pk}


def test_a_session_capacity_never_exceeds_its_area():
    place = parloir(capacity=4)
    SessionTemplateFactory(area=place.area, weekday=1, capacity=10)
    services.open_sessions(today=TODAY)
    assert set(VisitSession.objects.values_list("capacity", flat=True)) == {4}
