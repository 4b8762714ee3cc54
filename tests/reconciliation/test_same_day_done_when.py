"""Issue 17's "Done when", on the embedded default's demo data: Angela DUBOIS pays 50 € through the sandbox bank,
which offers instant transfers; the régie fetches the demo bank's notice (camt.054) in the back office and the
transfer is received from it; the next cashier cut-off makes its batch without any camt.053, the sandbox cashier
acknowledges it and the transfer is credited (Angela gets the e-mail); her history shows the three times; the
evening statement, imported afterwards, changes nothing."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from establishments.selectors import next_cashier_passage
from reconciliation.constants import EXCEPTION_OUTCOMES, MatchOutcome, StatementKind
from reconciliation.models import BankStatement, CashierBatch, CashierBatchLine, StatementEntry
from reconciliation.services.cashier import run_due_cutoffs
from sandbox.demo import demo_totp_code
from tests.transfers.test_views import demo, pay  # noqa: F401 - the demo fixture and the citizen flow
from transfers.constants import TransferStatus

S = TransferStatus
pytestmark = pytest.mark.django_db(transaction=True)


def text(response) -> str:
    return html.unescape(response.content.decode())


def french_time(moment: datetime.datetime) -> str:
    """« 9 h 12 » as a pattern (its spaces are non-breaking on the page)."""
    local = timezone.localtime(moment)
    return rf"{local.hour}\s+h\s+{local:%M}"


def regie_client() -> Client:
    regie = Client()
    assert regie.login(username="regie", password="demo-portail")
    assert regie.post("/gestion/second-facteur/", {"code": demo_totp_code()})["Location"] == "/gestion/"
    return regie


def test_same_day_done_when(demo, settings, tmp_path):  # noqa: F811 - pytest fixture
    settings.RECONCILIATION_UPLOAD_DIR = str(tmp_path / "releves")
    citizen, angela, registration = demo
    _done, transfer = pay(citizen, registration, "50")
    assert transfer.instant and transfer.status == S.EXECUTED
    cpdemo = transfer.establishment

    # The régie fetches the demo bank's notice of the instant transfers so far: received from it.
    regie = regie_client()
    fetched = regie.post("/gestion/rapprochement/releves/banque-de-demonstration/",
                         {"establishment": cpdemo.pk, "file": "notice"})
    assert "Traitement terminé" in text(regie.get(fetched["Location"]))
    notice = BankStatement.objects.get()
    assert notice.kind == StatementKind.NOTIFICATION and notice.opening_balance is None
    transfer.refresh_from_db()
    assert transfer.status == S.RECEIVED

    # The next cut-off (the beat's job at that time) makes the batch; no camt.053 was imported.
    cutoff = next_cashier_passage(cpdemo, after=transfer.received_at)
    [result] = run_due_cutoffs(now=cutoff + datetime.timedelta(seconds=30))
    assert result.created and [line.transfer_id for line in result.batch.lines.all()] == [transfer.pk]
    assert result.batch.cutoff == timezone.localtime(cutoff).time()
    assert not BankStatement.objects.filter(kind=StatementKind.STATEMENT).exists()

    # The sandbox cashier acknowledges it; the régie applies the acknowledgement: credited, Angela told.
    batch_file, ack_file = tmp_path / "lot.csv", tmp_path / "accuse.csv"
    batch_file.write_text(result.batch.content, encoding="utf-8")
    with open(ack_file, "w", encoding="utf-8") as out:
        call_command("sandbox_cashier_ack", str(batch_file), stdout=out)
    mail.outbox.clear()
    with open(ack_file, "rb") as handle:
        applied = regie.post("/gestion/rapprochement/caisse/accuse/", {"file": handle}, follow=True)
    assert "1 virement(s) versé(s)" in text(applied)
    transfer.refresh_from_db()
    assert transfer.status == S.CREDITED
    [credited_mail] = [m for m in mail.outbox if "versé sur le pécule" in m.subject]
    assert credited_mail.to == ["angela.dubois@example.fr"] and transfer.reference in credited_mail.subject

    # Angela's history: the three times, in plain words.
    history = text(citizen.get("/mon-espace/virements/historique/"))
    detail = text(citizen.get(f"/mon-espace/virements/{transfer.reference}/"))
    for label, moment in (
        ("Envoyé par votre banque", transfer.executed_at),
        ("Reçu par l'établissement", transfer.received_at),
        ("Versé sur le compte de la personne détenue", transfer.credited_at),
    ):
        step = rf"{label}\s*(<[^>]*>\s*)*à\s*(<[^>]*>\s*)*{french_time(moment)}"
        assert re.search(step, detail) and re.search(step, history), label

    # The evening statement: the same money read again, nothing changes.
    statement = tmp_path / "releve.xml"
    call_command("sandbox_statement", "CPDEMO", "--output", str(statement))
    call_command("import_statement", str(statement), stdout=open(tmp_path / "import.log", "w"))
    evening = BankStatement.objects.get(kind=StatementKind.STATEMENT)
    [again] = StatementEntry.objects.filter(statement=evening)
    assert again.outcome == MatchOutcome.ALREADY_SEEN and again.transfer_id == transfer.pk
    assert again.first_seen.statement == notice
    transfer.refresh_from_db()
    assert transfer.status == S.CREDITED
    assert transfer.history.filter(status=S.RECEIVED).count() == 1
    assert CashierBatchLine.objects.filter(transfer=transfer).count() == 1 and CashierBatch.objects.count() == 1
    assert not StatementEntry.objects.filter(outcome__in=EXCEPTION_OUTCOMES).exists()
