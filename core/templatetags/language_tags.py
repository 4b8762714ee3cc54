"""The relatives' languages in the page's chrome (templates/base.html, error_base.html):

- ``{% text_direction %}``: ``rtl`` or ``ltr``, the ``dir`` of ``<html>`` in the active language;
- ``{% language_selector %}``: the DSFR « Sélecteur de langue » of the header (includes/language_selector.html),
  one form posting to /langue/ (config.views.choose_language) with the current address as ``next``; only on a
  page of the relatives' side (an address under config.urls' ``i18n_patterns``), never on the staff's or the
  stand-ins' pages, which speak French;
- ``{% language_alternates %}``: the ``<link rel="alternate" hreflang>`` of the page's addresses in each language.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation

from core import languages

register = template.Library()



@register.simple_tag
def text_direction() -> str:
    return languages.direction()


@register.inclusion_tag("includes/language_selector.html", takes_context=True)
def language_selector(context, to_home: bool = False) -> dict:
    """``to_home``: the chosen language leads to the home page, not back here (an error page: its address,
    another relative's reference say, is never echoed)."""
    request = context.get("request")
    if not languages.on_relatives_side(request):
        return {"enabled": False}
    current = translation.get_language()
    return {
        "enabled": True,
        "current": current,
        "current_label": dict(settings.LANGUAGES).get(current, current),
        "languages": [{"code": code, "label": name, "current": code == current,
                       "direction": languages.direction(code)} for code, name in settings.LANGUAGES],
        "next": reverse("home") if to_home else _next_address(request),
        "csrf_token": context.get("csrf_token"),
    }


def _next_address(request) -> str:
    """The page to show again in the chosen language: this one, with its query; the home page after a return
    from outside (FranceConnect's, the logout's: their address answers once, and its query is the outside
    world's, never echoed back)."""
    if languages.is_return_from_outside(request):
        return reverse("home")
    return request.get_full_path()


@register.inclusion_tag("includes/language_alternates.html", takes_context=True)
def language_alternates(context) -> dict:
    request = context.get("request")
    if not languages.on_relatives_side(request) or languages.is_return_from_outside(request):
        return {"links": []}
    links = []
    for code in languages.language_codes():
        url = translate_url(request.path, code)
        links.append({"code": code, "href": request.build_absolute_uri(url)})
    return {"links": links}
