"""Template context of every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import dsfr_config, site_chrome


def site_config(request: HttpRequest) -> dict:
    """``SITE_CONFIG`` for django-dsfr's templates, as its own context processor gives it, but from the cache
    (its own reads the database twice on every page); ``site_chrome``: the menu and footer links and their
    version (cms.selectors.site_chrome), read when a template first uses them."""
    return {"SITE_CONFIG": dsfr_config(), "site_chrome": SimpleLazyObject(lambda: site_chrome(request))}
