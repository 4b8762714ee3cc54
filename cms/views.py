"""Views of the content site outside the page tree: the site search, and the bridge that lets the
fixed URLs ("/", "/contact/", "/accessibilite/") be served by Wagtail pages once they exist."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.views import serve as wagtail_serve

from .selectors import cms_home, search_pages

RESULTS_PER_PAGE = 10


def serve_cms_page(request: HttpRequest, path: str) -> HttpResponse | None:
    """Wagtail's answer for ``path`` when the site's home page is a HomePage and a live page is there;
    None otherwise (the caller falls back to its own template)."""
    if cms_home(request) is None:
        return None
    try:
        return wagtail_serve(request, path)
    except Http404:
        return None


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:200]
    results = Paginator(search_pages(request, query), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "cms/search.html",
        {"query": query, "results": results, "title": _("Rechercher"),
         "description": _("Rechercher dans les pages du portail des proches.")},
    )
