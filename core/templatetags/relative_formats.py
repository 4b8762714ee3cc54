"""The relatives' formats in templates (core.formats), in the active language: ``{% colon %}`` between a label
and its value (`` : `` in French, ``: `` in English and Arabic), for plain-text e-mails where no markup sets it."""

from django import template

from core import formats

register = template.Library()


@register.simple_tag
def colon() -> str:
    return formats.colon()
