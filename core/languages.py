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
# The staff's and the stand-ins' addresses: French, no selector.
STAFF_PREFIXES = ("/gestion/", "/cms/", "/sandbox/", "/documents/")


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


def is_return_from_outside(request: HttpRequest | None) -> bool:
    """The request reached a view marked ``follows_session_language`` (FranceConnect's or the logout's return):
    its address answers once and carries the outside world's query."""
    match = getattr(request, "resolver_match", None)
    return bool(match is not None and getattr(match.func, "follows_session_language", False))


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
        if (request.method == "GET" and getattr(request, "resolver_match", None) is not None
                and response.status_code == 200 and on_relatives_side(request) and not is_return_from_outside(request)):
            remember(request, translation.get_language())
        return super().process_response(request, response)


def on_relatives_side(request: HttpRequest | None) -> bool:
    """True when ``request``'s address is one of the relatives' side (config.urls' ``i18n_patterns``: it has an
    address in each language, content pages included); the staff's pages (/gestion/, /cms/) and the stand-ins
    (/sandbox/) are not. An address nothing answers (a 404) is theirs when it carries a language's prefix or no
    staff one. Worked out once per request (the middleware, the selector and the alternates all ask)."""
    if request is None:
        return False
    cached = getattr(request, "_on_relatives_side", None)
    if cached is None:
        cached = request._on_relatives_side = _resolves_under_a_language(request.path_info, request)
    return cached


def _resolves_under_a_language(path: str, request: HttpRequest) -> bool:
    for pattern in get_resolver(getattr(request, "urlconf", None)).url_patterns:
        try:
            match = pattern.resolve(path[1:]) if hasattr(pattern, "resolve") else None
        except Resolver404:
            continue
        if match is not None:
            return isinstance(getattr(pattern, "pattern", None), LocalePrefixPattern)
    return translation.get_language_from_path(path) is not None or not path.startswith(STAFF_PREFIXES)
