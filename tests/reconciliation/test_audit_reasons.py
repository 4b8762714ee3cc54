"""The reconciliation's history stores codes (``ReconciliationAuditReason``), shown by their French label:
the audit does not depend on the language of whoever made the change."""

import pytest

from core.audit import reason_label
from reconciliation.constants import ReconciliationAuditReason
from reconciliation.models import BankStatement, StatementEntry
from reconciliation.services.cashier import generate_batch

from .helpers import establishment, executed_transfer, receive, today

pytestmark = pytest.mark.django_db


def test_every_code_is_the_reconciliation_s():
    assert all(reason.value.startswith("reconciliation_") for reason in ReconciliationAuditReason)


def test_the_import_and_the_batch_store_codes(tmp_path):
    est = establishment()
    transfer = executed_transfer(est, "12.50")
    receive(tmp_path, est, [transfer], msg_id="MSG-A")
    stored = BankStatement.objects.get().history.first().history_change_reason
    assert stored == "reconciliation_statement_imported:MSG-A.xml"
    assert reason_label(stored) == "Import du relevé : MSG-A.xml"
    # The entries' creation history, written by the database, carries the same code.
    entry_history = StatementEntry.history.get()
    assert entry_history.history_change_reason == stored
    batch = generate_batch(establishment_id=est.pk, day=today()).batch
    assert batch.history.first().history_change_reason == "reconciliation_batch_generated"
    line = batch.lines.get()
    assert line.history.first().history_change_reason == "reconciliation_batch_generated"
    assert reason_label(line.history.first().history_change_reason) == "Lot généré"
