"""Intraday notices (camt.054) and reports (camt.052): imported and matched like the statement, each bank
transaction matched once whichever file brings it first (« Déjà lu dans … »), bad files refused whole."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from reconciliation import jobs
from reconciliation.camt import CamtError
from reconciliation.camt.parser import EntryLine, StatementHeader, parse_statement
from reconciliation.constants import EXCEPTION_OUTCOMES, MatchOutcome, StatementKind
from reconciliation.models import BankStatement, StatementEntry
from reconciliation.selectors import daily_report, exceptions_queue, last_days
from reconciliation.services.matching import transaction_key
from reconciliation.services.statements import import_statement
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .camt_files import Entry, Tx, build, credit, write
from .helpers import establishment, executed_transfer, payer_iban, payer_name, today

S = TransferStatus
M = MatchOutcome
pytestmark = pytest.mark.django_db
OTHER_IBAN = "FR7630004000000001234567942"


def paid(t, ref: str, **kw) -> Entry:
    """The bank's credit of transfer ``t``, known at the bank as ``ref`` (the same in every file)."""
    return credit(f"{t.amount:.2f}", t.reference, debtor=payer_name(t.relative), debtor_iban=payer_iban(t.relative),
                  ref=ref, **kw)


def file_of(tmp_path, est, entries, *, kind: str, msg_id: str, version: str = "08", **kw) -> str:
    content = build(iban=est.regie_iban, entries=entries, kind=kind, msg_id=msg_id, version=version,
                    day=today().isoformat(), **kw)
    return write(tmp_path, content, f"{msg_id}.xml")


def notice(tmp_path, est, entries, msg_id: str = "AVIS-1", **kw):
    return import_statement(path=file_of(tmp_path, est, entries, kind="054", msg_id=msg_id, **kw))


def statement(tmp_path, est, entries, msg_id: str = "RELEVE-1", **kw):
    return import_statement(path=file_of(tmp_path, est, entries, kind="053", msg_id=msg_id, **kw))


def queue(est) -> list[int]:
    staff = StaffFactory(role="regie", establishments=[est])
    return list(exceptions_queue(staff).values_list("pk", flat=True))


def nothing_written() -> None:
    assert not BankStatement.objects.exists() and not StatementEntry.objects.exists()
    assert not Transfer.objects.filter(status=S.RECEIVED).exists()


def refused(tmp_path, content: bytes, match: str) -> None:
    with pytest.raises(CamtError, match=match):
        import_statement(path=write(tmp_path, content, "refuse.xml"))
    nothing_written()


@pytest.mark.parametrize("version", ["02", "08"])
def test_a_notice_then_the_statement_receive_the_transfer_once(tmp_path, version):
    est = establishment()
    t, other = executed_transfer(est, "40.00"), executed_transfer(est, "15.00")
    first = notice(tmp_path, est, [paid(t, "BQ-0001")], version=version)
    assert first.statement.kind == StatementKind.NOTIFICATION
    assert first.statement.camt_version == f"camt.054.001.{version}"
    assert first.statement.opening_balance is None and first.statement.closing_balance is None
    assert "Avis camt.054 AVIS-1" in first.summary() and "importé" in first.summary()
    t.refresh_from_db()
    assert t.status == S.RECEIVED
    seen = StatementEntry.objects.get(statement=first.statement)
    assert seen.outcome == M.MATCHED and seen.transaction_key

    second = statement(tmp_path, est, [paid(t, "BQ-0001"), paid(other, "BQ-0002")], opening="100.00",
                       version=version)
    again = StatementEntry.objects.get(statement=second.statement, entry_index=1)
    assert again.outcome == M.ALREADY_SEEN and again.first_seen_id == seen.pk and again.transfer_id == t.pk
    assert StatementEntry.objects.get(statement=second.statement, entry_index=2).outcome == M.MATCHED
    assert second.counts == {M.ALREADY_SEEN: 1, M.MATCHED: 1}
    # The statement's balances count both entries: they are on the account once each.
    assert second.statement.total_credits == Decimal("55.00") and second.statement.closing_balance == Decimal("155.00")
    assert Transfer.history.filter(id=t.pk, status=S.RECEIVED).count() == 1
    assert queue(est) == []
    report = daily_report(establishment=est, day=today())
    assert report.credits == Decimal("55.00") and report.matched == Decimal("55.00")
    assert report.other_credits == 0 and report.balances
    assert last_days(establishment=est, day=today(), days=1)[0]["received"] == Decimal("55.00")


def test_the_statement_then_a_late_notice_changes_nothing(tmp_path):
    est = establishment()
    t = executed_transfer(est, "25.00")
    statement(tmp_path, est, [paid(t, "BQ-77")])
    t.refresh_from_db()
    received_at = t.received_at
    late = notice(tmp_path, est, [paid(t, "BQ-77")])
    row = StatementEntry.objects.get(statement=late.statement)
    assert row.outcome == M.ALREADY_SEEN and row.transfer_id == t.pk
    assert row.first_seen.statement.kind == StatementKind.STATEMENT
    t.refresh_from_db()
    assert t.status == S.RECEIVED and t.received_at == received_at
    assert Transfer.history.filter(id=t.pk, status=S.RECEIVED).count() == 1
    assert queue(est) == [] and daily_report(establishment=est, day=today()).credits == Decimal("25.00")


