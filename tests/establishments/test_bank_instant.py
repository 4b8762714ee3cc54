"""Which banks offer instant transfers: the demo's (two do, « Crédit des Volcans » does not), and the Bank admin's
column, filter and field for the national administrators."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from establishments.models import Bank
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.establishments.factories import BankFactory

pytestmark = pytest.mark.django_db


def test_the_demo_banks_offer_instant_transfers_but_credit_des_volcans(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_demo")
    assert dict(Bank.objects.values_list("name", "instant_payments")) == {
        "Banque de Démonstration": True, "Banque du Littoral": True, "Crédit des Volcans": False,
    }
    Bank.objects.filter(name="Crédit des Volcans").update(instant_payments=True)
    call_command("load_demo")  # the demo is restored
    assert not Bank.objects.get(name="Crédit des Volcans").instant_payments


def test_the_bank_admin_shows_filters_and_edits_the_flag():
    fast = BankFactory(name="Banque Rapide", instant_payments=True)
    slow = BankFactory(name="Banque Lente", instant_payments=False)
    client = login_staff(Client(), StaffFactory(role="national"))
    changelist = reverse("admin:establishments_bank_changelist")
    page = client.get(changelist).content.decode()
    assert "propose le virement instantané (SCT Inst)" in page.lower() or "Propose le virement instantané" in page
    only_instant = client.get(changelist, {"instant_payments__exact": "1"}).content.decode()
    assert "Banque Rapide" in only_instant and "Banque Lente" not in only_instant
    change = reverse("admin:establishments_bank_change", args=(slow.pk,))
    response = client.post(change, {"name": slow.name, "bic": slow.bic, "api_base_url": slow.api_base_url,
                                    "enabled": "on", "instant_payments": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    slow.refresh_from_db()
    assert slow.instant_payments and slow.history.count() == 2
    assert Bank.objects.get(pk=fast.pk).instant_payments
