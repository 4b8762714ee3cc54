"""Template helpers of the content site: the contact form's fields."""

from __future__ import annotations

from django import template
from django.conf import settings

from ..accessibility import declaration
from ..constants import CONTACT_HONEYPOT_FIELD

register = template.Library()


@register.filter
def contact_fields(form) -> list:
    return [form[name] for name in form.fields if name != CONTACT_HONEYPOT_FIELD]


@register.filter
def honeypot(form):
    return form[CONTACT_HONEYPOT_FIELD] if CONTACT_HONEYPOT_FIELD in form.fields else None


@register.simple_tag
def support_email() -> str:
    return settings.SUPPORT_EMAIL


@register.simple_tag
def accessibility_status() -> str:
    """The portal's RGAA status (« partiellement conforme »…), read from its declaration (cms.accessibility)."""
    return declaration().status
