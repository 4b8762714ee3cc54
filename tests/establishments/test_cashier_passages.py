"""The cashier's calendar, one for the cut-off job, the cashier page and the relative's promise: business days only,
the establishment's own cut-offs, Europe/Paris."""

import datetime

import pytest
from django.utils import timezone

from establishments.selectors import due_cutoff, next_cashier_passage
from tests.establishments.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def paris(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


FRIDAY = datetime.date(2026, 12, 4)
SATURDAY = datetime.date(2026, 12, 5)
MONDAY = datetime.date(2026, 12, 7)
CHRISTMAS = datetime.date(2026, 12, 25)  # a Friday, a public holiday


def test_the_last_cut_off_passed_is_due_on_a_business_day_and_none_at_the_weekend():
    establishment = EstablishmentFactory()
    assert due_cutoff(establishment, paris(FRIDAY, 9, 59)) is None
    assert due_cutoff(establishment, paris(FRIDAY, 10, 0)) == datetime.time(10, 0)
    assert due_cutoff(establishment, paris(FRIDAY, 16, 30)) == datetime.time(14, 0)
    assert due_cutoff(establishment, paris(SATURDAY, 18, 0)) is None
    assert due_cutoff(establishment, paris(CHRISTMAS, 18, 0)) is None


def test_the_next_passage_skips_the_weekend_and_public_holidays():
    establishment = EstablishmentFactory(cashier_cutoffs=["09:30", "15:00"])
    assert next_cashier_passage(establishment, after=paris(FRIDAY, 9, 0)) == paris(FRIDAY, 9, 30)
    assert next_cashier_passage(establishment, after=paris(FRIDAY, 9, 30)) == paris(FRIDAY, 15, 0)
    assert next_cashier_passage(establishment, after=paris(FRIDAY, 17, 0)) == paris(MONDAY, 9, 30)
    assert next_cashier_passage(establishment, after=paris(SATURDAY, 8, 0)) == paris(MONDAY, 9, 30)
    assert next_cashier_passage(establishment, after=paris(CHRISTMAS - datetime.timedelta(days=1), 16, 0)) == paris(
        datetime.date(2026, 12, 28), 9, 30
    )
