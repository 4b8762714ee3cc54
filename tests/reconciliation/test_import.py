"""Statement import and matching: versions, variations, outcomes, imported once, scope."""

import io
import os
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Relative
from core.audit import reason_label
from reconciliation.camt import CamtError, reader
from reconciliation.constants import MatchOutcome, Resolution
from reconciliation.models import BankStatement, StatementEntry
from reconciliation.services.statements import import_statement
from tests.accounts.factories import StaffFactory
from tests.establishments.factories import EstablishmentFactory
from tests.permits.factories import DetaineeFactory, VisitPermitFactory
from tests.transfers.factories import RelativeFactory, TransferFactory
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .camt_files import Entry, Tx, build, credit, write

S = TransferStatus
M = MatchOutcome
pytestmark = pytest.mark.django_db
IBAN_A = "FR7610071750000000100012302"
IBAN_B = "FR7630004000000001234567942"


@pytest.fixture
def est():
    return EstablishmentFactory(code="ETABA", regie_iban=IBAN_A)


def transfer(est, amount="50.00", status=S.EXECUTED, **kw):
    # The detainee in ``est``: no second establishment holding the same régie IBAN, which the import
    # might take for the statement's.
    kw.setdefault("permit", VisitPermitFactory(detainee=DetaineeFactory(establishment=est)))
    # The payer of the files' entries (camt_files' default debtor), from one account of her own.
    kw.setdefault("relative", Relative.objects.filter(sub="angela").first()
                  or RelativeFactory(sub="angela", given_name="Angela", family_name="DUBOIS"))
    t = TransferFactory(amount=Decimal(amount), status=status, **kw)
    Transfer.objects.filter(pk=t.pk).update(establishment=est)
    t.refresh_from_db()
    return t


@pytest.mark.parametrize("version", ["02", "08"])
def test_each_outcome_on_both_versions(tmp_path, est, version):
    by_e2e = transfer(est)
    by_text = transfer(est, "20.00")
    wrong_amount = transfer(est, "30.00")
    already = transfer(est, "10.00", status=S.RECEIVED)
    staff = StaffFactory(role="regie", establishments=[est])
    content = build(iban=IBAN_A, version=version, opening="100.00", entries=[
        credit("50.00", by_e2e.reference, "PECULE MARTIN"),
        credit("20.00", "NOTPROVIDED", f"PECULE REF {by_text.reference} MERCI"),
        credit("31.00", wrong_amount.reference),
        credit("10.00", already.reference),
        credit("5.00", "NOTPROVIDED", "CADEAU SANS REFERENCE"),
        # One entry, two details: the first matches, the second pays the same transfer again.
        Entry("100.00", [Tx("50.00", "NOTPROVIDED", "x"), Tx("50.00", by_e2e.reference)]),
    ])
    result = import_statement(path=write(tmp_path, content), user=staff)
    statement = result.statement
    assert statement.establishment == est and statement.camt_version == f"camt.053.001.{version}"
    assert statement.opening_balance == Decimal("100.00") and statement.closing_balance == Decimal("316.00")
    outcomes = list(StatementEntry.objects.order_by("entry_index", "detail_index").values_list("outcome", flat=True))
    assert outcomes == [M.MATCHED, M.MATCHED, M.AMOUNT_MISMATCH, M.DUPLICATE, M.UNKNOWN_REFERENCE,
                        M.UNKNOWN_REFERENCE, M.DUPLICATE]
    for t, status in ((by_e2e, S.RECEIVED), (by_text, S.RECEIVED), (wrong_amount, S.EXECUTED)):
        t.refresh_from_db()
        assert t.status == status
    by_e2e.refresh_from_db()
    record = by_e2e.history.first()
    assert record.history_user == staff and "Reçu" in reason_label(record.history_change_reason)
    assert StatementEntry.objects.filter(debtor_name="Angela DUBOIS", debtor_iban__startswith="FR76").count() == 7
    assert result.counts[M.MATCHED] == 2
    assert statement.history.first().history_user == staff


def test_a_transfer_authorized_but_not_yet_reported_executed_is_received(tmp_path, est):
    t = transfer(est, status=S.AUTHORIZED)
    import_statement(path=write(tmp_path, build(iban=IBAN_A, entries=[credit("50.00", t.reference)])))
    t.refresh_from_db()
    assert t.status == S.RECEIVED and t.executed_at is not None


