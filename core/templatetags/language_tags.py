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
from django.urls import Resolver404, get_resolver, reverse, translate_url
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

from core import languages

register = template.Library()


def _labels() -> dict[str, str]:
    """Each language's name in itself (settings.LANGUAGES, from Django's LANG_INFO), written after its code as the
    DSFR does ("EN - English")."""
    return dict(settings.LANGUAGES)


@register.simple_tag
def text_direction() -> str:
    return languages.direction()


def on_relatives_side(request) -> bool:
    """True when ``request``'s address is one of the relatives' side (config.urls' ``i18n_patterns``: it has an
    address in each language); the staff's pages (/gestion/, /cms/), the stand-ins (/sandbox/) are not (a staff page
    of the relatives' side, the ProConnect error, empties base.html's ``language_selector`` block)."""
    if request is None:
        return False
    path = request.path_info
    for pattern in get_resolver(getattr(request, "urlconf", None)).url_patterns:
        try:
            match = pattern.resolve(path[1:]) if hasattr(pattern, "resolve") else None
        except Resolver404:
            continue
        if match is not None:
            return isinstance(getattr(pattern, "pattern", None), LocalePrefixPattern)
    # An address nothing answers (a 404): the relatives' side when it carries a language's prefix or no staff one.
    return translation.get_language_from_path(path) is not None or not path.startswith(
        ("/gestion/", "/cms/", "/sandbox/", "/documents/"))


@register.inclusion_tag("includes/language_selector.html", takes_context=True)
def language_selector(context, to_home: bool = False) -> dict:
    """``to_home``: the chosen language leads to the home page, not back here (an error page: its address,
    another relative's reference say, is never echoed)."""
    request = context.get("request")
    if not on_relatives_side(request):
        return {"enabled": False}
    current = translation.get_language()
    return {
        "enabled": True,
        "current": current,
        "current_label": _labels().get(current, current),
        "languages": [{"code": code, "label": _labels().get(code, name), "current": code == current,
                       "direction": languages.direction(code)} for code, name in settings.LANGUAGES],
        "next": reverse("home") if to_home else _next_address(request),
        "csrf_token": context.get("csrf_token"),
    }


def _next_address(request) -> str:
    """The page to show again in the chosen language: this one, with its query; the home page after a return
    from outside (FranceConnect's, the logout's: their address answers once, and its query is the outside
    world's, never echoed back)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and getattr(match.func, "follows_session_language", False):
        return reverse("home")
    return request.get_full_path()


@register.inclusion_tag("includes/language_alternates.html", takes_context=True)
def language_alternates(context) -> dict:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if not on_relatives_side(request) or getattr(getattr(match, "func", None), "follows_session_language", False):
        return {"links": []}
    links = []
    for code in languages.language_codes():
        url = translate_url(request.path, code)
        links.append({"code": code, "href": request.build_absolute_uri(url)})
    return {"links": links}
