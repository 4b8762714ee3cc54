"""Executed transfers not seen on a statement after 3 business days: weekends, French public holidays
(Easter computed for any year) and TARGET2 closing days do not count."""

import datetime

import pytest
from django.utils import timezone

from reconciliation import selectors
from reconciliation.business_days import (
    business_days_before,
    french_public_holidays,
    is_business_day,
    target2_closing_days,
)
from transfers.models import Transfer

from .helpers import establishment, executed_transfer

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


@pytest.mark.django_db
def test_a_transfer_executed_before_a_holiday_weekend_is_not_flagged_early_then_flagged_on_time():
    est = establishment()
    before_bastille_day = executed_transfer(est)  # Friday 11 July 2025, 15:00; Monday 14 July is a holiday
    before_ascension = executed_transfer(est)  # Wednesday 13 May 2026, 15:00; Thursday 14 May is Ascension
    Transfer.objects.filter(pk=before_bastille_day.pk).update(executed_at=paris(2025, 7, 11, 15, 0))
    Transfer.objects.filter(pk=before_ascension.pk).update(executed_at=paris(2026, 5, 13, 15, 0))

    def flagged(now):
        return set(selectors.unseen_transfers(now=now).filter(pk__in=[before_bastille_day.pk, before_ascension.pk]))

    # Wednesday 16 July: only Tuesday 15 has passed as a business day, plus Monday 14 which does not count.
    # Counting weekdays alone would flag it already.
    assert flagged(paris(2025, 7, 16, 16, 0)) == set()
    assert flagged(paris(2025, 7, 17, 14, 59)) == set()
    assert flagged(paris(2025, 7, 17, 15, 1)) == {before_bastille_day}  # Tue 15, Wed 16, Thu 17: three days
    # Monday 18 May: Friday 15 and Monday 18 only; Ascension does not count.
    assert before_ascension not in flagged(paris(2026, 5, 18, 16, 0))
    assert before_ascension in flagged(paris(2026, 5, 19, 16, 0))


@pytest.mark.django_db
def test_easter_good_friday_and_monday_both_hold_a_transfer_back():
    est = establishment()
    transfer = executed_transfer(est)  # Thursday 2 April 2026 at 15:00: Good Friday 3, Easter Monday 6 April
    Transfer.objects.filter(pk=transfer.pk).update(executed_at=paris(2026, 4, 2, 15, 0))
    assert not selectors.unseen_transfers(now=paris(2026, 4, 8, 16, 0)).exists()  # Tue 7, Wed 8
    assert list(selectors.unseen_transfers(now=paris(2026, 4, 9, 16, 0))) == [transfer]  # Thu 9: the third
