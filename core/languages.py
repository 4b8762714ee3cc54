"""The relatives' languages (French, the source and the default; English; Arabic, right to left): which one a
request speaks, where the choice is kept, and the same page's address in another language.

- A page of the relatives' side has one address per language: ``/mon-espace/`` in French, ``/en/mon-espace/``
  and ``/ar/mon-espace/`` (config.urls: ``i18n_patterns``, French unprefixed). A shared link opens in its
  language, whoever opens it.
- The choice is kept in the session (``SESSION_KEY``: the language of the last page of the relatives' side she
  read, so that FranceConnect's return lands in it) and, for a logged-in relative, in her profile
  (``Relative.language``: the header's selector, and the login) — her e-mails, receipts and .ics use it.
- The staff side (/gestion/, /cms/), the stand-ins and the outside world's returns speak French.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, get_resolver
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "langue"


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def is_language(code: str | None) -> bool:
    return code in language_codes()


def direction(language: str | None = None) -> str:
    """``rtl`` or ``ltr``: the ``dir`` of ``<html>`` in ``language`` (the active one by default), from Django's
    LANG_INFO (``bidi``): a language added later needs no code."""
    code = language or translation.get_language() or settings.LANGUAGE_CODE
    try:
        return "rtl" if translation.get_language_info(code)["bidi"] else "ltr"
    except KeyError:
        return "ltr"


def session_language(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    code = session.get(SESSION_KEY) if session is not None else None
    return code if is_language(code) else None


def remember(request: HttpRequest, language: str) -> None:
    """Keeps ``language`` in the session (written only when it changes; French, the default, never opens a
    session of its own)."""
    session = getattr(request, "session", None)
    if session is None or not is_language(language):
        return
    if session.get(SESSION_KEY, settings.LANGUAGE_CODE) != language:
        session[SESSION_KEY] = language


def safe_next(request: HttpRequest, target: str | None) -> str | None:
    """``target`` when it is an address of this portal (never another site), else None."""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return None


def follows_session_language(view):
    """Marks a view reached without a language in its address (FranceConnect's and the logout's returns): it
    answers in the session's language (``LanguageMiddleware.process_view``)."""
    view.follows_session_language = True
    return view


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (the address's prefix, French without one), and: the language of a page of the
    relatives' side kept in the session; a view marked ``follows_session_language`` answering in it."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        prefixed = translation.get_language_from_path(request.path_info)
        if prefixed is None and getattr(view_func, "follows_session_language", False):
            language = session_language(request)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return None

    def process_response(self, request, response):
        match = getattr(request, "resolver_match", None)
        if (request.method == "GET" and match is not None and response.status_code == 200
                and _on_relatives_side(request) and not getattr(match.func, "follows_session_language", False)):
            remember(request, translation.get_language())
        return super().process_response(request, response)


def _on_relatives_side(request: HttpRequest) -> bool:
    """A page whose address carries its language (config.urls' ``i18n_patterns``): the relatives' side."""
    for pattern in get_resolver(getattr(request, "urlconf", None)).url_patterns:
        if isinstance(getattr(pattern, "pattern", None), LocalePrefixPattern):
            try:
                match = pattern.resolve(request.path_info[1:])
            except Resolver404:
                return False
            return match.func == request.resolver_match.func
    return False
