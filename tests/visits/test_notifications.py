"""The parloir's e-mails: the confirmation with the .ics (parsed back with icalendar), the cancellations."""

import datetime

import pytest
from icalendar import Calendar

from tests.accounts.factories import StaffFactory
from tests.visits.booking import book, day_in, parloir, registration, session
from visits import calendar, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(mailoutbox, django_capture_on_commit_callbacks, settings):
    settings.PORTAL_BASE_URL = "https://proches.example.fr"
    place = parloir(arrival_minutes_before=30, what_to_bring="Votre pièce d'identité.")
    place.establishment.address_line = "1 rue de la Paix"
    place.establishment.postal_code = "69001"
    place.establishment.save()
    place.area.name, place.area.location = "Parloir A", "Porte B"
    place.area.save()
    reg = registration(place.establishment)
    target = session(place.area, day=day_in(3), hour=14, minute=0)
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(reg, target)
    return visit


def test_the_confirmation_says_when_where_and_how_to_cancel(booked, mailoutbox):
    (mail,) = mailoutbox
    assert mail.to == [booked.relative.email]
    assert mail.subject == "Votre rendez-vous parloir est réservé"
    day = f"{day_in(3):%d/%m/%Y}"
    detainee = booked.detainee
    for text in (
        f"Bonjour {booked.relative.given_name},",
        f"Personne détenue : Paul {detainee.family_name}",
        f"Date : {day}, de 14:00 à 14:45",
        f"Lieu : {booked.session.area.establishment.name}, 1 rue de la Paix, 69001 Lyon",
        "Espace de visite : Parloir A (Porte B)",
        "présentez-vous à 13:30",
        "À apporter : Votre pièce d'identité.",
        f"Vous pouvez annuler ce rendez-vous jusqu'au {day_in(2):%d/%m/%Y} à 14:00",
        "https://proches.example.fr/mon-espace/rendez-vous/",
    ):
        assert text in mail.body, text


def test_the_ics_is_attached_and_reads_back(booked, mailoutbox):
    (name, content, mimetype), = mailoutbox[0].attachments
    assert name == f"parloir-{day_in(3):%Y-%m-%d}.ics" and mimetype == "text/calendar"
    content = content.encode() if isinstance(content, str) else content
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(event["UID"]).startswith(str(booked.reference))
    assert event.decoded("DTSTART") == booked.session.starts_at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=45)
    assert str(event["SUMMARY"]) == f"Parloir — {booked.session.area.establishment.name}"
    assert "Parloir A, Porte B" in str(event["LOCATION"])
    assert "Présentez-vous à 13:30." in str(event["DESCRIPTION"])
    assert calendar.visit_ics(booked).startswith(b"BEGIN:VCALENDAR")


def test_a_cancellation_by_the_relative_is_confirmed(booked, mailoutbox, django_capture_on_commit_callbacks):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_visit_by_relative(visit=booked, relative=booked.relative)
    (mail,) = mailoutbox
    assert mail.subject == "Votre rendez-vous parloir est annulé"
    assert "Vous avez annulé votre rendez-vous parloir." in mail.body
    assert "Motif" not in mail.body


def test_a_cancellation_by_the_establishment_gives_the_reason(booked, mailoutbox, django_capture_on_commit_callbacks):
    mailoutbox.clear()
    agent = StaffFactory(role="parloirs", establishments=[booked.session.area.establishment])
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(session=booked.session, actor=agent, reason="Manque de personnel")
    (mail,) = mailoutbox
    assert mail.to == [booked.relative.email]
    assert "L'établissement a annulé votre rendez-vous parloir." in mail.body
    assert "Motif : Manque de personnel" in mail.body


def test_a_mail_failure_does_not_undo_the_booking(mailoutbox, django_capture_on_commit_callbacks, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    place = parloir()
    reg = registration(place.establishment)
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(reg, session(place.area))
    visit.refresh_from_db()
    assert visit.pk and not mailoutbox


def test_no_address_no_mail(mailoutbox, django_capture_on_commit_callbacks):
    place = parloir()
    reg = registration(place.establishment)
    reg.relative.email = ""
    reg.relative.save()
    with django_capture_on_commit_callbacks(execute=True):
        book(reg, session(place.area))
    assert mailoutbox == []


@pytest.fixture
def booked_in(mailoutbox, django_capture_on_commit_callbacks, settings):
    """A booking by a relative who chose ``language`` (Relative.language)."""
    def make(language: str):
        settings.PORTAL_BASE_URL = "https://proches.example.fr"
        place = parloir(arrival_minutes_before=30)
        reg = registration(place.establishment)
        reg.relative.language = language
        reg.relative.save()
        target = session(place.area, day=day_in(3), hour=14, minute=0)
        with django_capture_on_commit_callbacks(execute=True):
            return book(reg, target)
    return make


def test_the_confirmation_and_its_ics_are_in_the_relatives_language(booked_in, mailoutbox):
    visit = booked_in("en")
    (mail,) = mailoutbox
    assert mail.subject == "Your prison visit is booked"
    assert f"Hello {visit.relative.given_name}," in mail.body and "Person in prison: Paul " in mail.body
    assert "https://proches.example.fr/en/mon-espace/rendez-vous/" in mail.body
    assert "Bonjour" not in mail.body and " : " not in mail.body
    [(_name, content, _type)] = mail.attachments
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]).startswith("Prison visit — ") and "Arrive at 13:30." in str(event["DESCRIPTION"])


def test_the_cancellation_is_in_arabic_for_an_arabic_reader(booked_in, mailoutbox, django_capture_on_commit_callbacks):
    visit = booked_in("ar")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_visit_by_relative(visit=visit, relative=visit.relative)
    (mail,) = mailoutbox
    assert mail.subject == "تم إلغاء موعد زيارتك" and "Bonjour" not in mail.body
    assert "https://proches.example.fr/ar/mon-espace/" in mail.body


def test_the_ics_is_built_in_the_language_asked(booked):
    for language, summary in (("fr", "Parloir — "), ("en", "Prison visit — "), ("ar", "زيارة — ")):
        event = Calendar.from_ical(calendar.visit_ics(booked, language)).walk("VEVENT")[0]
        assert str(event["SUMMARY"]).startswith(summary)
