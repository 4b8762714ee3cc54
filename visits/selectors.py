"""Reads of the parloir: an establishment's booking rules, whether a permit may book, the sessions a permit may
book now (day by day, with the places left, in a fixed number of queries whatever the bookings), the checks of one
session before a booking (the service runs them again under its locks), a relative's visits, the cancellation
deadline, and the visit office's planning of a day."""

from __future__ import annotations

import datetime
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.text import ascii_number
from permits.constants import DetaineeStatus, RegistrationStatus, Service
from permits.eligibility import eligibility
from permits.models import Detainee, RegisteredPermit, VisitPermit

from . import rules as R
from .constants import HOLDING_STATUSES, SessionStatus, VisitStatus
from .errors import BookingError
from .models import BookingRules, Closure, DetaineeVisitBlock, Visit, VisitCompanion, VisitSession

HOLDING = Q(visits__status__in=HOLDING_STATUSES)
VISIT_OFFICE = gettext_lazy("le bureau des parloirs de l'établissement")


# -- rules and eligibility ------------------------------------------------------------------------------------

def booking_rules(establishment) -> BookingRules | None:
    """The establishment's booking rules, or None: without them it offers no booking."""
    try:
        return establishment.booking_rules
    except BookingRules.DoesNotExist:
        return None


@dataclass(frozen=True)
class MayBook:
    """Whether a permit may book a parloir now, and if not why and whom to ask (like ``permits.eligibility``)."""

    messages: tuple[str, ...] = ()
    whom_to_ask: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.messages

    def __bool__(self) -> bool:
        return self.allowed

    def as_error(self) -> BookingError:
        text = " ".join(self.messages)
        if self.whom_to_ask:
            text = _("%(reasons)s Pour en savoir plus, contactez %(whom)s.") % {
                "reasons": text, "whom": _(" ou ").join(self.whom_to_ask),
            }
        return BookingError(text, "not_eligible")


def _no_rules() -> MayBook:
    return MayBook(
        messages=(_("Cet établissement ne propose pas encore la prise de rendez-vous parloir en ligne."),),
        whom_to_ask=(str(VISIT_OFFICE),),
    )


def permit_may_book(registration: RegisteredPermit | VisitPermit, *, now: datetime.datetime | None = None) -> MayBook:
    """A relative's registration (or, for the visit office, a permit alone) may book a parloir: the permit's
    parloir eligibility (``permits.eligibility``), and an establishment that offers booking."""
    now = now or timezone.now()
    answer = eligibility(registration, today=R.local_day(now), service=Service.PARLOIR)
    if not answer.allowed:
        return MayBook(messages=tuple(answer.messages), whom_to_ask=tuple(answer.whom_to_ask))
    permit = registration.permit if isinstance(registration, RegisteredPermit) else registration
    if booking_rules(permit.detainee.establishment) is None:
        return _no_rules()
    return MayBook()


def rules_or_refuse(establishment) -> BookingRules:
    rules = booking_rules(establishment)
    if rules is None:
        raise _no_rules().as_error()
    return rules


# -- the checks of one session ----------------------------------------------------------------------------------

def unknown_session() -> BookingError:
    return BookingError(_("Ce créneau n'existe pas ou n'est plus proposé."), "unknown_session")


def parse_session_id(session_id: int | str | None) -> int | None:
    """A session id from a URL or a form: digits only (anything else is no session)."""
    return ascii_number(str(session_id if session_id is not None else "").strip(), max_length=18)


def check_session(session: VisitSession, *, detainee: Detainee, rules: BookingRules, now: datetime.datetime) -> None:
    """The session may take a booking for ``detainee`` now, its places apart: same establishment, active area,
    open, not closed, not past, inside the booking window. Raises BookingError."""
    if session.area.establishment_id != detainee.establishment_id or not session.area.is_active:
        raise unknown_session()
    if session.status == SessionStatus.CANCELLED:
        text = _("Ce créneau a été annulé par l'établissement.")
        if session.cancellation_reason:
            text = _("Ce créneau a été annulé par l'établissement : %(reason)s.") % {
                "reason": session.cancellation_reason.rstrip(".")
            }
        raise BookingError(text, "session_cancelled")
    if session.starts_at <= now:
        raise BookingError(_("Ce créneau est déjà passé. Choisissez-en un autre."), "past")
    if session.starts_at < R.earliest_start(rules, now):
        raise BookingError(
            ngettext(
                "Ce créneau ne peut plus être réservé : un parloir se réserve au moins %(hours)d heure à l'avance.",
                "Ce créneau ne peut plus être réservé : un parloir se réserve au moins %(hours)d heures à l'avance.",
                rules.minimum_notice_hours,
            ) % {"hours": rules.minimum_notice_hours},
            "too_soon",
        )
    last_day = R.last_bookable_day(rules, now)
    if R.local_day(session.starts_at) > last_day:
        raise BookingError(
            _("Ce créneau ne peut pas encore être réservé : les rendez-vous sont ouverts jusqu'au %(day)s.")
            % {"day": R.day_text(last_day)},
            "too_far",
        )
    first, last = R.session_days(session.starts_at, session.ends_at)
    closure = (
        Closure.objects.filter(establishment_id=detainee.establishment_id, start_date__lte=last, end_date__gte=first)
        .filter(Q(area__isnull=True) | Q(area_id=session.area_id))
        .order_by("start_date")
        .first()
    )
    if closure is not None:
        raise BookingError(
            _("Les parloirs sont fermés ce jour-là (%(reason)s). Choisissez un autre jour.")
            % {"reason": closure.reason},
            "closed",
        )


