"""load_demo's parloir (DESIGN.md): MARTIN Jean is a condamné; CPDEMO's booking rules; its parloir (Tuesday to
Saturday at 09:00, 10:30, 14:00 and 15:30, 45 minutes, 8 tables), salon familial and UVF with their weekly
sessions; the sessions opened for the booking window; the `parloirs` staff account; the same rows when loaded
twice."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from permits.models import Detainee
from sandbox.demo import DEMO_PASSWORD, demo_totp_code, load_demo
from visits.constants import AREA_DURATION_BOUNDS, AreaKind, SessionStatus
from visits.models import BookingRules, SessionTemplate, VisitingArea, VisitSession

pytestmark = pytest.mark.django_db

PARIS_TIMES = ["09:00", "10:30", "14:00", "15:30"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def rows() -> dict:
    """Every parloir row load_demo writes, with its history, as comparable values."""
    return {
        "rules": list(BookingRules.objects.values_list("establishment__code", "minimum_notice_hours",
                                                       "booking_horizon_days", "max_visits_per_week_condamne")),
        "areas": sorted(VisitingArea.objects.values_list("pk", "name", "kind", "capacity", "location")),
        "templates": sorted(SessionTemplate.objects.values_list("pk", "area__name", "weekday", "start_time",
                                                                "duration_minutes", "capacity", "valid_from")),
        "sessions": sorted(VisitSession.objects.values_list("pk", "area__name", "starts_at", "capacity", "status")),
        "history": (BookingRules.history.count(), VisitingArea.history.count(), SessionTemplate.history.count(),
                    VisitSession.history.count(), Detainee.history.count(), User.objects.count()),
    }


def test_martin_jean_is_a_condamne():
    load_demo()
    assert Detainee.objects.get(establishment__code="CPDEMO", ecrou="123456").legal_status == "condamne"


def test_cpdemo_has_its_booking_rules():
    load_demo()
    rules = BookingRules.objects.get(establishment__code="CPDEMO")
    assert (rules.minimum_notice_hours, rules.booking_horizon_days, rules.cancellation_notice_hours) == (24, 28, 24)
    assert (rules.max_visits_per_week_prevenu, rules.max_visits_per_week_condamne) == (3, 2)
    assert (rules.max_adults_per_visit, rules.max_minors_per_visit, rules.arrival_minutes_before) == (3, 3, 30)
    assert "pièce d'identité" in rules.what_to_bring


def test_the_parloir_has_its_twenty_weekly_sessions_tuesday_to_saturday():
    load_demo()
    parloir = VisitingArea.objects.get(establishment__code="CPDEMO", name="Parloir")
    assert (parloir.kind, parloir.capacity, parloir.is_active) == (AreaKind.PARLOIR, 8, True)
    assert parloir.location == "Accueil des familles, porte B"
    templates = list(parloir.templates.order_by("weekday", "start_time"))
    assert len(templates) == 20
    assert sorted({t.weekday for t in templates}) == [1, 2, 3, 4, 5]  # Tuesday to Saturday
    for weekday in range(1, 6):
        assert [f"{t.start_time:%H:%M}" for t in templates if t.weekday == weekday] == PARIS_TIMES
    assert {(t.duration_minutes, t.capacity, t.valid_until) for t in templates} == {(45, 8, None)}
    assert all(t.valid_from < timezone.localdate() for t in templates)


def test_the_salon_familial_and_the_uvf_fit_their_kind():
    load_demo()
    areas = {a.kind: a for a in VisitingArea.objects.filter(establishment__code="CPDEMO")}
    assert set(areas) == {AreaKind.PARLOIR, AreaKind.SALON_FAMILIAL, AreaKind.UVF}
    assert (areas[AreaKind.SALON_FAMILIAL].capacity, areas[AreaKind.UVF].capacity) == (2, 1)
    for kind in (AreaKind.SALON_FAMILIAL, AreaKind.UVF):
        templates = list(areas[kind].templates.all())
        assert templates
        shortest, longest = AREA_DURATION_BOUNDS[kind]
        for template in templates:
            assert shortest <= datetime.timedelta(minutes=template.duration_minutes) <= longest
            assert template.capacity <= areas[kind].capacity


def test_the_sessions_are_opened_for_the_booking_window():
    load_demo()
    parloir = VisitingArea.objects.get(establishment__code="CPDEMO", name="Parloir")
    sessions = list(VisitSession.objects.filter(area=parloir, status=SessionStatus.OPEN))
    # Four weeks ahead, five days a week, four sessions a day: at least 4 × 20 minus today's.
    assert len(sessions) >= 76
    local = [timezone.localtime(s.starts_at) for s in sessions]
    assert {f"{start:%H:%M}" for start in local} == set(PARIS_TIMES)
    assert {start.weekday() for start in local} == {1, 2, 3, 4, 5}
    assert {(s.ends_at - s.starts_at, s.capacity) for s in sessions} == {(datetime.timedelta(minutes=45), 8)}
    assert max(local).date() <= timezone.localdate() + datetime.timedelta(days=29)


def test_load_demo_twice_gives_the_same_rows():
    load_demo()
    first = rows()
    report = load_demo()
    assert rows() == first
    assert not report.created and not report.updated
    assert "règles de réservation CPDEMO" in report.unchanged
    assert "créneau hebdomadaire « Parloir » mardi 09:00" in report.unchanged


def test_load_demo_puts_back_a_changed_rule_and_a_changed_template():
    load_demo()
    BookingRules.objects.update(max_visits_per_week_condamne=5)
    SessionTemplate.objects.filter(area__name="Parloir", weekday=1).update(capacity=3)
    report = load_demo()
    assert BookingRules.objects.get().max_visits_per_week_condamne == 2
    assert set(SessionTemplate.objects.filter(area__name="Parloir").values_list("capacity", flat=True)) == {8}
    assert "règles de réservation CPDEMO" in report.updated


def test_the_parloirs_account_logs_in_with_the_demo_second_factor():
    load_demo()
    user = User.objects.get(username="parloirs")
    assert list(user.groups.values_list("name", flat=True)) == ["parloirs"]
    assert list(user.establishments.values_list("code", flat=True)) == ["CPDEMO"]
    assert user.is_staff and not user.is_superuser
    client = Client()
    assert client.login(username="parloirs", password=DEMO_PASSWORD)
    assert client.post("/gestion/second-facteur/", {"code": demo_totp_code()})["Location"] == "/gestion/"
    assert client.get("/gestion/").status_code == 200
