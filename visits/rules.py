"""The parloir's rules that need no database: the booking window, the week a visit counts in (Monday to Sunday,
Europe/Paris), the weekly limit of a legal status, the cancellation deadline, the time to arrive, and the dates
and names as the messages write them. ``visits.selectors`` and ``visits.services`` read them; one place each."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format, time_format

from permits.constants import LegalStatus

ONE_DAY = datetime.timedelta(days=1)


def paris():
    """The establishments' time zone (``settings.TIME_ZONE``, Europe/Paris)."""
    return timezone.get_default_timezone()


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, paris()).date()


def at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """``time`` on ``day`` in Europe/Paris, made aware with the offset of that day (summer or winter time)."""
    return datetime.datetime.combine(day, time, tzinfo=paris())


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """From midnight of ``day`` to midnight of the next day (23 or 25 hours on the days the clocks change)."""
    return at(day, datetime.time.min), at(day + ONE_DAY, datetime.time.min)


def session_days(starts_at: datetime.datetime, ends_at: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    """The first and last local days a session covers (a UVF may run over several days)."""
    return local_day(starts_at), local_day(ends_at - datetime.timedelta(microseconds=1))


def week_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The week of ``day``, Monday 00:00 to the next Monday 00:00, Europe/Paris: the week a visit counts in."""
    monday = day - datetime.timedelta(days=day.weekday())
    return at(monday, datetime.time.min), at(monday + datetime.timedelta(days=7), datetime.time.min)


def max_visits_per_week(rules, legal_status: str) -> int:
    """The establishment's weekly maximum for the detainee's legal status (not known: a condamné's)."""
    if legal_status == LegalStatus.PREVENU:
        return rules.max_visits_per_week_prevenu
    return rules.max_visits_per_week_condamne


def earliest_start(rules, now: datetime.datetime) -> datetime.datetime:
    """A session is booked at the latest ``minimum_notice_hours`` before it starts."""
    return now + datetime.timedelta(hours=rules.minimum_notice_hours)


def last_bookable_day(rules, now: datetime.datetime) -> datetime.date:
    """A session is booked at most ``booking_horizon_days`` ahead (its day, Europe/Paris)."""
    return local_day(now) + datetime.timedelta(days=rules.booking_horizon_days)


def cancellation_deadline(starts_at: datetime.datetime, rules) -> datetime.datetime:
    """Until when the relative may cancel online: ``cancellation_notice_hours`` before the start."""
    return starts_at - datetime.timedelta(hours=rules.cancellation_notice_hours if rules else 0)


def arrival_time(starts_at: datetime.datetime, rules) -> datetime.datetime:
    """When to be at the visitors' entrance: ``arrival_minutes_before`` the start."""
    return starts_at - datetime.timedelta(minutes=rules.arrival_minutes_before if rules else 0)


def overlaps(start: datetime.datetime, end: datetime.datetime, other_start, other_end) -> bool:
    return start < other_end and other_start < end


def day_text(day: datetime.date | datetime.datetime) -> str:
    """``JJ/MM/AAAA``."""
    if isinstance(day, datetime.datetime):
        day = local_day(day)
    return date_format(day, "d/m/Y")


def time_text(moment: datetime.datetime) -> str:
    """``HH:MM``, Europe/Paris."""
    return time_format(timezone.localtime(moment, paris()), "H:i")


def end_text(starts_at: datetime.datetime, ends_at: datetime.datetime, clock: str = "H:i") -> str:
    """A session's end as written after its start: its time, and its day when it ends on a later day (a UVF of
    24 hours ends « samedi 5 décembre 14:00 », not « 14:00 » as if it lasted no time)."""
    end = timezone.localtime(ends_at, paris())
    text = time_format(end, clock)
    if end.date() != local_day(starts_at):
        return f"{date_format(end, 'l j F')} {text}"
    return text


def detainee_name(detainee) -> str:
    """``Jean MARTIN``, as the relative's pages write it."""
    return f"{detainee.first_name} {detainee.family_name.upper()}"
