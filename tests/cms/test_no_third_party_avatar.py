"""Wagtail's admin shows no avatar fetched from gravatar.com: a staff member's e-mail (hashed) would go to a third
party, and the CSP's img-src refuses the image (a console error on every page of /cms/)."""

import pytest

from tests.accounts.staff_login import client_for

pytestmark = pytest.mark.django_db


def test_the_cms_dashboard_asks_no_third_party_for_the_editors_avatar(communication):
    communication.email = "communication@demo.justice.gouv.fr"
    communication.save()
    response = client_for(communication).get("/cms/")
    assert response.status_code == 200
    assert "gravatar" not in response.content.decode()