def test_an_unknown_credit_in_a_notice_then_in_the_statement_is_one_exception(tmp_path):
    est = establishment()
    stranger = credit("12.00", "PDPINCONNU0000000000000", ref="BQ-X1")
    notice(tmp_path, est, [stranger])
    in_queue = queue(est)
    assert len(in_queue) == 1
    result = statement(tmp_path, est, [credit("12.00", "PDPINCONNU0000000000000", ref="BQ-X1")])
    assert queue(est) == in_queue
    row = StatementEntry.objects.get(statement=result.statement)
    assert row.outcome == M.ALREADY_SEEN and row.first_seen_id == in_queue[0] and row.transfer_id is None
    assert M.ALREADY_SEEN not in EXCEPTION_OUTCOMES


def test_a_report_and_a_notice_carrying_the_same_entry(tmp_path):
    est = establishment()
    t = executed_transfer(est, "30.00")
    report = import_statement(path=file_of(tmp_path, est, [paid(t, "BQ-52")], kind="052", msg_id="RPT-1",
                                           opening="10.00", balances=("OPBD", "ITBD")))
    assert report.statement.kind == StatementKind.REPORT
    assert report.statement.closing_balance == Decimal("40.00")
    assert "Relevé intrajournalier camt.052 RPT-1" in report.summary()
    later = notice(tmp_path, est, [paid(t, "BQ-52")])
    assert later.counts == {M.ALREADY_SEEN: 1}
    assert Transfer.history.filter(id=t.pk, status=S.RECEIVED).count() == 1


def test_a_report_without_balances_is_stored_without(tmp_path):
    est = establishment()
    t = executed_transfer(est)
    result = import_statement(path=file_of(tmp_path, est, [paid(t, "B1")], kind="052", msg_id="RPT-2", balances=()))
    assert result.statement.opening_balance is None and result.statement.closing_balance is None


def test_a_pending_line_of_a_notice_does_not_stop_the_booked_one(tmp_path):
    """A notice's entry not yet booked (PDNG) matches nothing; the statement's booked line is matched."""
    est = establishment()
    t = executed_transfer(est)
    pending = paid(t, "BQ-P")
    pending.status = "PDNG"
    notice(tmp_path, est, [pending])
    result = statement(tmp_path, est, [paid(t, "BQ-P")])
    assert result.counts == {M.MATCHED: 1}


def test_two_entries_with_the_same_key_in_one_file_are_both_kept(tmp_path):
    est = establishment()
    t = executed_transfer(est)
    result = notice(tmp_path, est, [paid(t, "BQ-D"), paid(t, "BQ-D")])
    assert result.counts == {M.MATCHED: 1, M.DUPLICATE: 1}


def test_a_notice_imported_twice_is_refused(tmp_path):
    est = establishment()
    t = executed_transfer(est)
    path = file_of(tmp_path, est, [paid(t, "BQ-1")], kind="054", msg_id="AVIS-9")
    import_statement(path=path)
    with pytest.raises(CamtError, match="Ce fichier a déjà été importé"):
        import_statement(path=path)
    same_message = build(iban=est.regie_iban, entries=[paid(t, "BQ-1"), credit("1.00")], kind="054", msg_id="AVIS-9")
    with pytest.raises(CamtError, match=r"Cet avis a déjà été importé \(message AVIS-9 du compte"):
        import_statement(path=write(tmp_path, same_message, "copie.xml"))
    assert BankStatement.objects.count() == 1 and StatementEntry.objects.count() == 1


def test_a_notice_whose_entry_details_do_not_add_up_is_refused_whole(tmp_path):
    est = establishment()
    t = executed_transfer(est)
    content = build(iban=est.regie_iban, kind="054", entries=[
        paid(t, "BQ-1"), Entry("60.00", [Tx("50.00", t.reference), Tx("5.00")]),
    ])
    refused(tmp_path, content, r"L'écriture n° 2 \(réf. banque BANK2-MSG-1, réf. écriture 2\) est de 60,00\u00a0€ "
                               r"mais ses détails totalisent 55,00\u00a0€")


def test_a_notice_of_another_account_is_refused(tmp_path):
    est = establishment()
    t = executed_transfer(est)
    refused(tmp_path, build(iban=OTHER_IBAN, kind="054", entries=[paid(t, "BQ-1")]),
            f"Le compte {OTHER_IBAN} n'est le compte de régie d'aucun établissement que vous pouvez gérer")