def test_return_and_reversal_send_the_transfer_back_to_the_payer(tmp_path, est):
    returned, reversed_ = transfer(est), transfer(est, "20.00")
    credited = transfer(est, "7.00", status=S.CREDITED)
    content = build(iban=IBAN_A, opening="500.00", entries=[
        credit("50.00", returned.reference),
        Entry("50.00", [Tx("50.00", returned.reference)], credit=False, subfamily="RRTN", return_reason="AC04"),
        Entry("20.00", [Tx("20.00", reversed_.reference)], credit=False, reversal=True),
        Entry("7.00", [Tx("7.00", credited.reference)], credit=False, subfamily="RRTN"),
        Entry("3.00", [Tx("3.00", "NOTPROVIDED", "FRAIS")], credit=False, family="CCRD", subfamily="CHRG"),
    ])
    import_statement(path=write(tmp_path, content))
    returned.refresh_from_db()
    reversed_.refresh_from_db()
    credited.refresh_from_db()
    assert returned.status == S.REFUNDED and "AC04" in returned.failure_reason
    assert reversed_.status == S.REFUNDED
    assert credited.status == S.CREDITED
    rows = list(StatementEntry.objects.order_by("entry_index").values_list("outcome", "resolution"))
    assert rows == [
        (M.MATCHED, ""), (M.RETURNED, Resolution.RETURN_APPLIED), (M.RETURNED, Resolution.RETURN_APPLIED),
        (M.UNEXPECTED_STATUS, ""), (M.OTHER, ""),
    ]


def test_pending_entries_are_not_counted_nor_matched(tmp_path, est):
    t = transfer(est)
    pending = credit("50.00", t.reference)
    pending.status = "PDNG"
    import_statement(path=write(tmp_path, build(iban=IBAN_A, entries=[pending], closing="0.00")))
    t.refresh_from_db()
    assert t.status == S.EXECUTED
    assert StatementEntry.objects.get().outcome == M.NOT_BOOKED


def test_imported_once_same_file_or_same_message(tmp_path, est):
    t = transfer(est)
    content = build(iban=IBAN_A, entries=[credit("50.00", t.reference)], msg_id="M-1")
    import_statement(path=write(tmp_path, content))
    with pytest.raises(CamtError, match="Ce fichier a déjà été importé"):
        import_statement(path=write(tmp_path, content, "copie.xml"))
    other = build(iban=IBAN_A, entries=[credit("50.00", t.reference), credit("1.00")], msg_id="M-1")
    with pytest.raises(CamtError, match="déjà été importé \\(message M-1"):
        import_statement(path=write(tmp_path, other, "autre.xml"))
    assert BankStatement.objects.count() == 1 and StatementEntry.objects.count() == 1


def test_staff_may_import_only_their_establishments_statements(tmp_path, est):
    EstablishmentFactory(code="ETABB", regie_iban=IBAN_B)
    t = transfer(est)
    staff_b = StaffFactory(role="regie", establishments=[EstablishmentFactory(code="ETABC")])
    path = write(tmp_path, build(iban=IBAN_A, entries=[credit("50.00", t.reference)]))
    with pytest.raises(CamtError, match="aucun établissement que vous pouvez gérer"):
        import_statement(path=path, user=staff_b)
    t.refresh_from_db()
    assert t.status == S.EXECUTED and not BankStatement.objects.exists()


def test_import_statement_command_prints_and_fails_non_zero(tmp_path, est):
    t = transfer(est)
    out = io.StringIO()
    path = write(tmp_path, build(iban=IBAN_A, entries=[credit("50.00", t.reference), credit("9.00")]))
    call_command("import_statement", path, stdout=out)
    assert "2 écritures" in out.getvalue() and "Rapproché : 1" in out.getvalue()
    assert "Référence inconnue : 1" in out.getvalue()
    with pytest.raises(CommandError, match="rien n'a été enregistré. Ce fichier a déjà été importé"):
        call_command("import_statement", path)
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_statement", str(tmp_path / "absent.xml"))


