"""Views of the content site outside the page tree: the site search, and the bridge that lets the
fixed URLs ("/", "/contact/", "/accessibilite/") be served by Wagtail pages once they exist."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.pages.ordering import set_page_position as wagtail_set_page_position
from wagtail.models import Page
from wagtail.views import serve as wagtail_serve

from .forms import SiteSearchForm
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
    form = SiteSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = Paginator(search_pages(request, query), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "cms/search.html",
        {"form": form, "query": query, "results": results, "title": _("Rechercher"),
         "description": _("Rechercher dans les pages du portail des proches.")},
    )


@never_cache
@require_admin_access
def set_page_position(request: HttpRequest, page_to_move_id: int) -> HttpResponse:
    """Wagtail's "move this page among its siblings" (/cms/pages/<id>/set_position/), except for the tree's root,
    which has no siblings (Wagtail's own view failed on it with a 500: it has no parent)."""
    if not Page.objects.filter(pk=page_to_move_id, depth__gt=1).exists():
        raise Http404
    return wagtail_set_page_position(request, page_to_move_id)