def test_a_report_whose_balances_do_not_add_up_is_refused(tmp_path):
    est = establishment()
    t = executed_transfer(est, "50.00")
    content = build(iban=est.regie_iban, kind="052", entries=[paid(t, "BQ-1")], opening="10.00", closing="70.00",
                    balances=("PRCD", "ITBD"))
    refused(tmp_path, content, "Les soldes ne concordent pas : solde d'ouverture 10,00\u00a0€ \\+ crédits 50,00")


@pytest.mark.parametrize("codes", [("OPBD",), ("ITBD",)])
def test_a_report_with_one_balance_only_is_refused(tmp_path, codes):
    est = establishment()
    t = executed_transfer(est)
    content = build(iban=est.regie_iban, kind="052", entries=[paid(t, "BQ-1")], balances=codes)
    refused(tmp_path, content, "doit donner les deux ou aucun")


@pytest.mark.parametrize("version", ["02", "08"])
@pytest.mark.parametrize(("kind", "label"), [("053", StatementKind.STATEMENT), ("052", StatementKind.REPORT),
                                             ("054", StatementKind.NOTIFICATION)])
def test_each_kind_in_both_versions_is_read(kind, label, version):
    content = build(iban="FR7610071750000000100012302", version=version, kind=kind, entries=[
        Entry("30.00", [Tx("20.00", "PDPAAAA", ref="TX-A"), Tx("10.00", "PDPBBBB")], ref="NT-1"),
    ])
    items = list(parse_statement(io.BytesIO(content)))
    header = items[-1]
    lines = [i for i in items if isinstance(i, EntryLine)]
    assert isinstance(header, StatementHeader) and header.finished
    assert header.kind == label and header.version == f"camt.{kind}.001.{version}"
    assert header.iban == "FR7610071750000000100012302" and header.statement_date == datetime.date(2026, 6, 10)
    assert [(line.amount, line.end_to_end_id, line.transaction_reference) for line in lines] == [
        (Decimal("20.00"), "PDPAAAA", "TX-A"), (Decimal("10.00"), "PDPBBBB", "")]
    assert [transaction_key(line) for line in lines] == ["TX:TX-A", "NTRY:NT-1:2"]


def test_the_transaction_key_falls_back_to_the_payment_itself():
    line = EntryLine(
        entry_index=1, detail_index=1, entry_reference="", account_servicer_reference="",
        booking_date=datetime.date(2026, 6, 10), value_date=None, entry_status="BOOK", credit_debit="CRDT",
        reversal=False, bank_transaction_code="", amount=Decimal("12.50"), currency="EUR",
        entry_amount=Decimal("12.50"), end_to_end_id="PDPX", remittance="", debtor_name="", debtor_iban="FR76123",
        debtor_bic="", return_reason="",
    )
    assert transaction_key(line) == "E2E:PDPX:12.50:CRDT:FR76123:2026-06-10"
    line.end_to_end_id = ""
    assert transaction_key(line) == ""


def test_the_command_says_a_notice_was_imported(tmp_path, capsys):
    est = establishment()
    t = executed_transfer(est)
    call_command("import_statement", file_of(tmp_path, est, [paid(t, "BQ-1")], kind="054", msg_id="AVIS-C"))
    out = capsys.readouterr().out
    assert f"Avis camt.054 AVIS-C du {today():%d/%m/%Y} importé pour ETABA : 1 écritures." in out
    with pytest.raises(CommandError, match="Fichier refusé, rien n'a été enregistré. Ce fichier a déjà été importé"):
        call_command("import_statement", str(tmp_path / "AVIS-C.xml"))


def test_the_inbox_picks_up_a_notice(tmp_path, settings):
    est = establishment()
    t = executed_transfer(est)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    settings.RECONCILIATION_INBOX_DIR = str(inbox)
    write(inbox, build(iban=est.regie_iban, kind="054", msg_id="AVIS-I", entries=[paid(t, "BQ-I")]), "avis.xml")
    assert jobs.scan_inbox() == 1
    logs = list((inbox / "done").glob("*.log"))
    assert len(logs) == 1 and "Avis camt.054 AVIS-I" in logs[0].read_text(encoding="utf-8")
    t.refresh_from_db()
    assert t.status == S.RECEIVED


def test_the_back_office_shows_the_kind_and_where_an_entry_was_read_first(tmp_path):
    est = establishment()
    t = executed_transfer(est)
    notice(tmp_path, est, [paid(t, "BQ-1")])
    result = statement(tmp_path, est, [paid(t, "BQ-1")])
    staff = StaffFactory(role="regie", establishments=[est])
    client = login_staff(Client(), staff)
    files = client.get("/gestion/reconciliation/bankstatement/").content.decode()
    assert "Avis de crédit ou de débit (camt.054)" in files and "Relevé de fin de journée (camt.053)" in files
    row = StatementEntry.objects.get(statement=result.statement)
    page = client.get(f"/gestion/reconciliation/statemententry/{row.pk}/change/").content.decode()
    assert f"Déjà lu dans AVIS-1.xml (camt.054 du {today():%d/%m/%Y})" in page
