"""Every file of the reconciliation that a person opens in a spreadsheet (the cashier batch, downloaded
from the back office or written by ``manage.py cashier_batch``; the daily report's CSV and XLSX): a text
cell a spreadsheet would run as a formula (``= + - @``, a tab, a carriage return) is written as text,
with a leading apostrophe, like the GENESIS exports. Amounts stay numbers."""

import csv
import io
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from accounts.models import Relative
from core.spreadsheets import FORMULA_PREFIXES, escape_formula, escaped_row
from reconciliation.services.cashier import generate_batch
from reconciliation.services.statements import import_statement
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.permits.factories import DetaineeFactory

from .camt_files import build, credit, write
from .helpers import establishment, executed_transfer, payer_iban, today

pytestmark = pytest.mark.django_db

PAYER = '=HYPERLINK("http://example.com/x","Cliquez ici")'
FAMILY = "@SOMME(A1:A9)"
FIRST = "-2+3+cmd|' /C calc'!A0"
PLUS = "+33 6 12 34 56 78"


@pytest.mark.parametrize("value", ["=1+1", "+33 1 23", "-5", "@A1", "\tx", "\rx"])
def test_the_one_rule(value):
    assert value.startswith(FORMULA_PREFIXES)
    assert escape_formula(value) == "'" + value
    assert escape_formula("'" + value) == "'" + value  # already text: left alone
    assert escape_formula("DUBOIS") == "DUBOIS" and escape_formula("Jean-Pierre") == "Jean-Pierre"
    assert escaped_row([value, Decimal("-5.00"), 3, None]) == ["'" + value, Decimal("-5.00"), 3, None]


@pytest.fixture
def batch(tmp_path):
    est = establishment()
    detainee = DetaineeFactory(establishment=est, family_name=FAMILY, first_name=FIRST)
    paid = executed_transfer(est, "12.50", detainee=detainee)
    plain = executed_transfer(est, "40.00")
    # The payers' FranceConnect names are the formulas too: the payments are not held for another name.
    Relative.objects.filter(pk=paid.relative_id).update(family_name=PAYER)
    Relative.objects.filter(pk=plain.relative_id).update(family_name=PLUS)
    content = build(iban=est.regie_iban, day=today().isoformat(), entries=[
        credit("12.50", paid.reference, debtor=PAYER, debtor_iban=payer_iban(paid.relative)),
        credit("40.00", plain.reference, debtor=PLUS, debtor_iban=payer_iban(plain.relative)),
    ])
    import_statement(path=write(tmp_path, content))
    return est, paid, plain, generate_batch(establishment_id=est.pk, day=today()).batch


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def assert_batch_escaped(rows: list[list[str]], paid, plain):
    first, second = rows[1], rows[2]
    assert first == [
        "ETABA", paid.detainee.ecrou, "'" + FAMILY, "'" + FIRST, "12.50", "EUR", paid.reference, "'" + PAYER,
        today().isoformat(),
    ]
    assert second[7] == "'" + PLUS and second[4] == "40.00" and second[6] == plain.reference
    assert not any(cell.startswith(FORMULA_PREFIXES) for row in rows for cell in row)


def test_the_cashier_batch_downloaded_from_the_back_office(batch):
    est, paid, plain, cashier_batch = batch
    client = login_staff(Client(), StaffFactory(role="regie", establishments=[est]))
    response = client.get(f"/gestion/rapprochement/caisse/lots/{cashier_batch.pk}.csv")
    assert response.status_code == 200
    assert_batch_escaped(read_csv(response.content.decode("utf-8")), paid, plain)


def test_the_cashier_batch_written_by_the_command(batch, tmp_path):
    _est, paid, plain, _batch = batch
    out = io.StringIO()
    call_command("cashier_batch", "ETABA", "--date", today().isoformat(), stdout=out, stderr=io.StringIO())
    assert_batch_escaped(read_csv(out.getvalue()), paid, plain)
    path = tmp_path / "lot.csv"
    call_command("cashier_batch", "ETABA", "--date", today().isoformat(), "--output", str(path),
                 stderr=io.StringIO())
    assert_batch_escaped(read_csv(path.read_text(encoding="utf-8")), paid, plain)


@pytest.fixture(params=["=1+2", "\t@A1"])
def report(request, tmp_path):
    """An establishment whose code an administrator typed as a formula, with a negative opening balance."""
    est = establishment(code=request.param)
    t = executed_transfer(est, "50.00")
    content = build(iban=est.regie_iban, day=today().isoformat(), opening="-10.00",
                    entries=[credit("50.00", t.reference)])
    import_statement(path=write(tmp_path, content))
    client = login_staff(Client(), StaffFactory(role="regie", establishments=[est]))
    return client, f"?{urlencode({'etablissement': est.code, 'jour': today().isoformat()})}", est.code


def test_the_daily_report_csv(report):
    client, query, code = report
    response = client.get("/gestion/rapprochement/rapport/export.csv" + query)
    assert response.status_code == 200
    rows = read_csv(response.content.decode("utf-8"))
    figures = {r[0]: r[1] for r in rows if len(r) == 2}
    assert figures["Établissement"] == "'" + code
    assert figures["Solde d'ouverture"] == "-10.00" and figures["Solde de clôture"] == "40.00"  # numbers stay
    assert not any(cell.startswith(FORMULA_PREFIXES) for row in rows for cell in row if cell != "-10.00")


def test_the_daily_report_xlsx_on_both_sheets(report):
    client, query, code = report
    response = client.get("/gestion/rapprochement/rapport/export.xlsx" + query)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    summary, days = book.worksheets
    values = {row[0]: row[1] for row in summary.iter_rows(values_only=True)}
    assert values["Établissement"] == "'" + code
    assert values["Solde d'ouverture"] == -10  # a number, not text
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert not any(isinstance(c.value, str) and c.value.startswith(FORMULA_PREFIXES) for c in cells)
    assert len(list(days.iter_rows())) == 31