def check_places(session: VisitSession, held: int) -> None:
    if held >= session.capacity:
        raise BookingError(_("Ce créneau est complet. Choisissez-en un autre."), "full")


def _blocked_message(detainee: Detainee, block: DetaineeVisitBlock) -> BookingError:
    return BookingError(
        _("Les parloirs de %(name)s sont suspendus du %(start)s au %(end)s.")
        % {"name": R.detainee_name(detainee), "start": R.day_text(block.start_date), "end": R.day_text(block.end_date)},
        "detainee_blocked",
    )


def _weekly_message(detainee: Detainee, maximum: int, week_start: datetime.datetime) -> BookingError:
    return BookingError(
        ngettext(
            "%(name)s a déjà %(count)d parloir la semaine du %(monday)s : c'est le maximum fixé par "
            "l'établissement. Choisissez une autre semaine.",
            "%(name)s a déjà %(count)d parloirs la semaine du %(monday)s : c'est le maximum fixé par "
            "l'établissement. Choisissez une autre semaine.",
            maximum,
        ) % {"name": R.detainee_name(detainee), "count": maximum, "monday": R.day_text(week_start)},
        "weekly_limit",
    )


def _overlap_message(detainee: Detainee) -> BookingError:
    return BookingError(
        _("%(name)s a déjà un rendez-vous parloir à ce moment-là. Choisissez un autre créneau.")
        % {"name": R.detainee_name(detainee)},
        "overlap",
    )


def check_detainee(
    session: VisitSession, *, detainee: Detainee, rules: BookingRules, exclude_visit_id: int | None = None
) -> None:
    """The detainee may be visited at that session: detained, not blocked those days, under the weekly limit of
    their legal status (Monday to Sunday, Europe/Paris), no other visit at the same time. Raises BookingError."""
    if detainee.status != DetaineeStatus.DETAINED:
        raise BookingError(
            _("%(name)s n'est plus détenu(e) dans cet établissement.") % {"name": R.detainee_name(detainee)},
            "detainee_absent",
        )
    first, last = R.session_days(session.starts_at, session.ends_at)
    block = (
        DetaineeVisitBlock.objects.filter(detainee=detainee, start_date__lte=last, end_date__gte=first)
        .order_by("start_date")
        .first()
    )
    if block is not None:
        raise _blocked_message(detainee, block)
    holding = Visit.objects.filter(detainee=detainee, status__in=HOLDING_STATUSES)
    if exclude_visit_id is not None:
        holding = holding.exclude(pk=exclude_visit_id)
    week_start, week_end = R.week_bounds(R.local_day(session.starts_at))
    maximum = R.max_visits_per_week(rules, detainee.legal_status)
    if holding.filter(session__starts_at__gte=week_start, session__starts_at__lt=week_end).count() >= maximum:
        raise _weekly_message(detainee, maximum, week_start)
    if holding.filter(session__starts_at__lt=session.ends_at, session__ends_at__gt=session.starts_at).exists():
        raise _overlap_message(detainee)


def held_places(session_id: int) -> int:
    """The visits that hold a place in the session (``HOLDING_STATUSES``)."""
    return Visit.objects.filter(session_id=session_id, status__in=HOLDING_STATUSES).count()


def session_for_booking(
    permit: VisitPermit, session_id: int | str | None, *, now: datetime.datetime | None = None
) -> VisitSession:
    """The session ``session_id`` if ``permit`` may book it now (``places_left`` set on it), else BookingError:
    a tampered id, another establishment's session, past, beyond the window, closed, cancelled, full, or a
    detainee who cannot be visited then. ``visits.services.book_visit`` checks the same again under its locks."""
    now = now or timezone.now()
    detainee = permit.detainee
    rules = rules_or_refuse(detainee.establishment)
    pk = parse_session_id(session_id)
    session = None
    if pk is not None:
        session = (
            VisitSession.objects.select_related("area__establishment")
            .annotate(held=Count("visits", filter=HOLDING))
            .filter(pk=pk)
            .first()
        )
    if session is None:
        raise unknown_session()
    check_session(session, detainee=detainee, rules=rules, now=now)
    check_places(session, session.held)
    check_detainee(session, detainee=detainee, rules=rules)
    session.places_left = session.capacity - session.held
    return session


