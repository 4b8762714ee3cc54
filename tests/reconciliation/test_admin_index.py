"""The back office's home page (/gestion/) leads to the reconciliation pages, for the staff who may
open them (régie, national, auditors read-only) and not for the greffe."""

import re

import pytest
from django.test import Client

from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff

from .helpers import establishment

pytestmark = pytest.mark.django_db


def home(role: str) -> tuple[Client, str]:
    client = Client()
    login_staff(client, StaffFactory(role=role, establishments=[establishment()]))
    page = client.get("/gestion/")
    assert page.status_code == 200
    return client, page.content.decode()


def links(html: str) -> set[str]:
    return set(re.findall(r'href="(/gestion/rapprochement/[^"]*)"', html))


@pytest.mark.parametrize("role", ["regie", "national", "auditeur"])
def test_the_home_page_links_to_the_reconciliation_pages_that_open(role):
    client, html = home(role)
    assert "Rapprochement bancaire" in html
    assert {"/gestion/rapprochement/", "/gestion/rapprochement/anomalies/", "/gestion/rapprochement/non-vus/",
            "/gestion/rapprochement/caisse/", "/gestion/rapprochement/remboursements/",
            "/gestion/rapprochement/rapport/"} <= links(html)
    for url in links(html):
        assert client.get(url).status_code == 200, url
    # The admin's own application list is still there.
    assert 'id="content-main"' in html and "/gestion/establishments/establishment/" in html


def test_only_the_regie_is_offered_the_statement_import():
    _client, regie = home("regie")
    _client, national = home("national")
    assert "/gestion/rapprochement/releves/importer/" in links(regie)
    assert "/gestion/rapprochement/releves/importer/" not in links(national)


def test_the_greffe_sees_no_reconciliation_link_and_may_not_open_the_pages():
    client, html = home("greffe")
    assert links(html) == set() and "Rapprochement bancaire" not in html
    assert client.get("/gestion/rapprochement/").status_code == 403
