"""Booking and cancelling from the relative's pages: the whole flow with its e-mail, every tampered session and
wrong companion refused with a French message and nothing booked, the cancellation before and after its
deadline."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import formats, timezone

from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory
from tests.visits.factories import VisitFactory, VisitingAreaFactory
from tests.visits.relative_pages import at, companion_permit, make_booker, session_at, text
from visits.constants import SessionStatus, VisitStatus
from visits.models import Visit

pytestmark = pytest.mark.django_db

NOTHING_BOOKED = "Le rendez-vous n'a pas été réservé"


def row(number: int, permit_number: str = "", family_name: str = "", first_names: str = "") -> dict:
    return {f"companion_{number}_permit_number": permit_number, f"companion_{number}_family_name": family_name,
            f"companion_{number}_first_names": first_names}


def test_the_booking_page_recaps_the_session_and_asks_who_comes():
    booker = make_booker()
    response = booker.client.get(booker.book_url(booker.session.pk))
    page = text(response)
    assert response.status_code == 200 and page.count("<h1") == 1
    assert "9 h 00 – 9 h 45" in page and "Parloir principal" in page
    assert "Qui vient ?" in page
    assert f"{booker.relative.given_name} {booker.relative.family_name.upper()}" in page
    # three adults at most (the default rules): the booker and two numbered optional rows
    assert "Adulte accompagnant 1 (facultatif)" in page and "Adulte accompagnant 2 (facultatif)" in page
    assert "Adulte accompagnant 3" not in page
    assert page.count("Numéro du permis de visite") == 2 and page.count(">Prénoms") == 2
    assert "Nombre d'enfants mineurs" in page and 'max="3"' in page
    assert "csrfmiddlewaretoken" in page and "Confirmer le rendez-vous</button>" in page


def test_the_whole_flow_books_the_visit_and_sends_the_confirmation_with_the_ics(django_capture_on_commit_callbacks):
    booker = make_booker()
    other = companion_permit(booker)
    with django_capture_on_commit_callbacks(execute=True):
        response = booker.client.post(
            booker.book_url(booker.session.pk),
            {**row(1, other.number.lower(), "dupont", "Pierre"), **row(2), "minors": "1"},
        )
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/mon-espace/rendez-vous/{visit.reference}/"
    assert visit.relative == booker.relative and visit.permit == booker.permit and visit.minors == 1
    assert visit.session == booker.session and visit.status == VisitStatus.BOOKED
    assert [companion.permit for companion in visit.companions.all()] == [other]
    page = text(booker.client.get(response["Location"]))
    assert "Votre rendez-vous parloir est réservé" in page and "Pierre DUPONT" in page and "1 enfant mineur" in page
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [booker.relative.email]
    assert any(name.endswith(".ics") for name, _content, _type in message.attachments)
    listing = text(booker.client.get("/mon-espace/rendez-vous/"))
    assert str(visit.reference) in listing


@pytest.mark.parametrize("session_id", ["abc", "-1", "9" * 40, "0", "1e3", "¹", "٣"])
def test_a_tampered_session_id_is_refused_in_french(session_id):
    booker = make_booker()
    page = text(booker.client.get(booker.book_url(session_id)))
    assert "Ce créneau ne peut pas être réservé" in page and "Confirmer le rendez-vous</button>" not in page
    assert f'href="{booker.sessions_url}"' in page
    response = booker.client.post(booker.book_url(session_id), {"minors": "0"})
    assert response.status_code == 409
    assert not Visit.objects.exists()


def _other_establishments_session(booker):
    return session_at(VisitingAreaFactory(establishment=EstablishmentFactory()), at(3, 10, 30))


UNBOOKABLE = {
    "another establishment's": _other_establishments_session,
    "cancelled": lambda booker: session_at(booker.area, at(3, 14), status=SessionStatus.CANCELLED,
                                           cancellation_reason="Grève"),
    "past": lambda booker: session_at(booker.area, at(-2, 9)),
    "too soon": lambda booker: session_at(booker.area, timezone.now() + datetime.timedelta(hours=3)),
    "beyond the window": lambda booker: session_at(booker.area, at(40, 9)),
    "full": lambda booker: VisitFactory.create_batch(2, session=session_at(booker.area, at(4, 9)))[0].session,
}


@pytest.mark.parametrize("kind", list(UNBOOKABLE))
def test_a_session_that_cannot_be_booked_shows_why_and_books_nothing(kind):
    booker = make_booker()
    session = UNBOOKABLE[kind](booker)
    held = Visit.objects.count()
    response = booker.client.get(booker.book_url(session.pk))
    page = text(response)
    assert response.status_code == 200
    assert "Ce créneau ne peut pas être réservé" in page and "Confirmer le rendez-vous</button>" not in page
    assert 'class="fr-alert fr-alert--error"' in page
    assert f'href="{booker.sessions_url}"' in page
    response = booker.client.post(booker.book_url(session.pk), {"minors": "0"})
    assert response.status_code == 409
    assert Visit.objects.count() == held and not mail.outbox


def test_a_full_session_is_not_offered_with_a_button():
    booker = make_booker()
    VisitFactory.create_batch(2, session=booker.session)
    page = text(booker.client.get(booker.sessions_url))
    assert booker.book_url(booker.session.pk) not in page


@pytest.mark.parametrize("case", ["wrong name", "another detainee's permit", "own permit", "unknown number"])
def test_a_wrong_companion_is_refused_with_the_input_kept_and_nothing_booked(case):
    booker = make_booker()
    other = companion_permit(booker)
    stranger = companion_permit(booker, detainee=DetaineeFactory(establishment=booker.permit.detainee.establishment),
                                holder_family_name="MARTIN",
                                holder_first_names="Luc")
    typed = {
        "wrong name": row(1, other.number, "DURAND", "Pierre"),
        "another detainee's permit": row(1, stranger.number, "MARTIN", "Luc"),
        "own permit": row(1, booker.permit.number, booker.permit.holder_family_name, booker.permit.holder_first_names),
        "unknown number": row(1, "PV-0000-999999", "DUPONT", "Pierre"),
    }[case]
    held = Visit.objects.count()
    response = booker.client.post(booker.book_url(booker.session.pk), {**typed, "minors": "0"})
    page = text(response)
    assert response.status_code == 400
    assert NOTHING_BOOKED in page and "fr-error-text" in page
    assert f'value="{typed["companion_1_permit_number"]}"' in page  # the input is kept
    assert Visit.objects.count() == held and not mail.outbox


def test_a_half_filled_companion_row_is_an_error_on_its_empty_fields():
    booker = make_booker()
    response = booker.client.post(booker.book_url(booker.session.pk), {**row(1, "PV-2026-000124"), "minors": "0"})
    page = text(response)
    assert response.status_code == 400
    assert "Complétez ce champ pour l'adulte 1, ou videz sa ligne." in page
    assert 'href="#id_companion_1_family_name"' in page  # the error summary links to the field
    assert not Visit.objects.exists()


@pytest.mark.parametrize(("minors", "message"), [
    ("4", "Au plus 3 enfants mineurs par visite"),
    ("-1", "ne peut pas être négatif"),
    ("deux", "en chiffres"),
    ("", "Indiquez le nombre d'enfants mineurs"),
])
def test_a_wrong_number_of_minors_is_refused(minors, message):
    booker = make_booker()
    response = booker.client.post(booker.book_url(booker.session.pk), {"minors": minors})
    assert response.status_code == 400
    assert message in text(response)
    assert not Visit.objects.exists()


def test_cancelling_before_the_deadline_asks_for_confirmation_then_cancels_with_an_email(
    django_capture_on_commit_callbacks,
):
    booker = make_booker()
    visit = VisitFactory(session=booker.session, detainee=booker.permit.detainee, permit=booker.permit,
                         relative=booker.relative, contact_email=booker.relative.email)
    url = f"/mon-espace/rendez-vous/{visit.reference}/annuler/"
    page = text(booker.client.get(url))
    day = formats.date_format(timezone.localtime(booker.session.starts_at), "l j F Y")
    assert page.count("<h1") == 1
    assert f"<h1>Annuler le rendez-vous du {day} à 9 h 00 ?</h1>" in page
    assert "Oui, annuler le rendez-vous</button>" in page and 'href="/mon-espace/rendez-vous/">Non, revenir' in page
    visit.refresh_from_db()
    assert visit.status == VisitStatus.BOOKED  # the GET changed nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = booker.client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == "/mon-espace/rendez-vous/"
    assert "Votre rendez-vous a été annulé. Un courriel de confirmation vous a été envoyé." in text(response)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED_BY_RELATIVE
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [booker.relative.email]


def test_cancelling_after_the_deadline_is_refused_and_changes_nothing():
    booker = make_booker()
    soon = session_at(booker.area, timezone.now() + datetime.timedelta(hours=2))
    visit = VisitFactory(session=soon, detainee=booker.permit.detainee, permit=booker.permit,
                         relative=booker.relative)
    url = f"/mon-espace/rendez-vous/{visit.reference}/annuler/"
    response = booker.client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == "/mon-espace/rendez-vous/"
    assert "ne peut plus être annulé" in text(response)
    response = booker.client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == "/mon-espace/rendez-vous/"
    assert 'fr-alert--error' in text(response)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.BOOKED and not mail.outbox


def test_a_cancelled_visit_cannot_be_cancelled_again():
    booker = make_booker()
    visit = VisitFactory(session=booker.session, detainee=booker.permit.detainee, permit=booker.permit,
                         relative=booker.relative, status=VisitStatus.CANCELLED_BY_ESTABLISHMENT)
    response = booker.client.post(f"/mon-espace/rendez-vous/{visit.reference}/annuler/", follow=True)
    assert "fr-alert--error" in text(response)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED_BY_ESTABLISHMENT and not mail.outbox
