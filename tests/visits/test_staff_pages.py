"""The visit office's pages (/gestion/parloirs/): the day's planning, arrivals, cancelling a visit or a session,
the printable list and the CSV, a detainee's blocked dates, a booking by phone. The visit office of the
establishment acts; the greffe and auditors read; another establishment's staff are refused and nothing changes."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format
from freezegun import freeze_time

from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import client_for
from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory, VisitPermitFactory
from visits.constants import SessionStatus, VisitStatus
from visits.models import DetaineeVisitBlock, Visit, VisitCompanion

from .factories import BookingRulesFactory, VisitFactory, VisitingAreaFactory, VisitSessionFactory

pytestmark = pytest.mark.django_db

PLANNING = "/gestion/parloirs/"


def _day(session) -> str:
    return timezone.localtime(session.starts_at).date().isoformat()


@pytest.fixture
def parloir():
    """An establishment with a parloir, a session two days ahead with two visits (one with a companion), its
    visit office, and another establishment with its own visit office."""
    establishment = EstablishmentFactory(code="ETABP", name="Centre pénitentiaire de Test")
    BookingRulesFactory(establishment=establishment)
    area = VisitingAreaFactory(establishment=establishment, name="Parloir A", capacity=8)
    session = VisitSessionFactory(area=area)
    detainee = DetaineeFactory(establishment=establishment, family_name="MARTIN", first_name="Jean", ecrou="123456")
    booker = VisitPermitFactory(detainee=detainee, number="PV-2026-000123", holder_family_name="DUBOIS",
                                holder_first_names="Angela Claire Louise")
    companion = VisitPermitFactory(detainee=detainee, number="PV-2026-000124", holder_family_name="DUPONT",
                                   holder_first_names="Pierre")
    visit = VisitFactory(session=session, detainee=detainee, permit=booker, minors=2,
                         contact_email="angela.dubois@example.fr")
    VisitCompanion.objects.create(visit=visit, permit=companion)
    other_visit = VisitFactory(session=session, contact_email="autre@example.fr")
    elsewhere = EstablishmentFactory(code="ETABQ")
    return {
        "establishment": establishment, "area": area, "session": session, "detainee": detainee, "visit": visit,
        "other_visit": other_visit, "booker": booker,
        "staff": StaffFactory(role="parloirs", establishments=[establishment]),
        "stranger": StaffFactory(role="parloirs", establishments=[elsewhere]),
        "elsewhere": elsewhere,
    }


def test_the_planning_shows_each_session_and_who_visits_whom(parloir):
    session = parloir["session"]
    page = client_for(parloir["staff"]).get(PLANNING, {"jour": _day(session)})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Parloir A" in html and timezone.localtime(session.starts_at).strftime("%H:%M") in html
    # Two visits: the booker, a companion and two minors, then one visitor alone.
    assert "2 place(s) prise(s) sur 8, 5 personne(s) attendue(s)" in html
    assert "MARTIN Jean" in html and "123456" in html
    assert "DUBOIS Angela Claire Louise (PV-2026-000123)" in html and "DUPONT Pierre (PV-2026-000124)" in html
    assert "Annuler le créneau" in html and "Jour précédent" in html and "Jour suivant" in html
    # Arrivals are recorded on the day: no "Arrivé" button two days ahead, both buttons on the day itself.
    assert "Non arrivé" not in html
    with freeze_time(session.starts_at):
        html = client_for(parloir["staff"]).get(PLANNING, {"jour": _day(session)}).content.decode()
    assert "Arrivé" in html and "Non arrivé" in html


def test_the_planning_reads_a_french_day_and_defaults_to_today(parloir):
    session = parloir["session"]
    client = client_for(parloir["staff"])
    french = timezone.localtime(session.starts_at).strftime("%d/%m/%Y")
    assert "MARTIN Jean" in client.get(PLANNING, {"etablissement": parloir["establishment"].pk,
                                                  "jour": french}).content.decode()
    assert "Aucun créneau ce jour-là." in client.get(PLANNING).content.decode()
    assert client.get(PLANNING, {"jour": "31/02/2026"}).status_code == 200


def test_another_establishment_is_refused(parloir):
    client = client_for(parloir["stranger"])
    assert client.get(PLANNING, {"etablissement": parloir["establishment"].pk}).status_code == 404
    assert client.get(PLANNING, {"etablissement": "ETABP"}).status_code == 404
    assert "MARTIN" not in client.get(PLANNING, {"jour": _day(parloir["session"])}).content.decode()
    visit, session = parloir["visit"], parloir["session"]
    assert client.post(f"{PLANNING}rendez-vous/{visit.pk}/arrivee/", {"arrive": "oui"}).status_code == 404
    assert client.post(f"{PLANNING}rendez-vous/{visit.pk}/annuler/", {"reason": "Incident"}).status_code == 404
    assert client.get(f"{PLANNING}rendez-vous/{visit.pk}/annuler/").status_code == 404
    assert client.post(f"{PLANNING}creneaux/{session.pk}/annuler/", {"reason": "Incident"}).status_code == 404
    assert client.get(f"{PLANNING}imprimer/", {"etablissement": parloir["establishment"].pk}).status_code == 404
    assert client.get(f"{PLANNING}export.csv", {"etablissement": parloir["establishment"].pk}).status_code == 404
    response = client.post(f"{PLANNING}suspendre/", {"ecrou": "123456", "start_date": "01/01/2026",
                                                     "end_date": "02/01/2026", "reason": "Audience"})
    assert "Aucune personne détenue de cet établissement" in response.content.decode()
    response = client.get(f"{PLANNING}reserver/", {"permit_number": "PV-2026-000123"})
    assert "Aucun permis de visite de ce numéro" in response.content.decode()
    visit.refresh_from_db()
    session.refresh_from_db()
    assert visit.status == VisitStatus.BOOKED and session.status == SessionStatus.OPEN
    assert not DetaineeVisitBlock.objects.exists()


def test_greffe_and_auditors_read_without_acting(parloir):
    visit, session = parloir["visit"], parloir["session"]
    greffe = StaffFactory(role="greffe", establishments=[parloir["establishment"]])
    for user in (greffe, StaffFactory(role="auditeur")):
        client = client_for(user)
        page = client.get(PLANNING, {"etablissement": parloir["establishment"].pk, "jour": _day(session)})
        html = page.content.decode()
        assert page.status_code == 200 and "MARTIN Jean" in html
        assert "Non arrivé" not in html and "Annuler le créneau" not in html
        assert client.get(f"{PLANNING}imprimer/", {"etablissement": parloir["establishment"].pk,
                                                   "jour": _day(session)}).status_code == 200
        assert client.post(f"{PLANNING}rendez-vous/{visit.pk}/arrivee/", {"arrive": "oui"}).status_code == 403
        assert client.post(f"{PLANNING}rendez-vous/{visit.pk}/annuler/", {"reason": "x"}).status_code == 403
        assert client.post(f"{PLANNING}creneaux/{session.pk}/annuler/", {"reason": "x"}).status_code == 403
        assert client.post(f"{PLANNING}reserver/", {"permit_number": "PV-2026-000123"}).status_code == 403
        assert client.post(f"{PLANNING}suspendre/", {"ecrou": "123456"}).status_code == 403
        assert "Confirmer le rendez-vous" not in client.get(
            f"{PLANNING}reserver/", {"permit_number": "PV-2026-000123"}).content.decode()
    visit.refresh_from_db()
    session.refresh_from_db()
    assert visit.status == VisitStatus.BOOKED and session.status == SessionStatus.OPEN


def test_pages_need_a_back_office_login():
    response = Client().get(PLANNING)
    assert response.status_code == 302 and "/gestion/login/" in response["Location"]


def test_arrival_is_recorded_on_the_day(parloir, mailoutbox):
    visit, session = parloir["visit"], parloir["session"]
    client = client_for(parloir["staff"])
    response = client.post(f"{PLANNING}rendez-vous/{visit.pk}/arrivee/", {"arrive": "oui"}, follow=True)
    visit.refresh_from_db()
    # The session is two days ahead: its arrival is not recorded yet.
    assert visit.status == VisitStatus.BOOKED and "se pointe ce jour-là" in response.content.decode()
    past = timezone.now() - datetime.timedelta(hours=1)
    type(session).objects.filter(pk=session.pk).update(starts_at=past, ends_at=past + datetime.timedelta(minutes=45))
    response = client.post(f"{PLANNING}rendez-vous/{visit.pk}/arrivee/", {"arrive": "oui"}, follow=True)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.ARRIVED and "arrivée enregistrée" in response.content.decode()
    client.post(f"{PLANNING}rendez-vous/{visit.pk}/arrivee/", {"arrive": "non"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.NOT_ARRIVED and visit.arrival_recorded_at is not None
    assert client.get(f"{PLANNING}rendez-vous/{visit.pk}/arrivee/").status_code == 405


def test_cancel_one_visit_with_a_reason(parloir, mailoutbox, django_capture_on_commit_callbacks):
    visit = parloir["visit"]
    client = client_for(parloir["staff"])
    url = f"{PLANNING}rendez-vous/{visit.pk}/annuler/"
    form = client.get(url)
    assert form.status_code == 200 and "DUBOIS Angela Claire Louise" in form.content.decode()
    empty = client.post(url, {"reason": "   "})
    assert empty.status_code == 200 and "Indiquez le motif." in empty.content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.BOOKED and not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"reason": "Fouille générale"}, follow=True)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED_BY_ESTABLISHMENT and visit.status_reason == "Fouille générale"
    assert "le visiteur est prévenu par courriel" in done.content.decode()
    assert [m.to for m in mailoutbox] == [["angela.dubois@example.fr"]]
    again = client.post(url, {"reason": "Encore"})
    assert again.status_code == 200 and "plus réservé" in again.content.decode()
    assert len(mailoutbox) == 1


def test_cancel_a_session_tells_every_visitor(parloir, mailoutbox, django_capture_on_commit_callbacks):
    session = parloir["session"]
    client = client_for(parloir["staff"])
    url = f"{PLANNING}creneaux/{session.pk}/annuler/"
    form = client.get(url).content.decode()
    assert "2 rendez-vous réservés sur ce créneau" in form
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"reason": "Manque de personnel"}, follow=True)
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and session.cancellation_reason == "Manque de personnel"
    assert "2 rendez-vous annulé(s), chaque visiteur est prévenu par courriel" in done.content.decode()
    assert sorted(m.to[0] for m in mailoutbox) == ["angela.dubois@example.fr", "autre@example.fr"]
    assert set(Visit.objects.values_list("status", flat=True)) == {VisitStatus.CANCELLED_BY_ESTABLISHMENT}
    assert "Créneau annulé" in done.content.decode()
    assert "Ce créneau est déjà annulé." in client.get(url).content.decode()


def test_the_print_page_is_an_a4_list_without_navigation(parloir):
    session = parloir["session"]
    page = client_for(parloir["staff"]).get(f"{PLANNING}imprimer/", {"jour": _day(session)})
    html = page.content.decode()
    assert page.status_code == 200
    assert "visits/print.css" in html and "Arrivée" in html
    assert "MARTIN Jean" in html and "DUPONT Pierre (PV-2026-000124)" in html
    # On screen: the print button and the way back; on paper, only the list.
    assert "Imprimer la liste (A4)" in html and "Retour au planning" in html
    assert html.count("<nav") == 1 and '<nav class="screen-only"' in html
    css = open("static/visits/print.css", encoding="utf-8").read()
    assert "size: A4" in css and "@media print { .screen-only { display: none; } }" in css


def test_the_csv_lists_the_visits_with_formulas_neutralised(parloir):
    session = parloir["session"]
    detainee = DetaineeFactory(establishment=parloir["establishment"], family_name="=HYPERLINK(1)", ecrou="777")
    VisitFactory(session=session, detainee=detainee)
    response = client_for(parloir["staff"]).get(f"{PLANNING}export.csv", {"jour": _day(session)})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    assert 'filename="parloirs-ETABP-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:6] == ["Date", "Heure", "Fin", "Espace", "Personne détenue", "Écrou"]
    martin = next(row for row in rows if row[5] == "123456")
    assert martin[4] == "MARTIN Jean" and "DUBOIS Angela Claire Louise" in martin[6] and "DUPONT Pierre" in martin[6]
    assert martin[7] == "PV-2026-000123, PV-2026-000124" and martin[8] == "2" and martin[10] == "Réservé"
    hostile = next(row for row in rows if row[5] == "777")
    assert hostile[4].startswith("'=")


def test_block_a_detainee_cancels_the_visits_in_range(parloir, mailoutbox, django_capture_on_commit_callbacks):
    session = parloir["session"]
    day = timezone.localtime(session.starts_at).date()
    client = client_for(parloir["staff"])
    url = f"{PLANNING}suspendre/"
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"ecrou": "123456", "start_date": day.strftime("%d/%m/%Y"),
                              "end_date": (day - datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
                              "reason": "Audience"})
    assert "La date de fin ne peut pas précéder la date de début." in wrong.content.decode()
    unknown = client.post(url, {"ecrou": "999999", "start_date": day.strftime("%d/%m/%Y"),
                                "end_date": day.strftime("%d/%m/%Y"), "reason": "Audience"})
    assert "Aucune personne détenue de cet établissement" in unknown.content.decode()
    assert not DetaineeVisitBlock.objects.exists() and not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"ecrou": "123456", "start_date": day.strftime("%d/%m/%Y"),
                                 "end_date": day.strftime("%d/%m/%Y"), "reason": "Hospitalisation"}, follow=True)
    html = done.content.decode()
    assert "Parloirs de MARTIN Jean suspendus" in html and "1 rendez-vous annulé(s)" in html
    block = DetaineeVisitBlock.objects.get()
    assert block.detainee == parloir["detainee"] and block.reason == "Hospitalisation"
    parloir["visit"].refresh_from_db()
    parloir["other_visit"].refresh_from_db()
    assert parloir["visit"].status == VisitStatus.CANCELLED_BY_ESTABLISHMENT
    assert parloir["other_visit"].status == VisitStatus.BOOKED
    assert [m.to for m in mailoutbox] == [["angela.dubois@example.fr"]]


def test_book_by_phone_for_a_visitor(parloir, mailoutbox, django_capture_on_commit_callbacks):
    session = parloir["session"]
    client = client_for(parloir["staff"])
    url = f"{PLANNING}reserver/"
    # MARTIN Jean's visit of that session is cancelled by the visitor: the session may be booked again.
    Visit.objects.filter(pk=parloir["visit"].pk).update(status=VisitStatus.CANCELLED_BY_RELATIVE)
    lookup = client.get(url, {"permit_number": "pv-2026-000123"}).content.decode()
    assert "DUBOIS Angela Claire Louise" in lookup and "Confirmer le rendez-vous" in lookup
    assert f'value="{session.pk}"' in lookup
    refused = client.post(url, {"permit_number": "PV-2026-000123", "session": str(session.pk), "minors": "0",
                                "channel": "phone", "companion_1_number": "PV-2026-000124",
                                "companion_1_family_name": "DURAND", "companion_1_first_names": "Pierre"})
    assert refused.status_code == 200 and not Visit.objects.filter(booked_by=parloir["staff"]).exists()
    assert "errornote" in refused.content.decode()
    tampered = client.post(url, {"permit_number": "PV-2026-000123", "session": "999999", "minors": "0",
                                 "channel": "phone"})
    assert "plus proposé" in tampered.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"permit_number": "PV-2026-000123", "session": str(session.pk), "minors": "1",
                                 "channel": "counter", "contact_email": "angela.dubois@example.fr",
                                 "companion_1_number": "PV-2026-000124", "companion_1_family_name": "Dupont",
                                 "companion_1_first_names": "Pierre"}, follow=True)
    visit = Visit.objects.get(booked_by=parloir["staff"])
    assert visit.relative is None and visit.channel == "counter" and visit.minors == 1
    assert [c.permit.number for c in visit.companions.all()] == ["PV-2026-000124"]
    assert "Rendez-vous réservé pour DUBOIS Angela Claire Louise" in done.content.decode()
    assert any(m.to == ["angela.dubois@example.fr"] for m in mailoutbox)


def test_booking_by_phone_refuses_another_establishments_permit(parloir):
    foreign = VisitPermitFactory(detainee=DetaineeFactory(establishment=parloir["elsewhere"]))
    response = client_for(parloir["staff"]).post(f"{PLANNING}reserver/", {
        "permit_number": foreign.number, "session": str(parloir["session"].pk), "minors": "0", "channel": "phone",
    })
    assert "Aucun permis de visite de ce numéro" in response.content.decode()
    assert not Visit.objects.filter(permit=foreign).exists()


def test_the_back_office_index_links_the_parloirs(parloir):
    html = client_for(parloir["staff"]).get("/gestion/").content.decode()
    assert "Parloirs" in html and 'href="/gestion/parloirs/"' in html and "/gestion/parloirs/reserver/" in html
    greffe = StaffFactory(role="greffe", establishments=[parloir["establishment"]])
    html = client_for(greffe).get("/gestion/").content.decode()
    assert 'href="/gestion/parloirs/"' in html and "/gestion/parloirs/reserver/" not in html
    regie = StaffFactory(role="regie", establishments=[parloir["establishment"]])
    assert 'href="/gestion/parloirs/"' not in client_for(regie).get("/gestion/").content.decode()


def test_booking_by_phone_says_why_a_permit_cannot_book(parloir):
    parloir["booker"].status = "suspended"
    parloir["booker"].save()
    response = client_for(parloir["staff"]).post(f"{PLANNING}reserver/", {
        "permit_number": "PV-2026-000123", "session": str(parloir["session"].pk), "minors": "0", "channel": "phone",
    })
    html = response.content.decode()
    assert response.status_code == 200 and "errornote" in html and "Confirmer le rendez-vous" not in html
    assert Visit.objects.filter(permit=parloir["booker"]).count() == 1


def test_booking_by_phone_lists_the_sessions_under_their_day(parloir):
    # The week after (MARTIN Jean's visit this week is his week's one, as a condamné's by default).
    later = parloir["session"].starts_at + datetime.timedelta(days=8)
    session = VisitSessionFactory(area=parloir["area"], starts_at=later, ends_at=later + datetime.timedelta(minutes=45))
    client = client_for(parloir["staff"])
    html = client.get(f"{PLANNING}reserver/", {"permit_number": "PV-2026-000124"}).content.decode()
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    day = date_format(start, "l j F Y").capitalize()
    assert day in html and f"{start:%H:%M} – {end:%H:%M}, Parloir A (8 place(s))" in html
    assert html.index(day) < html.index(f"{start:%H:%M} – ")
