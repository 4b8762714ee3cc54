"""The parloir's writes: sessions opened from the weekly templates, bookings (online or by the visit office),
cancellations (by the relative until the deadline; by the establishment for a visit, a session, a closure or a
detainee's blocked dates), arrivals, and the purge of past visits at the end of their retention.

Each action is one function with keyword arguments, in one transaction, audited with the acting user and a reason
code (``VisitAuditReason``). A booking locks the detainee's row, then the session's, and counts again under the
locks: concurrent bookings can never exceed a session's places, the detainee's weekly limit, or give one detainee
two visits at once. Refusals raise ``BookingError`` (French message) and write nothing. E-mails leave after the
commit (``visits.notifications``)."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import Relative, User
from core.audit import audit_reason
from establishments.selectors import require_establishment
from permits.constants import Service
from permits.eligibility import eligibility
from permits.models import Detainee, RegisteredPermit, VisitPermit
from permits.registration import normalize_name, normalize_permit_number

from . import notifications, selectors
from . import rules as R
from .constants import HOLDING_STATUSES, BookingChannel, SessionStatus, VisitAuditReason, VisitStatus
from .errors import BookingError
from .models import (
    BookingRules,
    Closure,
    DetaineeVisitBlock,
    SessionTemplate,
    Visit,
    VisitCompanion,
    VisitingArea,
    VisitSession,
)

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 255


@dataclass(frozen=True)
class CompanionInput:
    """Another adult who comes: their permit number and names as the booker typed them."""

    permit_number: str
    family_name: str
    first_names: str


def _forbidden() -> BookingError:
    return BookingError(_("Vous n'avez pas accès à cet établissement."), "forbidden")


def _require_staff(actor: User | None, establishment_id: int, permission: str) -> None:
    """A staff action needs both the establishment (scoping) and the role's right (``accounts.roles``): the visit
    office acts; the greffe, national and auditors read, whatever page or command calls the service."""
    require_establishment(actor, establishment_id, _forbidden())
    if not actor.has_perm(permission):
        raise BookingError(_("Votre rôle ne permet pas cette action sur les parloirs."), "forbidden")


def _clean_reason(reason: str) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise BookingError(_("Indiquez le motif : il est communiqué aux visiteurs concernés."), "reason_required")
    if len(text) > REASON_MAX_LENGTH:
        raise BookingError(
            _("Le motif est trop long (%(max)d caractères au plus).") % {"max": REASON_MAX_LENGTH}, "reason_too_long"
        )
    return text


def _check_dates(start_date: datetime.date, end_date: datetime.date) -> None:
    if not isinstance(start_date, datetime.date) or not isinstance(end_date, datetime.date):
        raise BookingError(_("Indiquez les dates de début et de fin."), "dates")
    if end_date < start_date:
        raise BookingError(_("La date de fin doit être le jour de début ou après."), "dates")


def _audited(obj, actor: User | None, reason: VisitAuditReason, detail: object = ""):
    obj._history_user = actor
    obj._change_reason = audit_reason(reason, detail)
    return obj


def _notify_after_commit(send, visit_id: int) -> None:
    """An e-mail never turns an action into an error page: a mail failure is logged only."""

    def run() -> None:
        try:
            send(visit_id)
        except Exception:  # noqa: BLE001 - any mail backend failure
            logger.exception("Visit %s: the e-mail could not be sent", visit_id)

    transaction.on_commit(run)


# -- sessions ---------------------------------------------------------------------------------------------------

def open_sessions(*, establishment=None, today: datetime.date | None = None) -> int:
    """Materialise the sessions of each active area's weekly templates, from today to ``booking_horizon_days``
    (+ 1 day, so that the window is covered at any hour), Europe/Paris (summer and winter time alike), skipping
    days closed for the area or the whole establishment. Establishments without booking rules get none. Sessions
    already opened are left as they are: cheap to call again (three queries when nothing is missing); a session
    opened at the same time by another call is ignored (unique area and start). Returns how many were opened."""
    today = today or timezone.localdate()
    rules = BookingRules.objects.all()
    if establishment is not None:
        rules = rules.filter(establishment=establishment)
    horizon = {row.establishment_id: today + datetime.timedelta(days=row.booking_horizon_days + 1) for row in rules}
    if not horizon:
        return 0
    last_day = max(horizon.values())
    templates = list(
        SessionTemplate.objects.filter(
            area__establishment_id__in=horizon, area__is_active=True, valid_from__lte=last_day
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("area")
    )
    if not templates:
        return 0
    closures = list(
        Closure.objects.filter(establishment_id__in=horizon, end_date__gte=today, start_date__lte=last_day + R.ONE_DAY)
        .values_list("establishment_id", "area_id", "start_date", "end_date")
    )
    existing = set(
        VisitSession.objects.filter(
            area_id__in={template.area_id for template in templates},
            starts_at__gte=R.at(today, datetime.time.min),
        ).values_list("area_id", "starts_at")
    )
    wanted: dict[tuple[int, datetime.datetime], VisitSession] = {}
    for template in templates:
        area = template.area
        first = max(today, template.valid_from)
        last = min(horizon[area.establishment_id], template.valid_until or last_day)
        day = first + datetime.timedelta(days=(template.weekday - first.weekday()) % 7)
        while day <= last:
            starts_at = R.at(day, template.start_time)
            ends_at = starts_at + datetime.timedelta(minutes=template.duration_minutes)
            start_day, end_day = R.session_days(starts_at, ends_at)
            closed = any(
                establishment_id == area.establishment_id
                and (area_id is None or area_id == area.pk)
                and start <= end_day
                and end >= start_day
                for establishment_id, area_id, start, end in closures
            )
            key = (area.pk, starts_at)
            if not closed and key not in existing and key not in wanted:
                wanted[key] = VisitSession(
                    area=area, template=template, starts_at=starts_at, ends_at=ends_at,
                    capacity=min(template.capacity, area.capacity), status=SessionStatus.OPEN,
                )
            day += datetime.timedelta(days=7)
    if not wanted:
        return 0
    with transaction.atomic():
        bulk_create_with_history(
            list(wanted.values()), VisitSession, ignore_conflicts=True,
            default_change_reason=audit_reason(VisitAuditReason.SESSIONS_OPENED),
        )
    return len(wanted)


# -- booking ----------------------------------------------------------------------------------------------------

def _check_booker(permit: VisitPermit, relative: Relative | None, now: datetime.datetime) -> None:
    """The booker's permit may book a parloir: a relative books only with a permit registered on their space and
    giving rights; the visit office books with the permit itself."""
    if relative is not None:
        registration = RegisteredPermit.objects.filter(relative=relative, permit=permit).first()
        if registration is None:
            raise BookingError(
                _("Ce permis de visite n'est pas enregistré sur votre espace : vous ne pouvez pas réserver avec."),
                "not_registered",
            )
        registration.permit = permit  # the permit already loaded, with its detainee and establishment
        answer = selectors.permit_may_book(registration, now=now)
    else:
        answer = selectors.permit_may_book(permit, now=now)
    if not answer.allowed:
        raise answer.as_error()


def _companion_permits(
    companions: list[CompanionInput], *, permit: VisitPermit, rules: BookingRules, minors: int, today: datetime.date
) -> list[VisitPermit]:
    """The companions' permits, each checked: a distinct permit of the same detainee, other than the booker's,
    whose holder has the names typed, allowed to come to a parloir; and the number of adults and minors."""
    companions = list(companions or [])
    if 1 + len(companions) > rules.max_adults_per_visit:
        raise BookingError(
            _("Au plus %(max)d adultes par visite, vous compris.") % {"max": rules.max_adults_per_visit}, "adults"
        )
    if not isinstance(minors, int) or isinstance(minors, bool) or minors < 0:
        raise BookingError(_("Indiquez le nombre d'enfants mineurs (0 s'il n'y en a pas)."), "minors")
    if minors > rules.max_minors_per_visit:
        raise BookingError(
            _("Au plus %(max)d enfants mineurs par visite.") % {"max": rules.max_minors_per_visit}, "minors"
        )
    numbers = [normalize_permit_number(companion.permit_number) for companion in companions]
    if any(not number for number in numbers):
        raise BookingError(_("Indiquez le numéro du permis de visite de chaque accompagnant."), "companion")
    if len(set(numbers)) != len(numbers) or permit.number in numbers:
        raise BookingError(
            _("Chaque accompagnant vient avec son propre permis de visite, différent du vôtre."), "companion"
        )
    found = {
        row.number: row
        for row in VisitPermit.objects.select_related("detainee__establishment").filter(
            number__in=numbers, detainee_id=permit.detainee_id
        )
    }
    permits = []
    for companion, number in zip(companions, numbers, strict=True):
        row = found.get(number)
        if (
            row is None
            or normalize_name(row.holder_family_name) != normalize_name(companion.family_name)
            or normalize_name(row.holder_first_names) != normalize_name(companion.first_names)
        ):
            raise BookingError(
                _(
                    "Le permis n° %(number)s ne correspond pas à un titulaire d'un permis de visite de %(name)s : "
                    "vérifiez le numéro, le nom et les prénoms de l'accompagnant."
                ) % {"number": number, "name": R.detainee_name(permit.detainee)},
                "companion",
            )
        answer = eligibility(row, today=today, service=Service.PARLOIR)
        if not answer.allowed:
            raise BookingError(
                _("Le permis n° %(number)s ne permet pas de venir au parloir : %(reasons)s")
                % {"number": number, "reasons": " ".join(answer.messages)},
                "companion",
            )
        permits.append(row)
    return permits


def book_visit(
    *,
    session_id: int | str,
    permit: VisitPermit,
    relative: Relative | None,
    companions: list[CompanionInput],
    minors: int,
    actor: User | None,
    channel: str = BookingChannel.ONLINE,
    contact_email: str = "",
    now: datetime.datetime | None = None,
) -> Visit:
    """Book the session for the permit's detainee, the booker (holder of ``permit``) coming with ``companions``
    and ``minors`` children. ``relative`` books online with a permit registered on their space; without it the
    visit office books for the holder (``actor`` a staff member of the establishment, ``channel`` phone or
    counter). Every rule is checked again under the locks (the detainee's row, then the session's); BookingError
    otherwise, nothing written. The confirmation e-mail (with the .ics) leaves after the commit."""
    now = now or timezone.now()
    permit = VisitPermit.objects.select_related("detainee__establishment").get(pk=permit.pk)
    establishment = permit.detainee.establishment
    if relative is None:
        _require_staff(actor, establishment.pk, "visits.add_visit")
        if channel == BookingChannel.ONLINE:
            channel = BookingChannel.PHONE
    else:
        channel = BookingChannel.ONLINE
    _check_booker(permit, relative, now)
    rules = selectors.rules_or_refuse(establishment)
    companion_permits = _companion_permits(
        companions, permit=permit, rules=rules, minors=minors, today=R.local_day(now)
    )
    # Checked once without locks (a full session is refused without waiting for its lock), then again under them.
    pk = selectors.session_for_booking(permit, session_id, now=now).pk
    online = relative is not None
    # Booked by phone or at the counter for a holder who has registered this permit on their space: the visit is
    # theirs too (they see it in "Mes rendez-vous", may cancel it online, and are e-mailed).
    owner = relative if online else selectors.permit_holder_relative(permit)
    email = (contact_email or "").strip() or (owner.email if owner is not None else "")
    with transaction.atomic():
        detainee = Detainee.objects.select_for_update().get(pk=permit.detainee_id)
        session = VisitSession.objects.select_for_update(of=("self",)).select_related("area").filter(pk=pk).first()
        if session is None:
            raise selectors.unknown_session()
        selectors.check_places(session, selectors.held_places(session.pk))
        selectors.check_session(session, detainee=detainee, rules=rules, now=now)
        selectors.check_detainee(session, detainee=detainee, rules=rules)
        visit = _audited(
            Visit(
                session=session, detainee=detainee, permit=permit, relative=owner, channel=channel,
                contact_email=email, minors=minors, status=VisitStatus.BOOKED,
                booked_by=None if online else actor,
            ),
            actor if actor is not None else getattr(relative, "user", None),
            VisitAuditReason.BOOKED_ONLINE if online else VisitAuditReason.BOOKED_BY_STAFF,
        )
        visit.save()
        for companion_permit in companion_permits:
            _audited(
                VisitCompanion(visit=visit, permit=companion_permit), visit._history_user,
                VisitAuditReason.BOOKED_ONLINE if online else VisitAuditReason.BOOKED_BY_STAFF,
            ).save()
        _notify_after_commit(notifications.send_booking_confirmation_by_id, visit.pk)
    return visit


# -- cancellations ----------------------------------------------------------------------------------------------

def _locked_visit(visit: Visit) -> Visit:
    return Visit.objects.select_for_update(of=("self",)).select_related("session__area").get(pk=visit.pk)


def cancel_visit_by_relative(*, visit: Visit, relative: Relative, now: datetime.datetime | None = None) -> Visit:
    """The relative cancels their own booked visit, until ``cancellation_notice_hours`` before it starts."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_visit(visit)
        if locked.relative_id != relative.pk:
            raise BookingError(_("Ce rendez-vous n'existe pas."), "not_yours")
        if locked.status != VisitStatus.BOOKED or locked.session.status != SessionStatus.OPEN:
            raise BookingError(_("Ce rendez-vous n'est plus réservé : il n'y a rien à annuler."), "not_booked")
        deadline = selectors.cancellation_deadline(locked)
        if now >= deadline:
            raise BookingError(
                _(
                    "Ce rendez-vous ne peut plus être annulé en ligne : l'annulation était possible jusqu'au "
                    "%(day)s à %(time)s. Pour ne pas venir, contactez le bureau des parloirs."
                ) % {"day": R.day_text(deadline), "time": R.time_text(deadline)},
                "cancellation_deadline",
            )
        locked.status = VisitStatus.CANCELLED_BY_RELATIVE
        locked.cancelled_at = now
        _audited(locked, relative.user, VisitAuditReason.CANCELLED_BY_RELATIVE).save()
        _notify_after_commit(notifications.send_cancellation_by_id, locked.pk)
    return locked


