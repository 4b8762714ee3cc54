"""The relative's parloir pages as the owner sees them, and what anyone else gets: another relative's registration or
visit answers 404, an anonymous visitor goes to the FranceConnect login, a permit that may not book says why and
whom to ask and offers no session."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import formats, timezone

from permits.constants import PermitStatus, RegistrationStatus
from tests.accounts.factories import StaffFactory
from tests.transfers.factories import RegisteredPermitFactory
from tests.visits.factories import VisitFactory, VisitingAreaFactory, VisitSessionFactory
from tests.visits.relative_pages import at, logged_in, make_booker, session_at, text
from visits.constants import AreaKind, SessionStatus, VisitStatus

pytestmark = pytest.mark.django_db

REFERENCE = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
ANONYMOUS_PATHS = ["/mon-espace/rendez-vous/", "/mon-espace/parloir/1/", "/mon-espace/parloir/1/creneau/1/",
                   f"/mon-espace/rendez-vous/{REFERENCE}/", f"/mon-espace/rendez-vous/{REFERENCE}/annuler/",
                   f"/mon-espace/rendez-vous/{REFERENCE}/rendez-vous.ics"]


def visit_of(booker, **fields):
    values = {"session": booker.session, "detainee": booker.permit.detainee, "permit": booker.permit,
              "relative": booker.relative, "contact_email": booker.relative.email}
    return VisitFactory(**{**values, **fields})


@pytest.mark.parametrize("path", ANONYMOUS_PATHS)
def test_an_anonymous_visitor_is_sent_to_the_franceconnect_login(client, path):
    response = client.get(path, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Identifiez-vous avec FranceConnect pour accéder à votre espace." in text(response)


def test_the_sessions_page_shows_for_whom_the_rules_and_the_sessions_day_by_day():
    booker = make_booker()
    page = text(booker.client.get(booker.sessions_url))
    detainee = booker.permit.detainee
    assert "<title>Prendre un rendez-vous parloir — Portail des proches</title>" in page
    assert page.count("<h1") == 1
    assert f"{detainee.first_name} {detainee.family_name.upper()}" in page and detainee.establishment.name in page
    assert "au moins 24 heures avant son début et au plus 28 jours à l'avance" in page
    assert "jusqu'à 24 heures avant son début" in page
    day = booker.session.starts_at
    assert f">{_day_heading(day)}</h4>" in page
    assert "9 h 00 – 9 h 45" in page and "Parloir principal" in page and "2 places restantes" in page
    assert f'href="{booker.book_url(booker.session.pk)}">Choisir ce créneau' in page
    assert 'class="fr-breadcrumb"' in page and 'href="/mon-espace/">Mon espace' in page


def _day_heading(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "l j F Y")


def test_the_places_left_count_the_visits_that_hold_a_place():
    booker = make_booker()
    VisitFactory(session=booker.session)  # another detainee's visit holds one of the two tables
    page = text(booker.client.get(booker.sessions_url))
    assert "1 place restante" in page and "2 places restantes" not in page


def test_a_full_session_is_shown_as_complet_without_the_button():
    booker = make_booker()
    VisitFactory.create_batch(2, session=booker.session)  # other detainees' visits take both tables
    page = text(booker.client.get(booker.sessions_url))
    assert "Complet" in page and "places restantes" not in page
    assert booker.book_url(booker.session.pk) not in page


def test_the_sessions_come_one_week_at_a_time_from_the_first_with_a_place_left():
    """A phone shows one week (Monday to Sunday); the first week offered is the first with a place left; the
    other weeks are reached by « Semaine suivante » / « Semaine précédente » without JavaScript."""
    booker = make_booker()
    VisitFactory.create_batch(2, session=booker.session)  # the first week's only session is full
    later = session_at(booker.area, booker.session.starts_at + datetime.timedelta(days=7))
    first = text(booker.client.get(booker.sessions_url))
    assert booker.book_url(later.pk) in first and "Complet" not in first
    assert "Semaine 2 sur 2" in first and 'href="?semaine=0#semaine">Semaine précédente' in first
    monday = timezone.localtime(later.starts_at).date()
    monday -= datetime.timedelta(days=monday.weekday())
    assert f"Semaine du {formats.date_format(monday, 'l j F')}" in first

    previous = text(booker.client.get(booker.sessions_url, {"semaine": "0"}))
    assert "Complet" in previous and booker.book_url(later.pk) not in previous
    assert 'href="?semaine=1#semaine">Semaine suivante' in previous


@pytest.mark.parametrize("week", ["99", "-1", "abc", "1e9", "٣", "¹", "0x1", " 1", "9" * 5000])
def test_a_week_that_is_not_offered_shows_the_default_week(week):
    booker = make_booker()
    response = booker.client.get(booker.sessions_url, {"semaine": week})
    assert response.status_code == 200 and booker.book_url(booker.session.pk) in text(response)


def test_without_any_session_the_page_says_so_and_whom_to_contact():
    booker = make_booker()
    booker.session.delete()
    page = text(booker.client.get(booker.sessions_url))
    assert "Aucun créneau disponible" in page
    assert "adressez-vous au bureau des parloirs de l'établissement" in page
    assert "Choisir ce créneau" not in page


def test_an_establishment_without_booking_rules_offers_no_session():
    booker = make_booker()
    booker.rules.delete()
    page = text(booker.client.get(booker.sessions_url))
    assert "ne permet pas de prendre un rendez-vous parloir pour le moment" in page
    assert "ne propose pas encore la prise de rendez-vous parloir en ligne" in page
    assert "Choisir ce créneau" not in page


INELIGIBLE = [
    ({"permit__status": PermitStatus.SUSPENDED}, "suspendu"),
    ({"permit__status": PermitStatus.EXPIRED}, "a expiré"),
    ({"status": RegistrationStatus.PENDING}, "en attente de vérification"),
]


@pytest.mark.parametrize(("change", "reason"), INELIGIBLE)
def test_an_ineligible_permit_says_why_and_whom_to_contact_and_offers_no_session(change, reason):
    booker = make_booker(**change)
    page = text(booker.client.get(booker.sessions_url))
    assert "Ce permis ne permet pas de prendre un rendez-vous parloir pour le moment" in page
    assert reason in page and "Pour en savoir plus, adressez-vous à l" in page
    assert "Choisir ce créneau" not in page
    booking_page = text(booker.client.get(booker.book_url(booker.session.pk)))
    assert reason in booking_page and "Confirmer le rendez-vous" not in booking_page


@pytest.mark.parametrize(("change", "reason"), INELIGIBLE)
def test_an_ineligible_permit_cannot_book_by_a_post(change, reason):
    booker = make_booker(**change)
    response = booker.client.post(booker.book_url(booker.session.pk), {"minors": "0"})
    assert response.status_code == 403
    assert reason in text(response)
    assert not booker.session.visits.exists()


def test_another_relatives_registration_is_a_404():
    booker = make_booker()
    stranger = RegisteredPermitFactory()
    client = logged_in(stranger.relative)
    assert client.get(booker.sessions_url).status_code == 404
    assert client.get(booker.book_url(booker.session.pk)).status_code == 404
    assert client.post(booker.book_url(booker.session.pk), {"minors": "0"}).status_code == 404
    assert not booker.session.visits.exists()
    assert booker.client.get("/mon-espace/parloir/999999999/").status_code == 404


def test_another_relatives_visit_is_a_404_on_each_of_its_pages():
    booker = make_booker()
    visit = visit_of(booker)
    client = logged_in(RegisteredPermitFactory().relative)
    base = f"/mon-espace/rendez-vous/{visit.reference}/"
    for path in (base, f"{base}annuler/", f"{base}rendez-vous.ics"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"{base}annuler/").status_code == 404
    visit.refresh_from_db()
    assert visit.status == VisitStatus.BOOKED
    for path in ("/mon-espace/rendez-vous/pas-une-reference/", f"/mon-espace/rendez-vous/{REFERENCE}/"):
        assert booker.client.get(path).status_code == 404


def test_the_visit_page_gives_the_date_the_place_the_arrival_what_to_bring_and_who_comes():
    booker = make_booker()
    visit = visit_of(booker, minors=2)
    page = text(booker.client.get(f"/mon-espace/rendez-vous/{visit.reference}/"))
    assert page.count("<h1") == 1 and "Votre rendez-vous parloir est réservé" in page
    assert _day_heading(booker.session.starts_at) in page and "9 h 00 – 9 h 45" in page
    establishment = booker.permit.detainee.establishment
    assert establishment.name in page and "Parloir principal" in page and "Accueil des familles, porte B" in page
    assert "Présentez-vous à 8 h 30, 30 minutes avant le début du parloir." in page
    assert "Votre pièce d'identité en cours de validité" in page
    assert f"{booker.permit.holder_first_names} {booker.permit.holder_family_name.upper()}" in page
    assert "2 enfants mineurs" in page
    assert f'href="/mon-espace/rendez-vous/{visit.reference}/rendez-vous.ics"' in page
    assert "Ajouter à mon agenda (.ics)" in page and "Un courriel de confirmation vous a été envoyé" in page
    assert 'href="/mon-espace/rendez-vous/">Voir mes rendez-vous' in page


def test_a_visit_cancelled_by_the_establishment_says_so_with_its_reason():
    booker = make_booker()
    visit = visit_of(booker, status=VisitStatus.CANCELLED_BY_ESTABLISHMENT, status_reason="Mouvement social")
    page = text(booker.client.get(f"/mon-espace/rendez-vous/{visit.reference}/"))
    assert "est réservé" not in page
    assert "Annulé par l'établissement" in page and "Mouvement social" in page
    assert "Ajouter à mon agenda" not in page and "Annuler le rendez-vous" not in page


def test_mes_rendez_vous_lists_upcoming_and_past_visits_with_their_status_in_words():
    booker = make_booker()
    upcoming = visit_of(booker)
    cancelled = visit_of(booker, session=session_at(booker.area, at(5, 14)),
                         status=VisitStatus.CANCELLED_BY_ESTABLISHMENT, status_reason="Exercice incendie")
    past = visit_of(booker, session=session_at(booker.area, at(-3, 10, 30)), status=VisitStatus.ARRIVED)
    page = text(booker.client.get("/mon-espace/rendez-vous/"))
    assert "<title>Mes rendez-vous — Portail des proches</title>" in page and page.count("<h1") == 1
    upcoming_part, past_part = page.split("Rendez-vous passés", 1)
    assert "Rendez-vous à venir" in upcoming_part
    assert str(upcoming.reference) in upcoming_part and str(cancelled.reference) in upcoming_part
    assert str(past.reference) in past_part
    assert "Réservé" in upcoming_part and "Annulé par l'établissement" in upcoming_part
    assert "Exercice incendie" in upcoming_part and "Venu" in past_part
    assert f'href="/mon-espace/rendez-vous/{upcoming.reference}/annuler/">Annuler le rendez-vous' in upcoming_part
    assert f"{cancelled.reference}/annuler/" not in page
    assert f'href="{booker.sessions_url}">Prendre un rendez-vous parloir' in page


def test_mes_rendez_vous_after_the_deadline_says_the_visit_can_no_longer_be_cancelled():
    booker = make_booker()
    soon = visit_of(booker, session=session_at(booker.area, timezone.now() + datetime.timedelta(hours=2)))
    page = text(booker.client.get("/mon-espace/rendez-vous/"))
    assert f"{soon.reference}/annuler/" not in page
    assert "ne peut plus être annulé en ligne : le délai d'annulation a pris fin le" in page


def test_mes_rendez_vous_empty():
    booker = make_booker(permit__status=PermitStatus.SUSPENDED)
    page = text(booker.client.get("/mon-espace/rendez-vous/"))
    assert "Vous n'avez aucun rendez-vous parloir à venir." in page and "Aucun rendez-vous passé." in page
    assert "/mon-espace/parloir/" not in page  # no permit allows a booking


def test_the_ics_is_the_relatives_own_visit_as_a_calendar_attachment():
    booker = make_booker()
    visit = visit_of(booker)
    response = booker.client.get(f"/mon-espace/rendez-vous/{visit.reference}/rendez-vous.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith('attachment; filename="rendez-vous-parloir-')
    assert b"BEGIN:VCALENDAR" in response.content and b"BEGIN:VEVENT" in response.content


def test_a_cancelled_session_is_not_offered():
    booker = make_booker()
    booker.session.status = SessionStatus.CANCELLED
    booker.session.save()
    page = text(booker.client.get(booker.sessions_url))
    assert "Choisir ce créneau" not in page and "Aucun créneau disponible" in page


def test_a_staff_account_is_not_a_relative():
    booker = make_booker()
    client = Client()
    client.force_login(StaffFactory(role="parloirs", establishments=[booker.permit.detainee.establishment]))
    assert client.get(booker.sessions_url)["Location"] == "/"
    assert client.get("/mon-espace/rendez-vous/")["Location"] == "/"


def test_a_past_visit_is_named_by_its_date_not_announced_as_booked():
    booker = make_booker()
    visit = visit_of(booker, session=session_at(booker.area, at(-3, 10, 30)), status=VisitStatus.ARRIVED)
    page = text(booker.client.get(f"/mon-espace/rendez-vous/{visit.reference}/"))
    day = _day_heading(visit.session.starts_at)
    assert f"<h1>Rendez-vous parloir du {day} à 10 h 30</h1>" in page and "Venu" in page
    assert "est réservé" not in page and "Ajouter à mon agenda" not in page and "Présentez-vous" not in page


def test_the_accueil_card_says_when_the_next_visit_is():
    booker = make_booker()
    later = session_at(booker.area, at(10, 14))
    visit_of(booker, session=later)
    visit = visit_of(booker)  # the sooner one
    visit_of(booker, session=session_at(booker.area, at(5, 10, 30)), status=VisitStatus.CANCELLED_BY_RELATIVE)
    page = text(booker.client.get("/mon-espace/"))
    assert "Prochain rendez-vous parloir :" in page
    assert f'href="/mon-espace/rendez-vous/{visit.reference}/">{_day_heading(visit.session.starts_at)} à 9 h 00</a>' \
        in page
    assert page.count("Prochain rendez-vous parloir") == 1


def test_the_accueil_card_without_a_visit_to_come_says_nothing_of_it():
    booker = make_booker()
    visit_of(booker, status=VisitStatus.CANCELLED_BY_ESTABLISHMENT)
    other = make_booker()
    visit_of(other)  # another relative's visit
    assert "Prochain rendez-vous parloir" not in text(booker.client.get("/mon-espace/"))


def test_a_session_over_several_days_names_the_day_it_ends():
    """A 24-hour UVF from Friday 14:00 ends on Saturday: the page says so, not « 14 h 00 – 14 h 00 »."""
    booker = make_booker()
    starts_at = at(4, 14)
    uvf = VisitingAreaFactory(establishment=booker.area.establishment, name="Unité de vie familiale",
                              kind=AreaKind.UVF, capacity=1)
    VisitSessionFactory(area=uvf, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=24))
    page = text(booker.client.get(booker.sessions_url))
    next_day = formats.date_format(timezone.localtime(starts_at) + datetime.timedelta(days=1), "l j F")
    assert f"14 h 00 – {next_day} 14 h 00</strong> · Unité de vie familiale" in page
    assert "9 h 00 – 9 h 45" in page  # a parloir of one day keeps its end time alone
