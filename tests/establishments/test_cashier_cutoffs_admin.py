"""The establishment's page in the back office: its cashier cut-offs typed as « 10:00, 14:00, 17:00 », read
tidily (sorted, no two alike), a French error for what is no time, and each change kept in the history."""

import pytest
from django.urls import reverse

from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.establishments.factories import EstablishmentFactory

from .test_regie_account import _form_data

pytestmark = pytest.mark.django_db


def _page(client, role: str = "national"):
    est = EstablishmentFactory(code="CPA")
    login_staff(client, StaffFactory(role=role, establishments=[est]))
    url = reverse("admin:establishments_establishment_change", args=(est.pk,))
    return est, url, _form_data(client.get(url))


def test_cutoffs_shown_as_text_and_saved_sorted_without_duplicates(client):
    est, url, data = _page(client)
    assert data["cashier_cutoffs"] == "10:00, 14:00, 17:00"
    response = client.post(url, {**data, "cashier_cutoffs": "17h, 9h30 ; 12:00, 17:00"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    est.refresh_from_db()
    assert est.cashier_cutoffs == ["09:30", "12:00", "17:00"]
    assert [h.cashier_cutoffs for h in est.history.order_by("history_date")] == [
        ["10:00", "14:00", "17:00"], ["09:30", "12:00", "17:00"]
    ]
    assert est.history.latest().history_user is not None


def test_the_regie_sets_its_own_cutoffs(client):
    est, url, data = _page(client, role="regie")
    response = client.post(url, {**data, "cashier_cutoffs": "11:00"})
    assert response.status_code == 302
    est.refresh_from_db()
    assert est.cashier_cutoffs == ["11:00"]


@pytest.mark.parametrize(("typed", "error"), [
    ("25:00", "« 25:00 » n'est pas une heure : écrivez-la comme 10:00 ou 14h30."),
    ("midi", "« midi » n'est pas une heure : écrivez-la comme 10:00 ou 14h30."),
    ("10:00, 14:75", "« 14:75 » n'est pas une heure : écrivez-la comme 10:00 ou 14h30."),
    ("", "Indiquez au moins une heure de passage à la caisse."),
    ("   ", "Indiquez au moins une heure de passage à la caisse."),
])
def test_bad_cutoffs_are_refused_in_french_and_nothing_changes(client, typed, error):
    est, url, data = _page(client)
    response = client.post(url, {**data, "cashier_cutoffs": typed})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["cashier_cutoffs"] == [error]
    est.refresh_from_db()
    assert est.cashier_cutoffs == ["10:00", "14:00", "17:00"] and est.history.count() == 1
