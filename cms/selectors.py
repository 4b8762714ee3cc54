"""Reads of the content site: the site's root, its live pages, the search.

Languages (issue 18): the French tree is the source; each page may have a translation in English and Arabic
(Wagtail's simple translation: a copy in the locale's own tree, same ``translation_key``, the home page's copy a
sibling of the French one). The menus, the footer, the site map and the search show a page in the active
language when it has a live translation there, else the French page at the address of the active language
(served with the note « Cette page n'est pas encore traduite », cms.pages.home.HomePage.route)."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from wagtail.models import Locale, Page, Site

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


def active_locale() -> Locale | None:
    """Wagtail's Locale of the active language (None when it has no record)."""
    try:
        return Locale.get_active()
    except (LookupError, Locale.DoesNotExist):
        return None


def localized_root(request: HttpRequest) -> Page | None:
    """The site's home page in the active language: its live translation, else the French one."""
    root = site_root(request)
    return root.localized if root is not None else None


def address_in_language(page: Page, root: Page, language: str) -> str | None:
    """The address of ``page`` (a page of the tree under ``root``) under ``language``'s prefix: /en/guide/ for the
    French page /guide/. Served by Wagtail in that language, translated or not (HomePage.route)."""
    if not page.url_path.startswith(root.url_path):
        return None
    try:
        with translation.override(language):
            return reverse("wagtail_serve", args=[page.url_path[len(root.url_path):]])
    except NoReverseMatch:
        return None


def localized_links(pages, request: HttpRequest | None) -> list[dict]:
    """``{"title", "url"}`` of each page (French source pages) in the active language: its live translation,
    else the French page at the address of the active language."""
    pages = list(pages)
    locale = active_locale()
    root = site_root(request) if request is not None else None
    if not pages or locale is None or root is None or all(page.locale_id == locale.pk for page in pages):
        return [{"url": page.get_url(request), "title": page.title} for page in pages]
    translations = {
        page.translation_key: page
        for page in Page.objects.live().public().filter(
            locale=locale, translation_key__in=[page.translation_key for page in pages]
        ).only("title", "url_path", "translation_key", "locale_id", "depth", "path")
    }
    links = []
    for page in pages:
        translated = translations.get(page.translation_key)
        if translated is not None:
            links.append({"url": translated.get_url(request), "title": translated.title})
        else:
            url = address_in_language(page, root, locale.language_code) or page.get_url(request)
            links.append({"url": url, "title": page.title})
    return links


def search_pages(request: HttpRequest, query: str):
    """Live, public pages of the site in the active language matching ``query`` (Wagtail's search backend)."""
    root = localized_root(request)
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
    pages = list(Page.objects.live().public().descendant_of(root).order_by("path").only(
        "title", "path", "depth", "url_path", "translation_key", "locale_id"
    ))
    for page, link in zip(pages, localized_links(pages, request), strict=True):
        node = {**link, "children": []}
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
    return {"menu": localized_links(menu, request), "footer": localized_links(footer, request)}


def _new_chrome(request: HttpRequest | None) -> dict:
    # The version names this state of the chrome: the layout's cached fragments are keyed by it.
    return {**_chrome_links(request), "version": uuid.uuid4().hex}


def site_chrome(request: HttpRequest | None) -> dict:
    """The menu links (live pages of the site's first level shown in menus; Contact has its own entry) and
    the footer links (content pages marked for the footer) of the request's site in the active language, and
    the version of this state."""
    host = request.get_host() if request is not None else ""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language != settings.LANGUAGE_CODE:
        host = f"{host}|{language}"
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


def _split_language(path: str) -> tuple[str, str]:
    """(language, path without its prefix) of a relatives' address: /en/guide/ → ("en", "/guide/")."""
    parts = path.split("/", 2)
    codes = {code for code, _name in settings.LANGUAGES}
    if len(parts) > 2 and parts[0] == "" and parts[1] in codes and parts[1] != settings.LANGUAGE_CODE:
        return parts[1], "/" + parts[2]
    return settings.LANGUAGE_CODE, path


