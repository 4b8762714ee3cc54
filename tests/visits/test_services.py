"""The booking rules of visits.services.book_visit: each accepted case and each refusal, with its French message,
and nothing written when refused."""

import datetime

import pytest
from django.utils import timezone

from permits.constants import DetaineeStatus, LegalStatus, PermitStatus, RegistrationStatus
from tests.accounts.factories import StaffFactory
from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory, VisitPermitFactory
from tests.transfers.factories import RegisteredPermitFactory
from tests.visits.booking import book, companion_permit, day_in, next_week, parloir, registration, session
from tests.visits.factories import (
    ClosureFactory,
    DetaineeVisitBlockFactory,
    VisitFactory,
    VisitingAreaFactory,
)
from visits import selectors, services
from visits.constants import BookingChannel, SessionStatus, VisitAuditReason, VisitStatus
from visits.errors import BookingError
from visits.models import Visit, VisitCompanion
from visits.services import CompanionInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    return parloir(capacity=2)


@pytest.fixture
def reg(place):
    return registration(place.establishment)


def refused(code, call, *args, **kwargs) -> BookingError:
    before = (Visit.objects.count(), VisitCompanion.objects.count())
    with pytest.raises(BookingError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert str(caught.value) == caught.value.message
    assert (Visit.objects.count(), VisitCompanion.objects.count()) == before
    return caught.value


# -- the good case ------------------------------------------------------------------------------------------------

def test_a_relative_books_a_session_online(place, reg, mailoutbox, django_capture_on_commit_callbacks):
    target = session(place.area)
    with django_capture_on_commit_callbacks(execute=True):
        visit = book(reg, target, minors=1)
    assert visit.status == VisitStatus.BOOKED
    assert (visit.session, visit.detainee, visit.permit, visit.relative) == (
        target, reg.permit.detainee, reg.permit, reg.relative
    )
    assert visit.channel == BookingChannel.ONLINE and visit.booked_by is None and visit.minors == 1
    assert visit.contact_email == reg.relative.email
    row = visit.history.latest()
    assert row.history_user == reg.relative.user
    assert row.history_change_reason == VisitAuditReason.BOOKED_ONLINE
    assert [mail.to for mail in mailoutbox] == [[reg.relative.email]]


def test_the_visit_office_books_by_phone_for_a_holder(place, reg, mailoutbox, django_capture_on_commit_callbacks):
    agent = StaffFactory(role="parloirs", establishments=[place.establishment])
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.book_visit(
            session_id=session(place.area).pk, permit=reg.permit, relative=None, companions=[], minors=0,
            actor=agent, channel=BookingChannel.PHONE, contact_email="marie@example.fr",
        )
    assert visit.booked_by == agent and visit.channel == BookingChannel.PHONE
    assert visit.history.latest().history_change_reason == VisitAuditReason.BOOKED_BY_STAFF
    assert visit.history.latest().history_user == agent
    assert mailoutbox[0].to == ["marie@example.fr"]
    # The holder registered this permit on their space: the visit booked by phone is theirs too, in "Mes
    # rendez-vous", and they may cancel it online like their own.
    assert visit.relative == reg.relative
    upcoming, _past = selectors.relative_visits(reg.relative)
    assert upcoming == [visit] and selectors.may_cancel(visit)
    services.cancel_visit_by_relative(visit=visit, relative=reg.relative)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED_BY_RELATIVE


def test_a_visit_booked_by_phone_for_a_holder_without_an_account_is_nobodys_online(place, mailoutbox,
                                                                                  django_capture_on_commit_callbacks):
    agent = StaffFactory(role="parloirs", establishments=[place.establishment])
    permit = VisitPermitFactory(detainee=DetaineeFactory(establishment=place.establishment))
    pending = RegisteredPermitFactory(permit=permit, status=RegistrationStatus.PENDING)  # no rights yet
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.book_visit(
            session_id=session(place.area).pk, permit=permit, relative=None, companions=[], minors=0,
            actor=agent, channel=BookingChannel.COUNTER,
        )
    assert visit.relative is None and visit.contact_email == "" and mailoutbox == []
    assert selectors.relative_visits(pending.relative) == ([], [])


def test_the_visit_office_of_another_establishment_may_not_book(place, reg):
    agent = StaffFactory(role="parloirs", establishments=[EstablishmentFactory()])
    refused(
        "forbidden", services.book_visit, session_id=session(place.area).pk, permit=reg.permit, relative=None,
        companions=[], minors=0, actor=agent, channel=BookingChannel.COUNTER,
    )


# -- the session ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("tampered", ["abc", "-1", "1 OR 1=1", "", "99999999", "9" * 40, "¹", "²³"])
def test_a_tampered_session_id_is_no_session(place, reg, tampered):
    error = refused("unknown_session", book, reg, tampered)
    assert error.message == "Ce créneau n'existe pas ou n'est plus proposé."


def test_a_session_of_another_establishment_is_no_session(reg):
    elsewhere = parloir()
    refused("unknown_session", book, reg, session(elsewhere.area))


def test_a_session_of_a_closed_area_is_no_session(place, reg):
    target = session(place.area)
    place.area.is_active = False
    place.area.save()
    refused("unknown_session", book, reg, target)


def test_a_cancelled_session_says_so(place, reg):
    target = session(place.area, status=SessionStatus.CANCELLED, cancellation_reason="Manque de personnel")
    error = refused("session_cancelled", book, reg, target)
    assert error.message == "Ce créneau a été annulé par l'établissement : Manque de personnel."


def test_a_closed_day_is_refused(place, reg):
    target = session(place.area, day=day_in(3))
    ClosureFactory(establishment=place.establishment, start_date=day_in(3), end_date=day_in(4), reason="Inventaire")
    error = refused("closed", book, reg, target)
    assert "fermés ce jour-là (Inventaire)" in error.message


def test_a_closure_of_another_area_does_not_close_this_one(place, reg):
    target = session(place.area, day=day_in(3))
    other = VisitingAreaFactory(establishment=place.establishment)
    ClosureFactory(establishment=place.establishment, area=other, start_date=day_in(3))
    assert book(reg, target).pk


def test_a_past_session_is_refused(place, reg):
    target = session(place.area, day=day_in(-1))
    assert "déjà passé" in refused("past", book, reg, target).message


def test_a_session_inside_the_minimum_notice_is_refused(place, reg):
    target = session(place.area, day=day_in(2))
    now = target.starts_at - datetime.timedelta(hours=23)
    error = refused("too_soon", book, reg, target, now=now)
    assert error.message == (
        "Ce créneau ne peut plus être réservé : un parloir se réserve au moins 24 heures à l'avance."
    )
    assert book(reg, target, now=target.starts_at - datetime.timedelta(hours=24)).pk


def test_a_session_beyond_the_horizon_is_refused(place, reg):
    target = session(place.area, day=day_in(29))
    error = refused("too_far", book, reg, target)
    assert error.message.startswith(
        "Ce créneau ne peut pas encore être réservé : les rendez-vous sont ouverts jusqu'au"
    )
    assert book(reg, session(place.area, day=day_in(28))).pk


def test_a_full_session_is_refused(place, reg):
    target = session(place.area, capacity=2)
    VisitFactory(session=target)
    VisitFactory(session=target, status=VisitStatus.ARRIVED)
    VisitFactory(session=target, status=VisitStatus.CANCELLED_BY_RELATIVE)  # frees its place
    assert refused("full", book, reg, target).message == "Ce créneau est complet. Choisissez-en un autre."


def test_a_cancelled_visit_frees_its_place(place, reg):
    target = session(place.area, capacity=1)
    VisitFactory(session=target, status=VisitStatus.CANCELLED_BY_ESTABLISHMENT)
    assert book(reg, target).pk


# -- the detainee -----------------------------------------------------------------------------------------------------

def test_a_blocked_detainee_is_refused_without_the_private_reason(place, reg):
    detainee = reg.permit.detainee
    block = DetaineeVisitBlockFactory(
        detainee=detainee, start_date=day_in(1), end_date=day_in(5), reason="Extraction médicale"
    )
    error = refused("detainee_blocked", book, reg, session(place.area, day=day_in(2)))
    assert error.message == (
        f"Les parloirs de Paul {detainee.family_name} sont suspendus du {block.start_date:%d/%m/%Y} "
        f"au {block.end_date:%d/%m/%Y}."
    )
    assert "Extraction" not in error.message
    assert book(reg, session(place.area, day=day_in(6))).pk


def test_a_released_detainee_is_refused(place, reg):
    reg.permit.detainee.status = DetaineeStatus.RELEASED
    reg.permit.detainee.save()
    error = refused("not_eligible", book, reg, session(place.area))
    assert "greffe" in error.message


def test_the_weekly_limit_of_a_condamne(place):
    detainee = DetaineeFactory(establishment=place.establishment, legal_status=LegalStatus.CONDAMNE)
    first, second = registration(place.establishment, detainee=detainee), registration(
        place.establishment, detainee=detainee
    )
    book(first, session(place.area, day=next_week(1)))
    error = refused("weekly_limit", book, second, session(place.area, day=next_week(3)))
    assert error.message == (
        f"Paul {detainee.family_name} a déjà 1 parloir la semaine du {next_week(0):%d/%m/%Y} : c'est le maximum "
        "fixé par l'établissement. Choisissez une autre semaine."
    )
    assert book(second, session(place.area, day=next_week(7 + 1))).pk  # the week after


def test_a_blank_legal_status_gets_the_condamne_limit_and_a_prevenu_more(place):
    blank = DetaineeFactory(establishment=place.establishment, legal_status="")
    reg = registration(place.establishment, detainee=blank)
    book(reg, session(place.area, day=next_week(1)))
    refused("weekly_limit", book, reg, session(place.area, day=next_week(2)))

    prevenu = DetaineeFactory(establishment=place.establishment, legal_status=LegalStatus.PREVENU)
    reg = registration(place.establishment, detainee=prevenu)
    for day in (1, 2, 3):
        book(reg, session(place.area, day=next_week(day), hour=14))
    refused("weekly_limit", book, reg, session(place.area, day=next_week(4), hour=14))


def test_one_visit_at_a_time_per_detainee(place):
    detainee = DetaineeFactory(establishment=place.establishment, legal_status=LegalStatus.PREVENU)
    reg = registration(place.establishment, detainee=detainee)
    other_area = VisitingAreaFactory(establishment=place.establishment)
    book(reg, session(place.area, day=next_week(1), hour=9))
    error = refused("overlap", book, reg, session(other_area, day=next_week(1), hour=9, minute=30))
    assert error.message == (
        f"Paul {detainee.family_name} a déjà un rendez-vous parloir à ce moment-là. Choisissez un autre créneau."
    )
    assert book(reg, session(other_area, day=next_week(1), hour=9, minute=45)).pk  # right after


# -- the booker's permit --------------------------------------------------------------------------------------------

def test_a_permit_that_is_not_the_bookers_is_refused(place, reg):
    other = registration(place.establishment)
    error = refused(
        "not_registered", services.book_visit, session_id=session(place.area).pk, permit=other.permit,
        relative=reg.relative, companions=[], minors=0, actor=reg.relative.user,
    )
    assert "n'est pas enregistré sur votre espace" in error.message


def test_a_suspended_permit_says_why_and_whom_to_ask(place, reg):
    reg.permit.status = PermitStatus.SUSPENDED
    reg.permit.save()
    error = refused("not_eligible", book, reg, session(place.area))
    assert error.message == (
        "Le permis de visite est suspendu. Pour en savoir plus, contactez le greffe de l'établissement."
    )


def test_a_pending_registration_gives_no_right(place, reg):
    reg.status = RegistrationStatus.PENDING
    reg.save()
    assert "en attente de vérification" in refused("not_eligible", book, reg, session(place.area)).message


def test_an_establishment_without_rules_offers_no_booking(reg):
    area = VisitingAreaFactory(establishment=reg.permit.detainee.establishment)
    area.establishment.booking_rules.delete()
    error = refused("not_eligible", book, reg, session(area))
    assert "ne propose pas encore la prise de rendez-vous parloir en ligne" in error.message


# -- who comes ------------------------------------------------------------------------------------------------------

def test_companions_with_their_own_permit_come_along(place, reg):
    pierre = companion_permit(reg.permit.detainee)
    typed = CompanionInput(f" {pierre.number.lower()} ", "DUPONT", "pierre")
    visit = book(reg, session(place.area), companions=[typed], minors=2)
    assert [companion.permit for companion in visit.companions.all()] == [pierre]
    assert visit.companions.get().history.latest().history_user == reg.relative.user


@pytest.mark.parametrize(
    "typed",
    [
        ("{number}", "DURAND", "Pierre"),  # not the holder's name
        ("{number}", "Dupont", "Paul"),  # not the holder's first names
        ("PV-0000-999999", "Dupont", "Pierre"),  # no such permit
        ("", "Dupont", "Pierre"),  # no number
    ],
)
def test_a_companion_must_match_a_permit_of_the_detainee(place, reg, typed):
    pierre = companion_permit(reg.permit.detainee)
    number, family, first = typed
    refused("companion", book, reg, session(place.area),
            companions=[CompanionInput(number.format(number=pierre.number), family, first)])


def test_a_companion_with_a_permit_for_another_detainee_is_refused(place, reg):
    stranger = companion_permit(DetaineeFactory(establishment=place.establishment))
    error = refused("companion", book, reg, session(place.area),
                    companions=[CompanionInput(stranger.number, "Dupont", "Pierre")])
    assert f"Le permis n° {stranger.number} ne correspond pas" in error.message


def test_the_booker_or_a_companion_twice_is_refused(place, reg):
    pierre = companion_permit(reg.permit.detainee)
    mine = CompanionInput(reg.permit.number, reg.permit.holder_family_name, reg.permit.holder_first_names)
    refused("companion", book, reg, session(place.area), companions=[mine])
    twice = [CompanionInput(pierre.number, "Dupont", "Pierre")] * 2
    refused("companion", book, reg, session(place.area), companions=twice)


def test_a_companion_whose_permit_is_suspended_is_refused(place, reg):
    pierre = companion_permit(reg.permit.detainee, status=PermitStatus.SUSPENDED)
    error = refused("companion", book, reg, session(place.area),
                    companions=[CompanionInput(pierre.number, "Dupont", "Pierre")])
    assert "ne permet pas de venir au parloir : Le permis de visite est suspendu." in error.message


def test_adults_and_minors_are_limited(place, reg):
    place.rules.max_adults_per_visit = 2
    place.rules.max_minors_per_visit = 1
    place.rules.save()
    detainee = reg.permit.detainee
    others = [VisitPermitFactory(detainee=detainee, holder_family_name="Dupont", holder_first_names=f"P{n}")
              for n in range(2)]
    error = refused("adults", book, reg, session(place.area),
                    companions=[CompanionInput(p.number, "Dupont", p.holder_first_names) for p in others])
    assert error.message == "Au plus 2 adultes par visite, vous compris."
    assert refused("minors", book, reg, session(place.area), minors=2).message == (
        "Au plus 1 enfants mineurs par visite."
    )
    refused("minors", book, reg, session(place.area), minors=-1)


# -- cancellations --------------------------------------------------------------------------------------------------

def test_the_relative_cancels_until_the_deadline(place, reg, mailoutbox, django_capture_on_commit_callbacks):
    target = session(place.area, day=day_in(3))
    visit = book(reg, target)
    deadline = target.starts_at - datetime.timedelta(hours=24)
    with pytest.raises(BookingError) as caught:
        services.cancel_visit_by_relative(visit=visit, relative=reg.relative, now=deadline)
    assert caught.value.message.startswith("Ce rendez-vous ne peut plus être annulé en ligne : ")
    assert "contactez le bureau des parloirs" in caught.value.message
    visit.refresh_from_db()
    assert visit.status == VisitStatus.BOOKED
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.cancel_visit_by_relative(
            visit=visit, relative=reg.relative, now=deadline - datetime.timedelta(minutes=1)
        )
    assert cancelled.status == VisitStatus.CANCELLED_BY_RELATIVE and cancelled.cancelled_at
    assert cancelled.history.latest().history_user == reg.relative.user
    assert cancelled.history.latest().history_change_reason == VisitAuditReason.CANCELLED_BY_RELATIVE
    assert [mail.subject for mail in mailoutbox] == ["Votre rendez-vous parloir est annulé"]
    with pytest.raises(BookingError):  # already cancelled
        services.cancel_visit_by_relative(visit=visit, relative=reg.relative)


def test_a_relative_may_not_cancel_anothers_visit(place, reg):
    visit = book(reg, session(place.area))
    other = registration(place.establishment)
    with pytest.raises(BookingError) as caught:
        services.cancel_visit_by_relative(visit=visit, relative=other.relative)
    assert caught.value.code == "not_yours"
    visit.refresh_from_db()
    assert visit.status == VisitStatus.BOOKED


@pytest.fixture
def agent(place):
    return StaffFactory(role="parloirs", establishments=[place.establishment])


def test_staff_cancel_a_visit_with_a_reason(place, reg, agent, mailoutbox, django_capture_on_commit_callbacks):
    visit = book(reg, session(place.area))
    with pytest.raises(BookingError) as caught:
        services.cancel_visit_by_staff(visit=visit, actor=agent, reason="  ")
    assert caught.value.code == "reason_required"
    outsider = StaffFactory(role="parloirs", establishments=[EstablishmentFactory()])
    with pytest.raises(BookingError):
        services.cancel_visit_by_staff(visit=visit, actor=outsider, reason="Incident")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.BOOKED
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.cancel_visit_by_staff(visit=visit, actor=agent, reason="Incident au parloir")
    assert cancelled.status == VisitStatus.CANCELLED_BY_ESTABLISHMENT
    assert cancelled.status_reason == "Incident au parloir"
    assert cancelled.history.latest().history_user == agent
    assert "Motif : Incident au parloir" in mailoutbox[0].body


def test_staff_cancel_a_whole_session(place, agent, mailoutbox, django_capture_on_commit_callbacks):
    target = session(place.area)
    regs = [registration(place.establishment) for _ in range(2)]
    visits = [book(reg, target) for reg in regs]
    arrived = VisitFactory(session=target, status=VisitStatus.CANCELLED_BY_RELATIVE)
    with django_capture_on_commit_callbacks(execute=True):
        count = services.cancel_session(session=target, actor=agent, reason="Manque de personnel")
    assert count == 2
    target.refresh_from_db()
    assert target.status == SessionStatus.CANCELLED and target.cancellation_reason == "Manque de personnel"
    for visit in visits:
        visit.refresh_from_db()
        assert visit.status == VisitStatus.CANCELLED_BY_ESTABLISHMENT
        assert visit.status_reason == "Manque de personnel"
    arrived.refresh_from_db()
    assert arrived.status == VisitStatus.CANCELLED_BY_RELATIVE
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(reg.relative.email for reg in regs)
    with pytest.raises(BookingError) as caught:
        services.cancel_session(session=target, actor=agent, reason="Encore")
    assert caught.value.message == "Ce créneau est déjà annulé."


def test_a_session_of_another_establishment_cannot_be_cancelled(place, agent):
    elsewhere = session(parloir().area)
    with pytest.raises(BookingError):
        services.cancel_session(session=elsewhere, actor=agent, reason="Incident")
    elsewhere.refresh_from_db()
    assert elsewhere.status == SessionStatus.OPEN


def test_a_closure_cancels_the_sessions_it_covers(place, agent, mailoutbox, django_capture_on_commit_callbacks):
    reg = registration(place.establishment)
    inside, outside = session(place.area, day=day_in(3)), session(place.area, day=day_in(5))
    other_area = VisitingAreaFactory(establishment=place.establishment)
    other = session(other_area, day=day_in(3), hour=14)
    visit = book(reg, inside)
    with django_capture_on_commit_callbacks(execute=True):
        closure = services.create_closure(
            establishment=place.establishment, area=place.area, start_date=day_in(3), end_date=day_in(4),
            reason="Travaux", actor=agent,
        )
    assert closure.cancelled_visits == 1
    assert closure.history.latest().history_user == agent
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED_BY_ESTABLISHMENT and visit.status_reason == "Travaux"
    statuses = {s.pk: s.status for s in type(inside).objects.filter(pk__in=[inside.pk, outside.pk, other.pk])}
    assert statuses == {
        inside.pk: SessionStatus.CANCELLED, outside.pk: SessionStatus.OPEN, other.pk: SessionStatus.OPEN
    }
    assert len(mailoutbox) == 1


def test_a_closure_needs_ordered_dates_and_a_reason(place, agent):
    for kwargs, code in (
        ({"start_date": day_in(4), "end_date": day_in(3), "reason": "Travaux"}, "dates"),
        ({"start_date": day_in(3), "end_date": day_in(3), "reason": ""}, "reason_required"),
    ):
        with pytest.raises(BookingError) as caught:
            services.create_closure(establishment=place.establishment, actor=agent, **kwargs)
        assert caught.value.code == code
    assert not place.establishment.visit_closures.exists()


def test_blocking_a_detainee_cancels_their_visits_in_the_range(place, agent, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    detainee = DetaineeFactory(establishment=place.establishment, legal_status=LegalStatus.PREVENU)
    reg = registration(place.establishment, detainee=detainee)
    inside, after = book(reg, session(place.area, day=day_in(3))), book(reg, session(place.area, day=day_in(9)))
    with django_capture_on_commit_callbacks(execute=True):
        block = services.block_detainee(
            detainee=detainee, start_date=day_in(2), end_date=day_in(4), reason="Hospitalisation", actor=agent
        )
    assert block.cancelled_visits == 1
    inside.refresh_from_db()
    after.refresh_from_db()
    assert inside.status == VisitStatus.CANCELLED_BY_ESTABLISHMENT and after.status == VisitStatus.BOOKED
    assert "Hospitalisation" not in inside.status_reason and "sont suspendus du" in inside.status_reason
    assert "Hospitalisation" not in mailoutbox[0].body


# -- arrivals -------------------------------------------------------------------------------------------------------

def test_arrivals_are_recorded_from_the_day_of_the_session(place, reg, agent):
    visit = book(reg, session(place.area, day=day_in(2)))
    with pytest.raises(BookingError) as caught:
        services.record_arrival(visit=visit, actor=agent, arrived=True)
    assert caught.value.code == "not_started"
    on_the_day = visit.session.starts_at + datetime.timedelta(minutes=5)
    arrived = services.record_arrival(visit=visit, actor=agent, arrived=True, now=on_the_day)
    assert arrived.status == VisitStatus.ARRIVED and arrived.arrival_recorded_at == on_the_day
    assert arrived.history.latest().history_change_reason == VisitAuditReason.ARRIVAL
    corrected = services.record_arrival(visit=visit, actor=agent, arrived=False, now=on_the_day)
    assert corrected.status == VisitStatus.NOT_ARRIVED


def test_a_cancelled_visit_has_no_arrival(place, agent):
    visit = VisitFactory(session=session(place.area, day=day_in(0), hour=0, minute=1),
                         status=VisitStatus.CANCELLED_BY_RELATIVE)
    with pytest.raises(BookingError) as caught:
        services.record_arrival(visit=visit, actor=agent, arrived=True)
    assert caught.value.code == "cancelled"
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED_BY_RELATIVE


def test_staff_of_another_establishment_record_no_arrival(place):
    visit = VisitFactory(session=session(place.area, day=day_in(0), hour=0, minute=1))
    outsider = StaffFactory(role="parloirs", establishments=[EstablishmentFactory()])
    with pytest.raises(BookingError):
        services.record_arrival(visit=visit, actor=outsider, arrived=True)


# -- the purge ------------------------------------------------------------------------------------------------------

def test_past_visits_are_purged_after_the_retention(place, settings):
    settings.VISITS_RETENTION_DAYS = 30
    old_session = session(place.area, day=day_in(-31))
    old = VisitFactory(session=old_session, status=VisitStatus.ARRIVED)
    VisitCompanion.objects.create(visit=old, permit=companion_permit(old.detainee))
    kept = VisitFactory(session=session(place.area, day=day_in(-29)))
    empty_old = session(place.area, day=day_in(-40))
    empty_recent = session(place.area, day=day_in(-5))
    assert services.purge_past_visits() == 1
    assert list(Visit.objects.all()) == [kept]
    assert not VisitCompanion.objects.exists()
    assert not Visit.history.filter(id=old.pk).exists()
    assert not VisitCompanion.history.filter(visit_id=old.pk).exists()
    sessions = set(type(old_session).objects.values_list("pk", flat=True))
    assert old_session.pk not in sessions and empty_old.pk not in sessions
    assert {kept.session_id, empty_recent.pk} <= sessions
    assert services.purge_past_visits() == 0


# -- a booking on a day the clocks change ------------------------------------------------------------------------------

def test_sessions_keep_their_local_time_across_the_clock_change(place, reg):
    """Europe/Paris: 09:00 is 08:00 UTC in winter, 07:00 UTC in summer; the window counts local days."""
    now = timezone.make_aware(datetime.datetime(2026, 3, 27, 8, 0))
    target = session(place.area, day=datetime.date(2026, 3, 30))
    assert target.starts_at.astimezone(datetime.UTC).hour == 7
    assert book(reg, target, now=now).pk


# -- the role's right, whatever calls the service ---------------------------------------------------------------------

@pytest.mark.parametrize("role", ["greffe", "national", "auditeur", "regie"])
def test_only_the_visit_office_acts_on_visits_whatever_page_calls(place, reg, role):
    """The greffe, national, auditors (and the régie) of the establishment read the parloir; a service called for
    them from any page or command refuses, and nothing changes."""
    reader = StaffFactory(role=role, establishments=[place.establishment])
    target = session(place.area)
    visit = VisitFactory(session=target, detainee=reg.permit.detainee, permit=reg.permit)
    refused("forbidden", services.book_visit, session_id=target.pk, permit=reg.permit, relative=None,
            companions=[], minors=0, actor=reader, channel=BookingChannel.PHONE)
    attempts = [
        lambda: services.cancel_visit_by_staff(visit=visit, actor=reader, reason="Incident"),
        lambda: services.cancel_session(session=target, actor=reader, reason="Incident"),
        lambda: services.record_arrival(visit=visit, actor=reader, arrived=True),
        lambda: services.block_detainee(detainee=visit.detainee, start_date=day_in(1), end_date=day_in(9),
                                        reason="Extraction", actor=reader),
    ]
    for attempt in attempts:
        with pytest.raises(BookingError) as caught:
            attempt()
        assert caught.value.code == "forbidden"
    visit.refresh_from_db()
    target.refresh_from_db()
    assert visit.status == VisitStatus.BOOKED and target.status == SessionStatus.OPEN
    assert not visit.detainee.visit_blocks.exists()
