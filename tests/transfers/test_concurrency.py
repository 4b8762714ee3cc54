"""Race-proof caps: many initiations for one detainee at the same instant, from several threads,
each in its own database connection (PostgreSQL row locks)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from tests.establishments.factories import BankFactory
from tests.permits.factories import DetaineeFactory
from transfers import caps, services
from transfers.constants import TransferStatus
from transfers.models import Transfer
from transfers.states import COUNTING_STATUSES

from .factories import RegisteredPermitFactory


def _race(drafts, bank) -> tuple[list, list]:
    barrier = threading.Barrier(len(drafts))
    ok, refused, errors = [], [], []

    def initiate(transfer_id):
        try:
            barrier.wait(timeout=30)
            services.reserve(transfer_id=transfer_id, bank=bank)
            ok.append(transfer_id)
        except services.TransferRefused:
            refused.append(transfer_id)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=initiate, args=(d.pk,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return ok, refused


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_senders_at_once_never_pass_the_detainee_monthly_cap_by_a_cent():
    detainee = DetaineeFactory()  # 400 € per detainee per month, 300 € per sender
    bank = BankFactory()
    drafts = []
    for _ in range(48):
        reg = RegisteredPermitFactory(permit__detainee=detainee)
        drafts.append(services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("10.01")))
    ok, refused = _race(drafts, bank)
    total = caps.counted_this_month(detainee_id=detainee.pk)
    assert total <= Decimal("400.00")
    assert len(ok) == 39 and total == Decimal("390.39")  # 39 × 10.01; a 40th would pass by 0.39 €
    assert len(refused) == 9
    assert Transfer.objects.filter(status=TransferStatus.DRAFT).count() == 9


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_sender_at_once_never_passes_the_sender_monthly_cap():
    reg = RegisteredPermitFactory()
    bank = BankFactory()
    drafts = [
        services.create_draft(relative=reg.relative, permit=reg.permit, amount=Decimal("99.99")) for _ in range(12)
    ]
    ok, refused = _race(drafts, bank)
    counted = Transfer.objects.filter(status__in=COUNTING_STATUSES)
    assert len(ok) == 3 and counted.count() == 3
    assert caps.counted_this_month(relative_id=reg.relative.pk) == Decimal("299.97")
