"""Staff read a transfer's status in their words ("En attente de la validation du payeur à sa banque"),
the relative in theirs ("En attente de votre validation à la banque"); amounts as 1 234,50 € in the
back office as on the relative's side."""

import html
import re
from decimal import Decimal

import pytest
from django.test import Client

from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from transfers.constants import STAFF_STATUS_LABELS, TransferStatus, staff_status_label

from .factories import TransferFactory

pytestmark = pytest.mark.django_db
STAFF_WAITING = "En attente de la validation du payeur à sa banque"
RELATIVE_WAITING = "En attente de votre validation à la banque"


def text(response) -> str:
    # Spaces squeezed, the no-break ones of the amounts (U+00A0, U+202F) kept.
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(response.content.decode()))


def test_every_status_has_a_staff_label_without_the_relatives_you():
    assert set(STAFF_STATUS_LABELS) == set(TransferStatus.values)
    for status in TransferStatus.values:
        label = staff_status_label(status)
        assert label and not re.search(r"\b(votre|vous)\b", label, re.I), label
    assert staff_status_label(TransferStatus.AWAITING_AUTHORIZATION) == STAFF_WAITING


def test_the_staff_list_filter_and_page_use_the_staff_words_the_relatives_history_theirs():
    transfer = TransferFactory(status=TransferStatus.AWAITING_AUTHORIZATION, amount=Decimal("1234.50"))
    regie = login_staff(Client(), StaffFactory(role="regie", establishments=[transfer.establishment]))

    listing = text(regie.get("/gestion/transfers/transfer/"))
    assert STAFF_WAITING in listing and RELATIVE_WAITING not in listing
    assert "1\u202f234,50\u00a0€" in listing and "1234,50" not in listing
    filtered = text(regie.get("/gestion/transfers/transfer/?status__exact=awaiting_authorization"))
    assert transfer.reference in filtered
    assert transfer.reference not in text(regie.get("/gestion/transfers/transfer/?status__exact=credited"))

    page = text(regie.get(f"/gestion/transfers/transfer/{transfer.pk}/change/"))
    assert STAFF_WAITING in page and RELATIVE_WAITING not in page
    assert "1\u202f234,50\u00a0€" in page and 'name="amount"' not in page

    relative = Client()
    relative.force_login(transfer.relative.user)
    history = text(relative.get("/mon-espace/virements/historique/"))
    assert transfer.reference in history and RELATIVE_WAITING in history and STAFF_WAITING not in history


def test_a_bad_status_filter_changes_nothing_and_shows_no_error_page():
    TransferFactory(status=TransferStatus.CREDITED)
    national = login_staff(Client(), StaffFactory(role="national"))
    response = national.get("/gestion/transfers/transfer/?status__exact=nimporte")
    assert response.status_code == 200 and "0 virement" in text(response)
