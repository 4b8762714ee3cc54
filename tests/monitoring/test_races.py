"""The rules under concurrency (PostgreSQL, threads with their own connections): a statement holding transfers
imported while the day's cashier batch is generated never lets a held transfer into the batch; two
reservations of one sender at the same instant count each other."""

from decimal import Decimal

import pytest
from django.utils import timezone

from monitoring.constants import RULE_DEFAULTS, RuleCode
from monitoring.models import AlertHit, Rule
from reconciliation.models import CashierBatchLine
from reconciliation.services.cashier import generate_batch
from reconciliation.services.statements import import_statement
from tests.establishments.factories import BankFactory, EstablishmentFactory
from tests.permits.factories import DetaineeFactory
from tests.reconciliation.camt_files import build, credit, write
from tests.reconciliation.helpers import payer_iban, payer_name
from tests.threads import all_at_once
from tests.transfers.factories import RegisteredPermitFactory, RelativeFactory, TransferFactory
from transfers import services
from transfers.constants import TransferStatus
from transfers.models import Transfer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
REGIE_IBAN = "FR7610071750000000100012302"


@pytest.fixture(autouse=True)
def rules():
    """The rules with their defaults: a transactional test empties every table after it, the rules seeded by
    the migrations included."""
    for code, default in RULE_DEFAULTS.items():
        Rule.objects.get_or_create(code=code, defaults={
            "threshold": default.threshold, "window_days": default.window_days,
            "margin_percent": default.margin_percent,
        })


def executed(est, count):
    return [
        TransferFactory(permit__detainee=DetaineeFactory(establishment=est), status=TransferStatus.EXECUTED,
                        executed_at=timezone.now())
        for _ in range(count)
    ]


def statement_file(tmp_path, transfers, *, msg_id, other_name=False):
    entries = [
        credit(f"{t.amount:.2f}", t.reference, debtor="SARL INCONNUE" if other_name else payer_name(t.relative),
               debtor_iban=payer_iban(t.relative))
        for t in transfers
    ]
    return write(tmp_path, build(iban=REGIE_IBAN, entries=entries, msg_id=msg_id,
                                 day=timezone.localdate().isoformat()), f"{msg_id}.xml")


def test_a_statement_holding_transfers_and_the_batch_at_once_never_batch_a_held_transfer(tmp_path):
    est = EstablishmentFactory(code="ETABR", regie_iban=REGIE_IBAN)
    clean = executed(est, 5)
    import_statement(path=statement_file(tmp_path, clean, msg_id="MSG-CLEAN"))
    suspicious = executed(est, 30)
    path = statement_file(tmp_path, suspicious, msg_id="MSG-HELD", other_name=True)
    results, errors = all_at_once([
        lambda: import_statement(path=path),
        lambda: generate_batch(establishment_id=est.pk, day=timezone.localdate()),
    ])
    assert not errors, errors
    held = set(Transfer.objects.filter(establishment=est, held=True).values_list("pk", flat=True))
    assert held == {t.pk for t in suspicious}
    batched = set(CashierBatchLine.objects.filter(batch__establishment=est).values_list("transfer_id", flat=True))
    assert batched == {t.pk for t in clean}
    assert not batched & held


def test_two_reservations_of_one_sender_at_once_count_each_other():
    est = EstablishmentFactory()
    relative = RelativeFactory()
    drafts = []
    for _ in range(2):
        registration = RegisteredPermitFactory(
            relative=relative, permit__detainee=DetaineeFactory(establishment=est),
            permit__holder_family_name=relative.family_name, permit__holder_first_names=relative.given_name,
            permit__holder_birth_date=relative.birthdate,
        )
        drafts.append(services.create_draft(relative=relative, permit=registration.permit, amount=Decimal("20")))
    bank = BankFactory()
    results, errors = all_at_once([
        lambda draft=draft: services.reserve(transfer_id=draft.pk, bank=bank) for draft in drafts
    ])
    assert not errors, errors
    mine = Transfer.objects.filter(relative=relative)
    assert set(mine.values_list("status", flat=True)) == {TransferStatus.AWAITING_AUTHORIZATION}
    # Whichever came second saw the first: exactly one is held, for two detainees.
    assert mine.filter(held=True).count() == 1
    hit = AlertHit.objects.get(alert__transfer__relative=relative)
    assert (hit.rule_code, hit.measured) == (RuleCode.PAYER_MANY_DETAINEES, 2)
    assert hit.alert.transfer.held
