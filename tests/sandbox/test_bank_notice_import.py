"""The sandbox bank's notice imported by the reconciliation, then the evening's statement: the instant transfer is
received from the notice, the ordinary one from the statement, and the statement counts the instant one once."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from reconciliation.constants import MatchOutcome, StatementKind
from reconciliation.models import BankStatement, StatementEntry
from reconciliation.services.statements import import_statement
from sandbox.bank import services as bank
from tests.accounts.factories import StaffFactory
from tests.accounts.staff_login import login_staff
from tests.reconciliation.helpers import establishment, executed_transfer, payer_name
from transfers.constants import TransferStatus

from .test_bank_notice import _inst_body
from .test_bank_statement import _body

S = TransferStatus
M = MatchOutcome
pytestmark = pytest.mark.django_db


def paid_at_the_bank(transfer, *, instant: bool):
    """The payer confirms ``transfer`` at the sandbox bank (now), as an instant transfer or an ordinary one."""
    args = (transfer.reference, f"{transfer.amount:.2f}", transfer.establishment.regie_iban)
    debtor = payer_name(transfer.relative)
    body = _inst_body(*args, debtor=debtor) if instant else _body(*args, debtor=debtor)
    payment, _ = bank.receive_payment_request(client_id="pisp", request_id=transfer.reference, body=body)
    bank.decide(resource_id=payment.resource_id, confirm=True)


def sandbox_file(tmp_path, name: str, *options: str) -> str:
    out = io.StringIO()
    call_command("sandbox_statement", "ETABA", *options, stdout=out)
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def test_the_notice_then_the_statement_receive_each_transfer_once(tmp_path):
    est = establishment()
    fast, slow = executed_transfer(est, "40.00"), executed_transfer(est, "15.00")
    paid_at_the_bank(fast, instant=True)
    paid_at_the_bank(slow, instant=False)

    first = import_statement(path=sandbox_file(tmp_path, "avis.xml", "--notice"))
    assert first.statement.kind == StatementKind.NOTIFICATION and first.counts == {M.MATCHED: 1}
    fast.refresh_from_db()
    slow.refresh_from_db()
    assert fast.status == S.RECEIVED and slow.status == S.EXECUTED  # an ordinary SCT waits for the statement

    evening = import_statement(path=sandbox_file(tmp_path, "releve.xml"))
    assert evening.statement.kind == StatementKind.STATEMENT
    assert evening.counts == {M.ALREADY_SEEN: 1, M.MATCHED: 1}
    again = StatementEntry.objects.get(statement=evening.statement, transfer=fast)
    assert again.outcome == M.ALREADY_SEEN and again.first_seen.statement == first.statement
    slow.refresh_from_db()
    assert slow.status == S.RECEIVED
    assert fast.history.filter(status=S.RECEIVED).count() == 1


def test_the_back_office_button_imports_the_notice_so_far(settings, tmp_path):
    settings.SANDBOX_ENABLED = True
    settings.RECONCILIATION_UPLOAD_DIR = str(tmp_path)
    est = establishment()
    fast = executed_transfer(est, "40.00")
    paid_at_the_bank(fast, instant=True)
    regie = login_staff(Client(), StaffFactory(role="regie", establishments=[est]))
    response = regie.post("/gestion/rapprochement/releves/banque-de-demonstration/",
                          {"establishment": est.pk, "file": "notice"})
    page = regie.get(response["Location"]).content.decode()
    assert "Traitement terminé" in page
    notice = BankStatement.objects.get()
    assert notice.kind == StatementKind.NOTIFICATION and notice.file_name.startswith("avis-banque-demonstration-")
    fast.refresh_from_db()
    assert fast.status == S.RECEIVED
