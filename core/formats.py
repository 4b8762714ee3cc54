"""The relatives' dates and times, in their language: the one place that writes them (core.money writes the
euros). French is the source and stays exactly as the portal always wrote it; English as the UK public services
write it (day before month, 24-hour clock); Arabic with Django's Arabic month and day names and Western digits
(``0-9``), as the administration's documents do.

============  ============================  ===============================  ====================================
what          fr                            en                               ar
============  ============================  ===============================  ====================================
day_month     ``3 décembre``, ``1er déc…``  ``3 December``, ``1 December``   ``3 ديسمبر``
day_month_    ``3 décembre 2026``           ``3 December 2026``              ``3 ديسمبر 2026``
year
full_day      ``jeudi 3 décembre 2026``     ``Thursday 3 December 2026``     ``الخميس 3 ديسمبر 2026``
time_text     ``9 h 12`` (no-break spaces)  ``9:12``                         ``9:12``
============  ============================  ===============================  ====================================

Month and day names come from Django's own catalog (``django.utils.dates``), never new msgids. Every function
takes an optional ``language`` (``fr``, ``en``, ``ar``; the active one by default): an e-mail built by a job
passes the relative's. ``in_language`` is the one way to speak a relative's language outside a request.
"""

from __future__ import annotations

import contextlib
import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.dates import MONTHS, WEEKDAYS

NBSP = "\u00a0"


def language_code(language: str | None = None) -> str:
    """``fr``, ``en`` or ``ar``: ``language`` (else the active one) reduced to one of the portal's languages;
    French for anything else (no language active, an unknown code)."""
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return code if code in {known for known, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def in_language(language: str | None):
    """A context manager speaking ``language`` (a relative's ``language``): her e-mails, their links
    (``reverse()`` gives ``/en/…``), amounts and dates. ``None`` or an unknown code speaks French, never
    untranslated msgids (``translation.override(None)`` would)."""
    return translation.override(language_code(language or settings.LANGUAGE_CODE))


def in_language_if_given(language: str | None):
    """``in_language(language)`` when a language is given, else the active one kept (a formatter's optional
    ``language`` argument)."""
    return in_language(language) if language else contextlib.nullcontext()


def in_relative_language(relative):
    """``in_language`` of a relative (anything with a ``language``; ``None``, a visitor without an account,
    reads French)."""
    return in_language(getattr(relative, "language", None) if relative is not None else None)


def _named(names, key, language: str | None) -> str:
    with translation.override(language_code(language)):
        return str(names[key])


def month_name(month: int, language: str | None = None) -> str:
    """``décembre``, ``December``, ``ديسمبر`` (Django's catalog)."""
    return _named(MONTHS, month, language)


def weekday_name(day: datetime.date, language: str | None = None) -> str:
    """``jeudi``, ``Thursday``, ``الخميس`` (Django's catalog)."""
    return _named(WEEKDAYS, day.weekday(), language)


def day_month(day: datetime.date, language: str | None = None) -> str:
    """``3 décembre``, ``1er décembre``; ``1 December``; ``1 ديسمبر``."""
    code = language_code(language)
    first = "1er" if code == "fr" and day.day == 1 else str(day.day)
    return f"{first} {month_name(day.month, code)}"


def day_month_year(day: datetime.date, language: str | None = None) -> str:
    """``3 décembre 2026``, ``3 December 2026``, ``3 ديسمبر 2026``."""
    return f"{day_month(day, language)} {day.year}"


def full_day(day: datetime.date, language: str | None = None) -> str:
    """``jeudi 3 décembre 2026``, ``Thursday 3 December 2026``, ``الخميس 3 ديسمبر 2026``."""
    code = language_code(language)
    return f"{weekday_name(day, code)} {day_month_year(day, code)}"


def first_of_month(month: int, language: str | None = None) -> str:
    """``1er décembre``, ``1 December``, ``1 ديسمبر`` (the day a month's caps start again)."""
    return day_month(datetime.date(2000, month, 1), language)


def local_moment(moment: datetime.datetime) -> datetime.datetime:
    """An aware moment in the portal's time zone (Europe/Paris); a naive one as it is."""
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def time_text(moment: datetime.datetime | datetime.time, language: str | None = None) -> str:
    """``9 h 12``, ``17 h 40``, ``0 h 05`` in French (no-break spaces around the h); ``9:12``, ``17:40``,
    ``0:05`` in English and Arabic (24-hour clock). An aware moment is read in Europe/Paris."""
    local = local_moment(moment) if isinstance(moment, datetime.datetime) else moment
    if language_code(language) == "fr":
        return f"{local.hour}{NBSP}h{NBSP}{local.minute:02d}"
    return f"{local.hour}:{local.minute:02d}"


def isolate(text: str, language: str | None = None) -> str:
    """``text`` (a name, an establishment, anything typed in Latin letters) set apart from the sentence around it
    in a right-to-left language (Unicode FSI … PDI), so that its own parentheses and words keep their order
    inside Arabic; unchanged in French and English."""
    if text and translation.get_language_info(language_code(language))["bidi"]:
        return f"\u2068{text}\u2069"
    return text


def clock_format(language: str | None = None) -> str:
    """The time format (Django's) of the relatives' pages: ``G \\h i`` (« 9 h 00 ») in French, ``G:i`` (« 9:00 »)
    in English and Arabic. Documents kept for later (receipts, e-mails) write ``time_text``'s no-break spaces."""
    return r"G \h i" if language_code(language) == "fr" else "G:i"


def colon(language: str | None = None) -> str:
    """What stands between a label and its value: `` : `` in French (a space before, as French typesetting
    wants), ``: `` in English and Arabic."""
    return " : " if language_code(language) == "fr" else ": "
