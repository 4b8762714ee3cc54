"""Caps and national ceilings: the régie sets its establishment's caps, never above the national
ceiling; national administrators set the ceilings; the caps in force are the lower of the two."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from establishments.models import Establishment, NationalCeiling
from establishments.selectors import EffectiveCaps, effective_caps
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.establishments.factories import EstablishmentFactory, NationalCeilingFactory

CAPS = ("min_amount", "max_per_transfer", "max_per_detainee_month", "max_per_sender_month")


def _caps_form(establishment, **changes):
    data = {name: "" if getattr(establishment, name) is None else str(getattr(establishment, name)) for name in CAPS}
    return {**data, **changes}


@pytest.fixture
def establishment(db):
    return EstablishmentFactory(code="CPA")


@pytest.fixture
def regie(client, establishment):
    user = StaffFactory(role="regie", establishments=[establishment])
    login_staff(client, user)
    return user


def _change(client, establishment, data):
    return client.post(reverse("admin:establishments_establishment_change", args=(establishment.pk,)), data)


def test_regie_sets_a_cap_below_the_ceiling(client, establishment, regie):
    NationalCeilingFactory(max_per_transfer=Decimal("500.00"))
    response = _change(client, establishment, _caps_form(establishment, max_per_transfer="250.00"))
    assert response.status_code == 302
    establishment.refresh_from_db()
    assert establishment.max_per_transfer == Decimal("250.00")
    assert establishment.history.latest().history_user == regie


def test_regie_cannot_set_a_cap_above_the_national_ceiling(client, establishment, regie):
    NationalCeilingFactory(max_per_transfer=Decimal("300.00"), max_per_sender_month=Decimal("500.00"))
    response = _change(
        client, establishment, _caps_form(establishment, max_per_transfer="300.01", max_per_sender_month="900")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "(300,01\u00a0€) dépasse le plafond national (300,00\u00a0€)" in errors["max_per_transfer"][0]
    assert "(900,00\u00a0€) dépasse le plafond national (500,00\u00a0€)" in errors["max_per_sender_month"][0]
    establishment.refresh_from_db()
    assert establishment.max_per_transfer == Decimal("200.00")
    assert establishment.history.count() == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"min_amount": "250", "max_per_transfer": "200"}, "Le montant minimum ne peut dépasser"),
        ({"max_per_transfer": "-5"}, "supérieure ou égale à 0"),
        ({"max_per_transfer": "abc"}, "Saisissez un nombre"),
        ({"max_per_transfer": "12.345"}, "2 chiffres après la virgule"),
    ],
)
def test_bad_caps_are_refused_in_french(client, establishment, regie, changes, message):
    response = _change(client, establishment, _caps_form(establishment, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    establishment.refresh_from_db()
    assert establishment.max_per_transfer == Decimal("200.00")
    assert establishment.min_amount == Decimal("1.00")


def test_regie_changes_only_the_caps(client, establishment, regie):
    data = _caps_form(establishment, max_per_transfer="150", name="Renommé", regie_iban="", transfers_enabled="")
    response = _change(client, establishment, data)
    assert response.status_code == 302
    establishment.refresh_from_db()
    assert establishment.max_per_transfer == Decimal("150.00")
    assert establishment.name != "Renommé"
    assert establishment.regie_iban and establishment.transfers_enabled


def test_regie_cannot_change_another_establishments_caps(client, establishment, regie):
    other = EstablishmentFactory(code="CPB")
    response = _change(client, other, _caps_form(other, max_per_transfer="10"))
    assert response.status_code in (403, 404)
    other.refresh_from_db()
    assert other.max_per_transfer == Decimal("200.00")


def test_empty_cap_means_none(client, establishment, regie):
    response = _change(client, establishment, _caps_form(establishment, max_per_sender_month=""))
    assert response.status_code == 302
    establishment.refresh_from_db()
    assert establishment.max_per_sender_month is None


def test_national_sets_the_ceiling_once(client, db):
    national = StaffFactory(role="national")
    login_staff(client, national)
    assert client.get(reverse("admin:establishments_nationalceiling_add")).status_code == 200
    response = client.post(
        reverse("admin:establishments_nationalceiling_add"),
        {"min_amount": "", "max_per_transfer": "1000", "max_per_detainee_month": "2000", "max_per_sender_month": ""},
    )
    assert response.status_code == 302
    ceiling = NationalCeiling.objects.get()
    assert ceiling.max_per_transfer == Decimal("1000.00")
    assert ceiling.history.latest().history_user == national
    # A single row: no second one, and it is never deleted.
    assert client.get(reverse("admin:establishments_nationalceiling_add")).status_code == 403
    assert client.get(reverse("admin:establishments_nationalceiling_delete", args=(ceiling.pk,))).status_code == 403


def test_ceiling_with_minimum_above_maximum_is_refused(client, db):
    ceiling = NationalCeilingFactory()
    login_staff(client, StaffFactory(role="national"))
    response = client.post(
        reverse("admin:establishments_nationalceiling_change", args=(ceiling.pk,)),
        {"min_amount": "50", "max_per_transfer": "10", "max_per_detainee_month": "", "max_per_sender_month": ""},
    )
    assert response.status_code == 200
    assert "Le montant minimum ne peut dépasser le montant maximum" in response.content.decode()
    ceiling.refresh_from_db()
    assert ceiling.min_amount is None


def test_lowering_the_ceiling_warns_and_bounds_existing_caps(client, establishment):
    ceiling = NationalCeilingFactory()
    login_staff(client, StaffFactory(role="national"))
    response = client.post(
        reverse("admin:establishments_nationalceiling_change", args=(ceiling.pk,)),
        {"min_amount": "", "max_per_transfer": "100", "max_per_detainee_month": "", "max_per_sender_month": ""},
        follow=True,
    )
    assert "au-dessus du plafond national" in response.content.decode()
    assert html.escape(str(establishment)) in response.content.decode()
    assert effective_caps(establishment).max_per_transfer == Decimal("100.00")
    # The establishment keeps its own figure, which applies again if the ceiling is raised.
    establishment.refresh_from_db()
    assert establishment.max_per_transfer == Decimal("200.00")


def test_regie_cannot_change_the_ceiling(client, establishment, regie):
    ceiling = NationalCeilingFactory(max_per_transfer=Decimal("300.00"))
    response = client.post(
        reverse("admin:establishments_nationalceiling_change", args=(ceiling.pk,)),
        {"min_amount": "", "max_per_transfer": "5000", "max_per_detainee_month": "", "max_per_sender_month": ""},
    )
    assert response.status_code == 403
    ceiling.refresh_from_db()
    assert ceiling.max_per_transfer == Decimal("300.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "own, bound, expected",
    [
        ("200.00", "300.00", "200.00"),
        ("200.00", "150.00", "150.00"),
        (None, "150.00", "150.00"),
        ("200.00", None, "200.00"),
        (None, None, None),
    ],
)
def test_effective_cap_is_the_lower_of_own_and_ceiling(own, bound, expected):
    establishment = EstablishmentFactory(max_per_transfer=own and Decimal(own))
    NationalCeilingFactory(max_per_transfer=bound and Decimal(bound))
    caps = effective_caps(Establishment.objects.get(pk=establishment.pk))
    assert caps.max_per_transfer == (expected and Decimal(expected))
    assert isinstance(caps, EffectiveCaps)


@pytest.mark.django_db
def test_effective_caps_without_any_ceiling_are_the_establishments():
    establishment = EstablishmentFactory()
    assert effective_caps(establishment) == EffectiveCaps(
        Decimal("1.00"), Decimal("200.00"), Decimal("400.00"), Decimal("300.00")
    )
