"""The parloir's settings in the back office (/gestion/visits/…): French validation messages, sessions opened when
templates or rules are saved, closures and blocks created through the services (visits cancelled, visitors
e-mailed), scoping by establishment, the greffe and auditors read only, sessions and visits read only."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import client_for
from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory
from visits.constants import AreaKind, SessionStatus, VisitStatus
from visits.models import BookingRules, Closure, DetaineeVisitBlock, SessionTemplate, VisitingArea, VisitSession

from .factories import BookingRulesFactory, VisitFactory, VisitingAreaFactory, VisitSessionFactory

pytestmark = pytest.mark.django_db

ADMIN = "/gestion/visits/"


@pytest.fixture
def setup():
    establishment = EstablishmentFactory(code="ETABV")
    BookingRulesFactory(establishment=establishment)
    area = VisitingAreaFactory(establishment=establishment, name="Parloir A", capacity=8)
    staff = StaffFactory(role="parloirs", establishments=[establishment])
    return {"establishment": establishment, "area": area, "staff": staff, "client": client_for(staff)}


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def _template(area, **overrides) -> dict:
    data = {"area": area.pk, "weekday": "1", "start_time": "09:00", "duration_minutes": "45", "capacity": "8",
            "valid_from": timezone.localdate().isoformat(), "valid_until": ""}
    data.update(overrides)
    return data


def test_a_template_is_checked_against_its_area(setup):
    client, area = setup["client"], setup["area"]
    url = f"{ADMIN}sessiontemplate/add/"
    short = client.post(url, _template(area, duration_minutes="20"))
    assert "Un créneau de type « Parloir » dure entre 30 min et 1 h." in _text(short)
    crowded = client.post(url, _template(area, capacity="9"))
    assert "plus de places que l'espace « Parloir A » (8)" in _text(crowded)
    backwards = client.post(url, _template(area, valid_from="2026-06-01", valid_until="2026-05-01"))
    assert "La date de fin de validité ne peut pas précéder la date de début." in _text(backwards)
    uvf = VisitingAreaFactory(establishment=setup["establishment"], name="UVF", kind=AreaKind.UVF, capacity=2)
    too_short = client.post(url, _template(uvf, duration_minutes="120", capacity="1"))
    assert "dure entre 6 h et 72 h" in _text(too_short)
    assert not SessionTemplate.objects.exists() and not VisitSession.objects.exists()


def test_saving_a_template_opens_its_sessions(setup):
    client, area = setup["client"], setup["area"]
    response = client.post(f"{ADMIN}sessiontemplate/add/", _template(area), follow=True)
    template = SessionTemplate.objects.get()
    sessions = VisitSession.objects.filter(template=template)
    assert sessions.exists() and all(timezone.localtime(s.starts_at).weekday() == 1 for s in sessions)
    assert "ouvert(s) à la réservation" in _text(response)
    assert template.history.first().history_user == setup["staff"]


def test_templates_under_their_area(setup):
    client, area = setup["client"], setup["area"]
    data = {"establishment": setup["establishment"].pk, "name": "Parloir A", "kind": AreaKind.PARLOIR,
            "capacity": "8", "location": "Porte B", "is_active": "on",
            "templates-TOTAL_FORMS": "1", "templates-INITIAL_FORMS": "0",
            "templates-MIN_NUM_FORMS": "0", "templates-MAX_NUM_FORMS": "1000",
            "templates-0-weekday": "2", "templates-0-start_time": "14:00", "templates-0-duration_minutes": "90",
            "templates-0-capacity": "4", "templates-0-valid_from": timezone.localdate().isoformat()}
    wrong = client.post(f"{ADMIN}visitingarea/{area.pk}/change/", data)
    assert "Un créneau de type « Parloir » dure entre 30 min et 1 h." in _text(wrong)
    assert not SessionTemplate.objects.exists()
    client.post(f"{ADMIN}visitingarea/{area.pk}/change/", {**data, "templates-0-duration_minutes": "45"})
    assert SessionTemplate.objects.filter(area=area, weekday=2).exists()
    assert VisitSession.objects.filter(area=area).exists()


def test_rules_keep_the_legal_minimums(setup):
    client, establishment = setup["client"], setup["establishment"]
    rules = BookingRules.objects.get(establishment=establishment)
    data = {"establishment": establishment.pk, "minimum_notice_hours": "24", "booking_horizon_days": "28",
            "cancellation_notice_hours": "24", "max_visits_per_week_prevenu": "2", "max_visits_per_week_condamne": "0",
            "max_adults_per_visit": "3", "max_minors_per_visit": "3", "arrival_minutes_before": "30",
            "what_to_bring": "Pièce d'identité"}
    response = client.post(f"{ADMIN}bookingrules/{rules.pk}/change/", data)
    text = _text(response)
    assert "La loi garantit au moins 3 parloir(s) par semaine à un prévenu" in text
    assert "La loi garantit au moins 1 parloir(s) par semaine à un condamné" in text
    rules.refresh_from_db()
    assert rules.max_visits_per_week_prevenu == 3
    client.post(f"{ADMIN}bookingrules/{rules.pk}/change/", {**data, "max_visits_per_week_prevenu": "4",
                                                             "max_visits_per_week_condamne": "2"})
    rules.refresh_from_db()
    assert (rules.max_visits_per_week_prevenu, rules.max_visits_per_week_condamne) == (4, 2)


def test_a_closure_through_the_admin_cancels_and_tells(setup, mailoutbox, django_capture_on_commit_callbacks):
    client, area = setup["client"], setup["area"]
    visit = VisitFactory(session=VisitSessionFactory(area=area), contact_email="proche@example.fr")
    day = timezone.localtime(visit.session.starts_at).date()
    url = f"{ADMIN}closure/add/"
    data = {"establishment": setup["establishment"].pk, "area": "", "start_date": day.isoformat(),
            "end_date": (day - datetime.timedelta(days=1)).isoformat(), "reason": "Exercice de sécurité"}
    backwards = client.post(url, data)
    assert "La fin de la fermeture ne peut pas précéder son début." in _text(backwards)
    other_area = VisitingAreaFactory(establishment=EstablishmentFactory(code="ETABW"))
    foreign = client.post(url, {**data, "end_date": day.isoformat(), "area": other_area.pk})
    assert foreign.status_code == 200 and not Closure.objects.exists() and not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**data, "end_date": day.isoformat()}, follow=True)
    assert "1 rendez-vous annulé(s)" in _text(done)
    closure = Closure.objects.get()
    assert closure.history.first().history_user == setup["staff"]
    visit.refresh_from_db()
    visit.session.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED_BY_ESTABLISHMENT and visit.session.status == SessionStatus.CANCELLED
    assert [m.to for m in mailoutbox] == [["proche@example.fr"]]
    # Decided once: the closure's page reads, it does not save a change.
    assert client.post(f"{ADMIN}closure/{closure.pk}/change/", {**data, "reason": "Autre"}).status_code == 403


def test_a_block_through_the_admin_cancels_and_tells(setup, mailoutbox, django_capture_on_commit_callbacks):
    client, area = setup["client"], setup["area"]
    detainee = DetaineeFactory(establishment=setup["establishment"])
    visit = VisitFactory(session=VisitSessionFactory(area=area), detainee=detainee, contact_email="proche@example.fr")
    day = timezone.localtime(visit.session.starts_at).date()
    data = {"detainee": detainee.pk, "start_date": day.isoformat(),
            "end_date": (day - datetime.timedelta(days=2)).isoformat(), "reason": "Extraction judiciaire"}
    backwards = client.post(f"{ADMIN}detaineevisitblock/add/", data)
    assert "La fin de la suspension ne peut pas précéder son début." in _text(backwards)
    stranger = DetaineeFactory(establishment=EstablishmentFactory(code="ETABX"))
    refused = client.post(f"{ADMIN}detaineevisitblock/add/", {**data, "detainee": stranger.pk,
                                                              "end_date": day.isoformat()})
    assert refused.status_code == 200 and not DetaineeVisitBlock.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"{ADMIN}detaineevisitblock/add/", {**data, "end_date": day.isoformat()}, follow=True)
    assert "1 rendez-vous annulé(s)" in _text(done)
    assert DetaineeVisitBlock.objects.get().detainee == detainee
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED_BY_ESTABLISHMENT
    assert [m.to for m in mailoutbox] == [["proche@example.fr"]]


def test_scoped_by_establishment(setup):
    stranger = client_for(StaffFactory(role="parloirs", establishments=[EstablishmentFactory(code="ETABY")]))
    area = setup["area"]
    assert stranger.get(f"{ADMIN}visitingarea/{area.pk}/change/").status_code == 404
    assert stranger.get(f"{ADMIN}visitingarea/{area.pk}/history/").status_code == 404
    assert "Parloir A" not in _text(stranger.get(f"{ADMIN}visitingarea/"))
    refused = stranger.post(f"{ADMIN}sessiontemplate/add/", _template(area))
    assert refused.status_code == 200 and not SessionTemplate.objects.exists()
    national = client_for(StaffFactory(role="national"))
    assert "Parloir A" in _text(national.get(f"{ADMIN}visitingarea/"))
    national.post(f"{ADMIN}sessiontemplate/add/", _template(area))
    assert SessionTemplate.objects.filter(area=area).exists()


def test_greffe_and_auditors_read_only(setup):
    area = setup["area"]
    visit = VisitFactory(session=VisitSessionFactory(area=area))
    for user in (StaffFactory(role="greffe", establishments=[setup["establishment"]]), StaffFactory(role="auditeur")):
        client = client_for(user)
        assert client.get(f"{ADMIN}visitingarea/{area.pk}/change/").status_code == 200
        assert client.get(f"{ADMIN}visitingarea/{area.pk}/history/").status_code == 200
        assert client.get(f"{ADMIN}visit/{visit.pk}/change/").status_code == 200
        assert client.get(f"{ADMIN}sessiontemplate/add/").status_code == 403
        assert client.post(f"{ADMIN}visitingarea/{area.pk}/change/", {"name": "Autre"}).status_code == 403
    area.refresh_from_db()
    assert area.name == "Parloir A"


def test_sessions_and_visits_are_read_only_in_the_admin(setup):
    client = setup["client"]
    visit = VisitFactory(session=VisitSessionFactory(area=setup["area"]))
    page = client.get(f"{ADMIN}visit/{visit.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(f"{ADMIN}visit/{visit.pk}/change/", {"status": "arrived"}).status_code == 403
    assert client.get(f"{ADMIN}visit/add/").status_code == 403
    session_page = client.get(f"{ADMIN}visitsession/{visit.session.pk}/change/")
    assert session_page.status_code == 200 and "/gestion/parloirs/?etablissement=" in session_page.content.decode()
    assert client.get(f"{ADMIN}visitsession/add/").status_code == 403
    visit.refresh_from_db()
    assert visit.status == VisitStatus.BOOKED


def test_area_names_are_french(setup):
    page = setup["client"].get(f"{ADMIN}visitingarea/add/")
    text = _text(page)
    assert page.status_code == 200 and "Capacité" in text and "Ouvert à la réservation" in text
    assert VisitingArea._meta.verbose_name == "espace de visite"