def _cancel_by_establishment(visit: Visit, *, actor: User | None, reason: str, audit: VisitAuditReason, now) -> None:
    visit.status = VisitStatus.CANCELLED_BY_ESTABLISHMENT
    visit.status_reason = reason
    visit.cancelled_at = now
    _audited(visit, actor, audit, reason).save()
    _notify_after_commit(notifications.send_cancellation_by_id, visit.pk)


def cancel_visit_by_staff(*, visit: Visit, actor: User, reason: str) -> Visit:
    """The visit office cancels one booked visit with a reason, told to the visitor by e-mail."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = _locked_visit(visit)
        _require_staff(actor, locked.session.area.establishment_id, "visits.change_visit")
        if locked.status != VisitStatus.BOOKED:
            raise BookingError(_("Ce rendez-vous n'est plus réservé : il ne peut pas être annulé."), "not_booked")
        _cancel_by_establishment(
            locked, actor=actor, reason=reason, audit=VisitAuditReason.CANCELLED_BY_STAFF, now=timezone.now()
        )
    return locked


def _cancel_locked_session(session: VisitSession, *, actor, reason: str, audit: VisitAuditReason, now) -> int:
    session.status = SessionStatus.CANCELLED
    session.cancellation_reason = reason
    session.cancelled_at = now
    _audited(session, actor, audit, reason).save()
    visits = Visit.objects.select_for_update().filter(session=session, status=VisitStatus.BOOKED).order_by("pk")
    count = 0
    for visit in visits:
        _cancel_by_establishment(visit, actor=actor, reason=reason, audit=audit, now=now)
        count += 1
    return count


def cancel_session(*, session: VisitSession, actor: User, reason: str) -> int:
    """The establishment cancels a whole session (staff shortage, incident) with a reason: each booked visit is
    cancelled with it and its visitor e-mailed. Returns how many visits were cancelled."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = VisitSession.objects.select_for_update(of=("self",)).select_related("area").get(pk=session.pk)
        _require_staff(actor, locked.area.establishment_id, "visits.change_visit")
        if locked.status == SessionStatus.CANCELLED:
            raise BookingError(_("Ce créneau est déjà annulé."), "session_cancelled")
        count = _cancel_locked_session(
            locked, actor=actor, reason=reason, audit=VisitAuditReason.SESSION_CANCELLED, now=timezone.now()
        )
    session.status, session.cancellation_reason, session.cancelled_at = (
        locked.status, locked.cancellation_reason, locked.cancelled_at,
    )
    return count


