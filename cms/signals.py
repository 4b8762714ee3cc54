"""Drop the cached site chrome (cms.selectors.site_chrome, dsfr_config) when what it is built from changes:
a page is published, unpublished, moved, saved or deleted, a site or the DSFR configuration changes. At once
and again after the commit, so that no page caches the old state in between."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, Site, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from .selectors import forget_site_chrome


def _forget(**kwargs) -> None:
    forget_site_chrome()
    transaction.on_commit(forget_site_chrome)


def connect() -> None:
    from dsfr.models import DsfrConfig

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_forget, dispatch_uid=f"cms-chrome-{id(signal)}")
    for model in (Page, *get_page_models(), Site, DsfrConfig):
        for signal in (post_save, post_delete):
            signal.connect(_forget, sender=model, dispatch_uid=f"cms-chrome-{model._meta.label}-{id(signal)}")
