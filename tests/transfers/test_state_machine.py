from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.establishments.factories import BankFactory
from transfers import services
from transfers.constants import TransferStatus
from transfers.models import Transfer
from transfers.states import COUNTING_STATUSES

from .factories import RegisteredPermitFactory, TransferFactory

S = TransferStatus
pytestmark = pytest.mark.django_db


def test_reference_is_unguessable_and_a_valid_end_to_end_id():
    refs = {TransferFactory().reference for _ in range(20)}
    assert len(refs) == 20
    for ref in refs:
        assert len(ref) <= 35 and ref.isalnum() and ref.isupper()
        assert ref.startswith("PDP") and len(ref) == 23


def test_amount_must_be_positive_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        TransferFactory(amount=Decimal("0.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        TransferFactory(amount=Decimal("-5.00"))


def test_counting_states_are_those_of_the_design():
    assert COUNTING_STATUSES == {S.AWAITING_AUTHORIZATION, S.AUTHORIZED, S.EXECUTED, S.RECEIVED, S.CREDITED}


def test_the_whole_happy_path_is_recorded_in_the_history():
    reg = RegisteredPermitFactory()
    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("50"))
    services.reserve(transfer_id=transfer.pk, bank=BankFactory(), user=reg.relative.user)
    services.apply_bank_status(transfer_id=transfer.pk, code="ACSC")
    services.receive(transfer_id=transfer.pk)
    services.mark_credited(transfer_id=transfer.pk)
    transfer.refresh_from_db()
    assert transfer.status == S.CREDITED
    assert all([transfer.initiated_at, transfer.authorized_at, transfer.executed_at, transfer.received_at,
                transfer.credited_at])
    statuses = list(transfer.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses == ["draft", "awaiting_authorization", "authorized", "executed", "received", "credited"]
    initiated = transfer.history.filter(status="awaiting_authorization").first()
    assert initiated.history_user == reg.relative.user


@pytest.mark.parametrize(
    "status, action",
    [
        (S.DRAFT, services.receive),
        (S.REJECTED, services.receive),
        (S.CREDITED, services.mark_refunded),
        (S.EXPIRED, services.mark_credited),
        (S.AWAITING_AUTHORIZATION, services.mark_credited),
    ],
)
def test_an_illegal_transition_raises_and_changes_nothing(status, action):
    transfer = TransferFactory(status=status)
    before = transfer.history.count()
    with pytest.raises(services.IllegalTransition, match="ne peut passer"):
        action(transfer_id=transfer.pk)
    transfer.refresh_from_db()
    assert transfer.status == status
    assert transfer.history.count() == before


def test_stale_or_repeated_bank_answers_change_nothing():
    transfer = TransferFactory(status=S.EXECUTED)
    services.apply_bank_status(transfer_id=transfer.pk, code="ACCP")
    services.apply_bank_status(transfer_id=transfer.pk, code="RJCT")
    transfer.refresh_from_db()
    assert transfer.status == S.EXECUTED


def test_the_bank_accepting_then_rejecting_ends_rejected_and_frees_the_reservation():
    transfer = TransferFactory(status=S.AWAITING_AUTHORIZATION)
    services.apply_bank_status(transfer_id=transfer.pk, code="ACCP")
    services.apply_bank_status(transfer_id=transfer.pk, code="RJCT")
    transfer.refresh_from_db()
    assert transfer.status == S.REJECTED and transfer.status not in COUNTING_STATUSES
    assert "RJCT" in transfer.failure_reason


def test_an_unknown_bank_status_raises_and_keeps_the_state():
    transfer = TransferFactory(status=S.AWAITING_AUTHORIZATION)
    with pytest.raises(services.Psd2UnknownStatus):
        services.apply_bank_status(transfer_id=transfer.pk, code="ZZZZ")
    assert Transfer.objects.get(pk=transfer.pk).status == S.AWAITING_AUTHORIZATION
