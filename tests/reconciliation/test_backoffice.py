"""The régie's way through the back office: amounts as 1 234,50 €, the job
page titled by its state, the next step after an import, the only establishment preselected, one
"Rapprochement" section on the home and no "Root", the report's chart with its scale and its table,
and the sandbox bank's statement of the day fetched from the import page."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.test import Client

from establishments.models import Establishment
from reconciliation import jobs
from reconciliation.charts import daily_amounts_svg, nice_scale
from reconciliation.constants import JobStatus
from reconciliation.models import BankStatement, CashierBatch, ReconciliationJob
from sandbox.bank import services as bank
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from transfers.constants import TransferStatus

from .camt_files import build, credit, write
from .helpers import IBAN_A, establishment, executed_transfer, receive, today

pytestmark = pytest.mark.django_db
IBAN_B = "FR7630004000000001234567942"
EUROS = "1\u202f234,50\u00a0€"
IMPORT = "/gestion/rapprochement/releves/importer/"
SANDBOX = "/gestion/rapprochement/releves/banque-de-demonstration/"
SANDBOX_BUTTON = "Récupérer le relevé du jour de la banque de démonstration"


@pytest.fixture(autouse=True)
def uploads(tmp_path, settings):
    settings.RECONCILIATION_UPLOAD_DIR = str(tmp_path / "uploads")


def text(response) -> str:
    # Spaces squeezed, the no-break ones of the amounts (U+00A0, U+202F) kept.
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(response.content.decode()))


def staff(role: str = "regie", *establishments):
    return login_staff(Client(), StaffFactory(role=role, establishments=list(establishments)))


def title_and_heading(page: str) -> tuple[str, str]:
    return (re.search(r"<title>(.*?) \|", page).group(1), re.search(r"<h1>(.*?)</h1>", page).group(1))


# Amounts ------------------------------------------------------------------------------------------------

def test_amounts_read_as_euros_in_the_batch_message_the_report_and_the_lists(tmp_path):
    est = establishment()
    paid = executed_transfer(est, "1234.50")
    regie = staff("regie", est)
    receive(tmp_path, est, [paid], extra=[credit("1234.50", "NOTPROVIDED", "INCONNU")])

    queue = text(regie.get("/gestion/rapprochement/anomalies/"))
    assert EUROS in queue and "1234.50" not in queue and "1234,50" not in queue

    report = text(regie.get(f"/gestion/rapprochement/rapport/?etablissement=ETABA&jour={today():%Y-%m-%d}"))
    assert re.search(r'<th scope="row">Rapproché</th><td>1\u202f234,50\u00a0€</td>', report)
    assert re.search(r'<th scope="row">Reçu \(crédits du relevé\)</th><td>2\u202f469,00\u00a0€</td>', report)

    batch = regie.post("/gestion/rapprochement/caisse/", {"establishment": est.pk, "day": ""})
    assert f"1 virement(s), {EUROS}." in text(regie.get(batch["Location"]))
    assert EUROS in text(regie.get("/gestion/rapprochement/caisse/"))
    listing = text(regie.get("/gestion/reconciliation/cashierbatch/"))
    assert EUROS in listing and "1234,50" not in listing
    entry_list = text(regie.get("/gestion/reconciliation/statemententry/"))
    assert EUROS in entry_list


# The job page -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "title"), [
    (JobStatus.QUEUED, "Traitement en attente"), (JobStatus.RUNNING, "Traitement en cours"),
    (JobStatus.DONE, "Traitement terminé"), (JobStatus.FAILED, "Traitement en échec"),
])
def test_the_job_page_is_titled_by_the_jobs_state(status, title):
    est = establishment()
    regie = StaffFactory(role="regie", establishments=[est])
    job = ReconciliationJob.objects.create(kind="import", status=status, created_by=regie, file_name="r.xml")
    client = login_staff(Client(), regie)
    page = text(client.get(f"/gestion/rapprochement/traitements/{job.pk}/"))
    assert title_and_heading(page) == (title, title)
    assert client.get(f"/gestion/rapprochement/traitements/{job.pk}/etat.json").json()["title"] == title


def test_after_a_statement_import_the_next_step_is_the_batch_of_that_establishment(tmp_path):
    est = establishment()
    paid = executed_transfer(est, "50.00")
    regie = staff("regie", est)
    path = write(tmp_path, build(iban=est.regie_iban, entries=[credit("50.00", paid.reference)]), "r.xml")
    with open(path, "rb") as handle:
        upload = regie.post(IMPORT, {"file": handle})
    page = text(regie.get(upload["Location"]))
    assert title_and_heading(page) == ("Traitement terminé", "Traitement terminé")
    link = re.search(r'<a class="button" href="([^"]+)">Étape suivante : préparer le lot pour la caisse</a>', page)
    assert link and link.group(1) == "/gestion/rapprochement/caisse/?etablissement=ETABA"
    batches = text(regie.get(link.group(1)))
    assert re.search(rf'<option value="{est.pk}" selected>', batches)


def test_a_failed_import_offers_no_next_step(tmp_path):
    regie = staff("regie", establishment())
    path = write(tmp_path, b"<Document>", "bad.xml")
    with open(path, "rb") as handle:
        page = text(regie.get(regie.post(IMPORT, {"file": handle})["Location"]))
    assert title_and_heading(page)[0] == "Traitement en échec"
    assert "Étape suivante" not in page and "Importer un autre relevé" in page
    assert not BankStatement.objects.exists()


# The establishment preselected ---------------------------------------------------------------------------

def test_the_only_establishment_is_preselected_not_for_a_national_user():
    est = establishment()
    establishment("ETABB", IBAN_B)
    one = staff("regie", est)
    for url in ("/gestion/rapprochement/caisse/", IMPORT):
        page = one.get(url).content.decode()
        assert re.search(rf'<option value="{est.pk}" selected>', page), url
        assert '<option value="" selected>' not in page, url
    two = staff("regie", est, Establishment.objects.get(code="ETABB"))
    page = two.get("/gestion/rapprochement/caisse/").content.decode()
    assert '<option value="" selected>' in page and not re.search(r'<option value="\d+" selected>', page)
    # The admin's own forms too: a new detainee of the greffe's only establishment; none for a national user.
    detainee_form = staff("greffe", est).get("/gestion/permits/detainee/add/").content.decode()
    assert re.search(rf'<option value="{est.pk}" selected>', detainee_form)
    national_form = staff("national").get("/gestion/permits/detainee/add/").content.decode()
    assert 'name="establishment"' in national_form
    assert not re.search(r'<option value="\d+" selected>', national_form)


def test_an_establishment_of_someone_else_named_in_the_address_is_not_preselected():
    est = establishment()
    other = establishment("ETABB", IBAN_B)
    page = staff("regie", est).get("/gestion/rapprochement/caisse/?etablissement=ETABB").content.decode()
    assert f'value="{other.pk}"' not in page and re.search(rf'<option value="{est.pk}" selected>', page)


# The home page -------------------------------------------------------------------------------------------

def test_the_home_has_one_rapprochement_section_with_the_lists_of_its_rows():
    page = staff("regie", establishment()).get("/gestion/").content.decode()
    captions = re.findall(r"<caption>(.*?)</caption>", page, re.S)
    assert len([c for c in captions if "Rapprochement" in c]) == 1, captions
    section = page.split('id="reconciliation-module"', 1)[1].split("</table>", 1)[0]
    assert "/gestion/rapprochement/caisse/" in section and "/gestion/reconciliation/bankstatement/" in section
    assert "/gestion/reconciliation/bankstatement/" not in page.split("</table>", 1)[1].split("Actions récentes")[0]


def test_wagtails_root_is_named_in_french():
    from wagtail.models import Collection, Page

    assert Page.get_first_root_node().title == "Racine"
    assert Collection.get_first_root_node().name == "Racine"


# The report's chart --------------------------------------------------------------------------------------

def test_the_scale_is_round_and_covers_the_highest_value():
    assert nice_scale(Decimal("1234.50")) == (Decimal(500), Decimal(1500))
    assert nice_scale(Decimal("50")) == (Decimal(10), Decimal(50))
    assert nice_scale(Decimal("0")) == (Decimal(10), Decimal(50))


def test_the_chart_has_axes_a_scale_no_hidden_point_and_a_name_for_screen_readers():
    import datetime

    day = datetime.date(2026, 11, 29)
    series = [{"day": day - datetime.timedelta(days=29 - i), "received": Decimal(0), "credited": Decimal(0),
               "refunded": Decimal(0)} for i in range(30)]
    series[-1].update(received=Decimal("1234.50"), credited=Decimal("1500.00"))  # the point on the top line
    svg = str(daily_amounts_svg(series))
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in svg
    assert re.search(r'<title id="chart-title">Montants reçus et versés par jour, du 31/10/2026 au 29/11/2026</title>',
                     svg)
    assert "Total reçu : 1\u202f234,50\u00a0€ ; total versé : 1\u202f500,00\u00a0€" in svg
    ticks = re.findall(r'class="chart-tick">([^<]+)</text>', svg)
    assert ticks == ["0\u00a0€", "500\u00a0€", "1\u202f000\u00a0€", "1\u202f500\u00a0€"]
    assert re.findall(r'class="chart-axis-title">([^<]+)</text>', svg) == ["Jour", "Montant en euros"]
    assert len(re.findall(r'class="chart-axis"', svg)) == 2
    assert re.findall(r'class="chart-day">([^<]+)</text>', svg)[:2] == ["31/10", "05/11"]
    width, height = (int(v) for v in re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    for cx, cy, r in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"', svg):
        assert float(r) <= float(cx) <= width - float(r) and float(r) <= float(cy) <= height - float(r)
    assert "<script" not in svg


def test_the_report_shows_a_table_with_the_figures_of_the_chart(tmp_path):
    est = establishment()
    paid = executed_transfer(est, "1234.50")
    receive(tmp_path, est, [paid])
    page = text(staff("regie", est).get("/gestion/rapprochement/rapport/"))
    table = page.split('<table id="report-days">', 1)[1].split("</table>", 1)[0]
    assert "<caption>Montants par jour sur les 30 derniers jours</caption>" in table
    rows = re.findall(r'<tr><th scope="row">([\d/]+)</th><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>', table)
    assert len(rows) == 30 and rows[-1] == (f"{today():%d/%m/%Y}", EUROS, "0,00\u00a0€", "0,00\u00a0€")
    svg = page.split('class="report-chart"', 1)[1].split("</svg>", 1)[0]
    assert f"{today():%d/%m} : reçu {EUROS}, versé 0,00\u00a0€" in svg


# The sandbox bank's statement of the day -----------------------------------------------------------------

def sandbox_payment(e2e: str, amount: str, iban: str) -> None:
    body = {
        "paymentInformationId": e2e, "creationDateTime": "2026-06-10T10:00:00+02:00", "numberOfTransactions": 1,
        "paymentTypeInformation": {"serviceLevel": "SEPA"}, "debtor": {"name": "Angela Claire Louise DUBOIS"},
        "beneficiary": {"creditor": {"name": "REGIE"}, "creditorAccount": {"iban": iban},
                        "creditorAgent": {"bicFi": "TRPUFRP1"}},
        "creditTransferTransaction": [{
            "paymentId": {"instructionId": e2e, "endToEndId": e2e},
            "instructedAmount": {"currency": "EUR", "amount": amount},
            "remittanceInformation": {"unstructured": [f"PECULE REF {e2e}"]},
        }],
        "supplementaryData": {"acceptedAuthenticationApproach": ["REDIRECT"],
                              "successfulReportUrl": "https://p.example/ok",
                              "unsuccessfulReportUrl": "https://p.example/ko"},
    }
    payment, _ = bank.receive_payment_request(client_id="pisp", request_id=e2e, body=body)
    bank.decide(resource_id=payment.resource_id, confirm=True)


def test_the_sandbox_button_imports_the_statement_of_the_day(settings):
    settings.SANDBOX_ENABLED = True
    est = establishment()
    paid = executed_transfer(est, "50.00")
    sandbox_payment(paid.reference, "50.00", IBAN_A)
    regie = staff("regie", est)
    form = text(regie.get(IMPORT))
    assert SANDBOX_BUTTON in form and f'action="{SANDBOX}"' in form and "csrfmiddlewaretoken" in form
    assert regie.get(SANDBOX).status_code == 405  # a POST only
    response = regie.post(SANDBOX, {"establishment": est.pk})
    page = text(regie.get(response["Location"]))
    assert "Traitement terminé" in page and "Rapproché : 1" in page and "Étape suivante" in page
    statement = BankStatement.objects.get()
    assert statement.establishment == est and statement.file_name.startswith("releve-banque-demonstration-ETABA-")
    paid.refresh_from_db()
    assert paid.status == TransferStatus.RECEIVED


def test_the_sandbox_statement_is_for_the_users_establishments_only(settings):
    settings.SANDBOX_ENABLED = True
    mine, theirs = establishment(), establishment("ETABB", IBAN_B)
    regie = staff("regie", mine)
    response = regie.post(SANDBOX, {"establishment": theirs.pk}, follow=True)
    assert "Choisissez un de vos établissements : rien n'a été importé." in text(response)
    assert not BankStatement.objects.exists() and not ReconciliationJob.objects.exists()
    assert staff("greffe", mine).post(SANDBOX, {"establishment": mine.pk}).status_code == 403
    assert staff("national").post(SANDBOX, {"establishment": mine.pk}).status_code == 403
    assert not BankStatement.objects.exists()


def test_without_the_sandbox_there_is_no_button_and_no_fetch(settings):
    settings.SANDBOX_ENABLED = False
    est = establishment()
    regie = staff("regie", est)
    assert SANDBOX_BUTTON not in text(regie.get(IMPORT))
    assert regie.post(SANDBOX, {"establishment": est.pk}).status_code == 404
    assert not BankStatement.objects.exists() and not CashierBatch.objects.exists()
    assert jobs.ReconciliationJob.objects.count() == 0


def test_read_only_pages_of_statements_entries_and_batches_open_with_their_amounts_in_euros(tmp_path):
    """The reconciliation admins write their own read-only fields: their money fields still show as euros."""
    est = establishment()
    transfer = executed_transfer(est, amount="1234.50")
    receive(tmp_path, est, [transfer])
    client = staff("regie", est)
    statement = BankStatement.objects.get()
    entry = statement.entries.get()
    for url in (f"/gestion/reconciliation/bankstatement/{statement.pk}/change/",
                f"/gestion/reconciliation/statemententry/{entry.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert EUROS in text(response), url
    response = client.get("/gestion/reconciliation/bankstatement/")
    assert response.status_code == 200
