"""core.business_days: weekends, French public holidays (Easter computed for any year) and TARGET2 closing days
are not business days of the régie's account."""

import datetime

import pytest
from django.utils import timezone

from core.business_days import (
    business_days_before,
    french_public_holidays,
    is_business_day,
    target2_closing_days,
)

D = datetime.date


def paris(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


@pytest.mark.parametrize(
    ("year", "easter_monday", "ascension", "whit_monday"),
    [
        (2025, D(2025, 4, 21), D(2025, 5, 29), D(2025, 6, 9)),
        (2026, D(2026, 4, 6), D(2026, 5, 14), D(2026, 5, 25)),
        (2027, D(2027, 3, 29), D(2027, 5, 6), D(2027, 5, 17)),
        (2038, D(2038, 4, 26), D(2038, 6, 3), D(2038, 6, 14)),
    ],
)
def test_the_eleven_french_public_holidays_with_the_moveable_ones_computed(year, easter_monday, ascension, whit_monday):
    days = french_public_holidays(year)
    fixed = {D(year, m, d) for m, d in [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]}
    assert set(days) == fixed | {easter_monday, ascension, whit_monday}
    assert str(days[ascension]) == "Ascension" and str(days[D(year, 7, 14)]) == "Fête nationale"


def test_business_days_skip_weekends_french_holidays_and_target2_closing_days():
    assert is_business_day(D(2026, 6, 10))  # a Wednesday
    assert not is_business_day(D(2026, 6, 13)) and not is_business_day(D(2026, 6, 14))  # weekend
    assert not is_business_day(D(2026, 5, 14))  # Ascension (TARGET2 is open, the régie's bank is not)
    assert not is_business_day(D(2026, 7, 14))  # Fête nationale
    assert D(2026, 4, 3) in target2_closing_days(2026) and not is_business_day(D(2026, 4, 3))  # Good Friday
    assert not is_business_day(D(2025, 12, 26))  # TARGET2 closed (and a holiday in Alsace-Moselle)
    assert is_business_day(D(2026, 5, 15))  # the Friday after Ascension is worked


def test_counting_back_keeps_the_time_of_day_in_paris_across_summer_time():
    # Tuesday 31 March 2026 09:00 (summer time) back 3 business days: Thursday 26 March 09:00 (winter time).
    limit = business_days_before(paris(2026, 3, 31, 9, 0), 3)
    assert limit == paris(2026, 3, 26, 9, 0)
    assert timezone.localtime(limit).hour == 9
    # The moment given in UTC is counted on Paris' calendar: Monday 00:30 in Paris is still Sunday in UTC.
    monday_paris = paris(2026, 6, 15, 0, 30)
    assert business_days_before(monday_paris.astimezone(datetime.UTC), 1) == paris(2026, 6, 12, 0, 30)