def create_closure(
    *,
    establishment,
    area: VisitingArea | None = None,
    start_date: datetime.date,
    end_date: datetime.date,
    reason: str,
    actor: User | None,
) -> Closure:
    """Close an area (or the whole establishment) from ``start_date`` to ``end_date``: the sessions of those days
    are cancelled with the reason, and their visitors e-mailed. ``closure.cancelled_visits`` says how many."""
    reason = _clean_reason(reason)
    _check_dates(start_date, end_date)
    _require_staff(actor, establishment.pk, "visits.add_closure")
    if area is not None and area.establishment_id != establishment.pk:
        raise BookingError(_("Cet espace de visite n'appartient pas à cet établissement."), "area")
    now = timezone.now()
    with transaction.atomic():
        closure = _audited(
            Closure(establishment=establishment, area=area, start_date=start_date, end_date=end_date, reason=reason),
            actor, VisitAuditReason.CLOSURE, reason,
        )
        closure.save()
        sessions = VisitSession.objects.select_for_update(of=("self",)).filter(
            area__establishment=establishment, status=SessionStatus.OPEN,
            starts_at__lt=R.day_bounds(end_date)[1], ends_at__gt=R.day_bounds(start_date)[0],
        )
        if area is not None:
            sessions = sessions.filter(area=area)
        cancelled = 0
        for session in sessions.order_by("starts_at"):
            cancelled += _cancel_locked_session(
                session, actor=actor, reason=reason, audit=VisitAuditReason.CLOSURE, now=now
            )
    closure.cancelled_visits = cancelled
    return closure


