"""Reads of the content site: the site's root, its live pages, the search."""

from __future__ import annotations

from django.http import HttpRequest
from wagtail.models import Page, Site


def site_root(request: HttpRequest) -> Page | None:
    site = Site.find_for_request(request)
    return site.root_page if site is not None else None


def cms_home(request: HttpRequest):
    """The site's Wagtail home page, when the content site is set up (else None)."""
    from .models import HomePage

    root = site_root(request)
    if root is None or root.specific_class is not HomePage or not root.live:
        return None
    return root


def search_pages(request: HttpRequest, query: str):
    """Live, public pages of the site matching ``query`` (Wagtail's search backend)."""
    root = site_root(request)
    if root is None or not query:
        return Page.objects.none()
    return Page.objects.live().public().descendant_of(root, inclusive=True).specific().search(query)
