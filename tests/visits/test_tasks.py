"""The parloir's Celery tasks (run eagerly here) and their beat entries."""

import pytest
from django.conf import settings

from tests.visits.booking import day_in, parloir, session
from tests.visits.factories import SessionTemplateFactory, VisitFactory
from visits import tasks
from visits.models import Visit, VisitSession

pytestmark = pytest.mark.django_db


def test_the_beat_runs_both_tasks():
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["visits.open_sessions"] == 3600.0
    # The purge at night, when no one books (the « Données personnelles » page says "la nuit suivante").
    purge = schedule["visits.purge_past_visits"]
    assert purge.hour == {3} and purge.minute == {30}


def test_open_sessions_task():
    place = parloir(booking_horizon_days=13)
    SessionTemplateFactory(area=place.area, weekday=day_in(3).weekday(), valid_from=day_in(-30))
    assert tasks.open_sessions.delay().get() == 2
    assert tasks.open_sessions.delay().get() == 0
    assert VisitSession.objects.count() == 2


def test_purge_task(settings):
    settings.VISITS_RETENTION_DAYS = 10
    place = parloir()
    VisitFactory(session=session(place.area, day=day_in(-12)))
    recent = VisitFactory(session=session(place.area, day=day_in(-5)))
    assert tasks.purge_past_visits.delay().get() == 1
    assert list(Visit.objects.all()) == [recent]
