"""The exceptions queue (assign, refund, dismiss, each in the history with its author), transfers not
seen on a statement, and refunds through the four-eyes pain.001 flow."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from lxml import etree

from core.audit import audit_reason, reason_label
from reconciliation import selectors
from reconciliation.constants import MatchOutcome, ReconciliationAuditReason, RefundFileStatus, RefundStatus, Resolution
from reconciliation.errors import ReconciliationError
from reconciliation.models import Refund, RefundFile, StatementEntry
from reconciliation.services.exceptions import assign_entry, dismiss_entry, mark_entry_for_refund
from reconciliation.services.refunds import (
    approve_refund_file,
    mark_refund_file_sent,
    prepare_refund_file,
    send_transfer_to_refund,
)
from reconciliation.services.statements import import_statement
from tests.accounts.factories import StaffFactory
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .camt_files import credit
from .helpers import establishment, executed_transfer, receive

S = TransferStatus
pytestmark = pytest.mark.django_db
PAIN = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


@pytest.fixture
def queue(tmp_path):
    est = establishment()
    staff = StaffFactory(role="regie", establishments=[est])
    waiting = executed_transfer(est, "25.00")
    receive(tmp_path, est, [], extra=[
        credit("25.00", "NOTPROVIDED", "VIREMENT POUR JEAN", debtor="Marie DURAND"),
        credit("99.00", "NOTPROVIDED", "INCONNU", debtor="Paul INCONNU", debtor_iban="FR7630006000011234567890189"),
        credit("3.00", "NOTPROVIDED", "ERREUR"),
    ], user=staff)
    return est, staff, waiting, list(StatementEntry.objects.order_by("entry_index"))


def test_queue_lists_only_open_exceptions_of_the_users_establishments(queue):
    est, staff, _w, entries = queue
    assert list(selectors.exceptions_queue(staff)) == entries
    other = StaffFactory(role="regie", establishments=[establishment("ETABB", "FR7630004000000001234567942")])
    assert not selectors.exceptions_queue(other).exists()
    with pytest.raises(ReconciliationError, match="n'existe pas"):
        dismiss_entry(entry_id=entries[2].pk, reason="x", user=other)


def test_assign_to_a_transfer(queue):
    _est, staff, waiting, entries = queue
    with pytest.raises(ReconciliationError, match="diffère"):
        assign_entry(entry_id=entries[1].pk, reference=waiting.reference, user=staff)
    with pytest.raises(ReconciliationError, match="Aucun virement"):
        assign_entry(entry_id=entries[0].pk, reference="PDPNEXISTEPAS", user=staff)
    assign_entry(entry_id=entries[0].pk, reference=waiting.reference.lower(), user=staff)
    waiting.refresh_from_db()
    entries[0].refresh_from_db()
    assert waiting.status == S.RECEIVED and entries[0].transfer == waiting
    assert entries[0].resolution == Resolution.ASSIGNED and entries[0].resolved_by == staff
    record = entries[0].history.first()
    assert record.history_user == staff and record.history_change_reason == audit_reason(
        ReconciliationAuditReason.ENTRY_ASSIGNED, waiting.reference
    )
    with pytest.raises(ReconciliationError, match="plus\\) dans la file"):
        assign_entry(entry_id=entries[0].pk, reference=waiting.reference, user=staff)


def test_dismiss_needs_a_reason(queue):
    _est, staff, _w, entries = queue
    with pytest.raises(ReconciliationError, match="Indiquez pourquoi"):
        dismiss_entry(entry_id=entries[2].pk, reason="  ", user=staff)
    dismiss_entry(entry_id=entries[2].pk, reason="Frais bancaires régularisés", user=staff)
    entries[2].refresh_from_db()
    assert entries[2].resolution == Resolution.DISMISSED
    stored = entries[2].history.first().history_change_reason
    assert stored == "reconciliation_entry_dismissed:Frais bancaires régularisés"
    assert reason_label(stored) == "Classé : Frais bancaires régularisés"


def test_unknown_entry_refunded_through_four_eyes(queue):
    est, preparer, _w, entries = queue
    approver = StaffFactory(role="regie", establishments=[est])
    refund = mark_entry_for_refund(entry_id=entries[1].pk, reason="Référence inconnue", user=preparer)
    assert refund.creditor_name == "Paul INCONNU" and refund.creditor_iban == "FR7630006000011234567890189"
    with pytest.raises(ReconciliationError, match="plus\\) dans la file"):
        mark_entry_for_refund(entry_id=entries[1].pk, reason="encore", user=preparer)
    refund_file = prepare_refund_file(establishment_id=est.pk, user=preparer)
    root = etree.fromstring(refund_file.xml.encode())
    assert root.xpath("string(//p:CdtTrfTxInf/p:Amt/p:InstdAmt)", namespaces=PAIN) == "99.00"
    assert root.xpath("string(//p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:IBAN)", namespaces=PAIN) == refund.creditor_iban
    assert root.xpath("string(//p:CdtTrfTxInf/p:PmtId/p:EndToEndId)", namespaces=PAIN) == refund.end_to_end_id
    assert root.xpath("string(//p:PmtInf/p:DbtrAcct/p:Id/p:IBAN)", namespaces=PAIN) == est.regie_iban
    assert root.xpath("string(//p:GrpHdr/p:MsgId)", namespaces=PAIN) == refund_file.message_id
    with pytest.raises(ReconciliationError, match="Aucun remboursement en attente"):
        prepare_refund_file(establishment_id=est.pk, user=preparer)
    with pytest.raises(ReconciliationError, match="Seul un fichier approuvé"):
        mark_refund_file_sent(file_id=refund_file.pk, user=approver)
    with pytest.raises(ReconciliationError, match="quatre yeux"):
        approve_refund_file(file_id=refund_file.pk, user=preparer)
    refund_file.refresh_from_db()
    assert refund_file.status == RefundFileStatus.PREPARED and refund_file.approved_by is None
    approve_refund_file(file_id=refund_file.pk, user=approver)
    mark_refund_file_sent(file_id=refund_file.pk, user=approver)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REFUNDED and refund.refunded_at is not None
    assert {h.history_user for h in RefundFile.history.filter(id=refund_file.pk)} == {preparer, approver}


def test_the_database_refuses_the_same_person_approving():
    est = establishment()
    staff = StaffFactory(role="regie", establishments=[est])
    refund_file = RefundFile.objects.create(
        establishment=est, message_id="M", refund_count=0, total=Decimal("0"), prepared_by=staff
    )
    refund_file.approved_by = staff
    with pytest.raises(IntegrityError), transaction.atomic():
        refund_file.save()


def test_transfer_refund_makes_it_refunded_for_the_relative(tmp_path):
    est = establishment()
    preparer, approver = (StaffFactory(role="regie", establishments=[est]) for _ in range(2))
    t = executed_transfer(est)
    receive(tmp_path, est, [t])
    send_transfer_to_refund(transfer_id=t.pk, reason=ReconciliationAuditReason.DETAINEE_RELEASED, user=preparer)
    refund_file = prepare_refund_file(establishment_id=est.pk, user=preparer)
    approve_refund_file(file_id=refund_file.pk, user=approver)
    t.refresh_from_db()
    assert t.status == S.TO_REFUND
    mark_refund_file_sent(file_id=refund_file.pk, user=preparer)
    t.refresh_from_db()
    assert t.status == S.REFUNDED and t.get_status_display() == "Remboursé"
    assert Refund.objects.get().transfer == t


def test_debit_of_a_sent_refund_is_recognised(tmp_path, queue):
    est, staff, _w, entries = queue
    refund = mark_entry_for_refund(entry_id=entries[1].pk, reason="Inconnu", user=staff)
    from .camt_files import Entry, Tx, build, write

    content = build(iban=est.regie_iban, opening="127.00", msg_id="MSG-DEBIT", entries=[
        Entry("99.00", [Tx("99.00", refund.end_to_end_id)], credit=False, family="ICDT", subfamily="ESCT"),
    ])
    import_statement(path=write(tmp_path, content, "debit.xml"))
    assert StatementEntry.objects.get(end_to_end_id=refund.end_to_end_id).outcome == MatchOutcome.REFUND_SENT


def test_executed_transfers_unseen_after_three_business_days_are_flagged():
    est = establishment()
    # Thursday 10:00 → the next Tuesday 10:00 is 3 business days later.
    thursday = timezone.make_aware(datetime.datetime(2026, 6, 4, 10, 0))
    old = executed_transfer(est)
    recent = executed_transfer(est)
    Transfer.objects.filter(pk=old.pk).update(executed_at=thursday - datetime.timedelta(minutes=1))
    Transfer.objects.filter(pk=recent.pk).update(executed_at=thursday + datetime.timedelta(minutes=1))
    tuesday = thursday + datetime.timedelta(days=5)
    assert list(selectors.unseen_transfers(now=tuesday)) == [old]
    assert list(selectors.unseen_transfers(now=tuesday - datetime.timedelta(days=1))) == []
    staff_other = StaffFactory(role="regie", establishments=[establishment("ETABB", "FR7630004000000001234567942")])
    assert not selectors.unseen_transfers(staff_other, now=tuesday).exists()


def test_debit_naming_a_refund_for_another_amount_waits_in_the_queue(tmp_path, queue):
    est, staff, _w, entries = queue
    refund = mark_entry_for_refund(entry_id=entries[1].pk, reason="Inconnu", user=staff)
    from .camt_files import Entry, Tx, build, write

    content = build(iban=est.regie_iban, opening="127.00", msg_id="MSG-DEBIT", entries=[
        Entry("9.90", [Tx("9.90", refund.end_to_end_id)], credit=False, family="ICDT", subfamily="ESCT"),
    ])
    import_statement(path=write(tmp_path, content, "debit.xml"))
    entry = StatementEntry.objects.get(end_to_end_id=refund.end_to_end_id)
    assert entry.outcome == MatchOutcome.AMOUNT_MISMATCH
    assert entry in selectors.exceptions_queue(staff)