def test_a_statement_read_in_many_chunks_gives_the_same_outcomes_as_in_one(tmp_path, est, monkeypatch):
    """Chunks hold whole entries (an entry's details are never split), what a chunk received counts in
    the next ones (a second payment later in the file is a duplicate), every entry gets exactly one
    creation record, and progress is reported as the file is read."""
    monkeypatch.setattr(reader, "CHUNK_SIZE", 3)
    paid = [transfer(est, f"{n}.00") for n in range(1, 9)]
    entries = [credit(f"{t.amount:.2f}", t.reference) for t in paid[:5]]
    entries.insert(2, Entry("13.00", [Tx("6.00", paid[5].reference), Tx("7.00", paid[6].reference)]))
    entries += [credit("1.00", paid[0].reference), credit("8.00", paid[7].reference), credit("2.50")]
    steps = []
    path = write(tmp_path, build(iban=IBAN_A, entries=entries))
    result = import_statement(path=path, progress=lambda done, total: steps.append((done, total)))
    rows = list(StatementEntry.objects.order_by("entry_index", "detail_index").values_list(
        "entry_index", "detail_index", "outcome", "transfer__reference"))
    assert rows == [
        (1, 1, M.MATCHED, paid[0].reference), (2, 1, M.MATCHED, paid[1].reference),
        (3, 1, M.MATCHED, paid[5].reference), (3, 2, M.MATCHED, paid[6].reference),
        (4, 1, M.MATCHED, paid[2].reference), (5, 1, M.MATCHED, paid[3].reference),
        (6, 1, M.MATCHED, paid[4].reference), (7, 1, M.DUPLICATE, paid[0].reference),
        (8, 1, M.MATCHED, paid[7].reference), (9, 1, M.UNKNOWN_REFERENCE, None),
    ]
    assert result.counts == {M.MATCHED: 8, M.DUPLICATE: 1, M.UNKNOWN_REFERENCE: 1}
    assert set(Transfer.objects.filter(pk__in=[t.pk for t in paid]).values_list("status", flat=True)) == {S.RECEIVED}
    history = StatementEntry.history.model.objects
    assert history.count() == 10 and history.filter(history_type="+").values("id").distinct().count() == 10
    for t in paid:
        assert t.history.filter(status=S.RECEIVED).count() == 1
    size = os.path.getsize(path)
    assert len(steps) >= 3 and steps == sorted(steps) and steps[-1] == (size, size)


def test_a_return_of_another_amount_never_moves_the_transfer(tmp_path, est):
    """A debit returning a transfer must return its amount: 0.01 € naming a received 50 € transfer
    waits in the exceptions queue, the transfer stays received (to be credited)."""
    received = transfer(est, status=S.RECEIVED)
    executed = transfer(est, "20.00")
    content = build(iban=IBAN_A, opening="500.00", entries=[
        Entry("0.01", [Tx("0.01", received.reference)], credit=False, subfamily="RRTN", return_reason="AC04"),
        Entry("2.00", [Tx("2.00", executed.reference)], credit=False, reversal=True),
    ])
    result = import_statement(path=write(tmp_path, content))
    received.refresh_from_db()
    executed.refresh_from_db()
    assert (received.status, executed.status) == (S.RECEIVED, S.EXECUTED)
    rows = list(StatementEntry.objects.order_by("entry_index").values_list("outcome", "resolution", "transfer"))
    assert rows == [(M.AMOUNT_MISMATCH, "", received.pk), (M.AMOUNT_MISMATCH, "", executed.pk)]
    assert result.counts == {M.AMOUNT_MISMATCH: 2}
    assert not Transfer.history.filter(status=S.REFUNDED).exists()


def test_an_entry_without_details_moves_no_transfer(tmp_path, est):
    """With no details, an entry names no transfer (its amount equal to a transfer's or not): the
    exceptions queue."""
    t = transfer(est)
    content = build(iban=IBAN_A, opening="100.00", entries=[
        Entry("50.00", []), Entry("50.00", [], credit=False, subfamily="RRTN"),
    ])
    import_statement(path=write(tmp_path, content))
    t.refresh_from_db()
    assert t.status == S.EXECUTED
    assert list(StatementEntry.objects.order_by("entry_index").values_list("outcome", "transfer")) == [
        (M.UNKNOWN_REFERENCE, None), (M.OTHER, None)]


def test_each_detail_of_a_batch_booking_is_matched_on_its_own_amount(tmp_path, est):
    """A batch booking (one entry, several details that add up): a detail matching its transfer's
    amount receives it, one that does not waits in the queue, even though the entry adds up."""
    paid, other = transfer(est, "30.00"), transfer(est, "25.00")
    content = build(iban=IBAN_A, entries=[
        Entry("50.00", [Tx("30.00", paid.reference), Tx("20.00", other.reference)], batch=(2, "50.00")),
    ])
    import_statement(path=write(tmp_path, content))
    paid.refresh_from_db()
    other.refresh_from_db()
    assert (paid.status, other.status) == (S.RECEIVED, S.EXECUTED)
    assert list(StatementEntry.objects.order_by("detail_index").values_list("amount", "outcome")) == [
        (Decimal("30.00"), M.MATCHED), (Decimal("20.00"), M.AMOUNT_MISMATCH)]
