"""The CSP of Wagtail's admin (/cms/) and of its previews.

Wagtail's admin uses inline scripts and styles: there, and only there, the CSP allows them. The
public site keeps the strict policy.

Framing: every response keeps ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY`` (settings),
except the previews that Wagtail's preview panel shows in a frame of the admin, for an editor (a
logged-in user with access to /cms/): there the portal's own origin may frame them
(``frame-ancestors 'self'``, ``X-Frame-Options: SAMEORIGIN``). A preview is rendered by Wagtail
through the whole middleware chain a second time, with a dummy request to the page's public address
(``request.is_dummy`` and ``request.is_preview``, see ``wagtail.models.PreviewableMixin``); that inner
response's headers are the ones the browser gets. The admin's preview views themselves (their
"preview not available" page) are framed likewise."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

ADMIN_PREFIX = "/cms/"
ADMIN_CSP = {
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
}
PREVIEW_FRAME_ANCESTORS = {"frame-ancestors": ["'self'"]}
# The admin's views whose responses the preview panel frames (pages and snippets, on edit and on add).
ADMIN_PREVIEW_VIEWS = ("preview_on_edit", "preview_on_add")


def is_editor(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))


def is_framed_preview(request: HttpRequest) -> bool:
    """A preview that Wagtail's preview panel shows in a frame, asked for by an editor."""
    if getattr(request, "is_dummy", False) and getattr(request, "is_preview", False):
        return is_editor(request)
    match = getattr(request, "resolver_match", None)
    return bool(request.path.startswith(ADMIN_PREFIX) and match is not None
                and match.url_name in ADMIN_PREVIEW_VIEWS and is_editor(request))


class CmsAdminSecurityMiddleware:
    """Placed after csp.middleware.CSPMiddleware and XFrameOptionsMiddleware (it sees the response
    first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        replace = dict(getattr(response, "_csp_replace", None) or {})
        if request.path.startswith(ADMIN_PREFIX):
            replace = {**ADMIN_CSP, **replace}
        if is_framed_preview(request):
            replace.update(PREVIEW_FRAME_ANCESTORS)
            response["X-Frame-Options"] = "SAMEORIGIN"
        if replace:
            response._csp_replace = replace
        return response
