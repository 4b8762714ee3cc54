"""The back office's transfer list: scoped, filterable, with history, and read only."""

import pytest
from django.test import Client

from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from transfers.constants import TransferStatus

from .factories import TransferFactory

pytestmark = pytest.mark.django_db


def _client(user):
    return login_staff(Client(), user)


def test_regie_sees_its_establishment_only_and_cannot_change_anything():
    mine = TransferFactory(status=TransferStatus.EXECUTED)
    theirs = TransferFactory(status=TransferStatus.CREDITED)
    regie = StaffFactory(role="regie", establishments=[mine.establishment])
    client = _client(regie)
    listing = client.get("/gestion/transfers/transfer/").content.decode()
    assert mine.reference in listing and theirs.reference not in listing
    assert client.get(f"/gestion/transfers/transfer/{theirs.pk}/change/").status_code in (302, 403, 404)
    page = client.get(f"/gestion/transfers/transfer/{mine.pk}/change/")
    assert page.status_code == 200 and 'name="amount"' not in page.content.decode()
    posted = client.post(f"/gestion/transfers/transfer/{mine.pk}/change/", {"amount": "1", "status": "refunded"})
    assert posted.status_code == 403
    mine.refresh_from_db()
    assert mine.status == TransferStatus.EXECUTED and str(mine.amount) == "50.00"
    assert client.get(f"/gestion/transfers/transfer/{mine.pk}/history/").status_code == 200
    assert client.get("/gestion/transfers/transfer/add/").status_code == 403
    assert client.get(f"/gestion/transfers/transfer/{mine.pk}/delete/").status_code == 403


def test_national_sees_all_and_filters_by_status_and_establishment():
    executed = TransferFactory(status=TransferStatus.EXECUTED)
    rejected = TransferFactory(status=TransferStatus.REJECTED)
    client = _client(StaffFactory(role="national"))
    by_status = client.get("/gestion/transfers/transfer/?status__exact=rejected").content.decode()
    assert rejected.reference in by_status and executed.reference not in by_status
    by_place = client.get(
        f"/gestion/transfers/transfer/?establishment__id__exact={executed.establishment_id}"
    ).content.decode()
    assert executed.reference in by_place and rejected.reference not in by_place


def test_greffe_and_communication_do_not_see_transfers():
    transfer = TransferFactory()
    greffe = StaffFactory(role="greffe", establishments=[transfer.establishment])
    assert _client(greffe).get("/gestion/transfers/transfer/").status_code == 403


def test_the_history_page_reads_in_the_staffs_words():
    """The régie reads a transfer's history as it reads the rest of the back office: statuses in words,
    dates in Paris time, an empty value as a dash, the relative by name, the system's own changes."""
    import html
    import re

    from reconciliation.constants import ReconciliationAuditReason
    from tests.establishments.factories import BankFactory
    from transfers import services

    transfer = TransferFactory(status=TransferStatus.EXECUTED, bank=None)  # created by no one: the system
    transfer.bank = BankFactory(name="Banque Solidaire")
    transfer._history_user = transfer.relative.user
    transfer.save()
    regie = StaffFactory(role="regie", establishments=[transfer.establishment])
    services.receive(
        transfer_id=transfer.pk, user=regie, reason=ReconciliationAuditReason.RECEIVED_ON_STATEMENT, detail="releve.xml"
    )

    page = " ".join(html.unescape(
        _client(regie).get(f"/gestion/transfers/transfer/{transfer.pk}/history/").content.decode()
    ).split())
    assert "<strong>Statut:</strong> Exécuté par la banque du payeur → Reçu sur le compte de la régie" in page
    assert re.search(r"<strong>Reçu le:</strong> — → \d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2} ?</li>", page)
    assert "<strong>Banque du payeur:</strong> — → Banque Solidaire" in page
    assert "pk=None" not in page and "Deleted" not in page and "+00:00" not in page and "None" not in page
    assert f"{transfer.relative} (proche)" in page and transfer.relative.user.username not in page
    assert "Système (tâche ou commande d'exploitation)" in page
    assert "<title>Historique des modifications : " in page and "<th scope=\"col\">Opération</th>" in page
    assert "Reçu sur le relevé de la régie : releve.xml" in page


def test_history_amounts_read_as_euros_like_everywhere_else():
    from decimal import Decimal

    from simple_history.models import ModelChange

    from accounts.history_display import PortalHistoryContextHelper
    from transfers.models import Transfer

    helper = PortalHistoryContextHelper(Transfer, None)
    change = ModelChange("amount", Decimal("50.00"), Decimal("1234.5"))
    assert helper.prepare_delta_change_value(change, change.new) == "1\u202f234,50\u00a0€"
    assert helper.prepare_delta_change_value(change, None) == "—"