def block_detainee(
    *, detainee: Detainee, start_date: datetime.date, end_date: datetime.date, reason: str, actor: User | None
) -> DetaineeVisitBlock:
    """No visit for the detainee from ``start_date`` to ``end_date`` (hearing, hospital, transfer): their booked
    visits in that range are cancelled with the reason and their visitors e-mailed (the reason stays with the
    establishment: relatives read only the dates). ``block.cancelled_visits`` says how many."""
    reason = _clean_reason(reason)
    _check_dates(start_date, end_date)
    _require_staff(actor, detainee.establishment_id, "visits.add_detaineevisitblock")
    now = timezone.now()
    with transaction.atomic():
        locked = Detainee.objects.select_for_update().get(pk=detainee.pk)
        block = _audited(
            DetaineeVisitBlock(detainee=locked, start_date=start_date, end_date=end_date, reason=reason),
            actor, VisitAuditReason.DETAINEE_BLOCKED, reason,
        )
        block.save()
        told = _("Les parloirs de %(name)s sont suspendus du %(start)s au %(end)s.") % {
            "name": R.detainee_name(locked), "start": R.day_text(start_date), "end": R.day_text(end_date),
        }
        visits = Visit.objects.select_for_update(of=("self",)).filter(
            detainee=locked, status=VisitStatus.BOOKED,
            session__starts_at__lt=R.day_bounds(end_date)[1], session__ends_at__gt=R.day_bounds(start_date)[0],
        ).order_by("pk")
        cancelled = 0
        for visit in visits:
            _cancel_by_establishment(
                visit, actor=actor, reason=told, audit=VisitAuditReason.DETAINEE_BLOCKED, now=now
            )
            cancelled += 1
    block.cancelled_visits = cancelled
    return block


