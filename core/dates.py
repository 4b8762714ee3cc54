"""Days typed or put in an address by people (a report's day, a batch's day): the portal's one rule to read them.

Anything that is not a day, or a day outside [EARLIEST_DAY, LATEST_DAY], is no day at all: the caller shows a
form error (``DayField``) or uses its clean default (``parse_day``). Never an exception further down, where
a day near year 1 or 9999 overflows (the day after, 30 days before, the time zone's offset).
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

EARLIEST_DAY = datetime.date(2000, 1, 1)
LATEST_DAY = datetime.date(2099, 12, 31)
INPUT_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def parse_day(raw: str | None) -> datetime.date | None:
    """The day ``raw`` names (``AAAA-MM-JJ`` or ``JJ/MM/AAAA``) within the portal's range, else None."""
    text = (raw or "").strip()
    if not text or len(text) > 10:
        return None
    for fmt in INPUT_FORMATS:
        try:
            day = datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return day if EARLIEST_DAY <= day <= LATEST_DAY else None
    return None


class DayField(forms.DateField):
    """A form's day, with a French error for a day that does not exist or lies outside the portal's range."""

    default_error_messages = {
        "invalid": _("Saisissez une date valide, par exemple 31/01/2026."),
        "out_of_range": _("Saisissez une date entre le %(earliest)s et le %(latest)s."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", INPUT_FORMATS)
        super().__init__(**kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            raise forms.ValidationError(
                self.error_messages["out_of_range"], code="out_of_range",
                params={"earliest": EARLIEST_DAY.strftime("%d/%m/%Y"), "latest": LATEST_DAY.strftime("%d/%m/%Y")},
            )
        return day
