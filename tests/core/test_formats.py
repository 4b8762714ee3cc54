"""Amounts, dates and times as a relative reads them, per language (core.money.format_euros, core.formats):
French exactly as the portal always wrote them, English as UK public services do, Arabic with Western digits."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from core import formats
from core.money import format_euros
from transfers import selectors

LRI, PDI = "\u2066", "\u2069"
PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    "language, value, expected",
    [
        ("fr", "50", "50,00\u00a0€"),
        ("fr", "1000.5", "1\u202f000,50\u00a0€"),
        ("fr", "-5", "-5,00\u00a0€"),
        ("en", "50", "€50.00"),
        ("en", "1234567.5", "€1,234,567.50"),
        ("en", "-5", "-€5.00"),
        ("ar", "50", f"{LRI}50,00\u00a0€{PDI}"),
        ("ar", "1000.5", f"{LRI}1\u202f000,50\u00a0€{PDI}"),
    ],
)
def test_amounts_per_language(language, value, expected):
    assert format_euros(Decimal(value), language) == expected
    with translation.override(language):
        assert format_euros(Decimal(value)) == expected


def test_amounts_default_to_french_without_an_active_language():
    with translation.override(None):
        assert format_euros(Decimal("50")) == "50,00\u00a0€"
    assert format_euros(Decimal("50"), "de") == "50,00\u00a0€"


def test_arabic_amount_keeps_western_digits():
    text = format_euros(Decimal("1234.56"), "ar")
    assert not any("\u0660" <= char <= "\u0669" for char in text)
    assert "1\u202f234,56" in text


THURSDAY = datetime.date(2026, 12, 3)
FIRST = datetime.date(2026, 12, 1)


@pytest.mark.parametrize(
    "language, day_month, first, year, full",
    [
        ("fr", "3 décembre", "1er décembre", "3 décembre 2026", "jeudi 3 décembre 2026"),
        ("en", "3 December", "1 December", "3 December 2026", "Thursday 3 December 2026"),
        ("ar", "3 ديسمبر", "1 ديسمبر", "3 ديسمبر 2026", "الخميس 3 ديسمبر 2026"),
    ],
)
def test_days_per_language(language, day_month, first, year, full):
    assert formats.day_month(THURSDAY, language) == day_month
    assert formats.day_month(FIRST, language) == first
    assert formats.first_of_month(12, language) == first
    assert formats.day_month_year(THURSDAY, language) == year
    assert formats.full_day(THURSDAY, language) == full
    assert selectors.format_day(THURSDAY, language) == full
    with translation.override(language):
        assert formats.full_day(THURSDAY) == full
        assert selectors.format_day(THURSDAY) == full


def test_arabic_month_and_day_names():
    assert [formats.month_name(month, "ar") for month in (1, 12)] == ["يناير", "ديسمبر"]
    assert formats.weekday_name(datetime.date(2026, 11, 30), "ar") == "الاثنين"


@pytest.mark.parametrize(
    "language, morning, evening, midnight",
    [("fr", "9\u00a0h\u00a012", "17\u00a0h\u00a040", "0\u00a0h\u00a005"), ("en", "9:12", "17:40", "0:05"),
     ("ar", "9:12", "17:40", "0:05")],
)
def test_times_per_language(language, morning, evening, midnight):
    # 8:12 UTC is 9:12 in Paris in winter.
    assert formats.time_text(datetime.datetime(2026, 12, 3, 8, 12, tzinfo=datetime.UTC), language) == morning
    assert formats.time_text(datetime.datetime(2026, 12, 3, 17, 40, tzinfo=PARIS), language) == evening
    assert formats.time_text(datetime.time(0, 5), language) == midnight
    assert selectors.format_time(datetime.datetime(2026, 12, 3, 17, 40, tzinfo=PARIS), language) == evening


@pytest.mark.parametrize(
    "language, expected",
    [("fr", "3 décembre 2026 à 9\u00a0h\u00a012"), ("en", "3 December 2026 at 9:12"),
     ("ar", "3 ديسمبر 2026 الساعة 9:12")],
)
def test_moments_per_language(language, expected):
    moment = datetime.datetime(2026, 12, 3, 9, 12, tzinfo=PARIS)
    assert selectors.format_moment(moment, language) == expected
    with translation.override(language):
        assert selectors.format_moment(moment) == expected


def test_step_moment_in_english():
    moment = datetime.datetime(2026, 11, 28, 9, 12, tzinfo=PARIS)
    assert selectors.format_step_moment(moment, today=datetime.date(2026, 12, 3), language="en") == (
        "on 28 November at 9:12"
    )
    assert selectors.format_step_moment(moment, today=datetime.date(2026, 12, 3)) == "le 28 novembre à 9\u00a0h\u00a012"


def test_in_language_never_leaves_msgids_untranslated():
    with formats.in_language(None):
        assert translation.get_language() == "fr"
    with formats.in_language("xx"):
        assert translation.get_language() == "fr"
    with formats.in_relative_language(type("R", (), {"language": "ar"})()):
        assert translation.get_language() == "ar"
    with formats.in_relative_language(None):
        assert translation.get_language() == "fr"


@pytest.mark.parametrize(
    "language, expected",
    [("fr", "le 3 décembre 2026 à 9\u00a0h\u00a012"), ("en", "on 3 December 2026 at 9:12"),
     ("ar", "يوم 3 ديسمبر 2026 الساعة 9:12")],
)
def test_dated_moments_per_language(language, expected):
    assert selectors.format_dated_moment(datetime.datetime(2026, 12, 3, 9, 12, tzinfo=PARIS), language) == expected


def test_a_latin_name_is_set_apart_in_arabic_only():
    from core.formats import isolate

    name = "Centre pénitentiaire (Démonstration)"
    assert isolate(name, "ar") == f"\u2068{name}\u2069"
    assert isolate(name, "fr") == name and isolate(name, "en") == name
    with translation.override("ar"):
        assert isolate(name) == f"\u2068{name}\u2069"
    assert isolate("", "ar") == ""
