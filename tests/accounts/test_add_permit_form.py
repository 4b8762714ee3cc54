""""Ajouter un permis de visite": the required fields announced before sending (RGAA 11.10), the hint and the
error of each field tied to it by ids that exist (RGAA 8.2), an error summary at the top and "Erreur : " in the
title; bad input registers nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from permits.models import RegisteredPermit

from ..formcheck import assert_accessible_form, error_summary, input_tag, text, title
from ..transfers.factories import RelativeFactory

pytestmark = pytest.mark.django_db
URL = "/mon-espace/permis/ajouter/"


@pytest.fixture
def client():
    relative = RelativeFactory()
    client = Client()
    client.force_login(relative.user)
    return client


def test_the_form_announces_its_required_fields(client):
    page = text(client.get(URL))
    assert_accessible_form(page)
    assert '<form method="post" action="/mon-espace/permis/ajouter/" novalidate>' in page
    assert page.index("Les champs marqués d'un astérisque * sont obligatoires.") < page.index('id="id_permit_number"')
    for field_id, label in (("id_permit_number", "Numéro du permis de visite"),
                            ("id_detainee_family_name", "Nom de famille de la personne détenue")):
        assert re.search(rf'<label class="fr-label" for="{field_id}">{label}<span class="portail-required"> \*</span>',
                         page), label
        tag = input_tag(page, field_id)
        assert " required" in tag and "aria-invalid" not in tag
        # The detainee's name and the permit's number are not the relative's own data: no autofill.
        assert 'autocomplete="off"' in tag
    assert 'aria-describedby="id_permit_number_helptext"' in input_tag(page, "id_permit_number")
    assert "aria-describedby" not in input_tag(page, "id_detainee_family_name")  # no hint, no error: nothing to name
    assert title(page) == "Ajouter un permis de visite — Portail des proches"
    assert error_summary(page) is None


def test_empty_fields_give_a_summary_and_errors_tied_to_them(client):
    response = client.post(URL, {"permit_number": "", "detainee_family_name": ""})
    assert response.status_code == 400
    page = text(response)
    assert_accessible_form(page)
    assert title(page) == "Erreur : Ajouter un permis de visite — Portail des proches"
    summary = error_summary(page)
    assert "Le formulaire contient 2 erreurs" in summary
    assert '<a href="#id_permit_number">Saisissez le numéro du permis de visite.</a>' in summary
    assert '<a href="#id_detainee_family_name">Saisissez le nom de famille de la personne détenue.</a>' in summary
    assert 'aria-describedby="id_permit_number_helptext id_permit_number_error"' in input_tag(page, "id_permit_number")
    assert 'aria-describedby="id_detainee_family_name_error"' in input_tag(page, "id_detainee_family_name")
    assert 'aria-invalid="true"' in input_tag(page, "id_detainee_family_name")
    assert not RegisteredPermit.objects.exists()


def test_a_refused_registration_is_in_the_summary_without_a_field(client):
    response = client.post(URL, {"permit_number": "PV-2099-999999", "detainee_family_name": "MARTIN"})
    assert response.status_code == 400
    page = text(response)
    summary = error_summary(page)
    assert "Le formulaire contient 1 erreur" in summary and "<a href" not in summary
    assert "aria-invalid" not in page
    assert title(page).startswith("Erreur : ")
    assert not RegisteredPermit.objects.exists()
