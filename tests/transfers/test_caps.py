import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from permits.constants import DetaineeStatus, PermitKind, PermitStatus
from tests.establishments.factories import BankFactory, NationalCeilingFactory
from transfers import selectors, services
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .factories import RegisteredPermitFactory, TransferFactory

S = TransferStatus
pytestmark = pytest.mark.django_db


def send(reg, amount, bank=None):
    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal(amount))
    return services.reserve(transfer_id=transfer.pk, bank=bank or BankFactory())


def test_minimum_and_per_transfer_maximum_are_refused_in_french():
    reg = RegisteredPermitFactory()  # factory caps: 1 € min, 200 € per transfer
    with pytest.raises(services.TransferRefused, match="montant minimum d'un virement est de 1,00"):
        send(reg, "0.50")
    with pytest.raises(services.TransferRefused, match="montant maximum d'un virement est de 200,00"):
        send(reg, "250")
    assert not Transfer.objects.exists()


def test_sender_monthly_cap_counts_every_detainee_of_the_establishment():
    reg = RegisteredPermitFactory()
    for amount in ("200", "100"):
        send(reg, amount)
    with pytest.raises(services.TransferRefused, match="plafond mensuel de 300,00.*par expéditeur.*reste 0,00"):
        send(reg, "1")
    assert Transfer.objects.filter(status=S.AWAITING_AUTHORIZATION).count() == 2


def test_detainee_monthly_cap_counts_all_senders():
    first = RegisteredPermitFactory()
    detainee = first.permit.detainee
    others = [RegisteredPermitFactory(permit__detainee=detainee) for _ in range(2)]
    send(first, "200")
    send(others[0], "150")
    with pytest.raises(services.TransferRefused, match="plafond mensuel de 400,00.*personne détenue.*reste 50,00"):
        send(others[1], "60")
    send(others[1], "50")
    assert selectors.counted_this_month(detainee_id=detainee.pk) == Decimal("400.00")


def test_expired_rejected_and_draft_transfers_do_not_count_but_last_month_does_not_either():
    reg = RegisteredPermitFactory()
    common = {"relative": reg.relative, "permit": reg.permit, "amount": Decimal("200")}
    for status in (S.EXPIRED, S.REJECTED, S.TO_REFUND, S.REFUNDED):
        TransferFactory(status=status, **common)
    TransferFactory(status=S.DRAFT, initiated_at=None, **common)
    TransferFactory(status=S.CREDITED, initiated_at=timezone.now() - datetime.timedelta(days=40), **common)
    current = selectors.allowance(relative=reg.relative, detainee=reg.permit.detainee)
    assert (current.detainee_total, current.sender_total) == (Decimal("0.00"), Decimal("0.00"))
    assert current.left_for_sender == Decimal("300.00") and current.max_now == Decimal("200.00")


def test_calendar_month_is_that_of_paris():
    # 31 March 2026 23:30 UTC is 1 April 01:30 in Paris.
    at = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)
    start, end = selectors.month_bounds(at)
    assert (start.month, start.day, end.month) == (4, 1, 5)
    assert start.utcoffset() == datetime.timedelta(hours=2)


def test_the_national_ceiling_bounds_the_establishment_caps():
    NationalCeilingFactory(max_per_transfer=Decimal("100.00"))
    reg = RegisteredPermitFactory()
    with pytest.raises(services.TransferRefused, match="maximum d'un virement est de 100,00"):
        send(reg, "150")


def test_a_draft_is_kept_once_per_form_even_when_submitted_twice():
    reg = RegisteredPermitFactory()
    key = uuid.uuid4()
    a = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("50"), idempotency_key=key)
    b = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("50"), idempotency_key=key)
    assert a.pk == b.pk and Transfer.objects.count() == 1
    other = RegisteredPermitFactory()
    with pytest.raises(services.TransferRefused):
        services.create_draft(relative=other.relative, permit=other.permit, amount=Decimal("5"), idempotency_key=key)


def test_reserving_twice_reserves_once():
    reg = RegisteredPermitFactory()
    bank = BankFactory()
    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("200"))
    services.reserve(transfer_id=transfer.pk, bank=bank)
    services.reserve(transfer_id=transfer.pk, bank=bank)
    assert selectors.counted_this_month(detainee_id=reg.permit.detainee_id) == Decimal("200.00")
    assert transfer.history.filter(status=S.AWAITING_AUTHORIZATION).count() == 1


def test_a_permit_not_registered_by_this_relative_is_refused():
    reg, other = RegisteredPermitFactory(), RegisteredPermitFactory()
    with pytest.raises(services.TransferRefused, match="n'est pas enregistré"):
        services.create_draft(relative=other.relative, permit=reg.permit, amount=Decimal("10"))


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"permit__status": PermitStatus.SUSPENDED}, "suspendu"),
        ({"permit__status": PermitStatus.REVOKED}, "retiré"),
        ({"permit__status": PermitStatus.EXPIRED}, "expiré"),
        ({"permit__valid_until": datetime.date(2026, 1, 31), "permit__valid_from": datetime.date(2025, 1, 1)},
         "plus valable depuis le 31/01/2026"),
        ({"permit__valid_from": datetime.date(2099, 1, 1)}, "qu'à partir du 01/01/2099"),
        ({"permit__kind": PermitKind.TEMPORARY}, "temporaire"),
        ({"permit__detainee__status": DetaineeStatus.RELEASED}, "libérée"),
        ({"permit__detainee__status": DetaineeStatus.TRANSFERRED}, "transférée"),
        ({"permit__detainee__may_receive_money": False}, "ne peut pas recevoir d'argent"),
        ({"permit__detainee__establishment__transfers_enabled": False}, "n'accepte pas les virements"),
    ],
)
def test_a_permit_that_cannot_be_used_says_why_and_nothing_is_created(change, reason):
    reg = RegisteredPermitFactory(**change)
    reasons = selectors.permit_ineligibility(reg.permit, today=datetime.date(2026, 6, 1))
    assert any(reason in r for r in reasons)
    if "valid_until" not in str(change):
        with pytest.raises(services.TransferRefused, match=reason):
            services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("10"))
    assert not Transfer.objects.exists()


def test_a_temporary_permit_with_authorisation_may_be_used():
    reg = RegisteredPermitFactory(permit__kind=PermitKind.TEMPORARY, permit__transfers_authorized=True)
    assert selectors.permit_ineligibility(reg.permit) == []


def test_eligibility_is_checked_again_at_reservation():
    reg = RegisteredPermitFactory()
    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("10"))
    reg.permit.detainee.may_receive_money = False
    reg.permit.detainee.save()
    with pytest.raises(services.TransferRefused, match="ne peut pas recevoir"):
        services.reserve(transfer_id=transfer.pk, bank=BankFactory())
    transfer.refresh_from_db()
    assert transfer.status == S.DRAFT


def test_after_a_silent_bank_the_payer_may_choose_another_one_without_a_second_reservation():
    reg = RegisteredPermitFactory()
    first, second = BankFactory(), BankFactory()
    transfer = services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("100"))
    services.reserve(transfer_id=transfer.pk, bank=first)
    services.reserve(transfer_id=transfer.pk, bank=second)
    transfer.refresh_from_db()
    assert transfer.bank == second
    assert selectors.counted_this_month(detainee_id=reg.permit.detainee_id) == Decimal("100.00")
    Transfer.objects.filter(pk=transfer.pk).update(payment_request_id="made-at-second")
    services.reserve(transfer_id=transfer.pk, bank=first)  # once the request exists, the bank stays
    assert Transfer.objects.get(pk=transfer.pk).bank == second
