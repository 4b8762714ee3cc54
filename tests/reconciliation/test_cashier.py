"""The cashier system: the daily batch (DESIGN.md format), the acknowledgement, exactly once."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from core.audit import reason_label
from permits.constants import DetaineeStatus
from reconciliation.constants import BATCH_COLUMNS, AckStatus, RefundStatus
from reconciliation.errors import ReconciliationError
from reconciliation.models import CashierBatch, CashierBatchLine, Refund
from reconciliation.services.cashier import apply_acknowledgement, generate_batch
from sandbox.cashier import acknowledge
from tests.accounts.factories import StaffFactory
from tests.permits.factories import DetaineeFactory
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .helpers import establishment, executed_transfer, payer_name, receive, today

S = TransferStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def received(tmp_path):
    est = establishment()
    transfers = [executed_transfer(est, "12.50"), executed_transfer(est, "40.00")]
    receive(tmp_path, est, transfers)
    return est, transfers


def test_batch_file_is_exactly_the_design_format(received):
    est, (a, b) = received
    result = generate_batch(establishment_id=est.pk, day=today())
    assert result.created
    rows = list(csv.reader(io.StringIO(result.batch.content), delimiter=";"))
    assert tuple(rows[0]) == BATCH_COLUMNS
    assert rows[1] == [
        "ETABA", a.detainee.ecrou, a.detainee.family_name.upper(), "Paul", "12.50", "EUR", a.reference,
        payer_name(a.relative), today().isoformat(),
    ]
    assert rows[2][4] == "40.00" and rows[2][6] == b.reference and len(rows) == 3
    assert result.batch.line_count == 2 and str(result.batch.total) == "52.50"


def test_batch_generated_twice_is_the_same_batch_and_a_transfer_is_in_one_batch_only(tmp_path, received):
    est, transfers = received
    # The same cut-off asked twice (a double click): the same batch. The last minute of the day, so that the
    # transfers received just now are before it.
    first = generate_batch(establishment_id=est.pk, day=today(), cutoff=datetime.time(23, 59))
    again = generate_batch(establishment_id=est.pk, day=today(), cutoff=datetime.time(23, 59))
    assert not again.created and again.batch.pk == first.batch.pk and again.batch.content == first.batch.content
    later = executed_transfer(est, "5.00")
    receive(tmp_path, est, [later], msg_id="MSG-2")
    tomorrow = generate_batch(establishment_id=est.pk, day=today().replace(year=today().year + 1))
    assert [line.transfer for line in tomorrow.batch.lines.all()] == [later]
    assert CashierBatchLine.objects.count() == 3


def test_command_writes_the_batch_and_the_sandbox_acknowledges_it(tmp_path, received):
    est, transfers = received
    batch_file = tmp_path / "lot.csv"
    call_command("cashier_batch", "ETABA", "--date", today().isoformat(), "--output", str(batch_file))
    ack_out = io.StringIO()
    call_command("sandbox_cashier_ack", str(batch_file), stdout=ack_out)
    ack_file = tmp_path / "accuse.csv"
    ack_file.write_text(ack_out.getvalue())
    out = io.StringIO()
    call_command("cashier_ack", str(ack_file), stdout=out)
    assert "2 virement(s) versé(s)" in out.getvalue()
    for t in transfers:
        t.refresh_from_db()
        assert t.status == S.CREDITED
        assert t.cashier_line.operation_id.startswith("CAISSE-")
    # The same acknowledgement again: refused, nothing changes, still credited once.
    with pytest.raises(CommandError, match="déjà été traité par la caisse"):
        call_command("cashier_ack", str(ack_file))
    assert Transfer.history.filter(status=S.CREDITED).count() == 2
    with pytest.raises(CommandError, match="Établissement inconnu"):
        call_command("cashier_batch", "NOPE")


def test_rejected_line_goes_to_refund_with_its_reason(tmp_path):
    est = establishment()
    rejected = executed_transfer(est, detainee=DetaineeFactory(establishment=est, ecrou="REJ001"))
    fine = executed_transfer(est)
    receive(tmp_path, est, [rejected, fine])
    batch = generate_batch(establishment_id=est.pk, day=today()).batch
    result = apply_acknowledgement(data=acknowledge(batch.content).encode())
    assert result.credited == [fine.reference] and result.refused == [rejected.reference]
    rejected.refresh_from_db()
    assert rejected.status == S.TO_REFUND and "compte nominatif clos" in rejected.failure_reason
    refund = Refund.objects.get(transfer=rejected)
    assert refund.creditor_name == payer_name(rejected.relative) and refund.creditor_iban.startswith("FR76")
    assert refund.status == RefundStatus.PENDING and refund.amount == rejected.amount
    batch.refresh_from_db()
    assert batch.acknowledged_at is not None


def test_detainee_released_or_transferred_before_crediting_goes_to_refund(tmp_path):
    est = establishment()
    released = executed_transfer(est)
    moved = executed_transfer(est)
    stays = executed_transfer(est)
    receive(tmp_path, est, [released, moved, stays])
    released.detainee.status = DetaineeStatus.RELEASED
    released.detainee.save()
    moved.detainee.establishment = establishment("ETABB", "FR7630004000000001234567942")
    moved.detainee.save()
    result = generate_batch(establishment_id=est.pk, day=today())
    assert sorted(result.sent_to_refund) == sorted([released.reference, moved.reference])
    assert [line.transfer_id for line in result.batch.lines.all()] == [stays.pk]
    for t, word in ((released, "libérée"), (moved, "transférée")):
        t.refresh_from_db()
        assert t.status == S.TO_REFUND and word in reason_label(t.failure_reason)
    assert Refund.objects.count() == 2


@pytest.mark.parametrize(
    "ack, message",
    [
        ("reference;statut;operation;motif\nPDPAAAAAAAAAAAAAAAAAAAA22;CREDITED;OP1;\n", "n'est dans aucun lot"),
        ("reference;statut;operation;motif\n{a};CREDITED;OP1;\n{a};CREDITED;OP2;\n", "figure deux fois"),
        ("reference;statut;operation;motif\n{a};PAID;OP1;\n", "statut « PAID » inconnu"),
        ("reference;statut;operation;motif\n{a};CREDITED;;\n", "identifiant de l'opération"),
        ("reference;statut;operation;motif\n{a};REJECTED;;\n", "doit porter son motif"),
        ("reference;statut;operation;motif;montant\n{a};CREDITED;OP1;;12.51\n",
         "montant 12,51\u00a0€ .* le lot porte 12,50\u00a0€"),
        ("reference;statut;operation;motif\n{a};CREDITED;OP1;\n{b};CREDITED;OP1;\n",
         "ligne 3 : l'opération de caisse OP1 a déjà été utilisée"),
        ("ref;status\n", "En-tête attendu"),
        ("", "vide"),
    ],
)
def test_bad_acknowledgements_change_nothing(received, ack, message):
    est, (a, b) = received
    generate_batch(establishment_id=est.pk, day=today())
    data = ack.format(a=a.reference, b=b.reference).encode()
    with pytest.raises(ReconciliationError, match=message):
        apply_acknowledgement(data=data)
    assert set(Transfer.objects.values_list("status", flat=True)) == {S.RECEIVED}
    assert set(CashierBatchLine.objects.values_list("ack_status", flat=True)) == {AckStatus.PENDING}


def test_already_credited_reference_refuses_the_whole_file(received):
    est, (a, b) = received
    generate_batch(establishment_id=est.pk, day=today())
    apply_acknowledgement(data=f"reference;statut;operation;motif\n{a.reference};CREDITED;OP1;\n".encode())
    with pytest.raises(ReconciliationError, match=f"{a.reference} a déjà été traité"):
        apply_acknowledgement(
            data=f"reference;statut;operation;motif\n{b.reference};CREDITED;OP2;\n{a.reference};CREDITED;OP3;\n".encode()
        )
    b.refresh_from_db()
    assert b.status == S.RECEIVED


def test_staff_of_another_establishment_cannot_acknowledge(received):
    est, (a, b) = received
    generate_batch(establishment_id=est.pk, day=today())
    other = StaffFactory(role="regie", establishments=[establishment("ETABC", "FR7630004000000001234567942")])
    with pytest.raises(ReconciliationError, match="n'est dans aucun lot"):
        apply_acknowledgement(
            data=f"reference;statut;operation;motif\n{a.reference};CREDITED;OP1;\n".encode(), user=other
        )
    assert CashierBatch.objects.count() == 1
