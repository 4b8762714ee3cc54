"""Exactly once on PostgreSQL: two staff members (threads, each with its own connection) generating
the day's batch, applying the same acknowledgement, importing the same statement, approving the
same refund file, all at the same instant."""

import threading

import pytest
from django.db import connection

from reconciliation.camt import CamtError
from reconciliation.constants import ReconciliationAuditReason
from reconciliation.errors import ReconciliationError
from reconciliation.models import BankStatement, CashierBatch, CashierBatchLine, StatementEntry
from reconciliation.services.cashier import apply_acknowledgement, generate_batch
from reconciliation.services.refunds import (
    approve_refund_file,
    mark_refund_file_sent,
    prepare_refund_file,
    send_transfer_to_refund,
)
from reconciliation.services.statements import import_statement
from sandbox.cashier import acknowledge
from tests.accounts.factories import StaffFactory
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .camt_files import build, credit, write
from .helpers import establishment, executed_transfer, payer_iban, payer_name, receive, today

S = TransferStatus
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(action, n: int = 6) -> tuple[list, list]:
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results.append(action(i))
        except Exception as exc:  # noqa: BLE001 - returned to the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


def test_batch_generated_at_once_by_several_staff_is_one_batch(tmp_path):
    est = establishment()
    transfers = [executed_transfer(est) for _ in range(5)]
    receive(tmp_path, est, transfers)
    results, errors = race(lambda i: generate_batch(establishment_id=est.pk, day=today()))
    assert not errors, errors
    assert sum(r.created for r in results) == 1
    assert len({r.batch.pk for r in results}) == 1
    assert CashierBatch.objects.count() == 1 and CashierBatchLine.objects.count() == 5


def test_same_acknowledgement_applied_at_once_credits_once(tmp_path):
    est = establishment()
    transfers = [executed_transfer(est) for _ in range(5)]
    receive(tmp_path, est, transfers)
    batch = generate_batch(establishment_id=est.pk, day=today()).batch
    ack = acknowledge(batch.content).encode()
    results, errors = race(lambda i: apply_acknowledgement(data=ack))
    assert len(results) == 1 and len(errors) == 5
    assert all(isinstance(e, ReconciliationError) and "déjà été traité" in str(e) for e in errors)
    assert Transfer.objects.filter(status=S.CREDITED).count() == 5
    assert Transfer.history.filter(status=S.CREDITED).count() == 5


def test_same_statement_imported_at_once_is_imported_once(tmp_path):
    est = establishment()
    transfers = [executed_transfer(est) for _ in range(20)]
    content = build(iban=est.regie_iban, entries=[
        credit(f"{t.amount:.2f}", t.reference, debtor=payer_name(t.relative), debtor_iban=payer_iban(t.relative))
        for t in transfers
    ])
    paths = [write(tmp_path, content, f"copy{i}.xml") for i in range(4)]
    results, errors = race(lambda i: import_statement(path=paths[i]), n=4)
    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(e, CamtError) and "déjà été importé" in str(e) for e in errors)
    assert BankStatement.objects.count() == 1 and StatementEntry.objects.count() == 20
    assert Transfer.history.filter(status=S.RECEIVED).count() == 20


def test_refund_file_approved_and_sent_at_once_refunds_once(tmp_path):
    est = establishment()
    preparer = StaffFactory(role="regie", establishments=[est])
    others = [StaffFactory(role="regie", establishments=[est]) for _ in range(4)]
    t = executed_transfer(est)
    receive(tmp_path, est, [t])
    send_transfer_to_refund(transfer_id=t.pk, reason=ReconciliationAuditReason.DETAINEE_RELEASED, user=preparer)
    refund_file = prepare_refund_file(establishment_id=est.pk, user=preparer)
    results, errors = race(lambda i: approve_refund_file(file_id=refund_file.pk, user=others[i]), n=4)
    assert len(results) == 1 and all("déjà été approuvé" in str(e) for e in errors)
    results, errors = race(lambda i: mark_refund_file_sent(file_id=refund_file.pk, user=others[i]), n=4)
    assert len(results) == 1 and len(errors) == 3
    assert Transfer.history.filter(id=t.pk, status=S.REFUNDED).count() == 1
