"""Several cashier runs a day: at each of an establishment's cut-offs (10:00, 14:00, 17:00 by default, Europe/Paris)
the transfers received before it go to the cashier, in one batch, once; acknowledgements in any order."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from reconciliation.models import CashierBatch, CashierBatchLine
from reconciliation.services.cashier import apply_acknowledgement, generate_batch, run_due_cutoffs
from reconciliation.tasks import run_cashier_cutoffs
from sandbox.cashier import acknowledge
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.permits.factories import DetaineeFactory, VisitPermitFactory
from tests.transfers.factories import TransferFactory
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .helpers import establishment

S = TransferStatus
PARIS = ZoneInfo("Europe/Paris")
DAY = datetime.date(2026, 11, 30)  # winter time: Paris = UTC+1
pytestmark = pytest.mark.django_db


def at(hour: int, minute: int = 0, day: datetime.date = DAY) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)


def received_at(est, when: datetime.datetime, amount: str = "20.00", **extra) -> Transfer:
    permit = VisitPermitFactory(detainee=DetaineeFactory(establishment=est))
    return TransferFactory(
        permit=permit, amount=Decimal(amount), status=S.RECEIVED, executed_at=when - datetime.timedelta(minutes=1),
        received_at=when, **extra,
    )


def batched(transfer: Transfer) -> CashierBatch | None:
    line = CashierBatchLine.objects.filter(transfer=transfer).select_related("batch").first()
    return line.batch if line else None


def test_a_day_of_cutoffs(settings):
    est = establishment()
    early = received_at(est, at(8, 15))
    assert run_due_cutoffs(now=at(9, 59)) == [] and not CashierBatch.objects.exists()

    results = run_due_cutoffs(now=at(10, 1))
    assert [r.created for r in results] == [True]
    batch = results[0].batch
    assert (batch.day, batch.cutoff) == (DAY, datetime.time(10, 0)) and batched(early) == batch

    late = received_at(est, at(10, 30))
    assert run_due_cutoffs(now=at(10, 5)) == [] and run_due_cutoffs(now=at(13, 59)) == []
    assert batched(late) is None and CashierBatch.objects.count() == 1

    [afternoon] = run_due_cutoffs(now=at(14, 0))
    assert afternoon.batch.cutoff == datetime.time(14, 0) and batched(late) == afternoon.batch
    assert run_due_cutoffs(now=at(14, 1)) == [] and CashierBatch.objects.count() == 2


def test_a_cutoff_with_nothing_gets_no_batch_later_with_what_came_after_it():
    est = establishment()
    assert run_due_cutoffs(now=at(10, 1)) == []
    after = received_at(est, at(10, 20))
    assert run_due_cutoffs(now=at(10, 25)) == [] and batched(after) is None
    [result] = run_due_cutoffs(now=at(14, 2))
    assert result.batch.cutoff == datetime.time(14, 0) and batched(after) == result.batch
    assert not CashierBatch.objects.filter(cutoff=datetime.time(10, 0)).exists()


def test_a_missed_cutoff_is_caught_up_at_the_next_run_and_never_twice():
    est = establishment()
    before = received_at(est, at(9, 50))
    during = received_at(est, at(10, 10))  # the beat was down from 9:58 to 10:20
    [result] = run_due_cutoffs(now=at(10, 20))
    assert result.batch.cutoff == datetime.time(10, 0)
    assert batched(before) == result.batch and batched(during) is None
    # Down from 13:55 to 17:30: the 14:00 cut-off is not run late; the 17:00 one takes everything before 17:00.
    evening = received_at(est, at(16, 59))
    [result] = run_due_cutoffs(now=at(17, 30))
    assert result.batch.cutoff == datetime.time(17, 0)
    assert batched(during) == result.batch and batched(evening) == result.batch
    assert list(CashierBatch.objects.values_list("cutoff", flat=True).order_by("cutoff")) == [
        datetime.time(10, 0), datetime.time(17, 0)
    ]


def test_yesterday_evening_transfer_waits_for_the_morning_cutoff():
    est = establishment()
    night = received_at(est, at(21, 0, DAY - datetime.timedelta(days=1)))
    assert run_due_cutoffs(now=at(7, 0)) == []
    [result] = run_due_cutoffs(now=at(10, 0))
    assert batched(night) == result.batch and result.batch.day == DAY


@pytest.mark.parametrize(("utc", "made"), [
    (datetime.datetime(2026, 7, 1, 8, 1, tzinfo=datetime.UTC), True),  # summer: 10:01 in Paris
    (datetime.datetime(2026, 1, 15, 8, 1, tzinfo=datetime.UTC), False),  # winter: 9:01 in Paris
    (datetime.datetime(2026, 1, 15, 9, 1, tzinfo=datetime.UTC), True),  # winter: 10:01 in Paris
])
def test_cutoffs_are_paris_time_summer_and_winter(utc, made):
    est = establishment()
    received_at(est, utc - datetime.timedelta(hours=3))
    results = run_due_cutoffs(now=utc)
    assert [r.created for r in results] == ([True] if made else [])
    if made:
        assert results[0].batch.cutoff == datetime.time(10, 0)


def test_an_establishment_with_its_own_cutoffs_and_one_without_transfers():
    own = establishment()
    own.cashier_cutoffs = ["08:30", "12:00"]
    own.save()
    other = establishment("ETABB", iban="FR7630006000011234567890189")
    closed = establishment("ETABC", iban="FR7630004000031234567890143")
    for est in (own, other, closed):
        received_at(est, at(8, 0))
    closed.transfers_enabled = False
    closed.save()
    results = run_due_cutoffs(now=at(8, 31))
    assert [(r.batch.establishment.code, r.batch.cutoff) for r in results] == [("ETABA", datetime.time(8, 30))]
    results = run_due_cutoffs(now=at(10, 0))
    assert [(r.batch.establishment.code, r.batch.cutoff) for r in results] == [("ETABB", datetime.time(10, 0))]
    assert not CashierBatch.objects.filter(establishment=closed).exists()


def test_held_transfer_waits_as_today():
    est = establishment()
    held = received_at(est, at(9, 0), held=True)
    free = received_at(est, at(9, 0))
    [result] = run_due_cutoffs(now=at(10, 0))
    assert batched(free) == result.batch and batched(held) is None


def test_the_beat_task_counts_the_batches_it_made():
    est = establishment()
    received_at(est, at(9, 0))
    with freeze_time(at(10, 3)):
        assert run_cashier_cutoffs() == 1
        assert run_cashier_cutoffs() == 0


def test_acknowledgements_in_any_order_and_one_file_naming_two_batches():
    est = establishment()
    morning = [received_at(est, at(9, 0)), received_at(est, at(9, 30), "35.50")]
    [first] = run_due_cutoffs(now=at(10, 0))
    afternoon = [received_at(est, at(11, 0), "12.00")]
    [second] = run_due_cutoffs(now=at(14, 0))
    # The 14:00 batch acknowledged before the 10:00 one.
    apply_acknowledgement(data=acknowledge(second.batch.content).encode())
    second.batch.refresh_from_db()
    first.batch.refresh_from_db()
    assert second.batch.acknowledged_at is not None and first.batch.acknowledged_at is None
    afternoon[0].refresh_from_db()
    assert afternoon[0].status == S.CREDITED
    assert all(Transfer.objects.get(pk=t.pk).status == S.RECEIVED for t in morning)
    # A third batch, then one file naming a line of the 10:00 batch and the line of the 17:00 one.
    evening = received_at(est, at(15, 0), "7.00")
    [third] = run_due_cutoffs(now=at(17, 0))
    first_ack = acknowledge(first.batch.content).splitlines()
    third_ack = acknowledge(third.batch.content).splitlines()
    mixed = "\n".join([first_ack[0], first_ack[2], third_ack[1]]) + "\n"
    result = apply_acknowledgement(data=mixed.encode())
    assert sorted(result.credited) == sorted([morning[1].reference, evening.reference])
    first.batch.refresh_from_db()
    third.batch.refresh_from_db()
    assert third.batch.acknowledged_at is not None and first.batch.acknowledged_at is None
    apply_acknowledgement(data=("\n".join([first_ack[0], first_ack[1]]) + "\n").encode())
    first.batch.refresh_from_db()
    assert first.batch.acknowledged_at is not None
    assert Transfer.objects.filter(status=S.CREDITED).count() == 4


def test_by_hand_batch_takes_every_received_transfer_at_the_current_minute():
    est = establishment()
    a, b = received_at(est, at(9, 0)), received_at(est, at(10, 40))
    with freeze_time(at(10, 45) + datetime.timedelta(seconds=30)):
        result = generate_batch(establishment_id=est.pk)
    assert result.created and result.batch.cutoff == datetime.time(10, 45)
    assert batched(a) == batched(b) == result.batch
    # The 14:00 cut-off then has nothing left: no empty batch.
    assert run_due_cutoffs(now=at(14, 0)) == []


def test_command_with_a_cutoff(tmp_path):
    est = establishment()
    before, after = received_at(est, at(9, 0)), received_at(est, at(10, 30))
    out, err = io.StringIO(), io.StringIO()
    call_command("cashier_batch", "ETABA", "--date", DAY.isoformat(), "--cutoff", "10h", stdout=out, stderr=err)
    assert before.reference in out.getvalue() and after.reference not in out.getvalue()
    assert "Lot du 30/11/2026 de 10:00 (créé) : 1 virement(s)" in err.getvalue()
    for bad in ("25:00", "midi", "10:00, 14:00"):
        with pytest.raises(CommandError, match="Heure de passage invalide|Une seule heure"):
            call_command("cashier_batch", "ETABA", "--cutoff", bad)
    assert CashierBatch.objects.count() == 1


def test_cashier_page_lists_the_days_batches_by_cutoff():
    est = establishment()
    received_at(est, at(9, 0), "12.50")
    with freeze_time(at(10, 1)):
        run_due_cutoffs()
    received_at(est, at(11, 0), "40.00")
    client = login_staff(Client(), StaffFactory(role="regie", establishments=[est]))
    with freeze_time(at(12, 0)):
        page = client.get(reverse("reconciliation:batches")).content.decode()
    assert "Lot de 10 h 00" in page and "12,50" in page
    assert "accusé en attente" in page
    assert "Prochain passage à la caisse : 30/11/2026 à 14 h 00." in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beats_running_the_cutoffs_at_once_make_one_batch():
    from .test_concurrency import race

    est = establishment()
    transfers = [received_at(est, at(9, minute)) for minute in range(5)]
    results, errors = race(lambda i: run_due_cutoffs(now=at(10, 1)), n=4)
    assert not errors, errors
    made = [r for batch_results in results for r in batch_results if r.created]
    assert len(made) == 1 and CashierBatch.objects.count() == 1
    assert CashierBatchLine.objects.filter(transfer__in=transfers).count() == 5
