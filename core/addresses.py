"""The portal's own address and its stand-ins' (sandbox/) on the embedded default, whatever host and port it runs on.

``make run PORT=8822`` serves the portal, and the stand-ins of FranceConnect, ProConnect and the demo bank, at
http://127.0.0.1:8822 (or http://localhost:8822), while ``PORTAL_BASE_URL`` keeps its default,
http://127.0.0.1:8000. On the embedded default (``PORTAL_BASE_URL_FROM_REQUEST``: not production, stand-ins on,
``PORTAL_BASE_URL`` not set), ``RequestOriginMiddleware`` keeps the scheme and host the browser used (a host
``ALLOWED_HOSTS`` accepts) for the time of the request, and:

- ``portal_base_url()`` is that origin: the portal's return addresses given to the providers and the banks (OIDC
  ``redirect_uri``, ``post_logout_redirect_uri``, the bank's report URLs) bring the browser back to the host its
  session cookie belongs to;
- ``rebased(url)`` moves an address under the configured ``PORTAL_BASE_URL`` (the stand-ins' issuers, the demo
  bank's STET API stored by ``load_demo``) onto that origin, for the redirects the browser follows and for the
  server-to-server calls (token, userinfo, JWKS, the bank's API) alike.

Anything set explicitly is kept: ``PORTAL_BASE_URL`` in the environment (``make stack``, production) turns this
off, and an issuer or a bank at another address is never moved. Outside a request (a Celery worker, an operator
command) both give the configured addresses.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

_request_origin: ContextVar[str | None] = ContextVar("portal_request_origin", default=None)


def follows_request() -> bool:
    """Whether the portal's address is taken from each request (the embedded default)."""
    return bool(getattr(settings, "PORTAL_BASE_URL_FROM_REQUEST", False))


def request_origin() -> str | None:
    """``scheme://host[:port]`` of the request being served, on the embedded default; None otherwise."""
    return _request_origin.get() if follows_request() else None


def portal_base_url() -> str:
    """The portal's address as the browser reaches it (the embedded default), else ``PORTAL_BASE_URL``."""
    return request_origin() or settings.PORTAL_BASE_URL.rstrip("/")


def rebased(url: str) -> str:
    """``url`` moved from the configured ``PORTAL_BASE_URL`` onto the request's origin (the embedded default);
    any other address unchanged."""
    origin = request_origin()
    base = settings.PORTAL_BASE_URL.rstrip("/")
    if origin and (url == base or url.startswith(f"{base}/")):
        return origin + url[len(base):]
    return url


class RequestOriginMiddleware:
    """Keeps the request's origin for ``portal_base_url()`` and ``rebased()`` (embedded default only)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not follows_request():
            return self.get_response(request)
        try:
            origin = f"{request.scheme}://{request.get_host()}"
        except DisallowedHost:  # refused further on (CommonMiddleware); nothing derived from it meanwhile
            origin = None
        token = _request_origin.set(origin)
        try:
            return self.get_response(request)
        finally:
            _request_origin.reset(token)
