"""The home page's service "Faire un virement" (flyer 2a): a logged-in relative goes straight to the
"Pécule" tab of their space; a visitor still reads the guide first."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from tests.accounts.staff_login import login_staff
from tests.transfers.factories import RelativeFactory

pytestmark = pytest.mark.django_db


def service_href(client: Client, title: str) -> str:
    response = client.get("/")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    return re.search(rf'<h3 class="fr-card__title"><a href="([^"]*)">{re.escape(title)}</a></h3>', page).group(1)


def relative_client() -> Client:
    client = Client()
    client.force_login(RelativeFactory().user)  # no permit needed: any logged-in relative
    return client


def test_a_logged_in_relative_goes_from_faire_un_virement_to_the_pecule_tab(demo_site):
    client = relative_client()
    assert service_href(client, "Faire un virement") == "/mon-espace/pecule/"
    assert client.get("/mon-espace/pecule/").status_code == 200
    assert service_href(client, "Prendre un rendez-vous parloir") == "/mon-espace/"  # unchanged


def test_a_visitor_is_led_to_the_guide_as_before(client, demo_site):
    assert service_href(client, "Faire un virement") == "/alimentation-du-pecule/"


def test_staff_are_not_relatives_and_are_led_to_the_guide(client, demo_site, django_user_model):
    login_staff(client, django_user_model.objects.get(username="communication"))
    assert service_href(client, "Faire un virement") == "/alimentation-du-pecule/"


def test_load_demo_brings_an_older_home_page_up_to_date_and_keeps_the_teams_choice(demo_site):
    from sandbox.demo import load_demo

    raw = [dict(item, value={k: v for k, v in item["value"].items() if k != "relative_destination"})
           for item in demo_site.services.raw_data]
    demo_site.services = raw
    demo_site.save_revision().publish()
    client = relative_client()
    assert service_href(client, "Faire un virement") == "/alimentation-du-pecule/"  # the older page
    load_demo()
    assert service_href(client, "Faire un virement") == "/mon-espace/pecule/"

    demo_site.refresh_from_db()
    raw = list(demo_site.services.raw_data)
    raw[0]["value"]["relative_destination"] = ""  # the communication team chose the guide for everyone
    demo_site.services = raw
    demo_site.save_revision().publish()
    load_demo()
    assert service_href(client, "Faire un virement") == "/alimentation-du-pecule/"
