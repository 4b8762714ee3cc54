"""Template helpers of the content site: the menus built from the page tree, the contact form's
fields."""

from __future__ import annotations

from django import template
from django.conf import settings
from wagtail.models import Site

from ..constants import CONTACT_HONEYPOT_FIELD

register = template.Library()


def _site_root(request):
    site = Site.find_for_request(request) if request is not None else None
    return site.root_page if site is not None else None


@register.simple_tag(takes_context=True)
def cms_menu_pages(context) -> list[dict]:
    """Live pages of the site's first level marked "show in menus" (Contact has its own entry)."""
    from ..models import ContactPage, HomePage

    request = context.get("request")
    root = _site_root(request)
    if root is None or root.specific_class is not HomePage:
        return []
    pages = root.get_children().live().public().in_menu().not_type(ContactPage)
    return [{"url": p.url, "title": p.title} for p in pages]


@register.simple_tag(takes_context=True)
def cms_footer_pages(context) -> list[dict]:
    from ..models import ContentPage, HomePage

    request = context.get("request")
    root = _site_root(request)
    if root is None or root.specific_class is not HomePage:
        return []
    pages = ContentPage.objects.child_of(root).live().public().filter(show_in_footer=True)
    return [{"url": p.url, "title": p.title} for p in pages]


@register.filter
def contact_fields(form) -> list:
    return [form[name] for name in form.fields if name != CONTACT_HONEYPOT_FIELD]


@register.filter
def honeypot(form):
    return form[CONTACT_HONEYPOT_FIELD] if CONTACT_HONEYPOT_FIELD in form.fields else None


@register.simple_tag
def support_email() -> str:
    return settings.SUPPORT_EMAIL
