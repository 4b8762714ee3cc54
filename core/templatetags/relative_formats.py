"""The relatives' formats in templates (core.formats), in the active language: ``{% colon %}`` between a label
and its value (`` : `` in French, ``: `` in English and Arabic), for plain-text e-mails where no markup sets it."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import date

from core import formats
from core.money import format_euros

register = template.Library()


@register.simple_tag
def colon() -> str:
    return formats.colon()


@register.filter
def euros(value) -> str:
    """``50`` → ``50,00 €`` (``€50.00`` in English…): core.money's one way of showing euros, in the active
    language."""
    if value is None or value == "":
        return ""
    return format_euros(Decimal(value))


@register.filter(expects_localtime=True)
def clock(value) -> str:
    """A moment's time as the relatives' pages write it in the active language: « 9 h 00 », « 9:00 »."""
    return date(value, formats.clock_format()) if value else ""
