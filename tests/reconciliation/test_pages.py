"""Back-office pages: rights, the daily report (totals that balance, chart, exports), job status, the
inbox folder picked up by the beat task."""

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from reconciliation import jobs, tasks
from reconciliation.models import BankStatement
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import client_for

from .camt_files import build, credit, write
from .helpers import establishment, executed_transfer, receive, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(tmp_path):
    est = establishment()
    staff = StaffFactory(role="regie", establishments=[est])
    paid = executed_transfer(est, "50.00")
    receive(tmp_path, est, [paid], extra=[credit("7.50", "NOTPROVIDED", "INCONNU")], user=staff)
    return est, staff, paid


def test_daily_report_balances_and_exports(day):
    est, staff, _paid = day
    client = client_for(staff)
    page = client.get(f"/gestion/rapprochement/rapport/?etablissement=ETABA&jour={today():%Y-%m-%d}")
    html = page.content.decode()
    assert page.status_code == 200 and "Les totaux concordent" in html and "<svg" in html
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    rows = list(csv.reader(io.StringIO(client.get(
        f"/gestion/rapprochement/rapport/export.csv?etablissement=ETABA&jour={today():%Y-%m-%d}"
    ).content.decode()), delimiter=";"))
    figures = {r[0]: r[1] for r in rows if len(r) == 2}
    assert figures["Reçu (crédits du relevé)"] == "57.50" and figures["Rapproché"] == "50.00"
    assert figures["En anomalie"] == "7.50" and figures["En attente de versement"] == "50.00"
    assert figures["Soldes concordants"] == "oui"
    xlsx = client.get(f"/gestion/rapprochement/rapport/export.xlsx?etablissement=ETABA&jour={today():%Y-%m-%d}")
    book = load_workbook(io.BytesIO(xlsx.content))
    values = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert values["Rapproché"] == Decimal("50.00") or values["Rapproché"] == 50
    assert len(list(book.worksheets[1].iter_rows())) == 31


def test_pages_need_the_regie_role_and_the_establishment(day):
    est, staff, _paid = day
    greffe = StaffFactory(role="greffe", establishments=[est])
    assert client_for(greffe).get("/gestion/rapprochement/anomalies/").status_code == 403
    assert client_for(greffe).get("/gestion/rapprochement/releves/importer/").status_code == 403
    other = StaffFactory(role="regie", establishments=[establishment("ETABB", "FR7630004000000001234567942")])
    assert client_for(other).get("/gestion/rapprochement/rapport/?etablissement=ETABA").status_code == 404
    assert "INCONNU" not in client_for(other).get("/gestion/rapprochement/anomalies/").content.decode()
    anonymous = Client().get("/gestion/rapprochement/anomalies/")
    assert anonymous.status_code == 302 and "/gestion/login/" in anonymous["Location"]
    auditor = StaffFactory(role="auditeur")
    assert client_for(auditor).get("/gestion/rapprochement/anomalies/").status_code == 200
    assert client_for(auditor).post("/gestion/rapprochement/anomalies/1/classer/", {"reason": "x"}).status_code == 403


def test_job_status_is_for_its_author(tmp_path, day, settings):
    est, staff, _paid = day
    settings.RECONCILIATION_UPLOAD_DIR = str(tmp_path / "uploads")
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<Document>")
    job = jobs.create_import_job(path=str(bad), file_name="bad.xml", user=staff)
    jobs.run_import(job_id=job.pk)
    status = client_for(staff).get(f"/gestion/rapprochement/traitements/{job.pk}/etat.json").json()
    assert status["status"] == "failed" and status["finished"]
    assert any("mal formé" in m for m in status["messages"])
    other = StaffFactory(role="regie", establishments=[est])
    assert client_for(other).get(f"/gestion/rapprochement/traitements/{job.pk}/etat.json").status_code == 404


def test_inbox_folder_is_picked_up(tmp_path, settings):
    est = establishment()
    t = executed_transfer(est)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    settings.RECONCILIATION_INBOX_DIR = str(inbox)
    write(inbox, build(iban=est.regie_iban, entries=[credit("50.00", t.reference)]), "releve.xml")
    write(inbox, b"pas du xml", "casse.xml")
    assert tasks.scan_statement_inbox() == 2
    assert tasks.scan_statement_inbox() == 0
    done = list((inbox / "done").glob("*.xml"))
    failed = list((inbox / "failed").glob("*.xml"))
    assert len(done) == 1 and len(failed) == 1
    assert "mal formé" in (failed[0].parent / (failed[0].name + ".log")).read_text()
    assert BankStatement.objects.count() == 1
    t.refresh_from_db()
    assert t.status == "received"
