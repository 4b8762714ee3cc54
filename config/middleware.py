"""Requests refused before any view runs, with a French error page (templates/400.html) and nothing changed:

- ``PublicRequestSizeMiddleware``: a public request (outside the back office /gestion/ and the CMS /cms/) whose
  body is larger than ``PUBLIC_REQUEST_MAX_BYTES`` (413): no public form needs more, and a message of several
  megabytes must not be stored nor e-mailed;
- ``NulByteMiddleware``: a request with a NUL byte in its path, its query string, its form's keys or values, its
  uploaded files' names or its cookies (400): PostgreSQL refuses NUL in text, and no real input contains one.

``BadLookupMiddleware`` answers the same 400 page when a view (often a third party's: the admin's history pages,
Wagtail's choosers and filters, import-export's export) lets the request's input reach the database unchecked
and it cannot be turned into a query value: a malformed id in the path (``/history/'"/``), a date out of the
database's range (year 1 in Paris time is year 0 in UTC), the admin's lookup parameters outside its changelist, a
page number that does not exist (Wagtail's workflow page, ``?p=-1``).
Only those exceptions, recognised by where they were raised; each is logged with its traceback (a warning), so
that a view of ours that should have checked its input is still seen.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.core.paginator import InvalidPage
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

NUL = "\x00"
# Where staff work: their uploads (statements, GENESIS exports) and page bodies are bounded by their own rules.
BACK_OFFICE_PREFIXES = ("/gestion/", "/cms/")


def refusal(*, status: int, reason: str = "") -> HttpResponse:
    """The French error page of a refused request; rendered without the request (no database, no session). The
    middleware that refuse sit before the ones that write the security headers: the page carries its own (the
    same policy: nothing framed, nothing but the portal's own style sheets)."""
    response = HttpResponse(render_to_string("400.html", {"status": status, "reason": reason}), status=status)
    response["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; font-src 'self' data:; frame-ancestors 'none'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'"
    )
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = settings.SECURE_REFERRER_POLICY
    response["Cross-Origin-Opener-Policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
    response["Cache-Control"] = "no-store"
    return response


def _has_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


def _query_dict_has_nul(data) -> bool:
    return _has_nul(data.keys()) or any(_has_nul(values) for values in data.lists())


class PublicRequestSizeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(BACK_OFFICE_PREFIXES):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return refusal(status=400)
            if length > settings.PUBLIC_REQUEST_MAX_BYTES:
                return refusal(status=413, reason=_(
                    "Votre envoi est trop volumineux. Raccourcissez votre message et réessayez."
                ))
        return self.get_response(request)


class NulByteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            return refusal(status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if NUL in request.path or NUL in request.path_info or _query_dict_has_nul(request.GET):
            return True
        if _has_nul(request.COOKIES.keys()) or _has_nul(request.COOKIES.values()):
            return True
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                post, files = request.POST, request.FILES
            except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError):
                return False  # Django answers these itself (400) when the view reads the form
            if _query_dict_has_nul(post) or _has_nul(files.keys()):
                return True
            return any(NUL in (upload.name or "") for upload in files.values())
        return False


# Where a value is turned into a query's parameter: an exception raised there comes from a value the database
# cannot hold (a malformed id, an out-of-range date), not from the view's own logic.
LOOKUP_PREPARATION = (
    ("django/db/models/lookups.py", ("get_prep_lookup", "get_db_prep_lookup", "process_rhs")),
    ("django/db/models/fields/__init__.py", ("get_prep_value", "get_db_prep_value", "to_python")),
    ("django/db/backends/", ("adapt_datetimefield_value", "adapt_datefield_value")),
)


def _raised_preparing_a_lookup(exception: BaseException) -> bool:
    for frame, _line in traceback.walk_tb(exception.__traceback__):
        path = frame.f_code.co_filename.replace("\\", "/")
        for module, functions in LOOKUP_PREPARATION:
            if module in path and frame.f_code.co_name in functions:
                return True
    return False


class BadLookupMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        bad_input = isinstance(exception, (OverflowError, IncorrectLookupParameters, InvalidPage)) or (
            isinstance(exception, (ValueError, TypeError, ValidationError)) and _raised_preparing_a_lookup(exception)
        )
        if not bad_input:
            return None
        logger.warning(
            "Requête refusée (donnée invalide) : %s %s", request.method, request.path[:200], exc_info=exception
        )
        return refusal(status=400)
