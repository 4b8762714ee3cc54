"""The preview panel of /cms/ shows the page in a frame of the admin: the portal's own origin may frame
the previews, for an editor only; every other response (the admin's other pages, the public site, a
preview asked for without an editor's session) keeps frame-ancestors 'none' and X-Frame-Options DENY."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.accounts.staff_login import login_staff
from tests.cms.factories import ContentPageFactory


@pytest.fixture
def page(home):
    return ContentPageFactory(parent=home, title="Page à prévisualiser", slug="a-previsualiser")


def frame_ancestors(response) -> str:
    return re.search(r"frame-ancestors ([^;]+)", response.headers["Content-Security-Policy"]).group(1)


def preview(client, page, *, title: str):
    """What the preview panel does: post the edit form's data, then load the preview in its frame."""
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    data = nested_form_data({
        "title": title, "slug": page.slug, "intro": rich_text("<p>Intro</p>"), "body": streamfield([]),
        "seo_title": "", "search_description": "", "comments": inline_formset([]),
    })
    posted = client.post(url, data)
    assert posted.status_code == 200 and posted.json()["is_valid"], posted.content
    return client.get(url, {"mode": ""})


@pytest.mark.django_db
def test_an_editor_s_preview_may_be_framed_by_the_portal_itself(client, communication, page):
    login_staff(client, communication)
    response = preview(client, page, title="Titre en cours de rédaction")
    assert response.status_code == 200
    assert "<h1>Titre en cours de rédaction</h1>" in response.content.decode()
    assert frame_ancestors(response) == "'self'"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    # The previewed page keeps the public site's strict policy otherwise (no inline script nor style).
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


@pytest.mark.django_db
def test_the_preview_not_available_page_may_be_framed_too(client, communication, page):
    login_staff(client, communication)
    response = client.get(reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]))  # nothing posted yet
    assert response.status_code == 200
    assert frame_ancestors(response) == "'self'" and response.headers["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.django_db
def test_every_other_response_may_not_be_framed(client, communication, page):
    anonymous = Client().get(reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]))
    assert anonymous.status_code == 302  # to the login page
    assert frame_ancestors(anonymous) == "'none'" and anonymous.headers["X-Frame-Options"] == "DENY"
    login_page = Client().get("/cms/login/")
    assert frame_ancestors(login_page) == "'none'" and login_page.headers["X-Frame-Options"] == "DENY"
    login_staff(client, communication)
    for url in ("/cms/", reverse("wagtailadmin_pages:edit", args=[page.pk]), page.url, "/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert frame_ancestors(response) == "'none'", url
        assert response.headers["X-Frame-Options"] == "DENY", url


@pytest.mark.django_db
def test_a_preview_rendered_without_an_editor_s_session_may_not_be_framed(page):
    response = page.make_preview_request()  # Wagtail's dummy request, with no session
    assert response.status_code == 200
    assert frame_ancestors(response) == "'none'" and response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_a_relative_s_preview_request_is_not_an_editor_s(client, page):
    from tests.transfers.factories import RelativeFactory

    client.force_login(RelativeFactory().user)
    response = page.make_preview_request(original_request=_request_with_cookies(client))
    assert frame_ancestors(response) == "'none'" and response.headers["X-Frame-Options"] == "DENY"


def _request_with_cookies(client):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.META["HTTP_COOKIE"] = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    return request