# -- arrivals ---------------------------------------------------------------------------------------------------

ARRIVAL_STATUSES = frozenset({VisitStatus.BOOKED, VisitStatus.ARRIVED, VisitStatus.NOT_ARRIVED})


def record_arrival(*, visit: Visit, actor: User, arrived: bool, now: datetime.datetime | None = None) -> Visit:
    """The visit office marks a visit arrived or not arrived, on the day of its session or after (a mistake may
    be corrected: arrived ↔ not arrived). Not for a cancelled visit or session."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_visit(visit)
        _require_staff(actor, locked.session.area.establishment_id, "visits.change_visit")
        if locked.status not in ARRIVAL_STATUSES or locked.session.status != SessionStatus.OPEN:
            raise BookingError(_("Ce rendez-vous a été annulé : son arrivée ne se pointe pas."), "cancelled")
        if R.local_day(locked.session.starts_at) > R.local_day(now):
            raise BookingError(
                _("Ce parloir a lieu le %(day)s : l'arrivée se pointe ce jour-là.")
                % {"day": R.day_text(locked.session.starts_at)},
                "not_started",
            )
        locked.status = VisitStatus.ARRIVED if arrived else VisitStatus.NOT_ARRIVED
        locked.arrival_recorded_at = now
        _audited(locked, actor, VisitAuditReason.ARRIVAL).save()
    return locked


# -- retention --------------------------------------------------------------------------------------------------

def purge_past_visits(*, today: datetime.date | None = None) -> int:
    """Delete the visits (their companions, and the history of both) whose session ended more than
    ``VISITS_RETENTION_DAYS`` ago, and the sessions that old with no visit left (and their history). Returns how
    many visits were deleted."""
    today = today or timezone.localdate()
    cutoff = R.at(today - datetime.timedelta(days=settings.VISITS_RETENTION_DAYS), datetime.time.min)
    with transaction.atomic():
        visit_ids = list(Visit.objects.filter(session__ends_at__lt=cutoff).values_list("pk", flat=True))
        if visit_ids:
            VisitCompanion.objects.filter(visit_id__in=visit_ids).delete()
            Visit.objects.filter(pk__in=visit_ids).delete()
            VisitCompanion.history.filter(visit_id__in=visit_ids).delete()
            Visit.history.filter(id__in=visit_ids).delete()
        session_ids = list(
            VisitSession.objects.filter(ends_at__lt=cutoff, visits__isnull=True).values_list("pk", flat=True)
        )
        if session_ids:
            VisitSession.objects.filter(pk__in=session_ids).delete()
            VisitSession.history.filter(id__in=session_ids).delete()
    if visit_ids or session_ids:
        logger.info("Parloir retention: %d visits and %d sessions purged", len(visit_ids), len(session_ids))
    return len(visit_ids)


__all__ = [
    "HOLDING_STATUSES",
    "BookingError",
    "CompanionInput",
    "block_detainee",
    "book_visit",
    "cancel_session",
    "cancel_visit_by_relative",
    "cancel_visit_by_staff",
    "create_closure",
    "open_sessions",
    "purge_past_visits",
    "record_arrival",
]
