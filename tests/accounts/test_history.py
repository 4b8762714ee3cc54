"""Every change made in the back office is kept in the object's history with the user who made it,
and the auditor reads it."""

import datetime
import html

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from simple_history.middleware import HistoryRequestMiddleware

from accounts.models import Relative, User
from accounts.roles import AUDITED_APPS
from establishments.models import Bank, Establishment, NationalCeiling
from permits.models import Detainee, VisitPermit
from tests.accounts.factories import StaffFactory
from tests.accounts.scenario import admin_url
from tests.accounts.staff_login import login_staff
from tests.establishments.factories import BankFactory, EstablishmentFactory, NationalCeilingFactory
from tests.permits.factories import DetaineeFactory


def test_every_model_keeps_its_history():
    for label in AUDITED_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.auto_created or model.__name__.startswith("Historical"):
                continue
            assert hasattr(model._meta, "simple_history_manager_attribute"), model._meta.label


def _latest(model, **lookup):
    return model.history.filter(**lookup).order_by("-history_id").first()


def test_establishment_created_by_national(client, national):
    response = client.post(reverse("admin:establishments_establishment_add"), {
        "code": "MANANTES", "name": "Maison d'arrêt de Nantes", "kind": "maison_arret", "disp": "rennes",
        "regie_iban": "FR76 1007 1750 0000 0010 0012 302", "regie_bic": "TRPUFRP1", "regie_holder": "REGIE MA NANTES",
        "transfers_enabled": "on", "min_amount": "1", "max_per_transfer": "150",
        "max_per_detainee_month": "", "max_per_sender_month": "", "cashier_cutoffs": "10:00, 14:00, 17:00",
    })
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    establishment = Establishment.objects.get(code="MANANTES")
    assert establishment.regie_iban == "FR7610071750000000100012302"
    record = _latest(Establishment, code="MANANTES")
    assert (record.history_type, record.history_user) == ("+", national)


def test_establishment_with_a_bad_iban_is_refused_in_french(client, national):
    response = client.post(reverse("admin:establishments_establishment_add"), {
        "code": "MAFAUX", "name": "Maison d'arrêt", "kind": "maison_arret", "disp": "rennes",
        "regie_iban": "FR7610071750000000100012303", "regie_bic": "TRPUFRP1", "regie_holder": "REGIE",
        "min_amount": "", "max_per_transfer": "", "max_per_detainee_month": "", "max_per_sender_month": "",
    })
    assert response.status_code == 200
    assert "IBAN invalide" in response.content.decode()
    assert not Establishment.objects.filter(code="MAFAUX").exists()


def test_bank_created_changed_and_deleted_by_national(client, national):
    data = {"name": "Banque Test", "bic": "DEMOFRPP", "api_base_url": "https://api.banque.example/stet/v1",
            "enabled": "on"}
    assert client.post(reverse("admin:establishments_bank_add"), data).status_code == 302
    bank = Bank.objects.get(name="Banque Test")
    assert client.post(admin_url(bank, "change"), {**data, "enabled": ""}).status_code == 302
    assert client.post(admin_url(bank, "delete"), {"post": "yes"}).status_code == 302
    records = list(Bank.history.filter(id=bank.pk).order_by("history_id"))
    assert [(r.history_type, r.enabled, r.history_user) for r in records] == [
        ("+", True, national), ("~", False, national), ("-", False, national),
    ]


def test_national_ceiling_changed_by_national(client, national):
    ceiling = NationalCeilingFactory()
    response = client.post(admin_url(ceiling, "change"), {
        "min_amount": "", "max_per_transfer": "500", "max_per_detainee_month": "", "max_per_sender_month": "",
    })
    assert response.status_code == 302
    record = _latest(NationalCeiling)
    assert (record.history_type, record.max_per_transfer, record.history_user) == ("~", 500, national)


