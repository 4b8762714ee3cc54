"""Reads of the content site: the site's root, its live pages, the search."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.http import HttpRequest
from wagtail.models import Page, Site

from .models import ContactPage, ContentPage, HomePage


def site_root(request: HttpRequest) -> Page | None:
    site = Site.find_for_request(request)
    return site.root_page if site is not None else None


def cms_home(request: HttpRequest):
    """The site's Wagtail home page, when the content site is set up (else None)."""
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


def site_map_pages(request: HttpRequest) -> list[dict]:
    """The live, public content pages under the site's home page, as a tree for the "Plan du site": each
    ``{"title", "url", "children"}``, in the tree's order."""
    root = site_root(request)
    if root is None:
        return []
    top: list[dict] = []
    by_path: dict[str, dict] = {}
    for page in Page.objects.live().public().descendant_of(root).order_by("path").only(
        "title", "path", "depth", "url_path"
    ):
        node = {"title": page.title, "url": page.get_url(request), "children": []}
        parent = by_path.get(page.path[: -Page.steplen])
        if page.depth == root.depth + 1:
            top.append(node)
        elif parent is None:
            continue  # under a page that is not listed (not live or private)
        else:
            parent["children"].append(node)
        by_path[page.path] = node
    return top


# -- the site's chrome (menu, footer, DSFR configuration), read on every page ------------------
# Cached in the shared cache and dropped by cms.signals whenever a page, a site or the DSFR
# configuration changes: without it every page of the portal costs seven queries for links that
# change a few times a year.
CHROME_CACHE_KEY = "cms:site-chrome"
CHROME_CACHE_SECONDS = 24 * 3600
CHROME_MAX_HOSTS = 20
DSFR_CONFIG_CACHE_KEY = "cms:dsfr-config"


def _chrome_links(request: HttpRequest | None) -> dict:
    root = site_root(request) if request is not None else None
    if root is None or root.specific_class is not HomePage:
        return {"menu": [], "footer": []}
    menu = root.get_children().live().public().in_menu().not_type(ContactPage)
    footer = ContentPage.objects.child_of(root).live().public().filter(show_in_footer=True)
    return {
        "menu": [{"url": p.url, "title": p.title} for p in menu],
        "footer": [{"url": p.url, "title": p.title} for p in footer],
    }


def _new_chrome(request: HttpRequest | None) -> dict:
    # The version names this state of the chrome: the layout's cached fragments are keyed by it.
    return {**_chrome_links(request), "version": uuid.uuid4().hex}


def site_chrome(request: HttpRequest | None) -> dict:
    """The menu links (live pages of the site's first level shown in menus; Contact has its own entry) and
    the footer links (content pages marked for the footer) of the request's site, and the version of
    this state."""
    host = request.get_host() if request is not None else ""
    by_host = cache.get(CHROME_CACHE_KEY) or {}
    chrome = by_host.get(host)
    if chrome is None:
        chrome = _new_chrome(request)
        if len(by_host) >= CHROME_MAX_HOSTS:
            by_host = {}
        cache.set(CHROME_CACHE_KEY, {**by_host, host: chrome}, CHROME_CACHE_SECONDS)
    return chrome


def dsfr_config():
    """django-dsfr's site configuration in the current language, else the first one (as its own context
    processor finds it), from the cache."""
    from django.utils.translation import get_language
    from dsfr.models import DsfrConfig

    language = get_language() or ""
    by_language = cache.get(DSFR_CONFIG_CACHE_KEY) or {}
    if language not in by_language:
        config = DsfrConfig.objects.filter(language=language).first() or DsfrConfig.objects.first()
        by_language = {**by_language, language: config}
        cache.set(DSFR_CONFIG_CACHE_KEY, by_language, CHROME_CACHE_SECONDS)
    return by_language[language]


def forget_site_chrome() -> None:
    """Drop the cached chrome: the next page reads it again (cms.signals calls this on every change)."""
    cache.delete_many([CHROME_CACHE_KEY, DSFR_CONFIG_CACHE_KEY])


def translated_url(path: str, language: str) -> str | None:
    """The address of the content page at ``path`` in ``language``, when ``path`` is a Wagtail page that has a
    translation there; None otherwise (the caller falls back to the same route in that language)."""
    return None
