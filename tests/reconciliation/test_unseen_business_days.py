"""Executed transfers not seen on a statement after 3 business days (core.business_days): a holiday or a TARGET2
closing day holds the flag back."""

import datetime

import pytest
from django.utils import timezone

from reconciliation import selectors
from transfers.models import Transfer

from .helpers import establishment, executed_transfer


def paris(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


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
