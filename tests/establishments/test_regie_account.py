"""A bank statement is attributed to its establishment by the régie account's IBAN: two establishments can
never hold the same account (the import would credit one with the other's money)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.establishments.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db

MESSAGE = "Ce compte de régie (IBAN) est déjà celui d'un autre établissement."


def _form_data(response) -> dict:
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = str(value)
    return data


def test_the_national_role_cannot_give_an_establishment_another_ones_account(client):
    first, second = EstablishmentFactory(code="CPA"), EstablishmentFactory(code="CPB")
    login_staff(client, StaffFactory(role="national"))
    url = reverse("admin:establishments_establishment_change", args=(second.pk,))
    data = _form_data(client.get(url))
    spaced = " ".join(first.regie_iban[i:i + 4] for i in range(0, len(first.regie_iban), 4)).lower()

    response = client.post(url, {**data, "regie_iban": spaced})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"__all__": [MESSAGE]}
    before = second.regie_iban
    second.refresh_from_db()
    assert second.regie_iban == before and second.history.count() == 1


def test_the_database_refuses_two_establishments_with_one_account():
    first = EstablishmentFactory(code="CPA")
    with pytest.raises(ValidationError, match="déjà celui d'un autre établissement"):
        EstablishmentFactory.build(code="CPB", regie_iban=first.regie_iban).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        EstablishmentFactory(code="CPB", regie_iban=first.regie_iban)


def test_establishments_without_an_account_yet_are_many():
    EstablishmentFactory(code="CPA", regie_iban="", regie_holder="", transfers_enabled=False)
    EstablishmentFactory(code="CPB", regie_iban="", regie_holder="", transfers_enabled=False)
