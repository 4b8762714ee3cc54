"""Business days of the régie's bank account, for the rule "executed by the payer's bank but seen on no
statement after 3 business days".

A business day is a Monday to Friday that is neither a French public holiday (the eleven national
ones of the Code du travail, L3133-1: 1 January, Easter Monday, 1 May, 8 May, Ascension, Whit Monday,
14 July, 15 August, 1 November, 11 November, 25 December) nor a day the TARGET2 system, which settles
SEPA credit transfers, is closed (1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December).

Both calendars, because either can hold a payment back: SEPA does not settle on TARGET2's closing
days (Good Friday and 26 December are not French public holidays but no transfer arrives on them),
and the régie's bank does not book on French public holidays (8 May, Ascension, 14 July… are TARGET2
days but nothing reaches the account). Good Friday and 26 December are also public holidays in
Alsace-Moselle, where several establishments are. The flag is meant for money that went missing, not
for a known delay: a day on which either calendar stops the money is not counted.

Easter is computed (``dateutil.easter``, Gregorian), so the calendar holds for any year."""

from __future__ import annotations

import datetime
from functools import lru_cache

from dateutil.easter import easter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_FIXED_FRENCH = {
    (1, 1): _("Jour de l'an"),
    (5, 1): _("Fête du Travail"),
    (5, 8): _("Victoire 1945"),
    (7, 14): _("Fête nationale"),
    (8, 15): _("Assomption"),
    (11, 1): _("Toussaint"),
    (11, 11): _("Armistice 1918"),
    (12, 25): _("Noël"),
}


@lru_cache(maxsize=64)
def french_public_holidays(year: int) -> dict[datetime.date, str]:
    """The eleven national public holidays of ``year``, with their names."""
    sunday = easter(year)
    days = {datetime.date(year, month, day): name for (month, day), name in _FIXED_FRENCH.items()}
    days[sunday + datetime.timedelta(days=1)] = _("Lundi de Pâques")
    days[sunday + datetime.timedelta(days=39)] = _("Ascension")
    days[sunday + datetime.timedelta(days=50)] = _("Lundi de Pentecôte")
    return days


@lru_cache(maxsize=64)
def target2_closing_days(year: int) -> frozenset[datetime.date]:
    """The days TARGET2 (SEPA settlement) is closed besides weekends."""
    sunday = easter(year)
    return frozenset({
        datetime.date(year, 1, 1),
        sunday - datetime.timedelta(days=2),
        sunday + datetime.timedelta(days=1),
        datetime.date(year, 5, 1),
        datetime.date(year, 12, 25),
        datetime.date(year, 12, 26),
    })


def is_business_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in french_public_holidays(day.year) and (
        day not in target2_closing_days(day.year)
    )


def business_days_before(moment: datetime.datetime, days: int) -> datetime.datetime:
    """``moment`` moved back ``days`` business days, at the same time of day in Paris: what was done
    before it has had ``days`` full business days since. Days are counted on the calendar of
    Europe/Paris (the current time zone), whatever the time zone of ``moment``."""
    current = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    left = days
    while left:
        current -= datetime.timedelta(days=1)
        if is_business_day(current.date()):
            left -= 1
    return current


def business_days_after(moment: datetime.datetime | datetime.date, days: int) -> datetime.date:
    """The date ``days`` business days after ``moment`` (its day in Europe/Paris, the current time zone):
    what is done on a Friday evening is, one business day later, on the Monday (or the Tuesday after
    Easter Monday)."""
    if isinstance(moment, datetime.datetime):
        day = (timezone.localtime(moment) if timezone.is_aware(moment) else moment).date()
    else:
        day = moment
    left = days
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_business_day(day):
            left -= 1
    return day
