"""Once only on PostgreSQL: a notice and the evening's statement carrying the same transactions, imported at the
same instant (two workers of the inbox, or an operator and the beat), still receive each transfer once: the
establishment's files are imported one after the other (its row locked), the second sees the first's entries."""

import pytest

from reconciliation.constants import EXCEPTION_OUTCOMES, MatchOutcome
from reconciliation.models import BankStatement, StatementEntry
from reconciliation.services.statements import import_statement
from transfers.constants import TransferStatus
from transfers.models import Transfer

from .camt_files import build, credit, write
from .helpers import establishment, executed_transfer, payer_iban, payer_name, today
from .test_concurrency import race

S = TransferStatus
M = MatchOutcome
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("round_", range(3))
def test_a_notice_and_the_statement_imported_at_once_receive_each_transfer_once(tmp_path, round_):
    est = establishment()
    transfers = [executed_transfer(est) for _ in range(30)]
    entries = [
        credit(f"{t.amount:.2f}", t.reference, debtor=payer_name(t.relative), debtor_iban=payer_iban(t.relative),
               ref=f"BQ-{i:04d}")
        for i, t in enumerate(transfers)
    ]
    unknown = credit("9.99", "PDPINCONNU0000000000000", ref="BQ-9999")
    day = today().isoformat()
    paths = [
        write(tmp_path, build(iban=est.regie_iban, kind="054", msg_id="AVIS", entries=[*entries, unknown], day=day),
              "avis.xml"),
        write(tmp_path, build(iban=est.regie_iban, kind="053", msg_id="RELEVE", entries=[unknown, *entries], day=day),
              "releve.xml"),
    ]
    results, errors = race(lambda i: import_statement(path=paths[i]), n=2)
    assert not errors, errors
    assert BankStatement.objects.count() == 2
    counts = sorted(tuple(sorted(r.counts.items())) for r in results)
    assert sorted(counts) == sorted([
        ((M.MATCHED, 30), (M.UNKNOWN_REFERENCE, 1)), ((M.ALREADY_SEEN, 31),),
    ]), counts
    assert Transfer.objects.filter(status=S.RECEIVED).count() == 30
    assert Transfer.history.filter(status=S.RECEIVED).count() == 30
    assert StatementEntry.objects.filter(outcome__in=EXCEPTION_OUTCOMES).count() == 1
    assert StatementEntry.objects.filter(outcome=M.ALREADY_SEEN, first_seen__isnull=False).count() == 31