# -- the sessions a permit may book -----------------------------------------------------------------------------

@dataclass(frozen=True)
class BookableSession:
    session: VisitSession
    area: object
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    places_left: int


@dataclass(frozen=True)
class BookableDay:
    date: datetime.date
    sessions: list[BookableSession] = field(default_factory=list)


def bookable_days(
    permit: VisitPermit, *, now: datetime.datetime | None = None, include_full: bool = False
) -> list[BookableDay]:
    """The sessions ``permit`` could book now, day by day: open, of an active area of the detainee's
    establishment, inside the window, not closed, with a place left (or, with ``include_full``, full: the
    relative's page shows them as "Complet"), on a day the detainee is not blocked, under the weekly limit and at
    no other visit's time. Five queries whatever the number of sessions and
    bookings (places counted by the database). None without booking rules."""
    now = now or timezone.now()
    detainee = permit.detainee
    rules = booking_rules(detainee.establishment)
    if rules is None or detainee.status != DetaineeStatus.DETAINED:
        return []
    earliest = R.earliest_start(rules, now)
    last_day = R.last_bookable_day(rules, now)
    _start, window_end = R.day_bounds(last_day)
    sessions = list(
        VisitSession.objects.filter(
            area__establishment_id=detainee.establishment_id,
            area__is_active=True,
            status=SessionStatus.OPEN,
            starts_at__gt=now,
            starts_at__gte=earliest,
            starts_at__lt=window_end,
        )
        .select_related("area")
        .annotate(held=Count("visits", filter=HOLDING))
        .order_by("starts_at", "area__name")
    )
    if not sessions:
        return []
    first_day = R.local_day(sessions[0].starts_at)
    last_end_day = max(R.session_days(s.starts_at, s.ends_at)[1] for s in sessions)
    closures = list(
        Closure.objects.filter(
            establishment_id=detainee.establishment_id, start_date__lte=last_end_day, end_date__gte=first_day
        ).values_list("area_id", "start_date", "end_date")
    )
    blocks = list(
        DetaineeVisitBlock.objects.filter(
            detainee=detainee, start_date__lte=last_end_day, end_date__gte=first_day
        ).values_list("start_date", "end_date")
    )
    week_start, _end = R.week_bounds(first_day)
    _begin, week_end = R.week_bounds(last_end_day)
    booked = list(
        Visit.objects.filter(
            detainee=detainee, status__in=HOLDING_STATUSES,
            session__starts_at__gte=week_start, session__starts_at__lt=week_end,
        ).values_list("session__starts_at", "session__ends_at")
    )
    per_week = Counter(R.week_bounds(R.local_day(start))[0] for start, _e in booked)
    maximum = R.max_visits_per_week(rules, detainee.legal_status)

    days: dict[datetime.date, list[BookableSession]] = defaultdict(list)
    for session in sessions:
        places_left = max(0, session.capacity - session.held)
        if places_left == 0 and not include_full:
            continue
        first, last = R.session_days(session.starts_at, session.ends_at)
        if any(
            (area_id is None or area_id == session.area_id) and start <= last and end >= first
            for area_id, start, end in closures
        ):
            continue
        if any(start <= last and end >= first for start, end in blocks):
            continue
        if per_week[R.week_bounds(first)[0]] >= maximum:
            continue
        if any(R.overlaps(session.starts_at, session.ends_at, start, end) for start, end in booked):
            continue
        days[first].append(
            BookableSession(
                session=session, area=session.area, starts_at=session.starts_at, ends_at=session.ends_at,
                places_left=places_left,
            )
        )
    return [BookableDay(date=day, sessions=items) for day, items in sorted(days.items())]


@dataclass(frozen=True)
class BookableWeek:
    """A week (Monday to Sunday) of the sessions page: a phone shows one at a time."""

    monday: datetime.date
    days: list[BookableDay]

    @property
    def sunday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=6)

    @property
    def places_left(self) -> int:
        return sum(item.places_left for day in self.days for item in day.sessions)


def bookable_weeks(days: list[BookableDay]) -> list[BookableWeek]:
    """``bookable_days`` grouped by week, in order."""
    weeks: dict[datetime.date, list[BookableDay]] = defaultdict(list)
    for day in days:
        weeks[day.date - datetime.timedelta(days=day.date.weekday())].append(day)
    return [BookableWeek(monday=monday, days=items) for monday, items in sorted(weeks.items())]


# -- a relative's visits ----------------------------------------------------------------------------------------

