"""Template helpers of the content site: the menus built from the page tree, the contact form's
fields."""

from __future__ import annotations

from django import template
from django.conf import settings

from ..constants import CONTACT_HONEYPOT_FIELD
from ..selectors import site_chrome

register = template.Library()


@register.simple_tag(takes_context=True)
def cms_menu_pages(context) -> list[dict]:
    """Live pages of the site's first level marked "show in menus" (Contact has its own entry)."""
    return site_chrome(context.get("request"))["menu"]


@register.simple_tag(takes_context=True)
def cms_footer_pages(context) -> list[dict]:
    """Live content pages of the site's first level marked for the footer."""
    return site_chrome(context.get("request"))["footer"]


@register.filter
def contact_fields(form) -> list:
    return [form[name] for name in form.fields if name != CONTACT_HONEYPOT_FIELD]


@register.filter
def honeypot(form):
    return form[CONTACT_HONEYPOT_FIELD] if CONTACT_HONEYPOT_FIELD in form.fields else None


@register.simple_tag
def support_email() -> str:
    return settings.SUPPORT_EMAIL
