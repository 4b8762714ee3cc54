"""URL form fields assume https without the deprecated FORMS_URLFIELD_ASSUME_HTTPS setting: loading the
settings warns about nothing, and every URL field of the back office and of the CMS editor passes
``assume_scheme="https"`` itself (Django 5.0 release notes), so "banque.example/stet" still becomes
"https://banque.example/stet", as it will by default in Django 6."""

from __future__ import annotations

import warnings

import pytest
from django import forms
from django.conf import Settings
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.utils.deprecation import RemovedInDjango60Warning
from wagtail.models import Page, get_page_models


def test_loading_the_settings_raises_no_django_6_deprecation_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Settings("config.settings")
    assert [str(w.message) for w in caught if issubclass(w.category, RemovedInDjango60Warning)] == []


def _assert_https(formfield, where: str) -> None:
    assert formfield.assume_scheme == "https", where
    assert formfield.clean("banque.example/stet/v1") == "https://banque.example/stet/v1", where
    assert formfield.clean("http://banque.example/") == "http://banque.example/", where  # explicit scheme kept


@pytest.mark.django_db
def test_every_url_field_of_the_back_office_assumes_https(admin_user):
    request = RequestFactory().get("/gestion/")
    request.user = admin_user
    checked = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", RemovedInDjango60Warning)
        for model, model_admin in admin.site._registry.items():
            # The form the admin builds (read-only fields, such as a transfer's consent URL, are not in it).
            form_classes = [(model, model_admin.get_form(request, None))] + [
                (inline.model, inline.get_formset(request, None).form)
                for inline in model_admin.get_inline_instances(request, None)
            ]
            for form_model, form_class in form_classes:
                for name, formfield in form_class.base_fields.items():
                    if isinstance(formfield, forms.URLField):
                        _assert_https(formfield, f"{form_model.__name__}.{name}")
                        checked.append(f"{form_model.__name__}.{name}")
    assert {"Bank.api_base_url", "DsfrConfig.notice_link", "DsfrSocialMedia.url"} <= set(checked)


@pytest.mark.django_db
def test_every_url_field_of_the_cms_editor_assumes_https():
    checked = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", RemovedInDjango60Warning)
        for page_model in get_page_models():
            if page_model is Page:
                continue
            url_fields = {f.name for f in page_model._meta.get_fields() if isinstance(f, models.URLField)}
            form_class = page_model.get_edit_handler().get_form_class()
            for name, formfield in form_class.base_fields.items():
                if name in url_fields:
                    _assert_https(formfield, f"{page_model.__name__}.{name}")
                    checked.append(f"{page_model.__name__}.{name}")
    assert "TutorialPage.embed_url" in checked