def _visits_with_details(queryset: QuerySet[Visit]) -> QuerySet[Visit]:
    return queryset.select_related(
        "session__area__establishment__booking_rules", "detainee", "permit", "relative"
    ).prefetch_related(
        Prefetch("companions", queryset=VisitCompanion.objects.select_related("permit").order_by("pk"))
    )


def permit_holder_relative(permit: VisitPermit):
    """The relative who registered ``permit`` on their space and was accepted (a permit is nominative: one at most),
    or None."""
    registration = (
        RegisteredPermit.objects.select_related("relative")
        .filter(permit=permit, status=RegistrationStatus.ACCEPTED)
        .order_by("pk")
        .first()
    )
    return registration.relative if registration is not None else None


def relative_visits(relative, *, now: datetime.datetime | None = None) -> tuple[list[Visit], list[Visit]]:
    """The relative's visits: upcoming (session not ended yet, the soonest first, cancelled ones included so
    they see it) and past (the latest first)."""
    now = now or timezone.now()
    visits = list(_visits_with_details(Visit.objects.filter(relative=relative)).order_by("session__starts_at", "pk"))
    upcoming = [visit for visit in visits if visit.session.ends_at > now]
    past = [visit for visit in reversed(visits) if visit.session.ends_at <= now]
    return upcoming, past


def next_visits_by_permit(relative, *, now: datetime.datetime | None = None) -> dict[int, Visit]:
    """The relative's next booked visit of each permit (the Accueil tab's cards say when): one query."""
    now = now or timezone.now()
    visits = (
        Visit.objects.filter(relative=relative, status=VisitStatus.BOOKED, session__starts_at__gt=now)
        .select_related("session__area")
        .order_by("session__starts_at", "pk")
    )
    soonest: dict[int, Visit] = {}
    for visit in visits:
        soonest.setdefault(visit.permit_id, visit)
    return soonest


def visit_of_relative(relative, reference) -> Visit:
    """One of the relative's own visits by its reference; Http404 for a malformed reference or another's visit."""
    try:
        value = uuid.UUID(str(reference))
    except (TypeError, ValueError, AttributeError):
        raise Http404 from None
    visit = _visits_with_details(Visit.objects.filter(relative=relative, reference=value)).first()
    if visit is None:
        raise Http404
    return visit


def visit_for_notification(visit_id: int) -> Visit | None:
    return _visits_with_details(Visit.objects.filter(pk=visit_id)).first()


def cancellation_deadline(visit: Visit) -> datetime.datetime:
    """Until when the relative may cancel the visit online."""
    return R.cancellation_deadline(visit.session.starts_at, booking_rules(visit.session.area.establishment))


def may_cancel(visit: Visit, *, now: datetime.datetime | None = None) -> bool:
    """The relative may still cancel online: booked, session open, before the deadline."""
    now = now or timezone.now()
    return (
        visit.status == VisitStatus.BOOKED
        and visit.session.status == SessionStatus.OPEN
        and now < cancellation_deadline(visit)
    )


def arrival_time(visit: Visit) -> datetime.datetime:
    """When the visitors should be at the entrance."""
    return R.arrival_time(visit.session.starts_at, booking_rules(visit.session.area.establishment))


# -- the visit office's planning --------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanningSession:
    session: VisitSession
    area: object
    visits: list[Visit]  # the visits that hold a place, each with its companions
    cancelled: list[Visit]  # the visits cancelled (by the relative or the establishment)

    @property
    def places_left(self) -> int:
        return max(0, self.session.capacity - len(self.visits))

    @property
    def people(self) -> int:
        """Visitors expected: each booker, their companions and the minors."""
        return sum(1 + len(visit.companions.all()) + visit.minors for visit in self.visits)


def day_planning(establishment, day: datetime.date) -> list[PlanningSession]:
    """The sessions of the establishment starting on ``day`` (Europe/Paris), area by area and hour by hour,
    each with its visits (detainee, booker, companions). Three queries."""
    start, end = R.day_bounds(day)
    visits = (
        Visit.objects.select_related("detainee", "permit", "relative", "booked_by")
        .prefetch_related(
            Prefetch("companions", queryset=VisitCompanion.objects.select_related("permit").order_by("pk"))
        )
        .order_by("detainee__family_name", "detainee__first_name", "pk")
    )
    sessions = (
        VisitSession.objects.filter(area__establishment=establishment, starts_at__gte=start, starts_at__lt=end)
        .select_related("area")
        .prefetch_related(Prefetch("visits", queryset=visits))
        .order_by("area__kind", "area__name", "starts_at")
    )
    planning = []
    for session in sessions:
        every = list(session.visits.all())
        planning.append(
            PlanningSession(
                session=session,
                area=session.area,
                visits=[visit for visit in every if visit.status in HOLDING_STATUSES],
                cancelled=[visit for visit in every if visit.status not in HOLDING_STATUSES],
            )
        )
    return planning