def test_detainee_and_permit_created_by_greffe(client, db):
    establishment = EstablishmentFactory()
    greffe = StaffFactory(role="greffe", establishments=[establishment])
    login_staff(client, greffe)
    response = client.post(reverse("admin:permits_detainee_add"), {
        "establishment": establishment.pk, "ecrou": "654321", "family_name": "BERNARD", "first_name": "Luc",
        "birth_date": "14/03/1985", "status": "detained", "may_receive_money": "on",
    })
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    detainee = Detainee.objects.get(ecrou="654321")
    assert detainee.birth_date == datetime.date(1985, 3, 14)
    response = client.post(reverse("admin:permits_visitpermit_add"), {
        "number": "PV-2026-999999", "detainee": detainee.pk, "holder_family_name": "BERNARD",
        "holder_first_names": "Anne", "holder_birth_date": "01/02/1960", "relationship": "mère",
        "kind": "permanent", "valid_from": "01/01/2026", "valid_until": "", "status": "active",
    })
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert _latest(Detainee, ecrou="654321").history_user == greffe
    assert _latest(VisitPermit, number="PV-2026-999999").history_user == greffe


def test_permit_ending_before_it_starts_is_refused(client, db):
    detainee = DetaineeFactory()
    login_staff(client, StaffFactory(role="greffe", establishments=[detainee.establishment]))
    response = client.post(reverse("admin:permits_visitpermit_add"), {
        "number": "PV-2026-888888", "detainee": detainee.pk, "holder_family_name": "X", "holder_first_names": "Y",
        "holder_birth_date": "01/02/1960", "kind": "permanent", "valid_from": "01/06/2026",
        "valid_until": "01/01/2026", "status": "active",
    })
    assert response.status_code == 200
    assert not VisitPermit.objects.filter(number="PV-2026-888888").exists()


def test_staff_account_created_and_given_a_role_by_national(client, national):
    establishment = EstablishmentFactory()
    response = client.post(reverse("admin:accounts_user_add"), {
        "username": "nouvel-agent", "usable_password": "true",
        "password1": "Un-mot-de-passe-solide-42", "password2": "Un-mot-de-passe-solide-42",
    })
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    agent = User.objects.get(username="nouvel-agent")
    response = client.post(admin_url(agent, "change"), {
        "username": "nouvel-agent", "first_name": "Nina", "last_name": "ROUX", "email": "",
        "is_active": "on", "is_staff": "on", "groups": [Group.objects.get(name="greffe").pk],
        "establishments": [establishment.pk],
    })
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    agent.refresh_from_db()
    assert set(agent.groups.values_list("name", flat=True)) == {"greffe"}
    assert list(agent.establishments.all()) == [establishment]
    records = list(User.history.filter(id=agent.pk).order_by("history_id"))
    assert records[0].history_type == "+" and {r.history_type for r in records[1:]} == {"~"}
    assert {r.history_user for r in records} == {national}
    assert [e.establishment for e in records[-1].establishments.all()] == [establishment]


@pytest.mark.django_db
def test_relative_saved_during_a_request_records_the_user():
    """Relatives are written by the FranceConnect login, not by hand: any save during a request is
    recorded with the request's user."""
    actor = StaffFactory()
    relative_user = User.objects.create_user(username="fc-1")

    def view(request):
        Relative.objects.create(user=relative_user, sub="sub-1", given_name="Pierre", family_name="DUPONT",
                                birthdate=datetime.date(1970, 1, 1))
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = actor
    HistoryRequestMiddleware(view)(request)
    assert Relative.history.get(sub="sub-1").history_user == actor


def test_auditor_reads_who_changed_what(client, national):
    bank = BankFactory(name="Banque Auditée")
    client.post(admin_url(bank, "change"), {"name": "Banque Auditée", "bic": bank.bic,
                                            "api_base_url": bank.api_base_url, "enabled": ""})
    auditor = StaffFactory(role="auditeur")
    login_staff(client, auditor)
    content = client.get(admin_url(bank, "history")).content.decode()
    assert national.username in content
    assert html.escape("Affichée dans la liste des banques") in content
    assert client.get(admin_url(bank, "version")).status_code == 200


def test_bank_api_address_without_scheme_is_taken_as_https(client, national):
    data = {"name": "Banque Sans Schéma", "bic": "DEMOFRPP", "api_base_url": "api.banque.example/stet/v1",
            "enabled": "on"}
    assert client.post(reverse("admin:establishments_bank_add"), data).status_code == 302
    assert Bank.objects.get(name="Banque Sans Schéma").api_base_url == "https://api.banque.example/stet/v1"
