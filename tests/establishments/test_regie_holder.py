"""The régie's account holder name, exactly as the bank holds it: SEPA characters, 70 at most, no space at
either end; a French error otherwise, in the model and in the admin, and nothing changed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from establishments.validators import validate_regie_holder
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.establishments.factories import EstablishmentFactory

from .test_regie_account import _form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", [
    "REGIE COMPTES NOMINATIFS CP DEMONSTRATION",
    "Regie des comptes nominatifs - CP de Fresnes (94)",
    "D'ARRET / REGIE ? : . , ' +",
    "R" * 70,
])
def test_names_a_bank_holds_are_accepted_unchanged(value):
    validate_regie_holder(value)
    establishment = EstablishmentFactory(regie_holder=value)
    establishment.full_clean()
    establishment.refresh_from_db()
    assert establishment.regie_holder == value


@pytest.mark.parametrize(("value", "message"), [
    ("Régie des comptes nominatifs", "caractères que les virements SEPA n'acceptent pas (« é »)"),
    ("REGIE & CIE", "(« & »)"),
    ("REGIE — FRESNES", "(« — »)"),
    ("REGIE_CP", "(« _ »)"),
    ("R" * 71, "Le nom du titulaire compte 71 caractères : 70 au plus"),
    (" REGIE CP", "ne doit commencer ni finir par une espace"),
    ("REGIE CP ", "ne doit commencer ni finir par une espace"),
])
def test_other_names_are_refused_in_french(value, message):
    with pytest.raises(ValidationError) as caught:
        validate_regie_holder(value)
    assert message in " ".join(caught.value.messages)
    with pytest.raises(ValidationError) as in_model:
        EstablishmentFactory.build(code="CPZ", regie_holder=value).full_clean()
    assert "regie_holder" in in_model.value.message_dict


def test_the_admin_refuses_an_accented_holder_and_keeps_the_old_one(client):
    establishment = EstablishmentFactory(code="CPA", regie_holder="REGIE CP A")
    login_staff(client, StaffFactory(role="national"))
    url = reverse("admin:establishments_establishment_change", args=(establishment.pk,))
    response = client.post(url, {**_form_data(client.get(url)), "regie_holder": "Régie CP A"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["regie_holder"]
    assert any("caractères que les virements SEPA n'acceptent pas (« é »)" in e for e in errors)
    establishment.refresh_from_db()
    assert establishment.regie_holder == "REGIE CP A" and establishment.history.count() == 1
    page = client.get(url).content.decode()
    assert "70 caractères au plus" in page  # the field's help says how the bank holds it
