"""Template context of every page."""

from __future__ import annotations

from django.http import HttpRequest

from .selectors import dsfr_config


def site_config(request: HttpRequest) -> dict:
    """``SITE_CONFIG`` for django-dsfr's templates, as its own context processor gives it, but from the cache
    (its own reads the database twice on every page)."""
    return {"SITE_CONFIG": dsfr_config()}
