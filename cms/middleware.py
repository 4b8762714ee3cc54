"""Wagtail's admin (/cms/) uses inline scripts and styles and shows previews in a frame: there, and
only there, the CSP allows them. The public site keeps the strict policy."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

ADMIN_PREFIX = "/cms/"
ADMIN_CSP = {
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-ancestors": ["'self'"],
}


class CmsAdminSecurityMiddleware:
    """Placed after csp.middleware.CSPMiddleware and XFrameOptionsMiddleware (it sees the response
    first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(ADMIN_PREFIX):
            response._csp_replace = {**ADMIN_CSP, **(getattr(response, "_csp_replace", None) or {})}
            if "X-Frame-Options" not in response:
                response["X-Frame-Options"] = "SAMEORIGIN"
        return response
