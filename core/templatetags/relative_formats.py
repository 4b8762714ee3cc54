"""The relatives' formats in templates (core.formats), in the active language: ``{% colon %}`` between a label
and its value (`` : `` in French, ``: `` in English and Arabic), for plain-text e-mails where no markup sets it."""

from django import template
from django.template.defaultfilters import date

from core import formats

register = template.Library()


@register.simple_tag
def colon() -> str:
    return formats.colon()


@register.filter(expects_localtime=True)
def clock(value) -> str:
    """A moment's time as the relatives' pages write it in the active language: « 9 h 00 », « 9:00 »."""
    return date(value, formats.clock_format()) if value else ""