def page_at(path: str, site: Site | None = None) -> tuple[Page, str] | None:
    """The live page of the default site at ``path`` (any language prefix) and what follows its own address
    (a sub-route of the page, or ""), or None."""
    site = site or Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return None
    language, rest = _split_language(urlsplit(path).path or "/")
    locale = Locale.objects.filter(language_code=language).first()
    root = site.root_page
    if locale is not None and root.locale_id != locale.pk:
        root = root.get_translation_or_none(locale) or root
    components = [part for part in rest.split("/") if part]
    candidates = {
        root.url_path + "".join(f"{part}/" for part in components[:length]): length
        for length in range(len(components), -1, -1)
    }
    page = (Page.objects.live().filter(url_path__in=candidates, path__startswith=root.path)
            .order_by("-depth").first())
    if page is None:
        return None
    remainder = "".join(f"{part}/" for part in components[candidates[page.url_path]:])
    if remainder and not _has_subpage(page, remainder):
        return None  # not a page (/mon-espace/ under the home page)
    return page, remainder


def _has_subpage(page: Page, remainder: str) -> bool:
    """``remainder`` is one of the page's own routes (a RoutablePageMixin's, such as the guide's printable
    version)."""
    from django.urls import Resolver404
    from wagtail.contrib.routable_page.models import RoutablePageMixin

    specific = page.specific
    if not isinstance(specific, RoutablePageMixin):
        return False
    try:
        specific.resolve_subpage("/" + remainder)
    except Resolver404:
        return False
    return True


def translated_url(path: str, language: str) -> str | None:
    """The address of the content page at ``path`` (any language prefix) in ``language``, when ``path`` is a
    Wagtail page that has a live translation there; None otherwise (the caller falls back to the same route in
    that language)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        return None
    found = page_at(path)
    if found is None:
        return None
    page, remainder = found
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return None
    translated = page if page.locale_id == locale.pk else page.get_translation_or_none(locale)
    if translated is None or not translated.live:
        return None
    with translation.override(language):
        url = translated.get_url()
    if url is None:
        return None
    return url + remainder if url.endswith("/") else url


# -- the editors' report « Traductions manquantes » (cms.reports) ------------------------------------------------
def translation_locales() -> list[Locale]:
    """The Locale records of the languages other than French, in settings.WAGTAIL_CONTENT_LANGUAGES's order."""
    codes = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES if code != settings.LANGUAGE_CODE]
    by_code = {locale.language_code: locale for locale in Locale.objects.filter(language_code__in=codes)}
    return [by_code[code] for code in codes if code in by_code]


def pages_missing_translations(pages):
    """Of ``pages`` (a queryset of pages, those an editor may edit), the live French ones that lack a live
    translation in at least one other language, in the tree's order; each annotated ``has_<code>``."""
    from django.db.models import Exists, OuterRef, Q

    default = Locale.get_default()
    annotations = {
        f"has_{locale.language_code}": Exists(Page.objects.filter(
            translation_key=OuterRef("translation_key"), locale=locale, live=True,
        ))
        for locale in translation_locales()
    }
    if not annotations:
        return pages.none()
    missing = Q()
    for name in annotations:
        missing |= Q(**{name: False})
    return (pages.filter(locale=default, live=True, depth__gt=1).annotate(**annotations).filter(missing)
            .order_by("path"))


def missing_translations(page, locales: list[Locale]) -> list[dict]:
    """For a page of ``pages_missing_translations``: each language it lacks, with its draft translation if one
    was started (``{"locale", "draft"}``)."""
    lacking = [locale for locale in locales if not getattr(page, f"has_{locale.language_code}", True)]
    drafts = {
        draft.locale_id: draft
        for draft in Page.objects.filter(translation_key=page.translation_key, locale__in=lacking)
    }
    return [{"locale": locale, "draft": drafts.get(locale.pk)} for locale in lacking]


def page_url_in_active_language(page: Page) -> str | None:
    """A link to ``page`` written in a content page: its live translation in the active language, else (a French page
    not translated yet) its address under the active language's prefix, where it shows in French with the note —
    the reader keeps her language."""
    localized = page.localized
    locale = active_locale()
    if locale is None or localized.locale_id == locale.pk:
        return localized.url
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    root = site.root_page if site is not None else None
    if root is None or root.locale_id != page.locale_id:
        return localized.url
    return address_in_language(page, root, locale.language_code) or localized.url
